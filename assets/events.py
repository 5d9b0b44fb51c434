"""The one place progress events are published, numbered and retained for resume.

Every `processing_update` gets a system-wide `seq` from Redis and is appended to a capped
Redis stream whose entry ids are `<seq>-0` (so "everything after N" is one XRANGE), in one
atomic script; then it is sent to the channel-layer group every /ws connection joins. The
channel layer delivers at most once; the stream is what a reconnecting client resumes from.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from functools import cache
from typing import Any

import redis
from channels.layers import get_channel_layer

from mam.config import Config

logger = logging.getLogger("mam.events")

GROUP = "processing"  # the channel-layer group every /ws connection joins
MESSAGE_TYPE = "processing_update"
CONSUMER_HANDLER = "processing.update"  # becomes the consumer method processing_update
SEQ_KEY = f"{Config.REDIS_PREFIX}:events:seq"
STREAM_KEY = f"{Config.REDIS_PREFIX}:events:stream"
BROADCAST_TIMEOUT = 2.0

# INCR the sequence and XADD under the same number, atomically; if the stream already holds a
# higher id (the counter key was lost), continue after the stream instead of failing.
_PUBLISH_SCRIPT = """
local seq = redis.call('INCR', KEYS[1])
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if last[1] then
  local last_seq = tonumber(string.match(last[1][1], '^(%d+)'))
  if last_seq >= seq then
    seq = last_seq + 1
    redis.call('SET', KEYS[1], seq)
  end
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'data', ARGV[1])
return seq
"""


@cache
def redis_client() -> redis.Redis:
    """The process's Redis client for events; short timeouts so a dead Redis can't stall work."""
    return redis.Redis.from_url(
        Config.REDIS_URL, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30
    )


def build_update(
    *,
    asset_id: int,
    status: str,
    stage: str,
    progress: int,
    error: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The `data` of a processing_update (CONTRACT.md section 4)."""
    data: dict[str, Any] = {
        "asset_id": asset_id,
        "progress": progress,
        "stage": stage,
        "status": status,
    }
    if error:
        data["error"] = error
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


def message(seq: int, data: dict[str, Any]) -> dict[str, Any]:
    """The wire form a client receives."""
    return {"type": MESSAGE_TYPE, "seq": seq, "data": data}


def publish_processing_update(**fields: Any) -> int | None:
    """Numbers, retains and broadcasts one update; returns its seq, or None if Redis is down.

    Never raises: the database holds the truth, so a lost event costs a client a refresh,
    while a raised one would cost the asset its processing.
    """
    data = build_update(**fields)
    try:
        seq = int(
            redis_client().eval(
                _PUBLISH_SCRIPT, 2, SEQ_KEY, STREAM_KEY, json.dumps(data), Config.EVENT_RETENTION
            )
        )
    except redis.RedisError as exc:
        logger.warning("could not publish update for asset %s: %s", data["asset_id"], exc)
        return None
    try:
        _broadcast({"type": CONSUMER_HANDLER, "seq": seq, "data": data})
    except Exception as exc:  # the channel layer may be down; the stream still has it
        logger.warning("could not broadcast update %s: %s", seq, exc)
    return seq


class _BroadcastLoop:
    """One event loop per process, in a daemon thread, for the channel layer's group_send.

    async_to_sync would build a fresh loop (and a fresh Redis connection pool) for every
    update: about 4 ms each, several times per asset. This keeps one warm loop instead.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="mam-events", daemon=True)
        self.thread.start()


_broadcast_loop: _BroadcastLoop | None = None
_broadcast_lock = threading.Lock()


def _loop() -> asyncio.AbstractEventLoop:
    global _broadcast_loop
    with _broadcast_lock:
        if _broadcast_loop is None or _broadcast_loop.pid != os.getpid():  # new after fork
            _broadcast_loop = _BroadcastLoop()
        return _broadcast_loop.loop


def _broadcast(event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    future = asyncio.run_coroutine_threadsafe(layer.group_send(GROUP, event), _loop())
    future.result(timeout=BROADCAST_TIMEOUT)


def updates_after(last_seq: int, *, limit: int = 10_000) -> tuple[list[dict[str, Any]], bool]:
    """Retained updates after `last_seq`, oldest first, and whether the retention covers it.

    `complete` is False when updates after last_seq have already been trimmed away: the
    client must then take a snapshot instead.
    """
    client = redis_client()
    oldest = client.xrange(STREAM_KEY, "-", "+", count=1)
    current = int(client.get(SEQ_KEY) or 0)
    if last_seq >= current:
        return [], True
    if not oldest:
        return [], False
    oldest_seq = int(oldest[0][0].split(b"-")[0])
    complete = oldest_seq <= last_seq + 1
    entries = client.xrange(STREAM_KEY, f"({last_seq}-0", "+", count=limit)
    return [
        message(int(entry_id.split(b"-")[0]), json.loads(fields[b"data"]))
        for entry_id, fields in entries
    ], complete
