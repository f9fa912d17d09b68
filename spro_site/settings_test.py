"""Settings for the test suite: the real settings, with a throw-away key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-never-used-outside-the-test-suite")
# Tests run with the production settings whatever the shell says (`make` exports DEBUG=true for
# the development server): security headers and cookies are those of production.
os.environ["DEBUG"] = "false"

from spro_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; tests and the live server serve files from the finders.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The generated-request tests send thousands of requests from one address; one test lowers it.
API_RATE_LIMIT = API_EXPORT_RATE_LIMIT = "100000/m"
# The test client and the live server speak plain HTTP; the HTTPS headers are tested with
# secure requests (tests/spro_site/test_security.py).
SECURE_SSL_REDIRECT = False
# The page cache is on, as in production, in each test process's own memory: never the Redis
# named by REDIS_URL (tests empty their cache; the Redis tests use their own database, 15).
PAGE_CACHE = True
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "spro-tests"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "spro-tests-local"},
}

# On SQLite the test database is a file, as in production (not Django's shared in-memory database,
# whose table locks and missing snapshots a write-ahead-logged file does not have).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"spro-test-{os.getpid()}.sqlite3")}  # noqa: F405

# A template of the project that prints an undefined variable fails the test (tests/undefined_variables.py).
from tests.undefined_variables import UndefinedVariable  # noqa: E402

TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = UndefinedVariable()  # noqa: F405
