"""/ws under abuse, with assets in flight, on a real Daphne, worker and a private Redis the
test owns: floods of connections opened and dropped, a client sending as fast as it can, and a
table of hostile frames. Other clients keep being served, every asset still ends `ready`, the
connection count returns to the truth, and nothing ends in a 1011 or a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from mam.launcher import start_embedded_redis
from tests.bootstrap import free_port
from tests.media import make_jpeg
from tests.support.launcher import wait
from tests.support.live import LiveSystem, start_live_system

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

PING = json.dumps({"type": "ping"})
FLOOD_CONNECTIONS = 300
# Generous on purpose: the machine is shared; what matters is an answer, not a fast one.
ANSWER_WITHIN = 10.0
# What one client that never reads may cost the server in memory (its unread answers), after
# sending this many frames (each answered with a pong or an error of about 50 bytes).
FLOODER_MEMORY_BYTES = 32 * 2**20
FLOOD_FRAMES = 400_000


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSystem]:
    root = tmp_path_factory.mktemp("ws-abuse")
    port = free_port()
    redis_server = start_embedded_redis("127.0.0.1", port, root / "redis")
    try:
        live = start_live_system(
            root / "system", extra_env={"REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        )
        try:
            yield live
        finally:
            live.stop()
    finally:
        redis_server.kill()
        redis_server.wait(10)


def open_ws(system: LiveSystem) -> ClientConnection:
    ws = connect(system.ws_url, additional_headers=system.ws_headers, open_timeout=15)
    assert json.loads(ws.recv(timeout=10))["type"] == "connection"
    return ws


def open_connections(system: LiveSystem) -> int:
    with system.client() as client:
        return int(client.get("/api/v1/health/websocket").json()["open_connections"])


def register_images(system: LiveSystem, folder: str, count: int) -> list[int]:
    ids = []
    for i in range(count):
        make_jpeg(system.media / f"{folder}/{i:02}.jpg", size=(900, 600), color=(i * 20, 60, 90))
        response = system.register(f"{folder}/{i:02}.jpg")
        assert response.status_code == 201, response.text
        ids.append(int(response.json()["id"]))
    return ids


def all_ready(system: LiveSystem, ids: list[int]) -> None:
    assert [system.wait_for(i, timeout=120)["status"] for i in ids] == ["ready"] * len(ids)


def round_trip(ws: ClientConnection) -> float:
    """Seconds from a ping to its pong (updates arriving meanwhile are skipped)."""
    started = time.monotonic()
    ws.send(PING)
    while json.loads(ws.recv(timeout=30))["type"] != "pong":
        pass
    return time.monotonic() - started


def http_round_trip(system: LiveSystem) -> float:
    started = time.monotonic()
    with system.client() as client:
        assert client.get("/api/v1/assets").status_code == 200
    return time.monotonic() - started


def error_log(system: LiveSystem) -> str:
    path = system.logs / "error.log"
    return path.read_text(errors="replace") if path.exists() else ""


async def churn(system: LiveSystem, count: int) -> None:
    """Connections opened and dropped every way a client can: closed after the greeting,
    closed before it, the TCP connection cut without a close frame, and a handshake
    abandoned half-way."""
    import websockets

    headers = system.ws_headers
    host, port = "127.0.0.1", system.port

    async def one(kind: int) -> None:
        with contextlib.suppress(OSError, TimeoutError, websockets.WebSocketException):
            if kind == 3:
                _reader, writer = await asyncio.open_connection(host, port)
                writer.write(b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n")
                await writer.drain()
                writer.close()
                return
            ws = await websockets.connect(
                system.ws_url, additional_headers=headers, open_timeout=30
            )
            if kind == 0:
                await ws.recv()
                await ws.close()
            elif kind == 1:
                await ws.close()
            else:
                ws.transport.abort()  # gone without a close frame, as a dead network is

    gate = asyncio.Semaphore(50)

    async def gated(kind: int) -> None:
        async with gate:
            await one(kind)

    await asyncio.gather(*(gated(i % 4) for i in range(count)))


def test_a_flood_of_connections_opened_and_dropped_leaves_others_served_and_counted_true(
    system: LiveSystem,
) -> None:
    witness = open_ws(system)
    baseline = open_connections(system)
    ids = register_images(system, "churn", 6)

    flood = threading.Thread(target=asyncio.run, args=(churn(system, FLOOD_CONNECTIONS),))
    flood.start()
    worst_ws = worst_http = 0.0
    while flood.is_alive():
        worst_ws = max(worst_ws, round_trip(witness))
        worst_http = max(worst_http, http_round_trip(system))
        time.sleep(0.2)
    flood.join()

    assert worst_ws < ANSWER_WITHIN
    assert worst_http < ANSWER_WITHIN
    all_ready(system, ids)
    wait(lambda: open_connections(system) == baseline, timeout=30)
    other = open_ws(system)
    assert round_trip(other) < ANSWER_WITHIN
    assert open_connections(system) == baseline + 1
    other.close()
    witness.close()
    wait(lambda: open_connections(system) == baseline - 1, timeout=30)


def test_clients_leaving_mid_send_leave_no_traceback_in_the_error_log(
    system: LiveSystem,
) -> None:
    before_log = error_log(system)
    ids = register_images(system, "leaving", 4)  # updates being sent while clients leave
    asyncio.run(churn(system, FLOOD_CONNECTIONS))
    all_ready(system, ids)
    new_log = error_log(system)[len(before_log) :]
    assert "Traceback" not in new_log, new_log[-3000:]


class Flooder:
    """One client sending pings and invalid JSON as fast as it can, never reading a reply."""

    def __init__(self, system: LiveSystem, max_frames: int | None = None) -> None:
        self.system, self.max_frames = system, max_frames
        self.sent = 0
        self.stop = threading.Event()
        self.raw = socket.create_connection(("127.0.0.1", system.port))
        self.thread = threading.Thread(target=self.blast)

    def blast(self) -> None:
        flooder = connect(
            self.system.ws_url,
            sock=self.raw,
            additional_headers=self.system.ws_headers,
            open_timeout=15,
            ping_interval=None,  # it never reads, so its own keepalive would give up
        )
        with contextlib.suppress(ConnectionClosed, OSError, TimeoutError):
            while not self.stop.is_set() and self.sent != self.max_frames:
                flooder.send(PING)
                flooder.send("{not json")
                self.sent += 2

    def __enter__(self) -> Flooder:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        # Its sends block once the server stops reading it (TCP flow control): cut it off.
        with contextlib.suppress(OSError):
            self.raw.shutdown(socket.SHUT_RDWR)
        self.raw.close()
        self.thread.join(30)
        assert not self.thread.is_alive()


def test_a_client_sending_as_fast_as_it_can_does_not_starve_the_others(
    system: LiveSystem,
) -> None:
    baseline = open_connections(system)
    witness = open_ws(system)
    ids = register_images(system, "blast", 6)  # in flight while the flood lasts
    worst_ws = worst_http = 0.0
    with Flooder(system) as flooder:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            worst_ws = max(worst_ws, round_trip(witness))
            worst_http = max(worst_http, http_round_trip(system))
            time.sleep(0.2)
    figures = {"ws s": worst_ws, "http s": worst_http, "frames": flooder.sent}
    assert flooder.sent > 1000, figures  # it did flood
    assert worst_ws < ANSWER_WITHIN, figures
    assert worst_http < ANSWER_WITHIN, figures
    all_ready(system, ids)
    witness.close()
    wait(lambda: open_connections(system) == baseline, timeout=30)


def test_a_client_that_never_reads_cannot_grow_the_server_without_bound(
    system: LiveSystem,
) -> None:
    assert system.server is not None
    server = psutil.Process(system.server.pid)
    rss_before = server.memory_info().rss
    growth = 0
    with Flooder(system, max_frames=FLOOD_FRAMES) as flooder:
        deadline = time.monotonic() + 60
        while flooder.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.5)
        # The socket stays open, unread, while the server works through what it was sent.
        for _ in range(30):
            growth = max(growth, server.memory_info().rss - rss_before)
            time.sleep(0.5)
    assert growth < FLOODER_MEMORY_BYTES, {"frames": flooder.sent, "rss growth": growth}


ERROR = "error"  # the protocol's error message; the connection stays open
CLOSED = "closed"  # a clean close: any code but 1011 (the server's own failure)

HOSTILE_FRAMES: list[tuple[str, str | bytes, str]] = [
    ("binary frame", b"\x00\xff\xfe\x01", ERROR),
    ("binary JSON", b'{"type": "ping"}', ERROR),
    ("empty text", "", ERROR),
    ("invalid JSON", "{not json", ERROR),
    ("truncated JSON", '{"type": "resume", "data": {"last_seq": ', ERROR),
    ("deep nesting, arrays", "[" * 60_000, ERROR),
    ("deep nesting, objects", '{"a":' * 10_000 + "1" + "}" * 10_000, ERROR),
    ("unknown type", '{"type": "subscribe", "data": {"channel": "admin"}}', ERROR),
    ("type missing", '{"data": {}}', ERROR),
    ("type a number", '{"type": 5}', ERROR),
    ("type null", '{"type": null}', ERROR),
    ("type a list", '{"type": ["ping"]}', ERROR),
    ("a JSON array", '[{"type": "ping"}]', ERROR),
    ("a JSON string", '"ping"', ERROR),
    ("resume, data a string", '{"type": "resume", "data": "7"}', ERROR),
    ("resume, last_seq a string", '{"type": "resume", "data": {"last_seq": "7"}}', ERROR),
    ("resume, last_seq a float", '{"type": "resume", "data": {"last_seq": 1.5}}', ERROR),
    ("resume, last_seq huge float", '{"type": "resume", "data": {"last_seq": 1e400}}', ERROR),
    ("resume, last_seq NaN", '{"type": "resume", "data": {"last_seq": NaN}}', ERROR),
    ("resume, last_seq negative", '{"type": "resume", "data": {"last_seq": -5}}', ERROR),
    ("NUL bytes alone", "\x00" * 64, ERROR),
    ("NUL in the type", '{"type": "ping\\u0000"}', ERROR),
    ("raw NUL in the type", '{"type": "ping\x00"}', ERROR),
    ("invalid UTF-8 in a text frame", b"\xff\xfe{", CLOSED),
    ("over 64 KiB", json.dumps({"type": "ping", "pad": "x" * 70_000}), CLOSED),
    ("over Daphne's 1 MiB", "x" * (2 * 1024 * 1024), CLOSED),
]


@pytest.mark.parametrize(
    ("frame", "expect"),
    [pytest.param(frame, expect, id=name) for name, frame, expect in HOSTILE_FRAMES],
)
def test_a_hostile_frame_gets_an_error_or_a_clean_close_never_a_1011(
    system: LiveSystem, tmp_path: Path, frame: str | bytes, expect: str
) -> None:
    (asset_id,) = register_images(system, f"hostile-{tmp_path.name}", 1)
    before_log = error_log(system)
    ws = open_ws(system)
    replies: list[dict[str, Any]] = []
    closed: ConnectionClosed | None = None
    try:
        if isinstance(frame, bytes) and expect == CLOSED:
            ws.send(frame, text=True)  # bytes that claim to be text
        else:
            ws.send(frame)
        while True:
            message = json.loads(ws.recv(timeout=10))
            if message["type"] != "processing_update":
                replies.append(message)
                if expect == ERROR:
                    break
    except ConnectionClosed as exc:
        closed = exc
    if expect == ERROR:
        assert closed is None, closed
        assert replies[0]["type"] == "error", replies
        assert replies[0]["data"]["error"]
        assert round_trip(ws) < ANSWER_WITHIN  # still open, still served
        ws.close()
    else:
        assert closed is not None
        code = closed.rcvd.code if closed.rcvd else None
        assert code != 1011, closed
    all_ready(system, [asset_id])
    new_log = error_log(system)[len(before_log) :]
    assert "Traceback" not in new_log, new_log[-3000:]
