"""OrderedDelivery without Channels or Redis: a fake send, a fake retained stream."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from assets.realtime.delivery import OrderedDelivery
from assets.realtime.protocol import encode, update_message

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class FakeStream:
    """What Redis would hold: the current seq and the retained updates from `oldest` on."""

    def __init__(self) -> None:
        self.current = 0
        self.oldest = 1
        self.retained: dict[int, dict[str, Any]] = {}
        self.fail = False
        self.hold: asyncio.Event | None = None  # set: reads of the stream wait for it

    def publish(self, progress: int, asset_id: int = 1) -> tuple[int, str]:
        self.current += 1
        data = {"asset_id": asset_id, "progress": progress, "stage": "thumbnail"}
        self.retained[self.current] = update_message(self.current, data)
        return self.current, encode(self.retained[self.current])

    async def read_retained(self, last_seq: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
        if self.hold is not None:
            await self.hold.wait()
        if self.fail:
            raise ConnectionError("redis is down")
        after = [self.retained[s] for s in sorted(self.retained) if s > last_seq][:limit]
        return after, last_seq >= self.current or self.oldest <= last_seq + 1

    async def read_seq(self) -> int:
        return self.current

    async def read_snapshot(self) -> list[dict[str, Any]]:
        return [{"id": 1, "status": "processing"}]


class Client:
    """What one connection would have been sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, text: str) -> None:
        self.sent.append(json.loads(text))

    @property
    def seqs(self) -> list[int]:
        return [m["seq"] for m in self.sent if m["type"] == "processing_update"]


def delivery_for(stream: FakeStream, client: Client, **timing: float) -> OrderedDelivery:
    return OrderedDelivery(
        send=client.send,
        read_retained=stream.read_retained,
        read_seq=stream.read_seq,
        read_snapshot=stream.read_snapshot,
        resume_grace=timing.get("resume_grace", 60.0),
        gap_wait=timing.get("gap_wait", 0.01),
    )


async def settle() -> None:
    await asyncio.sleep(0.05)


async def test_nothing_is_sent_before_going_live_then_everything_in_order() -> None:
    stream, client = FakeStream(), Client()
    delivery = delivery_for(stream, client)
    delivery.start(stream.current)
    for progress in (10, 20):
        await delivery.offer(*stream.publish(progress))
    assert client.sent == []
    await delivery.go_live()
    assert client.seqs == [1, 2]
    await delivery.offer(*stream.publish(30))
    assert client.seqs == [1, 2, 3]
    delivery.close()


async def test_a_client_that_never_resumes_goes_live_after_the_grace() -> None:
    stream, client = FakeStream(), Client()
    delivery = delivery_for(stream, client, resume_grace=0.01)
    delivery.start(0)
    await delivery.offer(*stream.publish(10))
    await settle()
    assert client.seqs == [1]
    delivery.close()


async def test_updates_arriving_out_of_order_are_sent_in_seq_order_once() -> None:
    stream, client = FakeStream(), Client()
    delivery = delivery_for(stream, client, gap_wait=5.0)
    delivery.start(0)
    await delivery.go_live()
    first, second, third = (stream.publish(p) for p in (10, 20, 30))
    await delivery.offer(*third)
    await delivery.offer(*first)
    await delivery.offer(*second)
    await delivery.offer(*second)  # the layer delivered it twice
    assert client.seqs == [1, 2, 3]
    delivery.close()


async def test_an_update_the_layer_dropped_is_read_from_the_stream() -> None:
    stream, client = FakeStream(), Client()
    delivery = delivery_for(stream, client)
    delivery.start(0)
    await delivery.go_live()
    stream.publish(10)  # retained, never offered
    await delivery.offer(*stream.publish(20))
    assert client.seqs == []
    await settle()
    assert client.seqs == [1, 2]
    assert client.sent[0]["data"]["progress"] == 10
    delivery.close()


async def test_a_gap_the_stream_no_longer_holds_is_skipped_not_waited_for_forever() -> None:
    stream, client = FakeStream(), Client()
    delivery = delivery_for(stream, client)
    delivery.start(0)
    await delivery.go_live()
    stream.publish(10)
    del stream.retained[1]  # trimmed away
    stream.oldest = 2
    await delivery.offer(*stream.publish(20))
    await settle()
    assert client.seqs == [2]
    delivery.close()


async def test_resume_replays_what_was_missed_then_live_without_duplicates() -> None:
    stream, client = FakeStream(), Client()
    seen = stream.publish(10)[0]
    missed = [stream.publish(p) for p in (20, 30)]
    delivery = delivery_for(stream, client)
    delivery.start(stream.current)
    during = stream.publish(40)
    await delivery.offer(*during)  # arrives live before the client's resume
    await delivery.resume(seen)
    assert client.seqs == [missed[0][0], missed[1][0], during[0]]
    await delivery.offer(*stream.publish(50))
    await delivery.resume(seen)  # again: nothing already sent is sent twice
    assert client.seqs == [2, 3, 4, 5]
    delivery.close()


async def test_resume_from_a_trimmed_seq_sends_a_snapshot_then_continues() -> None:
    stream, client = FakeStream(), Client()
    for progress in (10, 20, 30):
        stream.publish(progress)
    stream.oldest = 3
    delivery = delivery_for(stream, client)
    delivery.start(stream.current)
    await delivery.resume(1)
    assert client.sent[0] == {
        "type": "snapshot",
        "seq": 3,
        "data": {"assets": [{"id": 1, "status": "processing"}]},
    }
    await delivery.offer(*stream.publish(40))
    assert client.seqs == [4]
    delivery.close()


async def test_resume_from_a_seq_never_issued_sends_a_snapshot() -> None:
    stream, client = FakeStream(), Client()
    stream.publish(10)
    delivery = delivery_for(stream, client)
    delivery.start(stream.current)
    await delivery.resume(10**9)
    assert [m["type"] for m in client.sent] == ["snapshot"]
    delivery.close()


async def test_a_failed_resume_says_so_and_the_connection_carries_on() -> None:
    stream, client = FakeStream(), Client()
    stream.publish(10)
    delivery = delivery_for(stream, client)
    delivery.start(stream.current)
    stream.fail = True
    await delivery.resume(0)
    assert client.sent == [
        {"type": "error", "data": {"error": "Cannot resume right now; reconnect later"}}
    ]
    stream.fail = False
    await delivery.go_live()
    await delivery.offer(*stream.publish(20))
    assert client.seqs == [2]
    delivery.close()


async def test_a_slow_resume_does_not_lose_live_updates_offered_meanwhile() -> None:
    stream, client = FakeStream(), Client()
    stream.publish(10)
    release = stream.hold = asyncio.Event()
    delivery = delivery_for(stream, client, gap_wait=5.0)
    delivery.start(stream.current)
    resuming = asyncio.create_task(delivery.resume(0))
    await settle()
    await delivery.offer(*stream.publish(20))  # the lock is held by the resume
    release.set()
    await resuming
    await settle()
    assert client.seqs == [1, 2]
    delivery.close()


async def test_a_resume_after_going_live_with_nothing_sent_yet_replays_in_order() -> None:
    stream, client = FakeStream(), Client()
    seen = stream.publish(10)[0]
    for progress in (20, 30):
        stream.publish(progress)
    delivery = delivery_for(stream, client)
    delivery.start(stream.current)
    await delivery.go_live()  # the client pinged first
    await delivery.resume(seen)
    assert client.seqs == [2, 3]
    await delivery.offer(*stream.publish(40))
    assert client.seqs == [2, 3, 4]
    delivery.close()


async def test_a_late_resume_from_before_the_connection_gets_a_snapshot_not_silence() -> None:
    stream, client = FakeStream(), Client()
    seen = stream.publish(10)[0]
    stream.publish(20)  # missed: published before this connection
    delivery = delivery_for(stream, client)
    delivery.start(stream.current)
    await delivery.go_live()
    await delivery.offer(*stream.publish(30))  # sent live: seq 2 can no longer come in order
    await delivery.resume(seen)
    assert [m["type"] for m in client.sent] == ["processing_update", "snapshot"]
    assert client.sent[1]["seq"] == 3
    await delivery.offer(*stream.publish(40))
    await delivery.resume(3)  # within what it has: nothing again
    assert client.seqs == [3, 4]
    delivery.close()


class DirectClient(Client):
    """A connection whose socket also takes frames without awaiting (mam.server's send)."""

    def __init__(self) -> None:
        super().__init__()
        self.direct = 0

    def send_now(self, text: str) -> None:
        self.direct += 1
        self.sent.append(json.loads(text))


def direct_delivery(stream: FakeStream, client: DirectClient, **timing: float) -> OrderedDelivery:
    return OrderedDelivery(
        send=client.send,
        send_now=client.send_now,
        read_retained=stream.read_retained,
        read_seq=stream.read_seq,
        read_snapshot=stream.read_snapshot,
        resume_grace=timing.get("resume_grace", 60.0),
        gap_wait=timing.get("gap_wait", 0.01),
    )


async def test_a_live_connection_waiting_for_the_next_seq_takes_it_at_once() -> None:
    stream, client = FakeStream(), DirectClient()
    delivery = direct_delivery(stream, client)
    delivery.start(stream.current)
    await delivery.go_live()
    for progress in (10, 20, 30):
        assert delivery.offer_now(*stream.publish(progress))
    assert client.seqs == [1, 2, 3] and client.direct == 3
    assert delivery.offer_now(2, "already sent")  # taken: nothing to do
    assert client.seqs == [1, 2, 3]
    delivery.close()


async def test_updates_that_must_wait_or_fill_a_gap_take_the_long_way_in_order() -> None:
    stream, client = FakeStream(), DirectClient()
    delivery = direct_delivery(stream, client)
    delivery.start(stream.current)
    first = stream.publish(10)
    assert not delivery.offer_now(*first), "not live yet: held until go_live"
    await delivery.offer(*first)
    assert client.seqs == []
    await delivery.go_live()
    assert client.seqs == [1]
    stream.publish(20)  # the layer lost seq 2
    third = stream.publish(30)
    assert not delivery.offer_now(*third), "seq 2 is missing: it must not be skipped"
    await delivery.offer(*third)
    await settle()  # the gap is filled from the stream
    assert client.seqs == [1, 2, 3]
    assert delivery.offer_now(*stream.publish(40))
    assert client.seqs == [1, 2, 3, 4]
    delivery.close()


async def test_nothing_is_sent_past_a_resume_in_progress() -> None:
    stream, client = FakeStream(), DirectClient()
    stream.publish(10)
    release = stream.hold = asyncio.Event()
    delivery = direct_delivery(stream, client, gap_wait=5.0)
    delivery.start(stream.current)
    await delivery.go_live()
    resuming = asyncio.create_task(delivery.resume(0))
    await settle()
    live = stream.publish(20)
    assert not delivery.offer_now(*live), "the resume holds the lock: it goes first"
    await delivery.offer(*live)
    release.set()
    await resuming
    await settle()
    assert client.seqs == [1, 2]
    delivery.close()


async def test_without_a_direct_send_every_update_takes_the_awaited_way() -> None:
    stream, client = FakeStream(), Client()
    delivery = delivery_for(stream, client)
    delivery.start(stream.current)
    await delivery.go_live()
    update = stream.publish(10)
    assert not delivery.offer_now(*update)
    await delivery.offer(*update)
    assert client.seqs == [1]
    delivery.close()
