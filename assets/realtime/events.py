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
from typing import Any, cast

import redis
from channels.layers import get_channel_layer

from assets.realtime.protocol import GROUP, LAYER_MESSAGE_TYPE, update_message
from mam.config import Config
from mam.redis_clients import Purpose, redis_client, redis_key

logger = logging.getLogger("mam.events")

BROADCAST_TIMEOUT = 2.0


def seq_key() -> str:
    return redis_key("events", "seq")


def stream_key() -> str:
    return redis_key("events", "stream")


# A stream entry as redis-py returns it (bytes responses): (id, fields).
StreamEntry = tuple[bytes, dict[bytes, bytes]]


def stream_entries(response: object) -> list[StreamEntry]:
    """XRANGE's reply, typed (redis-py annotates every response mode at once)."""
    return cast(list[StreamEntry], response or [])


def seq_of(entry_id: bytes | str) -> int:
    """The seq a retained entry holds: its stream id is `<seq>-0`."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.partition("-")[0])


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


def publish_processing_update(
    *,
    asset_id: int,
    status: str,
    stage: str,
    progress: int,
    error: str | None = None,
    thumbnail_url: str | None = None,
) -> int | None:
    """Numbers, retains and broadcasts one update; returns its seq, or None if Redis is down.

    Never raises: the database holds the truth, so a lost event costs a client a refresh,
    while a raised one would cost the asset its processing.
    """
    # The `data` of a processing_update (CONTRACT.md section 4).
    data: dict[str, Any] = {
        "asset_id": asset_id,
        "progress": progress,
        "stage": str(stage),
        "status": str(status),
    }
    if error:
        data["error"] = error
    if thumbnail_url:
        data["thumbnail_url"] = thumbnail_url
    try:
        seq = int(
            redis_client(Purpose.EVENTS).eval(
                _PUBLISH_SCRIPT,
                2,
                seq_key(),
                stream_key(),
                json.dumps(data),
                Config.EVENT_RETENTION,
            )
        )
    except redis.RedisError as exc:
        logger.warning("could not publish update for asset %s: %s", data["asset_id"], exc)
        return None
    try:
        _broadcast({"type": LAYER_MESSAGE_TYPE, "seq": seq, "data": data})
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
    client = redis_client(Purpose.EVENTS)
    oldest = stream_entries(client.xrange(stream_key(), "-", "+", count=1))
    current = int(client.get(seq_key()) or 0)
    if last_seq >= current:
        return [], True
    if not oldest:
        return [], False
    complete = seq_of(oldest[0][0]) <= last_seq + 1
    entries = stream_entries(client.xrange(stream_key(), f"({last_seq}-0", "+", count=limit))
    return [
        update_message(seq_of(entry_id), json.loads(fields[b"data"]))
        for entry_id, fields in entries
    ], complete


def current_seq() -> int:
    """The seq of the newest update published (0 before the first)."""
    return int(redis_client(Purpose.EVENTS).get(seq_key()) or 0)
