"""Faults with assets in flight, on a system started as `make run` starts it (supervised)
and a private Redis the test owns: every asset still ends `ready`, and nobody intervenes."""

from __future__ import annotations

import time
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
