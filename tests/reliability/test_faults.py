"""Faults with assets in flight, on a system started as `make run` starts it (supervised)
and a private Redis the test owns: every asset still ends `ready`, and nobody intervenes."""

from __future__ import annotations

import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mam.launcher import start_embedded_redis
from tests.bootstrap import free_port
from tests.media import make_jpeg
from tests.support.launcher import launch, wait

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

ASSETS = 16
# Short deadlines, so the healing is seen within the test (Config keeps them consistent).
FAST_HEALING = {
    "MAM_TASK_SOFT_TIME_LIMIT": "5",
    "MAM_TASK_TIME_LIMIT": "6",
    "MAM_VISIBILITY_TIMEOUT": "30",
    "MAM_STUCK_AFTER_SECONDS": "8",
    "MAM_RECONCILE_EVERY_SECONDS": "2",
    "MAM_LEASE_SECONDS": "3",
}


def test_redis_killed_and_restarted_empty_loses_no_asset(tmp_path: Path) -> None:
    port = free_port()
    workdir = tmp_path / "redis"
    redis_server = start_embedded_redis("127.0.0.1", port, workdir)
    try:
        with launch(tmp_path / "system", port, **FAST_HEALING) as system:
            for i in range(ASSETS):
                make_jpeg(system.media / f"fault/{i:02}.jpg", size=(1200, 900))
            half = ASSETS // 2
            ids = [system.register(f"fault/{i:02}.jpg").json()["id"] for i in range(half)]

            redis_server.kill()  # every queued task, event, lease and marker: gone
            redis_server.wait(10)
            # Registered while Redis is down: stored, but no task could be sent.
            during = [system.register(f"fault/{i:02}.jpg") for i in range(half, ASSETS)]
            assert [r.status_code for r in during] == [201] * (ASSETS - half)
            ids += [r.json()["id"] for r in during]
            time.sleep(1)
            redis_server = start_embedded_redis("127.0.0.1", port, workdir)

            def all_finished() -> bool:
                return all(system.asset(i)["status"] in {"ready", "failed"} for i in ids)

            wait(all_finished, timeout=120)
            finished = [system.asset(i) for i in ids]
            assert [a["status"] for a in finished] == ["ready"] * ASSETS, [
                (a["id"], a["status"], a["processing"]["error"]) for a in finished
            ]
            assert all(a["media_metadata"]["width"] == 1200 for a in finished)
            assert system.process.poll() is None  # healed, not given up
    finally:
        redis_server.kill()
        redis_server.wait(10)


POSTGRES_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)


@pytest.fixture
def private_postgres() -> Iterator[tuple[int, Callable[[], None]]]:
    """A PostgreSQL server of the test's own (Debian's binaries, run as the postgres user):
    yields its port and a function that restarts it."""
    if POSTGRES_BIN is None or shutil.which("runuser") is None:
        pytest.skip("needs Debian's PostgreSQL server binaries (apt-get install postgresql)")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("needs the postgres system user")
    # Not under pytest's temporary directory: root's 0700 folders keep the postgres user out.
    root = Path(tempfile.mkdtemp(prefix="mam-postgres-"))
    shutil.chown(root, "postgres")
    data, port = root / "data", free_port()

    def as_postgres(*command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, timeout=120)

    as_postgres(str(POSTGRES_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    pg_ctl = str(POSTGRES_BIN / "pg_ctl")
    as_postgres(pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        yield port, lambda: as_postgres(pg_ctl, "-D", str(data), "-m", "fast", "-w", "restart")
    finally:
        as_postgres(pg_ctl, "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_a_postgresql_restart_loses_no_asset_and_no_request_after_it(
    tmp_path: Path, private_postgres: tuple[int, Callable[[], None]]
) -> None:
    pg_port, restart_postgres = private_postgres
    redis_port = free_port()
    redis_server = start_embedded_redis("127.0.0.1", redis_port, tmp_path / "redis")
    database = f"postgres://postgres@127.0.0.1:{pg_port}/postgres"
    try:
        with launch(
            tmp_path / "system", redis_port, DATABASE_URL=database, **FAST_HEALING
        ) as system:
            for i in range(ASSETS):
                make_jpeg(system.media / f"pg/{i:02}.jpg", size=(1200, 900))
            half = ASSETS // 2
            ids = [system.register(f"pg/{i:02}.jpg").json()["id"] for i in range(half)]
            restart_postgres()  # every open database connection of every process: broken
            after = [system.register(f"pg/{i:02}.jpg") for i in range(half, ASSETS)]
            assert [r.status_code for r in after] == [201] * (ASSETS - half), [
                r.text[:200] for r in after
            ]
            ids += [r.json()["id"] for r in after]

            def all_finished() -> bool:
                return all(system.asset(i)["status"] in {"ready", "failed"} for i in ids)

            wait(all_finished, timeout=120)
            assert [system.asset(i)["status"] for i in ids] == ["ready"] * ASSETS
    finally:
        redis_server.kill()
        redis_server.wait(10)
