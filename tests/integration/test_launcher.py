"""`make run`'s launcher as a user runs it: it heals a killed child and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from mam.launcher import start_embedded_redis
from tests.bootstrap import free_port
from tests.support.launcher import Launched, launch, wait

pytestmark = pytest.mark.integration


@pytest.fixture
def launched(tmp_path: Path) -> Iterator[Launched]:
    redis_port = free_port()
    redis_server = start_embedded_redis("127.0.0.1", redis_port, tmp_path / "redis")
    try:
        with launch(tmp_path, redis_port) as system:
            yield system
    finally:
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


def test_a_launcher_whose_terminal_went_away_still_stops_everything(tmp_path: Path) -> None:
    redis_port = free_port()
    redis_server = start_embedded_redis("127.0.0.1", redis_port, tmp_path / "redis")
    read_end, write_end = os.pipe()
    try:
        with launch(tmp_path, redis_port, output=write_end) as system:
            os.close(write_end)
            os.close(read_end)  # `make run | head` after head exited: every print now fails
            everything = psutil.Process(system.process.pid).children(recursive=True)
            assert system.child("daphne") in everything
            time.sleep(2)  # its children log into the void too; some may die and restart
            everything += psutil.Process(system.process.pid).children(recursive=True)
            system.process.send_signal(signal.SIGTERM)
            system.process.wait(60)
            _, alive = psutil.wait_procs(set(everything), timeout=15)
            assert alive == [], [" ".join(p.cmdline()) for p in alive]
    finally:
        redis_server.kill()
        redis_server.wait(10)
