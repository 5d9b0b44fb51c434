"""The /ws application (handshake checks, consumer, fan-out, delivery) through Channels'
WebsocketCommunicator, with the real Redis channel layer."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import redis
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connections

from assets.models import Asset, AssetStatus
from assets.realtime import delivery, events, fanout, presence
from assets.realtime.routing import websocket_application
from mam.config import Config
from tests.factories import AssetFactory

# Channels closes stale database connections around each consumer event, so every test
# needs the database, from the consumer's own threads.
pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

APPLICATION = websocket_application
HOST = b"mam.example:5001"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def close_the_database_threads_connection() -> Iterator[None]:
    """The consumer reads the database in asgiref's one database thread, whose connection
    would outlive the test (and keep PostgreSQL from dropping the test database at the end)."""
    yield
    asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())


@pytest.fixture(autouse=True)
async def stop_the_fanout() -> AsyncIterator[None]:
    """Ends this test loop's fan-out before the loop closes. Left to the loop's own close, a
    cancel that reached the layer's blocking Redis read was once lost there, and the close
    waited until Redis dropped the idle connection, 300 s later (the PostgreSQL pass of CI,
    2026-11-27). If the cancel does not end it, closing the layer's connections does."""
    yield
    fan = fanout._fanouts.get(asyncio.get_running_loop())
    tasks = [t for t in (fan._task, fan._membership) if t is not None] if fan else []
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=2)
    if pending:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(get_channel_layer().close_pools(), timeout=5)
        _, pending = await asyncio.wait(pending, timeout=5)
    assert not pending, f"the fan-out did not stop: {pending}"


@pytest.fixture(autouse=True)
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keeps the tests quick; the grace only decides when a non-resuming client goes live.
    monkeypatch.setattr(delivery, "RESUME_GRACE_SECONDS", 0.3)


def sync_redis() -> redis.Redis:
    return redis.Redis.from_url(Config.REDIS_URL)


@sync_to_async
def publish(asset_id: int, progress: int, stage: str = "thumbnail") -> int:
    seq = events.publish_processing_update(
        asset_id=asset_id, status="processing", stage=stage, progress=progress
    )
    assert seq is not None
    return seq


@sync_to_async
def retained_only(asset_id: int, progress: int) -> int:
    """An update the stream keeps but the channel layer loses (as when a client's queue is full)."""
    original = events.get_channel_layer
    events.get_channel_layer = lambda: None  # type: ignore[assignment]
    try:
        seq = events.publish_processing_update(
            asset_id=asset_id, status="processing", stage="metadata", progress=progress
        )
    finally:
        events.get_channel_layer = original
    assert seq is not None
    return seq


@sync_to_async
def current_seq() -> int:
    return int(sync_redis().get(events.seq_key()) or 0)


async def connect(
    path: str = "/ws", origin: bytes | None = None, host: bytes = HOST
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    headers = [(b"host", host)]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(APPLICATION, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    return communicator, hello


@pytest.fixture
async def ws() -> AsyncIterator[WebsocketCommunicator]:
    communicator, hello = await connect()
    assert hello["type"] == "connection"
    yield communicator
    await communicator.disconnect()


async def receive_updates(communicator: WebsocketCommunicator, count: int) -> list[dict[str, Any]]:
    return [await communicator.receive_json_from(timeout=3) for _ in range(count)]


@pytest.mark.parametrize("path", ["/ws", "/ws/"])
async def test_a_client_without_origin_is_greeted_with_the_current_seq(path: str) -> None:
    before = await publish(1, 10)
    communicator, hello = await connect(path)
    assert hello == {
        "type": "connection",
        "data": {
            "status": "connected",
            "last_seq": before,
            "heartbeat_interval": 25,
            "idle_timeout": Config.WS_IDLE_TIMEOUT,
        },
    }
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("origin", "host", "cors"),
    [
        (b"http://mam.example:5001", HOST, []),
        (b"https://MAM.example:5001/", HOST, []),
        (b"http://localhost", b"localhost:80", []),
        (b"http://localhost:5173", HOST, ["http://localhost:5173"]),
    ],
)
async def test_the_servers_own_origin_and_configured_origins_are_accepted(
    origin: bytes, host: bytes, cors: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Config, "CORS_ORIGINS", cors)
    communicator, hello = await connect(origin=origin, host=host)
    assert hello["data"]["status"] == "connected"
    await communicator.disconnect()


@pytest.mark.parametrize(
    "origin",
    [
        b"http://evil.example",
        b"http://mam.example:5002",
        b"http://mam.example.evil.example:5001",
        b"null",
        b"file://",
        b"http://localhost:5173",  # a dev server not listed in MAM_CORS_ORIGINS
    ],
)
async def test_a_foreign_origin_is_refused_before_the_handshake_completes(origin: bytes) -> None:
    communicator = WebsocketCommunicator(
        APPLICATION, "/ws", headers=[(b"host", HOST), (b"origin", origin)]
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.wait()


@pytest.mark.parametrize(
    ("host", "accepted"),
    [
        (b"mam.example:5001", True),
        (b"MAM.example", True),
        (b"evil.example:5001", False),
        (b"mam.example.evil.example", False),
    ],
)
async def test_a_host_outside_allowed_hosts_is_refused_before_the_handshake_completes(
    host: bytes, accepted: bool, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["mam.example"]
    communicator = WebsocketCommunicator(APPLICATION, "/ws", headers=[(b"host", host)])
    connected, _ = await communicator.connect()
    assert connected is accepted
    await communicator.disconnect()


async def test_ping_is_answered_with_pong(ws: WebsocketCommunicator) -> None:
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from() == {"type": "pong"}


@pytest.mark.parametrize(
    ("frame", "says"),
    [
        ("{not json", "Invalid JSON"),
        ("[1, 2]", "JSON object"),
        ('"ping"', "JSON object"),
        ('{"type": "subscribe"}', "Unknown message type 'subscribe'"),
        ('{"no_type": true}', "Unknown message type"),
        ('{"type": "resume"}', "last_seq"),
        ('{"type": "resume", "data": {"last_seq": "7"}}', "last_seq"),
        ('{"type": "resume", "data": {"last_seq": -1}}', "last_seq"),
        ('{"type": "resume", "data": {"last_seq": true}}', "last_seq"),
        ("[" * 60_000, "Invalid JSON"),  # deep enough to exhaust the parser's recursion
    ],
    ids=lambda value: value[:30] if isinstance(value, str) else value,
)
async def test_a_bad_message_gets_an_error_and_the_connection_stays_open(
    ws: WebsocketCommunicator, frame: str, says: str
) -> None:
    await ws.send_to(text_data=frame)
    reply = await ws.receive_json_from()
    assert reply["type"] == "error"
    assert says in reply["data"]["error"]
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from() == {"type": "pong"}


async def test_a_binary_frame_gets_an_error(ws: WebsocketCommunicator) -> None:
    await ws.send_to(bytes_data=b'{"type": "ping"}')
    reply = await ws.receive_json_from()
    assert reply["type"] == "error"


async def test_a_frame_over_64_kib_closes_the_connection_with_4009(
    ws: WebsocketCommunicator,
) -> None:
    await ws.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 65_536}))
    closed = await ws.receive_output()
    assert closed == {"type": "websocket.close", "code": 4009}


async def test_a_frame_of_exactly_64_kib_is_still_read(ws: WebsocketCommunicator) -> None:
    frame = json.dumps({"type": "ping", "pad": ""})
    frame = frame[:-2] + "x" * (65_536 - len(frame)) + '"}'
    assert len(frame.encode()) == 65_536
    await ws.send_to(text_data=frame)
    assert await ws.receive_json_from() == {"type": "pong"}


async def test_multibyte_text_is_measured_in_bytes(ws: WebsocketCommunicator) -> None:
    await ws.send_to(
        text_data=json.dumps({"type": "ping", "pad": "é" * 40_000}, ensure_ascii=False)
    )
    assert await ws.receive_output() == {"type": "websocket.close", "code": 4009}


async def test_live_updates_arrive_in_seq_order_with_their_data(ws: WebsocketCommunicator) -> None:
    await ws.send_json_to({"type": "ping"})  # the first message ends the resume grace
    assert await ws.receive_json_from() == {"type": "pong"}
    seqs = [await publish(7, progress) for progress in (20, 40, 60)]
    updates = await receive_updates(ws, 3)
    assert [u["seq"] for u in updates] == seqs
    assert updates[0] == {
        "type": "processing_update",
        "seq": seqs[0],
        "data": {"asset_id": 7, "progress": 20, "stage": "thumbnail", "status": "processing"},
    }
    assert [u["data"]["progress"] for u in updates] == [20, 40, 60]


async def test_a_client_that_never_resumes_goes_live_after_the_grace(
    ws: WebsocketCommunicator,
) -> None:
    seq = await publish(8, 50)
    update = await ws.receive_json_from(timeout=3)
    assert update["seq"] == seq


async def test_an_update_the_channel_layer_dropped_is_filled_from_the_stream(
    ws: WebsocketCommunicator,
) -> None:
    await ws.send_json_to({"type": "ping"})
    await ws.receive_json_from()
    lost = await retained_only(9, 30)
    after = await publish(9, 60)
    updates = await receive_updates(ws, 2)
    assert [(u["seq"], u["data"]["progress"]) for u in updates] == [(lost, 30), (after, 60)]


async def test_resume_replays_what_was_missed_then_continues_live_without_duplicates() -> None:
    last_seen = await publish(11, 10)
    missed = [await publish(11, p) for p in (20, 30, 40)]
    communicator, _ = await connect()
    during_grace = await publish(11, 50)  # published before the client resumes
    await communicator.send_json_to({"type": "resume", "data": {"last_seq": last_seen}})
    replayed = await receive_updates(communicator, 4)
    assert [u["seq"] for u in replayed] == [*missed, during_grace]
    live = await publish(11, 60)
    assert (await communicator.receive_json_from(timeout=3))["seq"] == live
    await communicator.send_json_to({"type": "resume", "data": {"last_seq": last_seen}})
    await communicator.send_json_to({"type": "ping"})
    # A second resume on the same connection sends nothing already sent.
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_resume_from_the_current_seq_replays_nothing(ws: WebsocketCommunicator) -> None:
    await ws.send_json_to({"type": "resume", "data": {"last_seq": await current_seq()}})
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from() == {"type": "pong"}
    assert await ws.receive_nothing(0.4)


async def test_resume_from_a_seq_the_server_never_issued_gets_a_snapshot(
    ws: WebsocketCommunicator,
) -> None:
    # The server's Redis was wiped: its seq restarted below what the client saw.
    await ws.send_json_to({"type": "resume", "data": {"last_seq": 10**9}})
    snapshot = await ws.receive_json_from(timeout=3)
    assert snapshot["type"] == "snapshot"
    assert snapshot["seq"] == await current_seq()
    seq = await publish(12, 70)
    assert (await ws.receive_json_from(timeout=3))["seq"] == seq


@sync_to_async
def make_asset(name: str, status: str) -> Asset:
    return AssetFactory(title=name, file_path=f"snap/{name}.jpg", status=status)


@sync_to_async
def trim_stream_before(seq: int) -> None:
    sync_redis().xtrim(events.stream_key(), minid=f"{seq}-0", approximate=False)


async def test_resume_from_a_seq_older_than_retention_gets_a_snapshot_of_unfinished_assets() -> (
    None
):
    pending = await make_asset("pending", AssetStatus.PENDING)
    failed = await make_asset("failed", AssetStatus.FAILED)
    await make_asset("ready", AssetStatus.READY)
    too_old = await publish(pending.id, 0)
    await publish(pending.id, 10)
    newest = await publish(pending.id, 20)
    await trim_stream_before(newest)
    ws, _ = await connect()
    await ws.send_json_to({"type": "resume", "data": {"last_seq": too_old}})
    snapshot = await ws.receive_json_from(timeout=3)
    assert snapshot["type"] == "snapshot"
    assert snapshot["seq"] == newest
    assets = snapshot["data"]["assets"]
    assert [a["id"] for a in assets] == [pending.id, failed.id]
    assert assets[0]["file_path"] == "snap/pending.jpg"
    assert assets[0]["processing"] == {"stage": "queued", "progress": 0, "error": None}
    after = await publish(pending.id, 30)
    assert (await ws.receive_json_from(timeout=3))["seq"] == after
    await ws.disconnect()


async def test_a_silent_client_is_closed_after_the_idle_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Config, "WS_IDLE_TIMEOUT", 0.5)
    communicator, hello = await connect()
    assert hello["data"]["idle_timeout"] == 0.5
    assert await communicator.receive_output(timeout=2) == {
        "type": "websocket.close",
        "code": 1000,
        "reason": "idle timeout",
    }
    # What the server does after its close: the consumer hears the socket is gone.
    await communicator.disconnect()


async def test_a_client_that_pings_is_kept_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Config, "WS_IDLE_TIMEOUT", 0.5)
    communicator, _ = await connect()
    for _ in range(5):
        await communicator.receive_nothing(0.3)
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@sync_to_async
def open_connections() -> int:
    return sum(presence.open_connections(sync_redis()).values())


async def test_open_connections_are_counted_in_redis_and_uncounted_on_disconnect() -> None:
    before = await open_connections()
    first, _ = await connect()
    second, _ = await connect()
    assert await open_connections() == before + 2
    await first.disconnect()
    await second.disconnect()
    assert await open_connections() == before


async def test_every_connection_of_a_process_gets_each_update_once() -> None:
    clients = [(await connect())[0] for _ in range(3)]
    for communicator in clients:
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from() == {"type": "pong"}
    seq = await publish(13, 90)
    for communicator in clients:
        assert (await communicator.receive_json_from(timeout=3))["seq"] == seq
        assert await communicator.receive_nothing(0.2)
    await clients[0].disconnect()
    after = await publish(13, 95)
    for communicator in clients[1:]:
        assert (await communicator.receive_json_from(timeout=3))["seq"] == after
        await communicator.disconnect()


async def test_a_resume_after_another_message_still_replays_what_was_missed() -> None:
    last_seen = await publish(14, 10)
    missed = [await publish(14, p) for p in (20, 30)]
    communicator, _ = await connect()
    await communicator.send_json_to({"type": "ping"})  # live from here on
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.send_json_to({"type": "resume", "data": {"last_seq": last_seen}})
    assert [u["seq"] for u in await receive_updates(communicator, 2)] == missed
    await communicator.disconnect()


async def test_a_consumer_that_crashes_leaves_no_ghost_in_the_connection_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(self: Any, last_seq: int) -> None:
        raise RuntimeError("a bug in a handler")

    monkeypatch.setattr(delivery.OrderedDelivery, "resume", broken)
    before = await open_connections()
    communicator, _ = await connect()
    assert await open_connections() == before + 1
    await communicator.send_json_to({"type": "resume", "data": {"last_seq": 0}})
    with pytest.raises(RuntimeError, match="a bug in a handler"):
        await communicator.receive_output(timeout=1)  # the app ended: its error comes out
    assert await open_connections() == before


async def test_a_connection_does_not_die_with_the_channel_layer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Updates come through the process's one subscription; a socket reads no channel of its
    own, so a broken layer (Redis gone) does not close every socket with 1011."""
    from channels_redis.core import RedisChannelLayer

    async def broken(self: Any, channel: str) -> Any:
        raise ConnectionError("Redis went away")

    monkeypatch.setattr(RedisChannelLayer, "receive", broken)
    communicator, hello = await connect()
    assert hello["type"] == "connection"
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=3))["type"] == "pong"
    await communicator.disconnect()
