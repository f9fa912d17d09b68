"""The production set-up: cache backend chosen by REDIS_URL, gunicorn settings."""

import runpy
from pathlib import Path

from tests.spro_site.test_security import run_python

ROOT = Path(__file__).resolve().parents[2]
CACHE_BACKEND = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"


def test_redis_is_the_shared_cache_when_redis_url_is_set():
    shared = run_python(CACHE_BACKEND, REDIS_URL="redis://cache.interne:6379/2")
    assert shared.returncode == 0, shared.stderr
    assert "'BACKEND': 'spro_site.cache.RedisCache'" in shared.stdout
    assert "'LOCATION': 'redis://cache.interne:6379/2'" in shared.stdout
    local = run_python(CACHE_BACKEND, REDIS_URL="")
    assert "'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'" in local.stdout


def test_gunicorn_settings(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 9
    assert config["timeout"] >= 120
    assert config["accesslog"] == "-"
    # No client address, user agent or referrer in the access log.
    for field in ("%(h)s", "%(a)s", "%(f)s", "%({x-forwarded-for}i)s"):
        assert field not in config["access_log_format"]
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    quiet = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (quiet["accesslog"], quiet["workers"]) == (None, 3)
