"""One channel-layer subscription per server process, fanned out to its /ws connections.

Channels' usual shape, one group member per connection, costs a channel-layer receive per
connection per update: with a thousand clients that is the whole CPU. Here the process's one
channel receives each update once, encodes it once, and hands the text to every local
subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

from assets.realtime.protocol import GROUP, LAYER_MESSAGE_TYPE, encode, update_message

logger = logging.getLogger("mam.realtime")


class Subscriber(Protocol):
    async def offer(self, seq: int, text: str) -> None: ...


class ProcessFanout:
    """The process's subscription to the update group, and the connections it feeds."""

    GROUP_REFRESH_SECONDS = 600.0  # well inside channels-redis' group_expiry

    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.channel: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Lock()

    async def join(self, subscriber: Subscriber) -> None:
        async with self._ready:
            if self._task is None or self._task.done():
                layer = get_channel_layer()
                if layer is None:
                    raise RuntimeError("no channel layer is configured")
                # The default prefix: channels-redis reads all of a process's channels from
                # one key, and a second prefix would never be read while consumers wait.
                self.channel = await layer.new_channel()
                await layer.group_add(GROUP, self.channel)
                self._task = asyncio.create_task(self._run(layer, self.channel))
        self.subscribers.add(subscriber)

    def leave(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

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
                    await layer.group_add(GROUP, channel)
                    refreshed = time.monotonic()
            if message is None or message.get("type") != LAYER_MESSAGE_TYPE:
                continue
            seq = int(message["seq"])
            text = encode(update_message(seq, message["data"]))
            for subscriber in list(self.subscribers):
                try:
                    await subscriber.offer(seq, text)
                except Exception:  # one broken socket must not stop the others' updates
                    logger.exception("delivering update %s failed", seq)


_fanouts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ProcessFanout] = (
    weakref.WeakKeyDictionary()
)


def process_fanout() -> ProcessFanout:
    """The fan-out of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    fanout = _fanouts.get(loop)
    if fanout is None:
        fanout = _fanouts[loop] = ProcessFanout()
    return fanout
