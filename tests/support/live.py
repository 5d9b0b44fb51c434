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
from mam.launcher import listening_socket, server_command, stop_all, worker_command
from tests.bootstrap import LIVE_REDIS_DATABASES, free_port, redis_url_with_db

_counter = itertools.count(1)
# Redis databases held by live systems not yet stopped. Celery's queues are not prefixed, so
# two systems on one database steal each other's tasks: the session's shared system lives on
# while the modules' own come and go, and must never be handed its database again.
_databases_in_use: set[int] = set()


def _take_redis_database() -> int:
    free = [db for db in LIVE_REDIS_DATABASES if db not in _databases_in_use]
    if not free:
        raise RuntimeError(f"every Redis database for live systems is in use: {_databases_in_use}")
    _databases_in_use.add(free[0])
    return free[0]


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
    # Further web processes on the same port (start_servers), beside `server`.
    more_servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    pg_base: str | None = None
    pg_name: str | None = None
    # Credentials every HTTP client and WebSocket of the tests sends (empty while auth is off).
    headers: dict[str, str] = field(default_factory=dict)
    # The Redis database it holds (given back by stop).
    redis_db: int | None = None

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
        return httpx.Client(base_url=self.base_url, timeout=30, headers=self.headers)

    @property
    def ws_headers(self) -> dict[str, str]:
        """Headers for a WebSocket handshake: pass as `additional_headers=`."""
        return dict(self.headers)

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
        self._wait_until_served([process], port)
        if port == self.port:
            self.server = process
        return process

    def start_servers(self, count: int) -> list[subprocess.Popen[bytes]]:
        """`count` web processes sharing this system's port, as `mam.launcher` runs them."""
        sock = listening_socket("127.0.0.1", self.port)
        fd = sock.fileno()
        log = (self.root / f"daphne-{self.port}.log").open("ab")
        processes = [
            subprocess.Popen(
                server_command(fd=fd),
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(fd,),
            )
            for _ in range(count)
        ]
        sock.close()  # the processes hold the port now
        self.server, self.more_servers = processes[0], processes[1:]
        self._wait_until_served(processes, self.port)
        return processes

    def _wait_until_served(self, processes: list[subprocess.Popen[bytes]], port: int) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            for process in processes:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"daphne exited: {(self.root / f'daphne-{port}.log').read_text()[-2000:]}"
                    )
            try:
                url = f"http://127.0.0.1:{port}/api/v1/assets"
                if httpx.get(url, timeout=1, headers=self.headers).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("daphne did not become ready")

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
        stop_all([p for p in [self.server, *self.more_servers, *self.workers] if p is not None])
        self.more_servers.clear()
        self.workers.clear()
        if self.pg_base and self.pg_name:
            drop_postgres_database(self.pg_base, self.pg_name)
        if self.redis_db is not None:
            _databases_in_use.discard(self.redis_db)

    # Conveniences for tests.
    def issue_token(self, username: str, role: str = "admin", scope: str = "write") -> str:
        """A personal access token for `username` (created with `role` if new)."""
        code = (
            "from django.contrib.auth import get_user_model\n"
            "from accounts import tokens\n"
            "from accounts.models import Role, Scope\n"
            "from accounts.roles import create_user\n"
            f"user = get_user_model().objects.filter(username={username!r}).first()\n"
            f"user = user or create_user({username!r}, 'pw-' + {username!r} * 3, Role({role!r}))\n"
            f"print(tokens.issue(user, 'tests', Scope({scope!r}))[1])\n"
        )
        return self.manage("shell", "-c", code).stdout.strip().splitlines()[-1]

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
        raise AssertionError(
            f"asset {asset_id} did not reach {statuses}: {asset}\n{self.log_tails()}"
        )

    def log_tails(self, chars: int = 3000) -> str:
        """The end of every server and worker log: what a failed wait shows to explain itself."""
        return "\n".join(
            f"--- {log.name}:\n{log.read_text(errors='replace')[-chars:]}"
            for log in sorted([*self.root.glob("*.log"), *self.logs.glob("*.log")])
        )


def start_live_system(
    root: Path,
    *,
    workers: int = 1,
    concurrency: int = 1,
    beat: bool = False,
    extra_env: dict[str, str] | None = None,
    web_processes: int = 1,
) -> LiveSystem:
    n = next(_counter)
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("media", "data", "logs"):
        (root / sub).mkdir(exist_ok=True)
    redis_db = _take_redis_database()
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
    system = LiveSystem(root=root, env=env, port=int(env["PORT"]), redis_db=redis_db)
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        system.pg_base = database_url
        system.pg_name = f"mam_live_{os.getpid()}_{n}"
        env["DATABASE_URL"] = create_postgres_database(database_url, system.pg_name)
    system.redis().flushdb()
    try:
        system.manage("migrate", "--no-input", "-v0")
        if env.get("MAM_AUTH") != "off":
            system.headers["Authorization"] = f"Bearer {system.issue_token('tester')}"
        if web_processes > 1:
            system.start_servers(web_processes)
        else:
            system.start_server()
        for _ in range(workers):
            system.start_worker(concurrency=concurrency, beat=beat)
    except BaseException:
        system.stop()
        raise
    return system
