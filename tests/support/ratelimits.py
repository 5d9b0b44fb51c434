"""Rate-limit counts live in Redis (mam.throttling); tests start them from zero."""

from __future__ import annotations

import redis
from django.conf import settings

from mam.config import Config


def reset_rate_limits() -> None:
    """Deletes this run's rate-limit counters (only those: the database is shared)."""
    client = redis.Redis.from_url(Config.REDIS_URL)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(match=f"{prefix}:*throttle_*", count=500):
        client.delete(key)
