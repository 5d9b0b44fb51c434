"""A real MAM for integration and browser tests: Daphne, Celery workers, Redis, a database.

Each LiveSystem has its own media/data/log directories, its own Redis database number and,
when DATABASE_URL points at PostgreSQL, its own PostgreSQL database.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import redis

from mam.config import BASE_DIR
from mam.launcher import server_command, stop_all, worker_command
from tests.bootstrap import LIVE_REDIS_DATABASES, free_port, redis_url_with_db

_counter = itertools.count(1)
READY_TIMEOUT = 60.0


def create_postgres_database(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def drop_postgres_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def private_database_env(env: dict[str, str], label: str) -> Iterator[dict[str, str]]:
    """The env with DATABASE_URL pointing at a database of its own when it names PostgreSQL
    (subprocesses must not share the suite's database); SQLite in DATA_DIR otherwise."""
    database_url = env.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        yield env
        return
    name = f"mam_{label}_{os.getpid()}_{next(_counter)}"
    yield {**env, "DATABASE_URL": create_postgres_database(database_url, name)}
    drop_postgres_database(database_url, name)


@dataclass
class LiveSystem:
    root: Path
    env: dict[str, str]
    port: int
    server: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    pg_base: str | None = None
    pg_name: str | None = None

    @property
    def media(self) -> Path:
        return Path(self.env["MEDIA_PATH"])

    @property
    def data(self) -> Path:
        return Path(self.env["DATA_DIR"])

    @property
    def logs(self) -> Path:
        return Path(self.env["MAM_LOG_DIR"])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.env["REDIS_URL"])

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)

    def manage(
        self, *args: str, check: bool = True, **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=kwargs.pop("timeout", 300),
            **kwargs,
        )

    def start_server(self, port: int | None = None) -> subprocess.Popen[bytes]:
        port = port or self.port
        log = (self.root / f"daphne-{port}.log").open("ab")
        process = subprocess.Popen(
            server_command(port, host="127.0.0.1"),
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"daphne exited: {(self.root / f'daphne-{port}.log').read_text()[-2000:]}"
                )
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{port}/api/v1/assets", timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("daphne did not become ready")
        if port == self.port:
            self.server = process
        return process

    def start_worker(
        self, name: str | None = None, concurrency: int = 1, beat: bool = False
    ) -> subprocess.Popen[bytes]:
        name = name or f"w{len(self.workers) + 1}"
        log_path = self.root / f"worker-{name}.log"
        process = subprocess.Popen(
            worker_command(concurrency=concurrency, beat=beat, hostname=f"{name}@%h"),
            cwd=BASE_DIR,
            env=self.env,
            stdout=log_path.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"worker exited: {log_path.read_text()[-2000:]}")
            if log_path.exists() and " ready." in log_path.read_text(errors="replace"):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"worker did not become ready: {log_path.read_text()[-2000:]}")
        self.workers.append(process)
        return process

    def kill_worker(self, process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """Kills a worker's whole process group (main process and pool children)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(30)
        if process in self.workers:
            self.workers.remove(process)

    def stop_workers(self) -> None:
        stop_all(self.workers)
        self.workers.clear()

    def stop(self) -> None:
        stop_all([p for p in [self.server, *self.workers] if p is not None])
        self.workers.clear()
        if self.pg_base and self.pg_name:
            drop_postgres_database(self.pg_base, self.pg_name)

    # Conveniences for tests.
    def register(self, file_path: str, **extra: Any) -> httpx.Response:
        with self.client() as client:
            return client.post("/api/v1/assets", json={"file_path": file_path, **extra})

    def asset(self, asset_id: int) -> dict[str, Any]:
        with self.client() as client:
            response = client.get(f"/api/v1/assets/{asset_id}")
            response.raise_for_status()
            return dict(response.json())

    def wait_for(
        self, asset_id: int, statuses: tuple[str, ...] = ("ready", "failed"), timeout: float = 60
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        asset: dict[str, Any] = {}
        while time.monotonic() < deadline:
            asset = self.asset(asset_id)
            if asset["status"] in statuses:
                return asset
            time.sleep(0.1)
        raise AssertionError(f"asset {asset_id} did not reach {statuses}: {asset}")


def start_live_system(
    root: Path,
    *,
    workers: int = 1,
    concurrency: int = 1,
    beat: bool = False,
    extra_env: dict[str, str] | None = None,
) -> LiveSystem:
    n = next(_counter)
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("media", "data", "logs"):
        (root / sub).mkdir(exist_ok=True)
    redis_db = LIVE_REDIS_DATABASES[n % len(LIVE_REDIS_DATABASES)]
    env = {
        **os.environ,
        "MEDIA_PATH": str(root / "media"),
        "DATA_DIR": str(root / "data"),
        "MAM_LOG_DIR": str(root / "logs"),
        "REDIS_URL": redis_url_with_db(os.environ["REDIS_URL"], redis_db),
        "MAM_REDIS_PREFIX": f"mamlive{os.getpid()}x{n}",
        "PORT": str(free_port()),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    system = LiveSystem(root=root, env=env, port=int(env["PORT"]))
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        system.pg_base = database_url
        system.pg_name = f"mam_live_{os.getpid()}_{n}"
        env["DATABASE_URL"] = create_postgres_database(database_url, system.pg_name)
    system.redis().flushdb()
    try:
        system.manage("migrate", "--no-input", "-v0")
        system.start_server()
        for _ in range(workers):
            system.start_worker(concurrency=concurrency, beat=beat)
    except BaseException:
        system.stop()
        raise
    return system
