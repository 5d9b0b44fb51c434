"""The /ws consumer: origin check, heartbeat, idle close, live progress in seq order, resume."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import weakref
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from assets import events, presence
from assets.api.serializers import AssetSerializer
from assets.selectors import assets_not_ready
from mam.config import Config
from mam.system_log import log_event

logger = logging.getLogger("mam.realtime")

HEARTBEAT_INTERVAL = 25  # seconds between the client's pings (CONTRACT.md section 4)
# Live updates wait this long after accept for a `resume`, so a resuming client gets the
# replay before anything live (clients that resume send it as their first message).
RESUME_GRACE_SECONDS = 1.0
# An update that arrives ahead of a missing seq waits this long for it (publishers race),
# then the missing ones are read from the retained stream: a message the channel layer
# dropped costs a little latency, never the update.
GAP_WAIT_SECONDS = 0.2
CLOSE_IDLE = 1000
# 1009 is the protocol's "message too big", which Daphne (autobahn) keeps for itself: it drops
# messages over its own limit (1 MiB); the application's refusal is 4000 + 1009.
CLOSE_TOO_BIG = 4009
CLOSE_UNAVAILABLE = 4011  # 4000 + 1011 "try again later", for the same reason
_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _host_port(netloc: str, scheme: str) -> tuple[str, int | None]:
    parts = urlsplit(f"//{netloc}")
    try:
        port = parts.port
    except ValueError:
        return "", None
    return (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def origin_allowed(scope: dict[str, Any]) -> bool:
    """No Origin (wscat, scripts), the server's own origin, or one of MAM_CORS_ORIGINS.

    Browsers always send Origin, so this is what stops cross-site WebSocket hijacking.
    """
    origin = _header(scope, b"origin")
    if origin is None:
        return True
    origin = origin.strip().rstrip("/")
    if origin in Config.CORS_ORIGINS:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return False  # "null" (sandboxed pages, file://) and anything unparseable
    host = _header(scope, b"host")
    if not host:
        return False
    return _host_port(parts.netloc, parts.scheme) == _host_port(host, parts.scheme)


def _error(text: str) -> dict[str, Any]:
    return {"type": "error", "data": {"error": text}}


async def current_seq() -> int:
    return int(await presence.async_redis().get(events.SEQ_KEY) or 0)


# The retained stream is read by the one helper in events.py, in a worker thread so the event
# loop never waits on Redis; not thread-sensitive, so it never queues behind database work.
_updates_after = sync_to_async(events.updates_after, thread_sensitive=False)


# seq -> (data, wire text): every connection of the process sends the same update, so it is
# encoded once (the channel layer hands each local consumer the same message).
_encoded: dict[int, tuple[dict[str, Any], str]] = {}
_ENCODED_KEEP = 1024


def _wire_update(seq: int, data: dict[str, Any]) -> str:
    cached = _encoded.get(seq)
    if cached is not None and (cached[0] is data or cached[0] == data):
        return cached[1]
    text = json.dumps(events.message(seq, data), separators=(",", ":"))
    _encoded[seq] = (data, text)
    if len(_encoded) > _ENCODED_KEEP:
        del _encoded[next(iter(_encoded))]
    return text


@database_sync_to_async
def _not_ready_assets() -> list[dict[str, Any]]:
    return list(AssetSerializer(assets_not_ready(), many=True).data)


class ProcessFanout:
    """One channel-layer subscription per server process, fanned out to its /ws connections.

    Channels' usual shape, one group member per connection, costs a channel-layer receive
    per connection per update: with a thousand clients that is the whole CPU. Here the
    process's one channel receives each update once and hands it to every local consumer.
    """

    GROUP_REFRESH_SECONDS = 600.0  # well inside channels-redis' group_expiry

    def __init__(self) -> None:
        self.consumers: set[ProcessingConsumer] = set()
        self.channel: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Lock()

    async def join(self, consumer: ProcessingConsumer) -> None:
        async with self._ready:
            if self._task is None or self._task.done():
                layer = get_channel_layer()
                # The default prefix: channels-redis reads all of a process's channels from
                # one key, and a second prefix would never be read while consumers wait.
                self.channel = await layer.new_channel()
                await layer.group_add(events.GROUP, self.channel)
                self._task = asyncio.create_task(self._run(layer, self.channel))
        self.consumers.add(consumer)

    def leave(self, consumer: ProcessingConsumer) -> None:
        self.consumers.discard(consumer)

    async def _run(self, layer: Any, channel: str) -> None:
        refreshed = time.monotonic()
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), self.GROUP_REFRESH_SECONDS)
            except TimeoutError:
                message = None
            except Exception as exc:  # Redis went away: wait, rejoin; seq gaps are refilled
                logger.warning("channel layer receive failed: %s", exc)
                await asyncio.sleep(1)
                refreshed = 0.0
                message = None
            if time.monotonic() - refreshed >= self.GROUP_REFRESH_SECONDS:
                with contextlib.suppress(Exception):
                    await layer.group_add(events.GROUP, channel)
                    refreshed = time.monotonic()
            if message is None or message.get("type") != events.CONSUMER_HANDLER:
                continue
            for consumer in list(self.consumers):
                try:
                    await consumer.processing_update(message)
                except Exception:  # one broken socket must not stop the others' updates
                    logger.exception("delivering update %s failed", message.get("seq"))


_fanouts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ProcessFanout] = (
    weakref.WeakKeyDictionary()
)


def process_fanout() -> ProcessFanout:
    loop = asyncio.get_running_loop()
    fanout = _fanouts.get(loop)
    if fanout is None:
        fanout = _fanouts[loop] = ProcessFanout()
    return fanout


class ProcessingConsumer(AsyncWebsocketConsumer):
    """One browser or script connection, fed by its process's ProcessFanout.

    Delivery keeps a per-connection cursor, `_next`: the seq the client should get next.
    Updates are sent in seq order exactly once; anything below the cursor was already sent
    (or replayed, or covered by a snapshot) and is dropped, anything above it waits in
    `_held` until the gap before it is filled, live or from the stream.
    """

    _next: int
    _held: dict[int, dict[str, Any]]
    _live: bool
    _joined: bool
    _counted: bool
    _tasks: list[asyncio.Task[None]]

    async def connect(self) -> None:
        self._held, self._live, self._joined, self._counted = {}, False, False, False
        self._next = 0  # until the seq is read, updates are held, none sent
        self._tasks = []
        self._lock = asyncio.Lock()
        self._gap_task: asyncio.Task[None] | None = None
        self._flush_task: asyncio.Task[None] | None = None
        self._last_heard = asyncio.get_running_loop().time()
        origin = _header(self.scope, b"origin")
        if not origin_allowed(self.scope):
            log_event("ws_refused", origin=origin, client=self._client())
            await self.close()  # before accept: the handshake is answered 403
            return
        try:
            # Join first, then read the seq: every update numbered after `last_seq` reaches
            # this connection live or from the stream.
            await process_fanout().join(self)
            self._joined = True
            self._next = await current_seq() + 1
        except Exception as exc:
            logger.warning("realtime unavailable for a new connection: %s", exc)
            await self.accept()
            await self.send_json(_error("Live updates are unavailable; reconnect later"))
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        await self.accept()
        await self.send_json(
            {
                "type": "connection",
                "data": {
                    "status": "connected",
                    "last_seq": self._next - 1,
                    "heartbeat_interval": HEARTBEAT_INTERVAL,
                    "idle_timeout": Config.WS_IDLE_TIMEOUT,
                },
            }
        )
        self._tasks.append(asyncio.create_task(self._close_when_idle()))
        self._tasks.append(asyncio.create_task(self._go_live_after_grace()))
        try:
            await presence.connection_opened()
            self._counted = True
        except Exception as exc:  # counting is for health pages; the socket still works
            logger.warning("could not count a connection: %s", exc)
        log_event("ws_connect", client=self._client(), origin=origin, last_seq=self._next - 1)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' own dispatch first closes stale database connections, a trip through the
        # one database thread for every message; with a thousand clients that is a thousand
        # trips per update. This consumer reaches the database only through
        # database_sync_to_async, which does that itself, so the trip is skipped here.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        tasks = [
            *getattr(self, "_tasks", []),
            getattr(self, "_gap_task", None),
            getattr(self, "_flush_task", None),
        ]
        for task in tasks:
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        if getattr(self, "_joined", False):
            process_fanout().leave(self)
        if getattr(self, "_counted", False):
            with contextlib.suppress(Exception):
                await presence.connection_closed()
            log_event("ws_disconnect", client=self._client(), code=code)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        self._last_heard = asyncio.get_running_loop().time()
        size = len(bytes_data) if bytes_data is not None else _utf8_length(text_data or "")
        if size > Config.WS_MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        if text_data is None:
            await self.send_json(_error("Binary frames are not supported; send JSON text"))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_json(_error("Invalid JSON"))
            return
        if not isinstance(content, dict):
            await self.send_json(_error("A message must be a JSON object with a type"))
            return
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
            with contextlib.suppress(Exception):
                await presence.touch()
        elif kind == "resume":
            await self._resume(content.get("data"))
        else:
            shown = kind if isinstance(kind, str) and len(kind) <= 40 else None
            await self.send_json(
                _error(f"Unknown message type {shown!r}" if shown else "Unknown message type")
            )
            return
        if not self._live:
            await self._go_live()

    async def processing_update(self, event: dict[str, Any]) -> None:
        """An update from the process's fan-out (events.CONSUMER_HANDLER "processing.update")."""
        seq = int(event["seq"])
        if seq < self._next or seq in self._held:
            return  # already sent, replayed or covered by a snapshot
        self._held[seq] = event["data"]
        if not self._live:
            return
        if self._lock.locked():
            # A resume or a gap fill is sending: it must not hold up every other client;
            # the update waits in _held and is flushed once the lock is free.
            if self._flush_task is None or self._flush_task.done():
                self._flush_task = asyncio.create_task(self._flush_when_free())
            return
        async with self._lock:
            await self._flush()

    async def _flush_when_free(self) -> None:
        async with self._lock:
            await self._flush()

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    # Delivery.

    async def _flush(self) -> None:
        """Sends held updates from the cursor on while they are contiguous (lock held)."""
        for seq in [s for s in self._held if s < self._next]:
            del self._held[seq]  # arrived while the cursor moved past them
        while self._next in self._held:
            data = self._held.pop(self._next)
            await self.send(text_data=_wire_update(self._next, data))
            self._next += 1
        if self._held and (self._gap_task is None or self._gap_task.done()):
            self._gap_task = asyncio.create_task(self._fill_gap_later())

    async def _fill_gap_later(self) -> None:
        await asyncio.sleep(GAP_WAIT_SECONDS)
        async with self._lock:
            for seq in [s for s in self._held if s < self._next]:
                del self._held[seq]
            if not self._held:
                return
            if self._next not in self._held:
                first_held = min(self._held)
                try:
                    retained, _ = await _updates_after(
                        self._next - 1, limit=first_held - self._next
                    )
                except Exception as exc:
                    logger.warning("could not fill seq gap %s..%s: %s", self._next, first_held, exc)
                    retained = []
                for entry in retained:
                    if self._next <= entry["seq"] < first_held:
                        await self.send_json(entry)
                        self._next = entry["seq"] + 1
                # What the stream no longer holds is gone; the client sees the jump in seq.
                self._next = max(self._next, first_held)
            await self._flush()

    async def _go_live(self) -> None:
        async with self._lock:
            self._live = True
            await self._flush()

    async def _go_live_after_grace(self) -> None:
        await asyncio.sleep(RESUME_GRACE_SECONDS)
        if not self._live:
            await self._go_live()

    async def _resume(self, data: object) -> None:
        last_seq = data.get("last_seq") if isinstance(data, dict) else None
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            await self.send_json(
                _error('resume needs {"data": {"last_seq": N}} with N a whole number >= 0')
            )
            return
        async with self._lock:
            try:
                current = await current_seq()
                start = max(last_seq, self._next - 1) if self._live else last_seq
                if last_seq > current:
                    # A seq never issued: the server's counter restarted (its Redis was
                    # wiped), so what the client missed is unknowable; it gets a snapshot.
                    retained, complete = [], False
                else:  # never send a seq twice on one connection
                    retained, complete = await _updates_after(start)
            except Exception as exc:
                logger.warning("resume from %s failed: %s", last_seq, exc)
                await self.send_json(_error("Cannot resume right now; reconnect later"))
                return
            if complete:
                self._next = start + 1
                for entry in retained:
                    if entry["seq"] >= self._next:
                        await self.send_json(entry)
                        self._next = entry["seq"] + 1
            else:
                # The updates after last_seq were trimmed: the state of every unfinished
                # asset replaces them. The seq is read before the database, so any later
                # change also arrives as an update.
                assets = await _not_ready_assets()
                await self.send_json(
                    {"type": "snapshot", "seq": current, "data": {"assets": assets}}
                )
                self._next = current + 1
            self._live = True
            await self._flush()

    # Heartbeat.

    async def _close_when_idle(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            remaining = self._last_heard + Config.WS_IDLE_TIMEOUT - loop.time()
            if remaining <= 0:
                log_event(
                    "ws_idle_close", client=self._client(), idle_timeout=Config.WS_IDLE_TIMEOUT
                )
                await self.close(code=CLOSE_IDLE, reason="idle timeout")
                return
            await asyncio.sleep(remaining)

    def _client(self) -> str:
        client = self.scope.get("client")
        return f"{client[0]}:{client[1]}" if client else "unknown"


def _utf8_length(text: str) -> int:
    # Characters never outnumber bytes: only long texts need the exact count.
    if len(text) * 4 <= Config.WS_MAX_FRAME_BYTES:
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))
