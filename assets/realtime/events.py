"""The one place events are published, numbered and retained for resume.

Every event (a `processing_update`, or an asset created, changed or deleted) gets a
system-wide `seq` from Redis and is appended to a capped Redis stream whose entry ids are
`<seq>-0` (so "everything after N" is one XRANGE), in one atomic script; then it is sent to
the channel-layer group every /ws connection joins. The channel layer delivers at most once;
the stream is what a reconnecting client resumes from.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import redis
from channels.layers import get_channel_layer

from assets.realtime.protocol import (
    ASSET_CREATED,
    ASSET_DELETED,
    ASSET_UPDATE,
    GROUP,
    IMPORT_UPDATE,
    LAYER_BATCH_TYPE,
    LAYER_MESSAGE_TYPE,
    PROCESSING_UPDATE,
    event_message,
)
from mam.config import Config
from mam.redis_clients import Purpose, redis_client, redis_key

logger = logging.getLogger("mam.events")

BROADCAST_TIMEOUT = 2.0
# The most events numbered by one script call (and handed over in one broadcast): a bulk
# import of 100,000 files announces them in rounds of this many.
PUBLISH_BATCH = 500
# The most events one channel-layer message carries (a few hundred bytes each).
BROADCAST_BATCH = 100


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


# Number and XADD each event (ARGV[2..], pairs of kind and data) atomically, continuing from
# the counter; if the stream already holds a higher id (the counter key was lost), continue
# after the stream instead of failing. Returns the seqs given, in order.
_PUBLISH_SCRIPT = """
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if last[1] then
  local last_seq = tonumber(string.match(last[1][1], '^(%d+)'))
  if last_seq > seq then
    seq = last_seq
  end
end
local seqs = {}
for i = 2, #ARGV, 2 do
  seq = seq + 1
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], seq .. '-0', 'data', ARGV[i + 1],
             'type', ARGV[i])
  seqs[#seqs + 1] = seq
end
redis.call('SET', KEYS[1], seq)
return seqs
"""


@dataclass(frozen=True)
class ProcessingUpdate:
    """One asset's progress, as a `processing_update` carries it (CONTRACT.md section 4)."""

    kind: ClassVar[str] = PROCESSING_UPDATE

    asset_id: int
    status: str
    stage: str
    progress: int
    error: str | None = None
    thumbnail_url: str | None = None

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "asset_id": self.asset_id,
            "progress": self.progress,
            "stage": str(self.stage),
            "status": str(self.status),
        }
        if self.error:
            data["error"] = self.error
        if self.thumbnail_url:
            data["thumbnail_url"] = self.thumbnail_url
        return data


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
    update = ProcessingUpdate(
        asset_id=asset_id,
        status=status,
        stage=stage,
        progress=progress,
        error=error,
        thumbnail_url=thumbnail_url,
    )
    return publish_processing_updates([update])[0]


@dataclass(frozen=True)
class AssetEvent:
    """An asset created, changed or deleted, as `asset_created`, `asset_update` or
    `asset_deleted` carries it: `asset_id`, then the asset's fields (created), the fields that
    changed (update), or nothing more (deleted)."""

    kind: str
    asset_id: int
    fields: Mapping[str, Any]

    def data(self) -> dict[str, Any]:
        return {**self.fields, "asset_id": self.asset_id}


def asset_created(asset_id: int, fields: Mapping[str, Any]) -> AssetEvent:
    return AssetEvent(ASSET_CREATED, asset_id, fields)


def asset_updated(asset_id: int, changes: Mapping[str, Any]) -> AssetEvent:
    return AssetEvent(ASSET_UPDATE, asset_id, changes)


def asset_deleted(asset_id: int) -> AssetEvent:
    return AssetEvent(ASSET_DELETED, asset_id, {})


@dataclass(frozen=True)
class ImportEvent:
    """An import job's progress, as `import_update` carries it."""

    kind: ClassVar[str] = IMPORT_UPDATE

    job: Mapping[str, Any]

    def data(self) -> dict[str, Any]:
        return dict(self.job)

    @property
    def subject(self) -> str:
        return f"import {self.job.get('id')}"


Event = ProcessingUpdate | AssetEvent | ImportEvent


def publish_processing_updates(updates: Sequence[ProcessingUpdate]) -> list[int | None]:
    """Numbers, retains and broadcasts many updates, in order, with one Redis round trip for
    the numbering and one hand-over to the broadcast loop; returns their seqs (all None if
    Redis is down). Never raises, like publish_processing_update.

    For bursts such as enqueueing a whole import: the seqs are consecutive and the broadcasts
    leave in seq order, so a client applies them as if they had been published one by one.
    """
    return publish_events(updates)


def publish_events(events: Sequence[Event]) -> list[int | None]:
    """Numbers, retains and broadcasts events of any kind, in order, PUBLISH_BATCH to a Redis
    round trip; returns their seqs (None for those Redis could not take). Never raises."""
    seqs: list[int | None] = []
    for start in range(0, len(events), PUBLISH_BATCH):
        seqs.extend(_publish_batch(events[start : start + PUBLISH_BATCH]))
    return seqs


def _publish_batch(events: Sequence[Event]) -> list[int | None]:
    if not events:
        return []
    payloads = [event.data() for event in events]
    kinds = [event.kind for event in events]
    try:
        reply = redis_client(Purpose.EVENTS).eval(
            _PUBLISH_SCRIPT,
            2,
            seq_key(),
            stream_key(),
            Config.EVENT_RETENTION,
            *(
                part
                for kind, data in zip(kinds, payloads, strict=True)
                for part in (kind, json.dumps(data, default=str))
            ),
        )
        seqs = [int(seq) for seq in cast(list[int], reply)]
    except redis.RedisError as exc:
        first = events[0]
        logger.warning(
            "could not publish %s event(s), the first %s for %s: %s",
            len(events),
            kinds[0],
            first.subject if isinstance(first, ImportEvent) else f"asset {first.asset_id}",
            exc,
        )
        return [None] * len(events)
    try:
        _broadcast(
            [
                {"seq": seq, "kind": kind, "data": data}
                for seq, kind, data in zip(seqs, kinds, payloads, strict=True)
            ]
        )
    except Exception as exc:  # the channel layer may be down; the stream still has them
        logger.warning("could not broadcast events %s..%s: %s", seqs[0], seqs[-1], exc)
    return list(seqs)


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


def layer_messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The channel-layer messages for events in seq order: one alone as before, several in
    messages of up to BROADCAST_BATCH (a group_send costs a Redis round trip: 500 single
    sends took 2 s, which a bulk tag of 10,000 assets paid 20 times)."""
    if len(events) == 1:
        return [{"type": LAYER_MESSAGE_TYPE, **events[0]}]
    return [
        {"type": LAYER_BATCH_TYPE, "events": events[start : start + BROADCAST_BATCH]}
        for start in range(0, len(events), BROADCAST_BATCH)
    ]


def _broadcast(events: list[dict[str, Any]]) -> None:
    """Sends the events to the update group in seq order, each message within
    BROADCAST_TIMEOUT; the first that fails stops the rest (they are in the stream)."""
    layer = get_channel_layer()
    if layer is None:
        return
    messages = layer_messages(events)

    async def send_in_order() -> None:
        for message in messages:
            await asyncio.wait_for(layer.group_send(GROUP, message), BROADCAST_TIMEOUT)

    future = asyncio.run_coroutine_threadsafe(send_in_order(), _loop())
    future.result(timeout=BROADCAST_TIMEOUT * len(messages))


def updates_after(last_seq: int, *, limit: int = 10_000) -> tuple[list[dict[str, Any]], bool]:
    """Retained events after `last_seq` (as the client receives them), oldest first, and
    whether the retention covers it.

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
        event_message(
            fields.get(b"type", b"").decode(), seq_of(entry_id), json.loads(fields[b"data"])
        )
        for entry_id, fields in entries
    ], complete


def current_seq() -> int:
    """The seq of the newest event published (0 before the first)."""
    return int(redis_client(Purpose.EVENTS).get(seq_key()) or 0)
