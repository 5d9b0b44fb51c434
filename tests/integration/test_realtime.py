"""/ws end to end: a real Daphne, Celery worker and Redis channel layer, spoken to with websockets."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from mam.launcher import stop_all
from tests.bootstrap import free_port
from tests.media import make_jpeg
from tests.support.live import LiveSystem, start_live_system

pytestmark = pytest.mark.integration

IDLE_TIMEOUT = 3  # seconds; short so the idle close is quick to see
RETENTION = 10  # the stream keeps "about" this many: Redis trims whole nodes of 100


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSystem]:
    live = start_live_system(
        tmp_path_factory.mktemp("realtime"),
        extra_env={"MAM_WS_IDLE_TIMEOUT": str(IDLE_TIMEOUT), "MAM_EVENT_RETENTION": str(RETENTION)},
    )
    yield live
    live.stop()


def open_ws(
    system: LiveSystem, url: str, origin: str | None = None
) -> tuple[ClientConnection, dict[str, Any]]:
    ws = connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        additional_headers=system.ws_headers,
        open_timeout=10,
        legacy=True,  # type: ignore[call-arg]
    )
    hello = json.loads(ws.recv(timeout=5))
    return ws, hello


def collect(
    ws: ClientConnection, done: Callable[[dict[str, Any]], bool], timeout: float = 60
) -> list[dict[str, Any]]:
    """Messages until one satisfies `done`, pinging every second like a client should."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    next_ping = 0.0
    while time.monotonic() < deadline:
        if time.monotonic() >= next_ping:
            ws.send(json.dumps({"type": "ping"}))
            next_ping = time.monotonic() + 1
        try:
            message = json.loads(ws.recv(timeout=0.5))
        except TimeoutError:
            continue
        if message["type"] == "pong":
            continue
        messages.append(message)
        if done(message):
            return messages
    raise AssertionError(f"timed out; got {messages[-5:]}")


def finished(asset_id: int) -> Callable[[dict[str, Any]], bool]:
    def check(message: dict[str, Any]) -> bool:
        data = message.get("data", {})
        return data.get("asset_id") == asset_id and data.get("status") in {"ready", "failed"}

    return check


def register_image(system: LiveSystem, name: str) -> int:
    make_jpeg(system.media / name)
    response = system.register(name)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def stages(updates: list[dict[str, Any]], asset_id: int) -> list[str]:
    seen: list[str] = []
    for update in updates:
        if update["type"] == "processing_update" and update["data"]["asset_id"] == asset_id:
            stage = update["data"]["stage"]
            if not seen or seen[-1] != stage:
                seen.append(stage)
    return seen


def test_a_client_is_greeted_and_answered_on_the_same_port_as_http(system: LiveSystem) -> None:
    ws, hello = open_ws(system, system.ws_url)
    assert hello["type"] == "connection"
    assert hello["data"]["status"] == "connected"
    assert hello["data"]["heartbeat_interval"] == 25
    assert hello["data"]["idle_timeout"] == IDLE_TIMEOUT
    assert isinstance(hello["data"]["last_seq"], int)
    # Pinging keeps the connection open well past the idle timeout.
    for _ in range(IDLE_TIMEOUT * 2):
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "pong"}
        time.sleep(0.7)
    ws.close()
    trailing, _ = open_ws(system, system.ws_url + "/")
    trailing.close()


def test_a_silent_client_is_closed_after_the_idle_timeout(system: LiveSystem) -> None:
    ws, _ = open_ws(system, system.ws_url)
    started = time.monotonic()
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=IDLE_TIMEOUT + 5)
    # Not before the timeout (a loaded machine can only make it later; recv bounds that).
    assert time.monotonic() - started >= IDLE_TIMEOUT - 0.5
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1000


def test_a_foreign_origin_is_refused_and_the_servers_own_is_accepted(
    system: LiveSystem,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(
            system.ws_url,
            origin="http://evil.example",  # type: ignore[arg-type]
            additional_headers=system.ws_headers,
            open_timeout=10,
        )
    assert refused.value.response.status_code == 403
    ws, hello = open_ws(system, system.ws_url, origin=system.base_url)
    assert hello["data"]["status"] == "connected"
    ws.close()


def test_bad_json_gets_an_error_and_the_connection_stays_open(system: LiveSystem) -> None:
    ws, _ = open_ws(system, system.ws_url)
    ws.send("{this is not json")
    reply = json.loads(ws.recv(timeout=5))
    assert reply["type"] == "error"
    assert "JSON" in reply["data"]["error"]
    ws.send(json.dumps({"type": "shout"}))
    assert json.loads(ws.recv(timeout=5))["type"] == "error"
    ws.send(json.dumps({"type": "ping"}))
    assert json.loads(ws.recv(timeout=5)) == {"type": "pong"}
    ws.close()


def test_a_frame_over_64_kib_closes_the_connection(system: LiveSystem) -> None:
    ws, _ = open_ws(system, system.ws_url)
    ws.send(json.dumps({"type": "ping", "pad": "x" * 70_000}))
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4009
    # Past Daphne's own limit (1 MiB) the server drops the connection without reading on.
    ws, _ = open_ws(system, system.ws_url)
    with contextlib.suppress(ConnectionClosed):  # the drop may already hit the send
        ws.send("x" * (2 * 1024 * 1024))
    with pytest.raises(ConnectionClosed):
        ws.recv(timeout=5)


def test_a_registered_asset_s_progress_arrives_live_and_in_order(system: LiveSystem) -> None:
    ws, _ = open_ws(system, system.ws_url)
    ws.send(json.dumps({"type": "ping"}))  # a first message: no resume is coming
    asset_id = register_image(system, "live.jpg")
    updates = collect(ws, finished(asset_id))
    ws.close()
    mine = [u for u in updates if u["data"]["asset_id"] == asset_id]
    seqs = [u["seq"] for u in mine]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    processing = [s for s in stages(mine, asset_id) if s != "queued"]
    assert processing == ["validate", "metadata", "thumbnail", "done"]
    final = mine[-1]["data"]
    assert final["status"] == "ready" and final["progress"] == 100
    assert final["thumbnail_url"].startswith("/thumbnails/")
    assert "/" not in final["thumbnail_url"].removeprefix("/thumbnails/")


def test_resume_after_a_disconnect_replays_everything_made_while_away(system: LiveSystem) -> None:
    ws, hello = open_ws(system, system.ws_url)
    last_seq = hello["data"]["last_seq"]
    ws.close()
    away = register_image(system, "away.jpg")
    assert system.wait_for(away)["status"] == "ready"
    current = int(system.redis().get(f"{system.env['MAM_REDIS_PREFIX']}:events:seq") or 0)
    assert current > last_seq

    ws, _ = open_ws(system, system.ws_url)
    ws.send(json.dumps({"type": "resume", "data": {"last_seq": last_seq}}))
    replayed = collect(ws, lambda m: m.get("seq") == current, timeout=10)
    assert [m["seq"] for m in replayed] == list(range(last_seq + 1, current + 1))
    assert stages(replayed, away)[-1] == "done"
    # ...then live ones, with nothing repeated at the seam.
    after = register_image(system, "after.jpg")
    live = collect(ws, finished(after))
    ws.close()
    assert [m["seq"] for m in live] == list(range(current + 1, live[-1]["seq"] + 1))


def test_resume_from_a_seq_older_than_retention_gets_a_snapshot(system: LiveSystem) -> None:
    broken = system.media / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64)
    response = system.register("broken.jpg")
    assert response.status_code == 201, response.text
    failed_id = int(response.json()["id"])
    assert system.wait_for(failed_id)["status"] == "failed"
    # Far more updates than the retention keeps: the early ones are trimmed away.
    system.manage(
        "shell",
        "-c",
        "from assets.realtime import events\n"
        "for i in range(300):\n"
        "    events.publish_processing_update(asset_id=0, status='processing',"
        " stage='metadata', progress=i % 100)\n",
    )
    ws, hello = open_ws(system, system.ws_url)
    ws.send(json.dumps({"type": "resume", "data": {"last_seq": 1}}))
    snapshot = collect(ws, lambda m: m["type"] == "snapshot", timeout=10)[-1]
    ws.close()
    assert snapshot["seq"] >= hello["data"]["last_seq"]
    by_id = {a["id"]: a for a in snapshot["data"]["assets"]}
    assert failed_id in by_id
    assert by_id[failed_id]["status"] == "failed"
    assert by_id[failed_id]["processing"]["error"]
    assert all(a["status"] != "ready" for a in snapshot["data"]["assets"])


def test_two_server_processes_sharing_redis_both_deliver(system: LiveSystem) -> None:
    second_port = free_port()
    second = system.start_server(second_port)
    try:
        first_ws, _ = open_ws(system, system.ws_url)
        second_ws, _ = open_ws(system, f"ws://127.0.0.1:{second_port}/ws")
        health = httpx.get(
            f"http://127.0.0.1:{second_port}/api/v1/health/websocket",
            timeout=5,
            headers=system.headers,
        )
        assert health.status_code == 200
        assert health.json()["open_connections"] >= 2
        assert health.json()["components"]["events"]["server_processes"] >= 2
        for ws in (first_ws, second_ws):
            ws.send(json.dumps({"type": "ping"}))
        asset_id = register_image(system, "both.jpg")
        seen = [
            [m["seq"] for m in collect(ws, finished(asset_id)) if m["data"]["asset_id"] == asset_id]
            for ws in (first_ws, second_ws)
        ]
        first_ws.close()
        second_ws.close()
        assert seen[0] == seen[1]
        assert len(seen[0]) >= 4
    finally:
        stop_all([second])


def test_websocket_health_reports_the_live_system(system: LiveSystem, tmp_path: Path) -> None:
    ws, _ = open_ws(system, system.ws_url)
    with system.client() as client:
        body = client.get("/api/v1/health/websocket").json()
    ws.close()
    assert body["status"] == "healthy"
    assert body["open_connections"] >= 1
    assert body["components"]["channel_layer"]["round_trip_ms"] > 0
    assert body["components"]["events"]["retention_limit"] == RETENTION


def test_a_connection_quiet_longer_than_the_layers_blocking_pop_stays_open(
    system: LiveSystem,
) -> None:
    # channels-redis blocks 5 s per receive; a socket read timeout of 5 s (redis-py 8's
    # default) made every connection quiet for that long die with 1011.
    ws, _ = open_ws(system, system.ws_url)
    for _ in range(12):  # the client pings; the channel layer has nothing to say meanwhile
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=5))["type"] == "pong"
        time.sleep(1)
    asset_id = register_image(system, "after-quiet.jpg")
    updates = collect(
        ws,
        lambda m: m.get("data", {}).get("asset_id") == asset_id and m["data"]["status"] == "ready",
    )
    assert stages(updates, asset_id)[-1] == "done"
    ws.close()
