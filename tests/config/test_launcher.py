"""The launcher's supervision: restarts with backoff, gives up on a crash loop, leaves no
process behind. Real child processes, a fake clock."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from mam import launcher
from mam.launcher import Child, Supervisor, spawn, stop_all


def exits_at_once() -> subprocess.Popen[bytes]:
    return spawn([sys.executable, "-c", "raise SystemExit(3)"])


def keeps_running() -> subprocess.Popen[bytes]:
    return spawn([sys.executable, "-c", "import time; time.sleep(120)"])


def leaves_a_grandchild(pid_file: str) -> subprocess.Popen[bytes]:
    """A leader that starts a long-lived child in its group, writes its pid, and dies."""
    script = (
        "import subprocess, sys; "
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
        f"open({pid_file!r}, 'w').write(str(p.pid)); "
        "raise SystemExit(9)"
    )
    return spawn([sys.executable, "-c", script])


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def wait_gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.05)
    return False


def test_a_child_that_exits_is_restarted_after_a_growing_backoff() -> None:
    clock, said = Clock(), []
    child = Child("worker", exits_at_once)
    supervisor = Supervisor([child], clock=clock, say=said.append)
    supervisor.start()
    delays = []
    for _ in range(3):
        first = child.process
        assert first is not None
        first.wait(10)
        assert supervisor.check() is None
        assert child.restart_at is not None
        delays.append(child.restart_at - clock.now)
        clock.now = child.restart_at - 0.01
        supervisor.check()
        assert child.process is first  # not before its time
        clock.now = child.restart_at
        supervisor.check()
        assert child.process is not first
    assert delays == [1.0, 2.0, 4.0]
    assert "mam: worker exited with status 3; restarting in 1 s" in said
    supervisor.stop()


def test_a_crash_loop_is_reported_and_given_up_on() -> None:
    clock = Clock()
    child = Child("scheduler", exits_at_once)
    supervisor = Supervisor([child], clock=clock, say=lambda _: None)
    supervisor.start()
    problem = None
    for _ in range(launcher.MAX_EXITS_IN_WINDOW + 1):
        assert child.process is not None
        child.process.wait(10)
        problem = supervisor.check()
        if problem:
            break
        clock.now = child.restart_at or clock.now
        supervisor.check()
    assert problem == "scheduler exited 6 times in 120 s (last exit status 3); giving up"


def test_exits_far_apart_are_not_a_crash_loop() -> None:
    clock = Clock()
    child = Child("web", exits_at_once)
    supervisor = Supervisor([child], clock=clock, say=lambda _: None)
    supervisor.start()
    for _ in range(launcher.MAX_EXITS_IN_WINDOW + 3):
        assert child.process is not None
        child.process.wait(10)
        assert supervisor.check() is None
        clock.now += launcher.CRASH_WINDOW_SECONDS  # a day's worth of rare crashes
        supervisor.check()
    supervisor.stop()


def test_a_running_child_is_left_alone_and_stopped_at_the_end() -> None:
    child = Child("web", keeps_running)
    supervisor = Supervisor([child], clock=Clock(), say=lambda _: None)
    supervisor.start()
    first = child.process
    assert first is not None
    assert supervisor.check() is None
    assert child.process is first and first.poll() is None
    supervisor.stop()
    assert first.poll() is not None


def test_stopping_a_leader_that_already_died_still_stops_what_it_left_in_its_group(
    tmp_path: Path,
) -> None:
    # A worker killed with -9 left its embedded scheduler running: an orphan in its group.
    pid_file = str(tmp_path / "grandchild.pid")
    leader = leaves_a_grandchild(pid_file)
    leader.wait(10)
    deadline = time.monotonic() + 10
    while not os.path.exists(pid_file) and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchild = int(open(pid_file).read())  # noqa: SIM115
    assert psutil.pid_exists(grandchild)
    stop_all([leader])
    assert wait_gone(grandchild)
