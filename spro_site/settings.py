"""Settings of the Annuaire SPRO, read from environment variables (see README).

The defaults are the embedded set-up: SQLite in the project root, nothing else to install.
Production sets DATABASE_URL (PostgreSQL), SECRET_KEY, ALLOWED_HOSTS and DEBUG=false.
"""

import ipaddress
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from spro_site import csp
from spro_site.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false (see README, « Configuration »).")
    # Development only: a throw-away key, never written anywhere.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default="127.0.0.1,localhost")

# Addresses (or networks, « 10.0.0.0/8 ») of the reverse proxies in front of the app servers. Only
# a request that comes from one of them has its X-Forwarded-For header read to find the person's
# address (rate limits, login lockout: spro_site/client.py); by default the header is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    for _proxy in TRUSTED_PROXIES:
        ipaddress.ip_network(_proxy, strict=False)
except ValueError:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXIES: « {_proxy} » n'est ni une adresse IP ni un réseau (10.0.0.0/8)."
    ) from None

# Where the back office lives (« admin/ » unless told otherwise): a path of its own makes it
# harder to find for robots trying passwords; it is never listed in robots.txt or the sitemap.
ADMIN_URL = env_str("ADMIN_URL", default="admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured("ADMIN_URL must not be empty: the public site lives at the root.")

INSTALLED_APPS = [
    "spro_site.apps.SproAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Django's form widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_filters",
    "leaflet",
    "simple_history",
    "import_export",
    "spro_site.apps.AxesConfig",
    "corsheaders",
    "django_permissions_policy",
    "structures",
    "annuaire",
]

MIDDLEWARE = [
    # First, so that it compresses what every other middleware has written (pages, API, exports).
    # Django adds random bytes to each compressed answer against the BREACH attack.
    "django.middleware.gzip.GZipMiddleware",
    # A database outage answers 503 « réessayez dans un instant » (JSON under /api/), at once.
    "spro_site.middleware.DatabaseUnavailableMiddleware",
    # Methods the site does not use (TRACE, PUT, DELETE…) are refused everywhere with 405.
    "spro_site.middleware.AllowedMethodsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Open data may be read from any site's JavaScript (GET only, no credentials): see CORS_* below.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history of structures, points and hours.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Brute-force protection of the admin login; must stay last.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin login: locked for an hour after 5 failed attempts on the same account from the same address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The person's address, not the reverse proxy's: an attacker elsewhere cannot lock a staff member
# out, since each (account, address) pair has its own counter.
AXES_CLIENT_IP_CALLABLE = "spro_site.client.client_ip"
# The lockout page, in the admin's layout (structures/admin_accounts.lockout_page).
AXES_LOCKOUT_CALLABLE = "structures.admin_accounts.lockout_page"
# The lockouts are listed, in French, by structures/admin_accounts.py.
AXES_ENABLE_ADMIN = False
AXES_RESET_ON_SUCCESS = True

# Import and export in the admin (structures/imports/) are permissions of their own
# (« import_structure », « export_structure »…), given to each role by structures/roles.py. Files
# are kept between the dry run and its confirmation in the temporary folder; exported cells that
# start like a spreadsheet formula are neutralised by structures/imports/.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = "structures.imports.limits.ImportFileStorage"
# Limits of an imported file (structures/imports/limits.py): size, rows, columns, duration of the
# import; the file kept between the dry run and its confirmation is deleted after an hour at most.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", default=5_000_000)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", default=100)
IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", default=120)
IMPORT_FILE_MAX_AGE_SECONDS = 3600
IMPORT_TEMP_DIR = env_str("IMPORT_TEMP_DIR")

ROOT_URLCONF = "spro_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "annuaire.context_processors.site",
            ],
        },
    },
]
# Form widgets render with the project's templates too (the back office's week of hours).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "spro_site.wsgi.application"

# Persistent connections, checked before each request reuses them: after a database restart,
# the next request reconnects instead of failing.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", default=600),
        conn_health_checks=True,
    )
}
# While PostgreSQL restarts, a request waits a little for it (spro_site/db/postgresql) rather than
# failing; a server that stays down is then skipped for DATABASE_BREAKER_SECONDS, during which
# requests get « réessayez dans un instant » at once (spro_site/middleware.py).
DATABASE_CONNECT_RETRY_SECONDS = env_int("DATABASE_CONNECT_RETRY_SECONDS", default=2)
DATABASE_BREAKER_SECONDS = env_int("DATABASE_BREAKER_SECONDS", default=1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "spro_site.db.postgresql"
    # A server that accepts no connection (hung, unreachable) is given up after two seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One connection per request is enough for SQLite, and it cannot be shared between threads.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Write-ahead log: a long read (an export, in one snapshot) never blocks a write, nor a write a
    # read; a write waits up to 20 s for another one (docs/adr/0017).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("STATIC_NO_MANIFEST", default=False)
            else "spro_site.staticfiles.MinifiedStaticFilesStorage"
        )
    },
}
# Serve files straight from the apps' static folders when collectstatic has not run (development).
WHITENOISE_USE_FINDERS = DEBUG

# Map tiles are configuration: with no URL, maps show the points on a plain background
# and the site makes no request to any third-party host. (Leaflet itself comes from
# django-leaflet's static files; its template tags and LEAFLET_CONFIG are not used.)
MAP_TILES_URL = env_str("MAP_TILES_URL")
MAP_TILES_ATTRIBUTION = env_str("MAP_TILES_ATTRIBUTION")
# The whole region, where every map starts when it has nothing else to show: given to the
# scripts by data attributes (data-region-*), never written in them.
MAP_REGION_VIEW = {"latitude": 45.5, "longitude": 4.6, "zoom": 7}
# The national address service (Base Adresse Nationale) for placing a point from its address in the
# back office: its search address, e.g. https://data.geopf.fr/geocodage/search (structures/addresses.py).
# Empty by default: no request leaves the site, points are placed on the map.
ADDRESS_API_URL = env_str("ADDRESS_API_URL")

# The legal notice (« mentions légales ») and the accessibility statement name the installation's
# people and ways of contact. Empty: the pages say that the installation is a demonstration.
# Who hosts the site (a sentence).
HOSTING_NOTICE = env_str(
    "HOSTING_NOTICE",
    default="Installation de démonstration : l'hébergeur sera indiqué ici lors de la mise en service.",
)
# The person responsible for what is published (« directeur ou directrice de la publication »).
PUBLICATION_DIRECTOR = env_str("PUBLICATION_DIRECTOR")
# An e-mail address at which the team keeping the directory answers about accessibility.
ACCESSIBILITY_CONTACT_EMAIL = env_str("ACCESSIBILITY_CONTACT_EMAIL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="WARNING")},
}

# Public address of the site, for links written outside a request (files exported by a command,
# e-mails of error reports).
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000")

# --- E-mail (error reports to the staff: structures/notifications.py) ---------------------------
# In development without EMAIL_HOST, the e-mails are written to the console; in production they go to
# EMAIL_HOST, or else to the server's own mail service (localhost:25).
mail_host = env_str("EMAIL_HOST", default="")
MAILERS = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if DEBUG and not mail_host
    else {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": mail_host or "localhost",
            "port": env_int("EMAIL_PORT", default=587 if mail_host else 25),
            "username": env_str("EMAIL_HOST_USER", default=""),
            "password": env_str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=bool(mail_host)),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="Annuaire SPRO <ne-pas-repondre@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Open data API (/api/v1/) ---------------------------------------------------------------
# Any origin may read the API from a browser; nothing else is allowed, and no cookie is involved.
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400

# Requests per client IP address (documented on /donnees/). Exports of the whole directory are
# heavier than a page of results, hence their own, lower limit. The client's address is read by
# spro_site.client (see TRUSTED_PROXIES).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", default="120/m")
API_EXPORT_RATE_LIMIT = env_str("API_EXPORT_RATE_LIMIT", default="30/m")
# How long a client or a shared cache may reuse an answer without asking again (seconds).
API_MAX_AGE = 300

# --- Cache -----------------------------------------------------------------------------------
# Redis when REDIS_URL is set (shared by every app server: pages, API answers, rate limits);
# otherwise each process keeps its own in memory, which is enough for one server.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "spro_site.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", default="spro"),
            # A healthy Redis answers in a millisecond: a hung one costs a quarter of a second once,
            # then the breaker of spro_site/cache.py skips it (CACHE_BREAKER_SECONDS).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "spro"}}
# This machine's own cache, shared by its app server processes (files in a folder of their own):
# where pages are kept while Redis is unavailable (spro_site/cache.py).
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": env_str("LOCAL_CACHE_DIR") or str(Path(tempfile.gettempdir()) / "spro-cache"),
    "TIMEOUT": 300,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
# Full exports written once per version of the data, on this machine (annuaire/exports.py).
EXPORT_DIR = env_str("EXPORT_DIR") or str(Path(tempfile.gettempdir()) / "spro-exports")
CACHE_BREAKER_SECONDS = env_int("CACHE_BREAKER_SECONDS", default=10)
# Public pages and API answers kept in that cache for the current minute (annuaire/caching.py).
PAGE_CACHE = env_bool("PAGE_CACHE", default=True)

# --- Security --------------------------------------------------------------------------------
# Production (DEBUG false) is secure by default: HTTPS only, HSTS, secure cookies. Behind a
# reverse proxy that ends TLS, set SECURE_PROXY_SSL_HEADER=true so that Django trusts its
# X-Forwarded-Proto header (and make sure the proxy always sets it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = csp.policy(MAP_TILES_URL)
# Geolocation (« autour de moi ») for the site itself; every other powerful feature refused.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "fullscreen": [],
    "browsing-topics": [],
}
# Cookies exist in the back office only (public pages set none): secure, HttpOnly, SameSite.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# A back-office session lasts a working day.
SESSION_COOKIE_AGE = 8 * 3600
