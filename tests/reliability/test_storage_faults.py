"""Storage faults with assets in flight, on a system started as `make run` starts it, in a
mount namespace of its own and on a private Redis the test owns: the thumbnail directory
turned read-only, and the thumbnail volume full. Every asset ends `ready`, or `failed` with a
reason that says what happened; none is processed twice; health says what is wrong while it
is wrong; once the storage is back, reprocessing the failed ones makes them ready."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mam.launcher import start_embedded_redis
from tests.bootstrap import free_port
from tests.media import make_jpeg
from tests.reliability.namespaced import (
    in_namespace,
    launch_in_mount_namespace,
    mount_namespaces_unavailable,
)
from tests.reliability.test_faults import FAST_HEALING
from tests.support.launcher import Launched, wait

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

ASSETS = 12


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[int]:
    reason = mount_namespaces_unavailable()
    if reason:
        pytest.skip(reason)
    port = free_port()
    server = start_embedded_redis("127.0.0.1", port, tmp_path / "redis")
    yield port
    server.kill()
    server.wait(10)


def api(system: Launched) -> httpx.Client:
    """The system's own client (signed in, where the system has accounts); not to be closed."""
    signed_in = getattr(system, "client", None)
    if isinstance(signed_in, httpx.Client):
        return signed_in
    return httpx.Client(base_url=system.base_url, timeout=30)


def make_distinct_jpegs(system: Launched, folder: str) -> list[str]:
    """Different content each: thumbnails are named by checksum, so none is shared."""
    names = [f"{folder}/{i:02}.jpg" for i in range(ASSETS)]
    for i, name in enumerate(names):
        make_jpeg(system.media / name, size=(1200, 900), color=(20 * i, 90, 200 - 10 * i))
    return names


def filesystem_health(system: Launched) -> tuple[int, dict[str, Any]]:
    response = api(system).get("/api/v1/health/status")
    return response.status_code, response.json()["components"]["filesystem"]


def finish(system: Launched, ids: list[int]) -> list[dict[str, Any]]:
    wait(lambda: all(system.asset(i)["status"] in {"ready", "failed"} for i in ids), timeout=180)
    return [system.asset(i) for i in ids]


def times_processed(system: Launched) -> Counter[int]:
    """`processed asset N` is logged (to app.log) once per successful run of the pipeline."""
    text = "".join(
        path.read_text(errors="replace") for path in (system.root / "logs").glob("app.log*")
    )
    return Counter(int(i) for i in re.findall(r"processed asset (\d+) ", text))


def reprocess_failed_and_finish(system: Launched, finished: list[dict[str, Any]]) -> None:
    failed = [a["id"] for a in finished if a["status"] == "failed"]
    for asset_id in failed:
        assert api(system).post(f"/api/v1/assets/{asset_id}/reprocess").status_code == 202
    again = finish(system, failed)
    assert [a["status"] for a in again] == ["ready"] * len(failed), [
        (a["id"], a["processing"]["error"]) for a in again
    ]


def assert_outcome(system: Launched, finished: list[dict[str, Any]]) -> None:
    """Ready, or failed with a reason; each processed at most once."""
    odd = [
        (a["id"], a["status"], a["processing"]["error"])
        for a in finished
        if not (a["status"] == "ready" or (a["status"] == "failed" and a["processing"]["error"]))
    ]
    assert odd == []
    processed = times_processed(system)
    assert {i for i, n in processed.items() if n > 1} == set()
    ready = {a["id"] for a in finished if a["status"] == "ready"}
    assert ready <= set(processed)


def test_a_read_only_thumbnail_directory_fails_with_a_reason_and_heals(
    tmp_path: Path, private_redis: int
) -> None:
    root = tmp_path / "system"
    thumbnails = root / "data" / "thumbnails"
    with launch_in_mount_namespace(
        root, private_redis, setup=f"mount --bind {thumbnails} {thumbnails}", **FAST_HEALING
    ) as system:
        names = make_distinct_jpegs(system, "ro")
        half = ASSETS // 2
        ids = [system.register(name).json()["id"] for name in names[:half]]
        remount = in_namespace(system, f"mount -o remount,bind,ro {thumbnails}")
        assert remount.returncode == 0, remount.stderr
        during = [system.register(name) for name in names[half:]]
        assert [r.status_code for r in during] == [201] * (ASSETS - half)
        ids += [r.json()["id"] for r in during]

        status, filesystem = filesystem_health(system)
        assert status == 503
        assert filesystem["status"] == "unhealthy"
        assert filesystem["data_writable"] is False
        wait(lambda: "Read-only file system" in system.log.read_text(errors="replace"))
        time.sleep(3)  # a few retries meet the fault

        assert in_namespace(system, f"mount -o remount,bind,rw {thumbnails}").returncode == 0
        finished = finish(system, ids)
        assert_outcome(system, finished)
        status, filesystem = filesystem_health(system)
        assert filesystem["status"] == "healthy"
        assert filesystem["data_writable"] is True
        reprocess_failed_and_finish(system, finished)
        assert list(thumbnails.glob(".tmp-*")) == []
        assert len(list(thumbnails.glob("*.jpg"))) == ASSETS


def test_a_full_thumbnail_volume_fails_with_a_reason_leaves_no_partial_files_and_heals(
    tmp_path: Path, private_redis: int
) -> None:
    root = tmp_path / "system"
    thumbnails = root / "data" / "thumbnails"
    with launch_in_mount_namespace(
        root, private_redis, setup=f"mount -t tmpfs -o size=4m tmpfs {thumbnails}", **FAST_HEALING
    ) as system:
        names = make_distinct_jpegs(system, "full")
        fill = in_namespace(system, f"cat /dev/zero > {thumbnails}/.filler")
        assert "No space left on device" in fill.stderr
        ids = [system.register(name).json()["id"] for name in names]
        wait(lambda: "No space left on device" in system.log.read_text(errors="replace"))
        time.sleep(3)  # a few retries meet the fault

        assert in_namespace(system, f"rm {thumbnails}/.filler").returncode == 0
        finished = finish(system, ids)
        assert_outcome(system, finished)
        reprocess_failed_and_finish(system, finished)
        listing = in_namespace(system, f"ls -A {thumbnails}").stdout.split()
        assert [n for n in listing if n.startswith(".tmp-")] == []  # no half-written files
        assert len([n for n in listing if n.endswith(".jpg")]) == ASSETS


def test_an_asset_a_storage_fault_failed_says_what_the_storage_said(
    tmp_path: Path, private_redis: int
) -> None:
    root = tmp_path / "system"
    thumbnails = root / "data" / "thumbnails"
    with launch_in_mount_namespace(
        root, private_redis, setup=f"mount --bind -o ro {thumbnails} {thumbnails}", **FAST_HEALING
    ) as system:
        make_jpeg(system.media / "ro/only.jpg", size=(800, 600))
        asset_id = system.register("ro/only.jpg").json()["id"]
        (failed,) = finish(system, [asset_id])
        assert failed["status"] == "failed"
        assert "Read-only file system" in failed["processing"]["error"]


def test_a_full_thumbnail_volume_shows_in_health(tmp_path: Path, private_redis: int) -> None:
    root = tmp_path / "system"
    thumbnails = root / "data" / "thumbnails"
    with launch_in_mount_namespace(
        root, private_redis, setup=f"mount -t tmpfs -o size=1m tmpfs {thumbnails}", **FAST_HEALING
    ) as system:
        in_namespace(system, f"cat /dev/zero > {thumbnails}/.filler")
        make_jpeg(system.media / "full/one.jpg", size=(800, 600))
        asset_id = system.register("full/one.jpg").json()["id"]
        wait(lambda: "No space left on device" in system.log.read_text(errors="replace"))
        status, filesystem = filesystem_health(system)
        assert filesystem["status"] != "healthy", (status, filesystem)
        in_namespace(system, f"rm {thumbnails}/.filler")
        (done,) = finish(system, [asset_id])
        assert done["status"] in {"ready", "failed"}
