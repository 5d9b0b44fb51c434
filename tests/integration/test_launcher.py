"""`make run`'s launcher as a user runs it: it heals a killed child and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from mam.config import BASE_DIR
from mam.launcher import start_embedded_redis, stop_all
from tests.bootstrap import free_port
from tests.support.live import private_database_env

pytestmark = pytest.mark.integration


class Launched:
    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process, self.port, self.log = process, port, log

    def child(self, role: str) -> psutil.Process | None:
        """The launcher's direct child running `role` (daphne, worker or beat)."""
        for child in psutil.Process(self.process.pid).children():
            try:
                with_args = " ".join(child.cmdline())
            except psutil.Error:  # a killed child the launcher has not reaped yet
                continue
            if (role == "daphne" and "daphne" in with_args) or (
                role in {"worker", "beat"} and "celery" in with_args and f" {role}" in with_args
            ):
                return child
        return None

    def serves(self) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/api/v1/assets", timeout=2).is_success
        except httpx.HTTPError:
            return False


def wait(predicate: Callable[[], object], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def launched(tmp_path: Path) -> Iterator[Launched]:
    redis_port, port = free_port(), free_port()
    redis_server = start_embedded_redis("127.0.0.1", redis_port, tmp_path / "redis")
    env = {
        **os.environ,
        "MEDIA_PATH": str(tmp_path / "media"),
        "DATA_DIR": str(tmp_path / "data"),
        "MAM_LOG_DIR": str(tmp_path / "logs"),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "PORT": str(port),
        "MAM_WORKER_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "launcher.log"
    with private_database_env(env, "launcher") as env:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=120,
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "mam.launcher"],
            cwd=BASE_DIR,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        system = Launched(process, port, log)
        try:
            wait(lambda: system.serves() and system.child("worker") and system.child("beat"))
            yield system
        finally:
            stop_all([process])
            redis_server.kill()
            redis_server.wait(10)


def test_a_killed_worker_and_scheduler_are_restarted_while_the_web_keeps_serving(
    launched: Launched,
) -> None:
    for role in ("worker", "beat"):
        old = launched.child(role)
        assert old is not None
        old.send_signal(signal.SIGKILL)
        wait(lambda old=old, role=role: (new := launched.child(role)) and new.pid != old.pid)
        assert launched.serves(), f"the web server stopped when the {role} was killed"
    assert launched.process.poll() is None
    assert "worker exited with status -9; restarting in 1 s" in launched.log.read_text()


def test_stopping_the_launcher_leaves_no_process_behind(launched: Launched) -> None:
    launcher = psutil.Process(launched.process.pid)
    wait(lambda: len(launcher.children(recursive=True)) >= 4)  # web, worker, its pool, beat
    everything = launcher.children(recursive=True)
    launched.process.send_signal(signal.SIGTERM)
    assert launched.process.wait(60) == 0
    _, alive = psutil.wait_procs(everything, timeout=15)
    assert alive == [], [" ".join(p.cmdline()) for p in alive]
