"""mam.asgi.RequestThreads: requests' synchronous work on a few long-lived threads."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async

from mam.asgi import RequestThreads


class ThreadRecorder:
    """An ASGI app whose "view" is thread-sensitive sync code in a context of its own, as
    Django's ASGIHandler runs views."""

    def __init__(self) -> None:
        self.threads: list[str] = []
        self.release = asyncio.Event()
        self.waiting = 0
        self.all_waiting = asyncio.Event()
        self.expected = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async with ThreadSensitiveContext():  # as Django's ASGIHandler does
            await self.handle(scope)

    async def handle(self, scope: Any) -> None:
        def view() -> str:
            return threading.current_thread().name

        self.threads.append(await sync_to_async(view, thread_sensitive=True)())
        if scope.get("wait"):
            self.waiting += 1
            if self.waiting == self.expected:
                self.all_waiting.set()
            await self.release.wait()
        # A second step of the same request (the response, a signal) on the same thread.
        self.threads.append(await sync_to_async(view, thread_sensitive=True)())


def test_sequential_requests_reuse_one_thread_and_its_database_connection() -> None:
    async def scenario() -> list[str]:
        recorder = ThreadRecorder()
        app = RequestThreads(recorder, threads=3)
        for _ in range(5):
            await app({"type": "http"}, None, None)
        return recorder.threads

    threads = asyncio.run(scenario())
    assert len(threads) == 10
    assert set(threads) == {threads[0]} and threads[0].startswith("mam-request-")


def test_concurrent_requests_spread_over_the_threads_and_each_keeps_to_its_own() -> None:
    async def scenario() -> tuple[list[str], list[int]]:
        recorder = ThreadRecorder()
        recorder.expected = 4
        app = RequestThreads(recorder, threads=3)
        calls = [
            asyncio.create_task(app({"type": "http", "wait": True}, None, None)) for _ in range(4)
        ]
        await asyncio.wait_for(recorder.all_waiting.wait(), 10)
        in_flight = list(app.in_flight)
        recorder.release.set()
        await asyncio.gather(*calls)
        assert app.in_flight == [0, 0, 0]
        return recorder.threads, in_flight

    threads, in_flight = asyncio.run(scenario())
    assert sorted(in_flight) == [1, 1, 2], "the fourth request went to a least-loaded thread"
    assert len(set(threads)) == 3, "never more threads than asked for"
