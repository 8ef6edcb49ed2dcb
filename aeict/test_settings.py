"""Settings for the test suite: the real settings, with a test key and a fast password hasher."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("TASKS_BACKEND", "immediate")

from aeict.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client speaks plain HTTP; tests that need HTTPS ask for it with secure=True.
SECURE_SSL_REDIRECT = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aeict-test-media-"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: the browser tests' live server then gives
    # each thread its own connection, as in production, so that concurrent saves are real.
    DATABASES["default"]["TEST"] = {"NAME": str(MEDIA_ROOT.parent / f"{MEDIA_ROOT.name}.sqlite3")}  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Commits need not wait for the disk in a test database dropped at the end (a crash of the
    # server could lose the last ones, never corrupt the rest): 0.2 instead of 0.8 ms a commit on
    # the CI machine, and the browser tests and transactional tests commit at every query.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c synchronous_commit=off")  # noqa: F405
