"""Loaded with `-p tests.bootstrap` before Django settings: a private environment for the run.

MEDIA_PATH, DATA_DIR and logs go to a temporary directory; Redis is MAM_TEST_REDIS_URL when
set (CI points it at the machine's Redis), else a private redis-server started for this run
(for each pytest-xdist worker). On a shared server, worker N's in-process tests use the
database MAM_TEST_REDIS_URL names minus N, flushed at the start (what another run left in it,
such as queued tasks, would change what health reports); live systems started by the tests
use (and flush) databases from 1 up, so name a high one, such as 15.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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


def redis_url_with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


# Under pytest-xdist every worker process runs this module for itself.
WORKER_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
WORKER_COUNT = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
_shared_url = os.environ.get("MAM_TEST_REDIS_URL")
_private_redis_port = None if _shared_url else free_port()
if _shared_url:
    # A server shared with other workers (CI): Celery's queues are not prefixed, so each
    # worker's in-process tests and each live system need a database of their own. The
    # named one and those below it go to the workers' in-process tests; the rest, from 1 up,
    # are dealt out to the workers' live systems.
    _base_db = int(urlsplit(_shared_url).path.lstrip("/") or 0)
    if _base_db - WORKER_COUNT < 2:
        raise SystemExit(f"MAM_TEST_REDIS_URL must name database {WORKER_COUNT + 1} or higher")
    REDIS_URL = redis_url_with_db(_shared_url, _base_db - WORKER_INDEX)
    LIVE_REDIS_DATABASES = list(range(1 + WORKER_INDEX, _base_db - WORKER_COUNT + 1, WORKER_COUNT))
else:
    # A private server per worker: every database but 0 (the in-process tests') is free.
    REDIS_URL = f"redis://127.0.0.1:{_private_redis_port}/0"
    LIVE_REDIS_DATABASES = list(range(1, 16))
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
# The product's defaults (accounts on, the default hosts), whatever the shell says.
for name in ("MAM_AUTH", "MAM_BIND", "MAM_ALLOWED_HOSTS", "MAM_SECRET_KEY", "MAM_METRICS_TOKEN"):
    os.environ.pop(name, None)
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
