"""Settings for the test suite: the real settings, with a throw-away key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-never-used-outside-the-test-suite")

from spro_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; tests and the live server serve files from the finders.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
