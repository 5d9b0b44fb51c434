"""Worker heartbeats: each Celery worker keeps a key with a TTL in Redis while it is alive.

The health endpoints read these keys (one SCAN) instead of broadcasting to the workers on
every request; a worker that dies stops refreshing its key and drops out after the TTL.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from typing import Any

import redis

from mam.redis_clients import Purpose, redis_client, redis_key

logger = logging.getLogger("mam.system")

HEARTBEAT_INTERVAL = 5.0
HEARTBEAT_TTL = 20  # seconds: a few missed beats before a worker counts as gone


def heartbeat_key(hostname: str) -> str:
    return redis_key("workers", hostname)


class Heartbeat:
    """A daemon thread in the worker's main process refreshing the worker's key."""

    def __init__(self, hostname: str, *, concurrency: int | None = None) -> None:
        self.hostname = hostname
        self.key = heartbeat_key(hostname)
        self.info = {
            "hostname": hostname,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "concurrency": concurrency,
            "started_at": time.time(),
        }
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mam-heartbeat", daemon=True)
        self._client = redis_client(Purpose.HEARTBEAT)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def beat(self) -> bool:
        try:
            self._client.set(
                self.key, json.dumps({**self.info, "beat_at": time.time()}), ex=HEARTBEAT_TTL
            )
        except redis.RedisError as exc:
            logger.warning("worker heartbeat failed for %s: %s", self.hostname, exc)
            return False
        return True

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT_INTERVAL):
            self.beat()

    def stop(self) -> None:
        """Stops beating and removes the key: a clean shutdown is seen at once."""
        self._stop.set()
        with contextlib.suppress(redis.RedisError):  # else the TTL removes it
            self._client.delete(self.key)


def live_workers(client: redis.Redis) -> list[dict[str, Any]]:
    """The workers whose heartbeat has not expired (raises RedisError when Redis is down)."""
    keys = list(client.scan_iter(match=heartbeat_key("*"), count=200))
    if not keys:
        return []
    workers = []
    for raw in client.mget(keys):
        if raw is None:
            continue  # expired between SCAN and MGET
        try:
            info = json.loads(raw)
        except ValueError:
            continue
        workers.append(
            {
                "hostname": info.get("hostname"),
                "host": info.get("host"),
                "concurrency": info.get("concurrency"),
                "last_beat_seconds_ago": round(max(0.0, time.time() - info.get("beat_at", 0)), 1),
            }
        )
    return sorted(workers, key=lambda w: str(w["hostname"]))


def main(argv: list[str] | None = None) -> int:
    """`python -m health.workers [HOSTNAME]`: exit 0 while that worker's heartbeat is live.

    The container health check of a worker (default hostname: `mam@<this host>`, the name
    `make run` and docker-compose give their workers).
    """
    import sys

    args = sys.argv[1:] if argv is None else argv
    hostname = args[0] if args else f"mam@{socket.gethostname()}"
    try:
        alive = bool(redis_client(Purpose.HEARTBEAT).exists(heartbeat_key(hostname)))
    except redis.RedisError as exc:
        print(f"redis unavailable: {exc}")
        return 1
    print(f"{hostname}: {'alive' if alive else 'no heartbeat'}")
    return 0 if alive else 1


if __name__ == "__main__":
    raise SystemExit(main())
