"""The application's settings with a URLconf that adds a bare hello view (benchmarks only)."""

from aeict.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.hello_urls"
