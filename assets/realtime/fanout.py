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

from assets.realtime.protocol import (
    GROUP,
    LAYER_BATCH_TYPE,
    LAYER_MESSAGE_TYPE,
    PROCESSING_UPDATE,
    encode,
    event_message,
)

logger = logging.getLogger("mam.realtime")


class Subscriber(Protocol):
    def offer_now(self, seq: int, text: str) -> bool: ...  # taken at once, or False

    async def offer(self, seq: int, text: str) -> None: ...


class ProcessFanout:
    """The process's subscription to the update group, and the connections it feeds."""

    GROUP_REFRESH_SECONDS = 600.0  # well inside channels-redis' group_expiry
    # Redis restarted empty forgets the group without the blocking receive noticing: the
    # process would get no update until the refresh above (a stall with no seq gap, seen in
    # the soak). Joining again this often bounds that; the stream fills what was missed.
    REJOIN_SECONDS = 5.0

    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.channel: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._membership: asyncio.Task[None] | None = None
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
                if self._membership is not None:
                    self._membership.cancel()
                self._membership = asyncio.create_task(self._keep_membership(layer, self.channel))
        self.subscribers.add(subscriber)

    async def _keep_membership(self, layer: Any, channel: str) -> None:
        while True:
            _raise_if_cancelled()
            await asyncio.sleep(self.REJOIN_SECONDS)
            try:
                await layer.group_add(GROUP, channel)
            except Exception as exc:  # Redis away: the next round tries again
                logger.debug("rejoining the update group failed: %s", exc)

    def leave(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    async def _run(self, layer: Any, channel: str) -> None:
        refreshed = time.monotonic()
        while True:
            _raise_if_cancelled()
            try:
                # Not asyncio.wait_for: on Python 3.11 it returns the result instead of
                # raising when the cancel and the message arrive together, and this loop then
                # outlived its cancel (a server that never stops, a test run that hung).
                async with asyncio.timeout(self.GROUP_REFRESH_SECONDS):
                    message = await layer.receive(channel)
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
            if message is None:
                continue
            if message.get("type") == LAYER_MESSAGE_TYPE:
                await self._deliver(message)
            elif message.get("type") == LAYER_BATCH_TYPE:
                for event in message.get("events", []):
                    await self._deliver(event)

    async def _deliver(self, event: dict[str, Any]) -> None:
        """One event, encoded once, offered to every local connection in turn: written at once
        to each that is simply waiting for it, awaited for the others."""
        seq = int(event["seq"])
        # A message without a kind comes from a server older than asset events.
        kind = str(event.get("kind", PROCESSING_UPDATE))
        text = encode(event_message(kind, seq, event["data"]))
        for subscriber in list(self.subscribers):
            try:
                if not subscriber.offer_now(seq, text):
                    await subscriber.offer(seq, text)
            except Exception:  # one broken socket must not stop the others' updates
                logger.exception("delivering update %s failed", seq)


def _raise_if_cancelled() -> None:
    """A cancel some library swallowed still ends the loop that was cancelled."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


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
