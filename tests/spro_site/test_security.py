"""Production settings: Django's deployment checklist, security headers, cookies, admin path, static files."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from spro_site.csp import policy, tile_source
from tests.structures.factories import ReceptionPointFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mot-de-passe-de-test-1234"


def production_env(**extra):
    """The environment of a production server: nothing from the test run's own environment (its
    settings module, DEBUG, the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE…) but the path."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    env.update(
        DJANGO_SETTINGS_MODULE="spro_site.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="annuaire.example.fr",
        **extra,
    )
    return env


def run_python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(**env), capture_output=True, text=True, timeout=120
    )


def test_the_deployment_checklist_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_the_admin_path_is_configuration():
    code = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"
    moved = run_python(code, ADMIN_URL="/gestion-interne/")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip() == "/gestion-interne/"
    assert run_python(code).stdout.strip() == "/admin/"
    refused = run_python(code, ADMIN_URL="/")
    assert refused.returncode != 0
    assert "ADMIN_URL must not be empty" in refused.stderr


def test_plain_http_is_sent_to_https_in_production(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get("/le-spro/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/le-spro/"


@pytest.fixture
def point():
    return ReceptionPointFactory(name="Mission Locale de Vienne", commune_insee="38544")


def staff_login(client):
    User.objects.create_superuser("responsable", password=PASSWORD)
    login_url = reverse("admin:login")
    client.get(login_url, secure=True)
    return client.post(login_url, {"username": "responsable", "password": PASSWORD}, secure=True)


def assert_security_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    directives = dict(item.strip().split(" ", 1) for item in response["Content-Security-Policy"].split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    permissions = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    assert permissions["geolocation"] == "(self)"
    assert permissions["camera"] == permissions["microphone"] == permissions["payment"] == "()"


@pytest.mark.parametrize(
    "url",
    [
        lambda p: "/",
        lambda p: f"/lieux/{p.slug}/",
        lambda p: "/api/v1/lieux?q=Vienne",
        lambda p: f"/api/v1/lieux/{p.slug}",
        lambda p: "/api/v1/lieux.geojson",
        lambda p: "/lieux/inconnu/",
        lambda p: "/api/v1/inconnu",
    ],
)
def test_every_header_on_public_pages_and_the_api(client, point, url):
    response = client.get(url(point), secure=True)
    assert response.status_code in (200, 404)
    assert_security_headers(response)


def test_every_header_and_cookie_flags_on_the_admin_login(client):
    response = client.get(reverse("admin:login"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")
    logged_in = staff_login(client)
    assert logged_in.status_code == 302
    session = logged_in.cookies[settings.SESSION_COOKIE_NAME]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
    assert session["max-age"] == 8 * 3600
    assert_security_headers(client.get(reverse("admin:index"), secure=True))


def test_the_admin_pages_are_not_indexed_nor_named_in_robots_txt(client):
    assert 'name="robots" content="NONE,NOARCHIVE"' in client.get(reverse("admin:login")).content.decode()
    assert settings.ADMIN_URL not in client.get("/robots.txt").content.decode()


def public_urls(point):
    return [
        "/",
        "/recherche/?q=Vienne",
        "/recherche/?q=zzzzzz",
        "/quelle-structure/",
        "/quelle-structure/?situation=salarie",
        "/le-spro/",
        "/reseaux/",
        "/accessibilite/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/mise-a-jour-des-donnees/",
        "/donnees/",
        f"/lieux/{point.slug}/",
        f"/lieux/{point.slug}/signaler/",
        f"/lieux/{point.slug}/signaler/merci/",
        f"/structures/{point.structure.slug}/",
        f"/reseaux/{point.structure.network.slug}/",
        "/carte/lieux.geojson?q=Vienne",
        "/sitemap.xml",
        "/robots.txt",
        "/lieux/inconnu/",
        "/api/v1/lieux?q=Vienne",
        "/api/v1/lieux.csv",
        "/api/v1/communes?q=vien",
        "/api/v1/openapi.json",
    ]


def test_no_cookie_on_any_public_page_even_after_a_staff_login_elsewhere(point):
    anonymous = Client()
    for url in public_urls(point):
        response = anonymous.get(url, secure=True)
        assert response.status_code in (200, 400, 404), url
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url
    report = anonymous.post(f"/lieux/{point.slug}/signaler/", {"message": "x"}, secure=True)
    assert report.status_code == 400
    assert not report.cookies
    assert not anonymous.cookies


def test_the_tile_server_is_allowed_only_when_configured():
    assert "https://*.tile.openstreetmap.org" in policy("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")["img-src"]
    assert tile_source("https://data.geopf.fr/wmts?layer=PLAN&x={x}") == "https://data.geopf.fr"
    assert tile_source("http://tuiles.example.fr:8080/{z}/{x}/{y}.png") == "http://tuiles.example.fr:8080"
    assert policy("")["img-src"] == ["'self'", "data:"]
    for wrong in ["tuiles.example.fr/{z}/{x}/{y}.png", "ftp://tuiles.example.fr/", "https://tile-{s}.{d}.fr/"]:
        with pytest.raises(ImproperlyConfigured):
            tile_source(wrong)
    configured = run_python(
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.SECURE_CSP['img-src']))",
        MAP_TILES_URL="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
    )
    assert json.loads(configured.stdout) == ["'self'", "data:", "https://*.tile.openstreetmap.org"]


def test_static_files_have_hashed_names_compressed_copies_and_long_cache_headers(tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", "--noinput", verbosity=0)
        html = Client().get("/le-spro/").content.decode()
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
        assert (tmp_path / stylesheet.removeprefix("/static/")).with_suffix(".css.gz").exists()
        response = Client().get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")
        response.close()
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        unhashed = Client().get("/static/css/site.css")
        unhashed.close()
        assert unhashed.status_code == 200
        assert "immutable" not in unhashed.get("Cache-Control", "")
