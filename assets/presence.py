"""Open /ws connections across every server process, counted in Redis for health and metrics."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import weakref

import redis
import redis.asyncio as aioredis

from mam.config import Config

# Each server process owns one field: HINCRBY keeps its count exact whatever the order of
# concurrent connects and disconnects, and the "seen" score lets a crashed process age out.
CONNECTIONS_KEY = f"{Config.REDIS_PREFIX}:ws:connections"
SEEN_KEY = f"{Config.REDIS_PREFIX}:ws:seen"
# Open connections ping every 25 s (or are closed when idle), so a live process refreshes its
# score at least that often; this much silence means the process is gone.
TOUCH_EVERY_SECONDS = 10.0

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = (
    weakref.WeakKeyDictionary()
)
_last_touch = 0.0


def process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def process_ttl_seconds() -> float:
    return 2 * max(Config.WS_IDLE_TIMEOUT, 25) + 3 * TOUCH_EVERY_SECONDS


def async_redis() -> aioredis.Redis:
    """The async Redis client of the running event loop (clients can't cross loops)."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        # A blocking pool: a burst of connects waits for a free connection instead of failing.
        pool = aioredis.BlockingConnectionPool.from_url(
            Config.REDIS_URL,
            max_connections=50,
            timeout=2,
            socket_timeout=2,
            socket_connect_timeout=2,
        )
        client = aioredis.Redis(connection_pool=pool)
        _clients[loop] = client
    return client


async def _change(delta: int) -> None:
    global _last_touch
    now = time.time()
    me = process_id()
    async with async_redis().pipeline(transaction=False) as pipe:
        if delta:
            pipe.hincrby(CONNECTIONS_KEY, me, delta)
        pipe.zadd(SEEN_KEY, {me: now})
        await pipe.execute()
    _last_touch = now


async def connection_opened() -> None:
    await _change(1)


async def connection_closed() -> None:
    await _change(-1)


async def touch() -> None:
    """Marks this process alive; cheap to call on every heartbeat (at most one write per 10 s)."""
    if time.time() - _last_touch >= TOUCH_EVERY_SECONDS:
        await _change(0)


def open_connections(client: redis.Redis) -> dict[str, int]:
    """Open connections per live server process (sync: for health views and metrics)."""
    cutoff = time.time() - process_ttl_seconds()
    with client.pipeline(transaction=False) as pipe:
        pipe.zrangebyscore(SEEN_KEY, cutoff, "+inf")
        pipe.hgetall(CONNECTIONS_KEY)
        alive, counts = pipe.execute()
    alive_names = {name.decode() for name in alive}
    return {
        name.decode(): max(0, int(count))
        for name, count in counts.items()
        if name.decode() in alive_names
    }


def forget_dead_processes(client: redis.Redis) -> None:
    """Drops the counts of processes that stopped refreshing (killed without disconnecting)."""
    cutoff = time.time() - process_ttl_seconds()
    dead = client.zrangebyscore(SEEN_KEY, "-inf", f"({cutoff}")
    if dead:
        with client.pipeline(transaction=False) as pipe:
            pipe.hdel(CONNECTIONS_KEY, *dead)
            pipe.zrem(SEEN_KEY, *dead)
            pipe.execute()
