"""The one place MAM makes Redis clients and names its keys.

A client per purpose, shared by the whole process (redis-py pools are thread-safe and reset
themselves after a fork), each with the timeouts its callers can afford; an async client per
event loop for the consumers; every key under Config.REDIS_PREFIX (Celery's queues aside).
"""

from __future__ import annotations

import asyncio
import weakref
from enum import Enum
from functools import cache

import redis
import redis.asyncio as aioredis

from mam.config import Config


class Purpose(Enum):
    """What a client is for; the value is its socket (and connect) timeout in seconds."""

    # Publishing and replaying progress events, worker heartbeats: a dead Redis must not
    # stall processing for long, but a busy one gets time to answer.
    EVENTS = 2.0
    HEARTBEAT = 2.0
    # Health checks and /metrics must answer in well under a second even when Redis is gone;
    # recording a counter must never slow the request that records it.
    PROBE = 0.3
    METRICS = 0.3


@cache
def _client(purpose: Purpose, url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_timeout=purpose.value,
        socket_connect_timeout=purpose.value,
        health_check_interval=30,
    )


def redis_client(purpose: Purpose) -> redis.Redis:
    """The process's client for this purpose (keyed by the URL too: tests point it elsewhere)."""
    return _client(purpose, Config.REDIS_URL)


_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = (
    weakref.WeakKeyDictionary()
)


def async_redis() -> aioredis.Redis:
    """The async client of the running event loop (clients can't cross loops)."""
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        # A blocking pool: a burst of connects waits for a free connection instead of failing.
        pool = aioredis.BlockingConnectionPool.from_url(
            Config.REDIS_URL,
            max_connections=50,
            timeout=Purpose.EVENTS.value,
            socket_timeout=Purpose.EVENTS.value,
            socket_connect_timeout=Purpose.EVENTS.value,
        )
        client = _async_clients[loop] = aioredis.Redis(connection_pool=pool)
    return client


def redis_key(*parts: str) -> str:
    """A key of MAM's: `<prefix>:<part>:<part>`, the prefix read when called."""
    return ":".join((Config.REDIS_PREFIX, *parts))
