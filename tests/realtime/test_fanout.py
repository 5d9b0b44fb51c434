"""The process's one subscription to the update group (assets/realtime/fanout.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import pytest

from assets.realtime import fanout
from assets.realtime.protocol import GROUP


class QuietLayer:
    """A channel layer whose receive never returns (Redis restarted under it), recording
    group memberships."""

    def __init__(self) -> None:
        self.joined: list[tuple[str, str]] = []

    async def new_channel(self) -> str:
        return "specific.test!1"

    async def group_add(self, group: str, channel: str) -> None:
        self.joined.append((group, channel))

    async def receive(self, channel: str) -> Any:
        await asyncio.sleep(3600)


class Sink:
    def offer_now(self, seq: int, text: str) -> bool:
        return False

    async def offer(self, seq: int, text: str) -> None:
        pass


def test_the_group_is_joined_again_while_the_receive_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Redis restarted empty forgets the group; the process must not wait for the next
    message (it would never come) to join again."""
    layer = QuietLayer()
    monkeypatch.setattr(fanout.ProcessFanout, "REJOIN_SECONDS", 0.05)

    async def scenario() -> None:
        subscription = fanout.ProcessFanout()
        with mock.patch.object(fanout, "get_channel_layer", return_value=layer):
            await subscription.join(Sink())
            await asyncio.sleep(0.3)
        tasks = [t for t in (subscription._task, subscription._membership) if t is not None]
        assert len(tasks) == 2
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # A loop of its own in a thread of its own (other tests of the worker may leave theirs
    # set on this thread), closed with nothing left running.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=10)
    assert len(layer.joined) >= 3
    assert set(layer.joined) == {(GROUP, "specific.test!1")}


class OneMessageLayer(QuietLayer):
    """A layer whose receive returns the message the test hands it."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: asyncio.Future[dict[str, Any]] | None = None
        self.receives = 0

    async def receive(self, channel: str) -> Any:
        self.receives += 1
        self.arrived = asyncio.get_running_loop().create_future()
        return await self.arrived


def test_a_cancel_that_arrives_with_a_message_still_ends_the_subscription() -> None:
    """A cancel in the same loop turn as a message (the server stopping while updates flow)
    once left the subscription reading forever, and the server could not stop."""
    layer = OneMessageLayer()

    async def scenario() -> int:
        subscription = fanout.ProcessFanout()
        with mock.patch.object(fanout, "get_channel_layer", return_value=layer):
            await subscription.join(Sink())
            await asyncio.sleep(0.05)
        task = subscription._task
        assert task is not None and layer.arrived is not None
        layer.arrived.set_result({"type": "other"})
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=2)
        if subscription._membership is not None:
            subscription._membership.cancel()
        if not done:
            task.cancel()  # let the thread's loop close; the assertion below reports it
            await asyncio.wait([task], timeout=1)
            return -1
        return layer.receives

    with ThreadPoolExecutor(1) as pool:
        receives = pool.submit(asyncio.run, scenario()).result(timeout=10)
    assert receives == 1, "the subscription went on receiving after it was cancelled"


class ScriptedLayer(QuietLayer):
    """A layer whose receive returns the given messages in turn, then waits for ever."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        super().__init__()
        self.messages = list(messages)

    async def receive(self, channel: str) -> Any:
        if self.messages:
            return self.messages.pop(0)
        await asyncio.sleep(3600)


class Recorder:
    def __init__(self) -> None:
        self.offered: list[tuple[int, str]] = []

    def offer_now(self, seq: int, text: str) -> bool:
        return False

    async def offer(self, seq: int, text: str) -> None:
        self.offered.append((seq, text))


class DirectRecorder(Recorder):
    """Takes every other update at once; the rest must be awaited."""

    def __init__(self) -> None:
        super().__init__()
        self.at_once: list[int] = []

    def offer_now(self, seq: int, text: str) -> bool:
        if seq % 2:
            return False
        self.at_once.append(seq)
        self.offered.append((seq, text))
        return True


def deliver_through(
    layer: QuietLayer, subscribers: list[Recorder], until: Callable[[], bool]
) -> None:
    """A fan-out on `layer` with these subscribers, run in a loop of its own until `until()`
    (or a second), then stopped."""

    async def scenario() -> None:
        subscription = fanout.ProcessFanout()
        with mock.patch.object(fanout, "get_channel_layer", return_value=layer):
            for subscriber in subscribers:
                await subscription.join(subscriber)
            for _ in range(100):
                if until():
                    break
                await asyncio.sleep(0.01)
        assert subscription._task is not None and subscription._membership is not None
        for task in (subscription._task, subscription._membership):
            task.cancel()
        await asyncio.gather(subscription._task, subscription._membership, return_exceptions=True)

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=10)


def test_a_round_of_events_is_one_layer_message_delivered_in_order() -> None:
    """A bulk change's events cross the channel layer BROADCAST_BATCH to a message (one Redis
    round trip each, not one per event) and reach each connection one by one, in seq order,
    as single ones do."""
    from assets.realtime import events

    round_ = [{"seq": n, "kind": "asset_update", "data": {"asset_id": n}} for n in range(1, 251)]
    messages = events.layer_messages(round_)
    assert [len(m["events"]) for m in messages] == [100, 100, 50]
    single = events.layer_messages([round_[0]])
    assert single == [{"type": "processing.update", **round_[0]}]
    layer = ScriptedLayer([*messages, *events.layer_messages([{**round_[0], "seq": 251}])])
    sink = Recorder()
    deliver_through(layer, [sink], until=lambda: len(sink.offered) == 251)
    assert [seq for seq, _ in sink.offered] == list(range(1, 252))
    assert sink.offered[0][1] == '{"type":"asset_update","seq":1,"data":{"asset_id":1}}'


def test_each_update_is_taken_at_once_where_it_can_be_and_awaited_where_not() -> None:
    from assets.realtime import events

    updates = [{"seq": n, "kind": "asset_update", "data": {"asset_id": n}} for n in range(1, 7)]
    layer = ScriptedLayer([m for u in updates for m in events.layer_messages([u])])
    direct, plain = DirectRecorder(), Recorder()
    deliver_through(layer, [direct, plain], until=lambda: len(plain.offered) == 6)
    assert [seq for seq, _ in direct.offered] == list(range(1, 7))
    assert direct.at_once == [2, 4, 6]
    assert [seq for seq, _ in plain.offered] == list(range(1, 7))
