"""Loaded with `-p tests.bootstrap` before Django settings: a private environment for the run.

MEDIA_PATH, DATA_DIR and logs go to a temporary directory; Redis is MAM_TEST_REDIS_URL when
set (CI points it at the machine's Redis), else a private redis-server started for this run.
The database MAM_TEST_REDIS_URL names is flushed at the start (what another run left in it,
such as queued tasks, would change what health reports); live systems started by the tests
use (and flush) databases 1 to 14 of the same server, so name another one, such as 15.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

RUN_DIR = Path(tempfile.mkdtemp(prefix="mam-tests-"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cleanup(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        process.wait(5)
    shutil.rmtree(RUN_DIR, ignore_errors=True)


_private_redis_port = None if os.environ.get("MAM_TEST_REDIS_URL") else free_port()
REDIS_URL = os.environ.get("MAM_TEST_REDIS_URL") or f"redis://127.0.0.1:{_private_redis_port}/0"
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

# Only now may anything import mam (its Config reads the environment set above).
from mam.launcher import start_embedded_redis  # noqa: E402

_redis_process = (
    start_embedded_redis("127.0.0.1", _private_redis_port, RUN_DIR / "redis")
    if _private_redis_port
    else None
)
if not _private_redis_port:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
atexit.register(_cleanup, _redis_process)
