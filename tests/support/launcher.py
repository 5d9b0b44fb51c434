"""`python -m mam.launcher` as `make run` starts it, on a private Redis, for tests that kill
parts of a supervised system."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil

from mam.config import BASE_DIR
from mam.launcher import stop_all
from tests.bootstrap import free_port
from tests.support.live import private_database_env


class Launched:
    def __init__(self, process: subprocess.Popen[bytes], port: int, root: Path) -> None:
        self.process, self.port, self.root = process, port, root
        self.base_url = f"http://127.0.0.1:{port}"
        self._client: httpx.Client | None = None

    @property
    def initial_password(self) -> str:
        """The first-run admin's password, from the file the launcher wrote."""
        return (self.root / "data" / "initial_admin_password").read_text().strip()

    @property
    def client(self) -> httpx.Client:
        """Signed in as the first-run admin, the way the UI signs in (session + CSRF)."""
        if self._client is None:
            client = httpx.Client(base_url=self.base_url, timeout=30)
            client.get("/api/v1/auth/me")
            response = client.post(
                "/api/v1/auth/login",
                json={"username": "admin", "password": self.initial_password},
                headers={"X-CSRFToken": client.cookies["csrftoken"]},
            )
            response.raise_for_status()
            client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
            self._client = client
        return self._client

    @property
    def log(self) -> Path:
        return self.root / "launcher.log"

    @property
    def media(self) -> Path:
        return self.root / "media"

    def child(self, role: str) -> psutil.Process | None:
        """The launcher's direct child running `role` (daphne, worker or beat)."""
        for child in psutil.Process(self.process.pid).children():
            try:
                with_args = " ".join(child.cmdline())
            except psutil.Error:  # a killed child the launcher has not reaped yet
                continue
            if (role == "daphne" and "mam.server" in with_args) or (
                role in {"worker", "beat"} and "celery" in with_args and f" {role}" in with_args
            ):
                return child
        return None

    def serves(self) -> bool:
        try:
            status = httpx.get(f"{self.base_url}/api/v1/auth/me", timeout=2).status_code
            return status in {200, 401}
        except httpx.HTTPError:
            return False

    def register(self, file_path: str) -> httpx.Response:
        return self.client.post("/api/v1/assets", json={"file_path": file_path})

    def asset(self, asset_id: int) -> dict[str, Any]:
        return dict(self.client.get(f"/api/v1/assets/{asset_id}").json())


def wait(predicate: Callable[[], object], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


@contextlib.contextmanager
def launch(
    root: Path, redis_port: int, *, output: int | None = None, **env: str
) -> Iterator[Launched]:
    """The launcher on the Redis at `redis_port` (which the caller owns), ready to serve.
    Its output goes to `root/launcher.log`, or to the file descriptor `output`."""
    port = free_port()
    environment = {
        **os.environ,
        "MEDIA_PATH": str(root / "media"),
        "DATA_DIR": str(root / "data"),
        "MAM_LOG_DIR": str(root / "logs"),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "PORT": str(port),
        "MAM_WORKER_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    (root / "media").mkdir(parents=True, exist_ok=True)
    with private_database_env(environment, "launcher") as environment:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=BASE_DIR,
            env=environment,
            check=True,
            timeout=120,
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "mam.launcher"],
            cwd=BASE_DIR,
            env=environment,
            stdout=output if output is not None else (root / "launcher.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        system = Launched(process, port, root)
        try:
            wait(lambda: system.serves() and system.child("worker") and system.child("beat"))
            yield system
        finally:
            if system._client is not None:
                system._client.close()
            stop_all([process])
