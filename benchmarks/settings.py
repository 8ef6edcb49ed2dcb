"""The application's settings with a URLconf that adds a bare hello view (benchmarks only)."""

from aeict.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.hello_urls"

# Served over plain HTTP on loopback: no redirect to HTTPS, cookies sent without TLS.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
