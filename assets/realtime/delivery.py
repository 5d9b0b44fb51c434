"""Ordered delivery for one connection: every update once, in seq order, gaps filled from the
retained stream, resume and snapshot. No Channels here: it sends wire text through a callable
and reads the stream through callables, so unit tests drive it with fakes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from assets.realtime.protocol import encode, error_message, snapshot_message

logger = logging.getLogger("mam.realtime")

# Live updates wait this long after accept for a `resume`, so a resuming client gets the
# replay before anything live (clients that resume send it as their first message).
RESUME_GRACE_SECONDS = 1.0
# An update that arrives ahead of a missing seq waits this long for it (publishers race),
# then the missing ones are read from the retained stream: a message the channel layer
# dropped costs a little latency, never the update.
GAP_WAIT_SECONDS = 0.2

Send = Callable[[str], Awaitable[None]]
# Writes a frame to the socket before returning (the server's direct send), or None.
SendNow = Callable[[str], None]
# (last_seq, limit) -> (retained update messages after last_seq, whether retention covers it)
ReadRetained = Callable[[int, int], Awaitable[tuple[list[dict[str, Any]], bool]]]
ReadSeq = Callable[[], Awaitable[int]]
ReadSnapshot = Callable[[], Awaitable[list[dict[str, Any]]]]


class OrderedDelivery:
    """The updates of one connection, from a cursor on.

    `next_seq` is the seq the client should get next. Updates are sent in seq order exactly
    once; anything below the cursor was already sent (or replayed, or covered by a snapshot)
    and is dropped; anything above it waits in `held` until the gap before it is filled,
    live or from the stream. Nothing is sent before `go_live` (or the resume grace ends).
    """

    def __init__(
        self,
        *,
        send: Send,
        read_retained: ReadRetained,
        read_seq: ReadSeq,
        read_snapshot: ReadSnapshot,
        send_now: SendNow | None = None,
        resume_grace: float | None = None,
        gap_wait: float | None = None,
    ) -> None:
        self._send, self._send_now, self._read_retained = send, send_now, read_retained
        self._read_seq, self._read_snapshot = read_seq, read_snapshot
        # The module's values when not given (read now, so tests can shorten them).
        self.resume_grace = RESUME_GRACE_SECONDS if resume_grace is None else resume_grace
        self.gap_wait = GAP_WAIT_SECONDS if gap_wait is None else gap_wait
        self.next_seq = 0  # until start(), updates are held, none sent
        # The first seq of the contiguous run this connection has covered (sent, replayed or
        # snapshotted) up to next_seq: a resume from below it cannot be served in order.
        self.first_seq = 0
        self.held: dict[int, str] = {}  # seq -> wire text
        self.live = False
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._gap_task: asyncio.Task[None] | None = None
        self._flush_task: asyncio.Task[None] | None = None

    def start(self, last_seq: int) -> None:
        """The client has seen everything up to `last_seq`; goes live after the grace."""
        self.next_seq = self.first_seq = last_seq + 1
        self._spawn(self._go_live_after_grace())

    def close(self) -> None:
        for task in (*self._tasks, self._gap_task, self._flush_task):
            if task is not None and task is not asyncio.current_task():
                task.cancel()

    def offer_now(self, seq: int, text: str) -> bool:
        """A live update taken without awaiting: the usual case, the next seq of a live
        connection with nothing held and nothing sending, is written at once. False when it
        must take the long way (`offer`).

        Awaiting `offer` for each of a thousand sockets cost a coroutine chain and the ASGI
        send's layers per socket per update; this is one call."""
        if seq < self.next_seq:
            return True  # already sent, replayed or covered by a snapshot
        if self._send_now is None or seq != self.next_seq or self.held or not self.live:
            return False
        if self._lock.locked():
            return False
        self._send_now(text)
        self.next_seq = seq + 1
        return True

    async def offer(self, seq: int, text: str) -> None:
        """A live update (from the process's fan-out)."""
        if seq < self.next_seq or seq in self.held:
            return  # already sent, replayed or covered by a snapshot
        self.held[seq] = text
        if not self.live:
            return
        if self._lock.locked():
            # A resume or a gap fill is sending: it must not hold up every other client;
            # the update waits in `held` and is flushed once the lock is free.
            if self._flush_task is None or self._flush_task.done():
                self._flush_task = asyncio.create_task(self._flush_when_free())
            return
        async with self._lock:
            await self._flush()

    async def go_live(self) -> None:
        if self.live:
            return
        async with self._lock:
            self.live = True
            await self._flush()

    async def resume(self, last_seq: int) -> None:
        """Replays what came after `last_seq`, or a snapshot when that cannot be done in order.

        Works at any time: before anything was sent the cursor simply moves to `last_seq`;
        after, what this connection already sent is not sent again, and a client that missed
        updates from before this connection's first gets a snapshot (they can no longer
        arrive in seq order).
        """
        async with self._lock:
            try:
                current = await self._read_seq()
                nothing_sent = self.next_seq == self.first_seq
                start = last_seq if nothing_sent else max(last_seq, self.next_seq - 1)
                retained: list[dict[str, Any]] = []
                if last_seq > current:
                    # A seq never issued: the server's counter restarted (its Redis was
                    # wiped), so what the client missed is unknowable; it gets a snapshot.
                    complete = False
                elif not nothing_sent and last_seq < self.first_seq - 1:
                    complete = False
                else:  # never send a seq twice on one connection
                    retained, complete = await self._read_retained(start, 10_000)
            except Exception as exc:
                logger.warning("resume from %s failed: %s", last_seq, exc)
                await self._send(encode(error_message("Cannot resume right now; reconnect later")))
                return
            if complete:
                self.next_seq = start + 1
                self.first_seq = min(self.first_seq, self.next_seq)
                await self._send_retained(retained, below=None)
            else:
                # The updates after last_seq were trimmed: the state of every unfinished
                # asset replaces them. The seq is read before the database, so any later
                # change also arrives as an update.
                assets = await self._read_snapshot()
                await self._send(encode(snapshot_message(current, assets)))
                self.next_seq = self.first_seq = current + 1
            self.live = True
            await self._flush()

    # Internals; the lock is held by every caller of _flush and _send_retained.

    async def _send_retained(self, entries: list[dict[str, Any]], below: int | None) -> None:
        for entry in entries:
            seq = int(entry["seq"])
            if seq >= self.next_seq and (below is None or seq < below):
                await self._send(encode(entry))
                self.next_seq = seq + 1

    async def _flush(self) -> None:
        """Sends held updates from the cursor on while they are contiguous."""
        for seq in [s for s in self.held if s < self.next_seq]:
            del self.held[seq]  # arrived while the cursor moved past them
        while self.next_seq in self.held:
            await self._send(self.held.pop(self.next_seq))
            self.next_seq += 1
        if self.held and (self._gap_task is None or self._gap_task.done()):
            self._gap_task = asyncio.create_task(self._fill_gap_later())

    async def _flush_when_free(self) -> None:
        async with self._lock:
            await self._flush()

    async def _fill_gap_later(self) -> None:
        await asyncio.sleep(self.gap_wait)
        async with self._lock:
            for seq in [s for s in self.held if s < self.next_seq]:
                del self.held[seq]
            if not self.held:
                return
            if self.next_seq not in self.held:
                first_held = min(self.held)
                try:
                    retained, _ = await self._read_retained(
                        self.next_seq - 1, first_held - self.next_seq
                    )
                except Exception as exc:
                    logger.warning(
                        "could not fill seq gap %s..%s: %s", self.next_seq, first_held, exc
                    )
                    retained = []
                await self._send_retained(retained, below=first_held)
                # What the stream no longer holds is gone; the client sees the jump in seq.
                self.next_seq = max(self.next_seq, first_held)
            await self._flush()

    async def _go_live_after_grace(self) -> None:
        await asyncio.sleep(self.resume_grace)
        await self.go_live()

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
