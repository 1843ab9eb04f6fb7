"""Attempt counters for actions that may fail (so the database holds no row to count), kept in the cache.

The cache is a database table shared by every web process (see settings.CACHES).
"""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(action: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one attempt in the current fixed window; return False if this one is over ``limit``."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{action}:{key}:{window}"
    cache.add(cache_key, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds * 2)
        count = 1
    return count <= limit
