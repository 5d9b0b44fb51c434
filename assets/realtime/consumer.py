"""The /ws consumer: one connection's life. Greets it, answers pings, closes it when idle,
parses what it sends, and hands live updates and resumes to its OrderedDelivery.

The handshake's checks ran before (assets.realtime.middleware); the process's subscription
is assets.realtime.fanout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from asgiref.sync import sync_to_async
from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from assets.api.serializers import AssetSerializer
from assets.realtime import events, presence
from assets.realtime.delivery import OrderedDelivery
from assets.realtime.fanout import process_fanout
from assets.realtime.middleware import client_address, credentials_still_valid, header
from assets.realtime.protocol import (
    AUTH_RECHECK_SECONDS,
    CLOSE_IDLE,
    CLOSE_TOO_BIG,
    CLOSE_UNAUTHORIZED,
    CLOSE_UNAVAILABLE,
    MAX_FRAME_BYTES,
    PONG,
    SEND_TEXT,
    connection_message,
    encode,
    error_message,
)
from assets.selectors import assets_not_ready
from mam.config import Config
from mam.system_log import log_event

logger = logging.getLogger("mam.realtime")

# Redis is read in a worker thread so the event loop never waits on it; not thread-sensitive,
# so it never queues behind database work.
_read_retained = sync_to_async(
    lambda last_seq, limit: events.updates_after(last_seq, limit=limit), thread_sensitive=False
)
_read_seq = sync_to_async(events.current_seq, thread_sensitive=False)


@database_sync_to_async
def _read_snapshot() -> list[dict[str, Any]]:
    return list(AssetSerializer(assets_not_ready(), many=True).data)


class ProcessingConsumer(AsyncWebsocketConsumer):
    """One browser or script connection, fed by its process's fan-out."""

    # No channel-layer channel per connection: updates arrive through the process's one
    # subscription (fanout.py). A channel of its own would cost a blocking Redis read per
    # socket, and when Redis went away every socket would die with 1011 and a traceback.
    channel_layer_alias = "mam-no-channel-per-connection"

    delivery: OrderedDelivery | None = None
    _counted = False
    _idle_task: asyncio.Task[None] | None = None
    _auth_task: asyncio.Task[None] | None = None
    _gone = False

    async def connect(self) -> None:
        self._last_heard = asyncio.get_running_loop().time()
        delivery = OrderedDelivery(
            send=self._send_text,
            # Under mam.server the socket's own send, which the fan-out calls directly.
            send_now=self.scope.get(SEND_TEXT),
            read_retained=_read_retained,
            read_seq=_read_seq,
            read_snapshot=_read_snapshot,
        )
        try:
            # Join first, then read the seq: every update numbered after `last_seq` reaches
            # this connection live or from the stream.
            await process_fanout().join(delivery)
            self.delivery = delivery
            last_seq = await _read_seq()
        except Exception as exc:
            logger.warning("realtime unavailable for a new connection: %s", exc)
            await self.accept()
            await self._send_text(
                encode(error_message("Live updates are unavailable; reconnect later"))
            )
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        await self.accept()
        try:
            # Counted before the greeting: a client that has its `connection` message is in
            # the count health and /metrics report.
            await presence.connection_opened()
            self._counted = True
        except Exception as exc:  # counting is for health pages; the socket still works
            logger.warning("could not count a connection: %s", exc)
        await self._send_text(
            encode(connection_message(last_seq=last_seq, idle_timeout=Config.WS_IDLE_TIMEOUT))
        )
        delivery.start(last_seq)
        self._idle_task = asyncio.create_task(self._close_when_idle())
        self._auth_task = asyncio.create_task(self._close_when_revoked())
        log_event(
            "ws_connect",
            client=client_address(self.scope),
            origin=header(self.scope, b"origin"),
            last_seq=last_seq,
        )

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' own dispatch first closes stale database connections, a trip through the
        # one database thread for every message; with a thousand clients that is a thousand
        # trips per update. This consumer reaches the database only through
        # database_sync_to_async, which does that itself, so the trip is skipped here.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # However the connection ends (a disconnect, a handler that raised, a cancelled
        # task), it leaves the fan-out and the open-connection count.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._release()

    async def disconnect(self, code: int) -> None:
        if self._counted:
            log_event("ws_disconnect", client=client_address(self.scope), code=code)
        await self._release()

    async def _release(self) -> None:
        """Undoes what connect did; safe to call more than once."""
        for task in (self._idle_task, self._auth_task):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        if self.delivery is not None:
            self.delivery.close()
            process_fanout().leave(self.delivery)
            self.delivery = None
        if self._counted:
            self._counted = False
            with contextlib.suppress(Exception):
                await presence.connection_closed()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        self._last_heard = asyncio.get_running_loop().time()
        size = len(bytes_data) if bytes_data is not None else _utf8_length(text_data or "")
        if size > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        if text_data is None:
            await self._error("Binary frames are not supported; send JSON text")
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):  # deeply nested brackets exhaust the parser
            await self._error("Invalid JSON")
            return
        if not isinstance(content, dict):
            await self._error("A message must be a JSON object with a type")
            return
        kind = content.get("type")
        if kind == "ping":
            await self._send_text(encode(PONG))
            with contextlib.suppress(Exception):
                await presence.touch()
        elif kind == "resume":
            last_seq = _last_seq(content.get("data"))
            if last_seq is None:
                await self._error(
                    'resume needs {"data": {"last_seq": N}} with N a whole number >= 0'
                )
            elif self.delivery is not None:
                await self.delivery.resume(last_seq)
        else:
            shown = kind if isinstance(kind, str) and len(kind) <= 40 else None
            await self._error(
                f"Unknown message type {shown!r}" if shown else "Unknown message type"
            )
            return
        if self.delivery is not None:
            await self.delivery.go_live()

    async def _send_text(self, text: str) -> None:
        try:
            await self.send(text_data=text)
        except Disconnected:
            # The client left while this was on its way: its disconnect event follows and
            # releases the connection; nothing went wrong on our side.
            self._gone = True

    async def _error(self, text: str) -> None:
        await self._send_text(encode(error_message(text)))

    async def _close_when_idle(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            remaining = self._last_heard + Config.WS_IDLE_TIMEOUT - loop.time()
            if remaining <= 0:
                log_event(
                    "ws_idle_close",
                    client=client_address(self.scope),
                    idle_timeout=Config.WS_IDLE_TIMEOUT,
                )
                await self.close(code=CLOSE_IDLE, reason="idle timeout")
                return
            await asyncio.sleep(remaining)

    async def _close_when_revoked(self) -> None:
        """A revoked token, a deactivated user or an ended session closes the socket."""
        while True:
            await asyncio.sleep(AUTH_RECHECK_SECONDS)
            try:
                valid = await credentials_still_valid(self.scope)
            except Exception as exc:  # the database is down: keep serving, check again later
                logger.warning("could not re-check a connection's credentials: %s", exc)
                continue
            if not valid:
                log_event("ws_revoked", client=client_address(self.scope))
                await self.close(code=CLOSE_UNAUTHORIZED, reason="credentials revoked")
                return


def _last_seq(data: object) -> int | None:
    last_seq = data.get("last_seq") if isinstance(data, dict) else None
    if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
        return None
    return last_seq


def _utf8_length(text: str) -> int:
    # Characters never outnumber bytes: only long texts need the exact count.
    if len(text) * 4 <= MAX_FRAME_BYTES:
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))
