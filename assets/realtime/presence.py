"""Open /ws connections across every server process, counted in Redis for health and metrics."""

from __future__ import annotations

import os
import socket
import time

import redis

from assets.realtime.protocol import HEARTBEAT_INTERVAL
from mam.config import Config
from mam.redis_clients import async_redis, redis_key

# Open connections ping every HEARTBEAT_INTERVAL (or are closed when idle), so a live process
# refreshes its score at least that often; this much silence means the process is gone.
TOUCH_EVERY_SECONDS = 10.0

_last_touch = 0.0


def connections_key() -> str:
    """Each server process owns one field: HINCRBY keeps its count exact whatever the order
    of concurrent connects and disconnects."""
    return redis_key("ws", "connections")


def seen_key() -> str:
    """When each process last showed it is alive, so a crashed process ages out."""
    return redis_key("ws", "seen")


def process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def process_ttl_seconds() -> float:
    return 2 * max(Config.WS_IDLE_TIMEOUT, HEARTBEAT_INTERVAL) + 3 * TOUCH_EVERY_SECONDS


async def _change(delta: int) -> None:
    global _last_touch
    now = time.time()
    me = process_id()
    async with async_redis().pipeline(transaction=False) as pipe:
        if delta:
            pipe.hincrby(connections_key(), me, delta)
        pipe.zadd(seen_key(), {me: now})
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
        pipe.zrangebyscore(seen_key(), cutoff, "+inf")
        pipe.hgetall(connections_key())
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
    dead = client.zrangebyscore(seen_key(), "-inf", f"({cutoff}")
    if dead:
        with client.pipeline(transaction=False) as pipe:
            pipe.hdel(connections_key(), *dead)
            pipe.zrem(seen_key(), *dead)
            pipe.execute()
