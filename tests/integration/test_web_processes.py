"""Several web processes behind the one port (MAM_WEB_PROCESSES, issue 10): the launcher binds
the port once and every Daphne serves it, HTTP and /ws alike."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest
import websockets

from mam.config import BASE_DIR
from mam.launcher import start_embedded_redis
from tests.bootstrap import free_port
from tests.media import make_jpeg
from tests.support.launcher import Launched, launch, wait

pytestmark = pytest.mark.integration

SOCKETS = 24


@pytest.fixture
def two_web(tmp_path: Path) -> Iterator[Launched]:
    redis_port = free_port()
    redis_server = start_embedded_redis("127.0.0.1", redis_port, tmp_path / "redis")
    try:
        with launch(tmp_path, redis_port, MAM_WEB_PROCESSES="2") as system:
            wait(lambda: len(web_processes(system)) == 2)
            yield system
    finally:
        redis_server.kill()
        redis_server.wait(10)


def web_processes(system: Launched) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(system.process.pid).children():
        try:
            if "mam.server" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def established(process: psutil.Process, port: int) -> int:
    return sum(
        1
        for c in process.net_connections(kind="tcp")
        if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port
    )


def test_every_web_process_serves_sockets_and_each_socket_gets_every_update(
    two_web: Launched,
) -> None:
    token = two_web.client.post("/api/v1/auth/tokens", json={"name": "ws", "scope": "read"}).json()[
        "token"
    ]
    make_jpeg(two_web.media / "shared/one.jpg", size=(64, 48))
    url = f"ws://127.0.0.1:{two_web.port}/ws"

    async def scenario() -> tuple[list[int], list[set[str]]]:
        sockets = [
            await websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"})
            for _ in range(SOCKETS)
        ]
        try:
            for ws in sockets:
                assert json.loads(await ws.recv())["type"] == "connection"
            per_process = [established(p, two_web.port) for p in web_processes(two_web)]
            await asyncio.sleep(1.5)  # past the resume grace: every socket is live
            response = await asyncio.to_thread(two_web.register, "shared/one.jpg")
            assert response.status_code == 201, response.text
            asset_id = response.json()["id"]

            async def stages(ws: websockets.ClientConnection) -> set[str]:
                seen: set[str] = set()
                while "done" not in seen:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    data = message.get("data", {})
                    if message["type"] == "processing_update" and data["asset_id"] == asset_id:
                        seen.add(data["stage"])
                return seen

            return per_process, await asyncio.gather(*(stages(ws) for ws in sockets))
        finally:
            for ws in sockets:
                await ws.close()

    # A loop of its own in a thread of its own: an earlier test of this xdist worker may have
    # left one set on this thread.
    with ThreadPoolExecutor(1) as pool:
        per_process, seen = pool.submit(asyncio.run, scenario()).result(timeout=240)
    assert len(per_process) == 2 and all(n > 0 for n in per_process), (
        f"sockets per web process: {per_process}"
    )
    assert sum(per_process) >= SOCKETS
    assert all({"queued", "done"} <= stages for stages in seen), seen


def test_a_killed_web_process_is_replaced_while_the_port_keeps_answering(
    two_web: Launched,
) -> None:
    victim, survivor = web_processes(two_web)
    victim.send_signal(signal.SIGKILL)
    answers = [
        httpx.get(f"{two_web.base_url}/api/v1/health/status", timeout=10).status_code
        for _ in range(20)
    ]
    assert answers.count(200) == len(answers), answers
    wait(lambda: {p.pid for p in web_processes(two_web)} - {victim.pid, survivor.pid})
    assert len(web_processes(two_web)) == 2
    assert "web-" in two_web.log.read_text() and "exited with status -9" in two_web.log.read_text()


def test_the_port_in_use_is_a_clear_error_not_a_crash_loop(tmp_path: Path) -> None:
    redis_port = free_port()
    redis_server = start_embedded_redis("127.0.0.1", redis_port, tmp_path / "redis")
    try:
        with launch(tmp_path / "a", redis_port, MAM_WEB_PROCESSES="1") as first:
            env = {
                **os.environ,
                "PORT": str(first.port),
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "DATA_DIR": str(tmp_path / "b"),
                "MEDIA_PATH": str(tmp_path / "a" / "media"),
            }
            second = subprocess.run(
                [sys.executable, "-m", "mam.launcher"],
                cwd=BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode != 0
            assert f":{first.port}: Address already in use" in second.stdout + second.stderr
            assert first.serves()
    finally:
        redis_server.kill()
        redis_server.wait(10)
