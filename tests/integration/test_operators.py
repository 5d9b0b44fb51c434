"""Operators against a real system: health with Redis gone, and workers scaled out."""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from mam.launcher import start_embedded_redis
from tests.bootstrap import free_port
from tests.support.live import LiveSystem, start_live_system

pytestmark = pytest.mark.integration

JPEG_COUNT = 24


def timed_get(system: LiveSystem, path: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(system.base_url + path, timeout=5, headers=system.headers)
    return response, time.monotonic() - started


def wait_until(predicate: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


# A health answer that waited on a dead Redis would take the client's socket timeouts (2 s
# for events, 30 s for the channel layer); the probes give up after 0.3-0.5 s. The bound is
# far above what a loaded machine adds and far below a hang.
NOT_HUNG_SECONDS = 5.0


def test_health_answers_503_without_hanging_once_redis_is_stopped(tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_process = start_embedded_redis("127.0.0.1", port, tmp_path / "redis")
    system = start_live_system(tmp_path / "system", workers=1, extra_env={"REDIS_URL": url})
    try:
        wait_until(lambda: timed_get(system, "/api/v1/health/processing")[0].status_code == 200)
        before = timed_get(system, "/api/v1/health/processing")[0].json()
        assert before["workers"]["count"] == 1

        redis_process.terminate()
        redis_process.wait(10)

        for path in ("/api/v1/health/status", "/api/v1/health/processing"):
            response, elapsed = timed_get(system, path)
            assert response.status_code == 503, (path, response.text)
            assert elapsed < NOT_HUNG_SECONDS, (path, elapsed)
        status = timed_get(system, "/api/v1/health/status")[0].json()
        assert status["components"]["redis"]["status"] == "unhealthy"
        metrics, elapsed = timed_get(system, "/metrics")
        assert metrics.status_code == 200
        assert elapsed < NOT_HUNG_SECONDS
        assert "mam_redis_up 0.0" in metrics.text
        system_log = (system.logs / "system.log").read_text()
        assert "health_changed" in system_log
        assert '"component": "redis"' in system_log
    finally:
        if redis_process.poll() is None:
            redis_process.kill()
        system.stop()


def test_two_workers_on_one_redis_and_database_process_each_asset_exactly_once(
    tmp_path: Path,
) -> None:
    from tests.media import make_jpeg

    system = start_live_system(tmp_path / "system", workers=2, concurrency=1)
    try:
        for i in range(JPEG_COUNT):
            make_jpeg(system.media / "shoot" / f"img {i:02}.jpg", size=(320, 240))
        body = system.client().get("/api/v1/health/processing").json()
        assert body["workers"]["count"] == 2

        result = system.manage("import_media", "shoot")
        assert f"added {JPEG_COUNT}, skipped 0" in result.stdout

        seen: dict[str, int] = {}

        def all_ready() -> bool:
            with system.client() as client:
                items = client.get("/api/v1/assets", params={"page_size": 100}).json()["items"]
            seen.clear()
            seen.update(Counter(a["status"] for a in items))
            return len(items) == JPEG_COUNT and all(a["status"] == "ready" for a in items)

        try:
            wait_until(all_ready, timeout=240)
        except AssertionError:
            logs = {
                p.name: p.read_text(errors="replace")[-3000:] for p in system.root.glob("*.log")
            }
            raise AssertionError(f"not all ready: {seen}; logs: {logs}") from None
        assert "added 0, skipped 24" in system.manage("import_media").stdout

        processed: Counter[str] = Counter()
        per_worker = []
        for log in sorted(system.root.glob("worker-*.log")):
            ids = re.findall(r"processed asset (\d+) ", log.read_text(errors="replace"))
            per_worker.append(len(ids))
            processed.update(ids)
        assert len(processed) == JPEG_COUNT
        assert set(processed.values()) == {1}, processed
        assert len(per_worker) == 2
        assert sum(per_worker) == JPEG_COUNT

        database = system.data / "mam.db"
        if database.exists() and "DATABASE_URL" not in system.env:
            with sqlite3.connect(database) as conn:
                attempts = conn.execute(
                    "SELECT processing_attempts, COUNT(*) FROM assets_asset GROUP BY 1"
                ).fetchall()
            assert attempts == [(1, JPEG_COUNT)]
    finally:
        system.stop()
