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
# secure requests (tests/test_security.py).
SECURE_SSL_REDIRECT = False
# Each test sees its own data at once: the page cache is switched on only by the tests of it.
PAGE_CACHE = False
