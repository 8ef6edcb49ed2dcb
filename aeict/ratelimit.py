"""A small fixed-window rate limiter on Django's cache (shared by processes if the cache is)."""

import hashlib
import time

from django.core.cache import cache


def allow(scope: str, key: str, *, limit: int, period: int) -> bool:
    """Count one hit of ``key`` in the current ``period``-second window; False past ``limit``."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    window = int(time.time() // period)
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the entry expired between add() and incr()
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def seconds_left(*, period: int) -> int:
    """Seconds until the current ``period``-second window ends and its counts start again."""
    return period - int(time.time()) % period
