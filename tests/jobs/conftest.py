"""Fixtures for the worker-side tests."""

from __future__ import annotations

import contextlib

import pytest
import redis

from mam.redis_clients import Purpose, redis_client, redis_key


@pytest.fixture(autouse=True)
def no_leftover_markers_or_leases() -> None:
    """Queued markers and leases are keyed by asset id, and ids repeat across tests."""
    client = redis_client(Purpose.EVENTS)
    with contextlib.suppress(redis.RedisError):
        for key in client.scan_iter(match=redis_key("jobs", "*"), count=500):
            client.delete(key)
