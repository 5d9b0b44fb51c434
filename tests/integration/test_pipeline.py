"""The pipeline end to end: HTTP registration, Redis queue, a real Celery worker, thumbnails."""

from __future__ import annotations

import io
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from PIL import Image

from tests.media import make_gif, make_jpeg, make_png, make_video, png_claiming
from tests.support.live import LiveSystem, start_live_system

pytestmark = pytest.mark.integration


@pytest.fixture
def live(live_system: LiveSystem) -> LiveSystem:
    """The suite's shared system (tests/conftest.py)."""
    return live_system


def fetch_thumbnail(live: LiveSystem, asset: dict[str, Any]) -> Image.Image:
    url = asset["media_metadata"]["thumbnail_url"]
    assert url.startswith("/thumbnails/")
    with live.client() as client:
        response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    return Image.open(io.BytesIO(response.content))


@pytest.mark.parametrize(
    ("name", "make", "expect"),
    [
        ("photo.jpg", lambda p: make_jpeg(p, size=(1200, 800)), {"width": 1200, "height": 800}),
        (
            "upright.JPEG",
            lambda p: make_jpeg(p, size=(1200, 800), orientation=6),
            {"width": 800, "height": 1200},
        ),
        ("alpha.png", lambda p: make_png(p, size=(640, 320)), {"width": 640, "height": 320}),
        (
            "anim.gif",
            lambda p: make_gif(p, frames=4, frame_ms=50),
            {"frame_count": 4, "duration": 0.2},
        ),
        (
            "clip.mp4",
            lambda p: make_video(p, seconds=2, size=(640, 360)),
            {"width": 640, "codec": "h264", "fps": 25.0},
        ),
        (
            "clip.mov",
            lambda p: make_video(p, seconds=2, size=(640, 360)),
            {"height": 360, "has_audio": True},
        ),
        (
            "clip.avi",
            lambda p: make_video(p, seconds=2, size=(320, 240)),
            {"codec": "mjpeg", "duration": 2.0},
        ),
    ],
)
def test_every_supported_type_becomes_ready_with_metadata_and_thumbnail(
    live: LiveSystem, name: str, make: Any, expect: dict[str, Any]
) -> None:
    make(live.media / "types" / name)
    response = live.register(f"types/{name}")
    assert response.status_code == 201, response.text
    asset = live.wait_for(response.json()["id"])
    assert asset["status"] == "ready", asset
    for key, value in expect.items():
        assert asset["media_metadata"][key] == pytest.approx(value, abs=0.05), key
    thumb = fetch_thumbnail(live, asset)
    assert max(thumb.size) == min(
        320,
        max(asset["media_metadata"].get("width", 320), asset["media_metadata"].get("height", 320)),
    )
    assert len(asset["checksum"]) == 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("text.jpg", b"this is text", "does not match"),
        ("playlist.avi", b"#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/a.avi\n", "does not match"),
        ("playlist.mp4", b"ffconcat version 1.0\nfile '/etc/passwd'\n", "does not match"),
        ("empty.mp4", b"", "does not match"),
    ],
)
def test_hostile_files_are_refused_at_registration(
    live: LiveSystem, name: str, content: bytes, message: str
) -> None:
    (live.media / "hostile").mkdir(exist_ok=True)
    (live.media / "hostile" / name).write_bytes(content)
    response = live.register(f"hostile/{name}")
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bomb.png", png_claiming(50_000, 50_000), "too large"),
        ("cut.jpg", None, "damaged"),
    ],
)
def test_hostile_files_that_pass_sniffing_fail_cleanly(
    live: LiveSystem, tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    if content is None:
        content = make_jpeg(tmp_path / "whole.jpg", size=(1600, 1200)).read_bytes()[:2000]
    (live.media / "hostile").mkdir(exist_ok=True)
    (live.media / "hostile" / name).write_bytes(content)
    response = live.register(f"hostile/{name}")
    assert response.status_code == 201
    asset = live.wait_for(response.json()["id"])
    assert asset["status"] == "failed"
    assert reason in asset["processing"]["error"]
    assert str(live.media) not in asset["processing"]["error"]
    with live.client() as client:
        assert (
            client.get("/api/v1/health/status").json()["components"]["database"]["status"]
            == "healthy"
        )
    assert "Traceback" in (live.logs / "error.log").read_text()


def stream_updates(live: LiveSystem, asset_id: int) -> list[dict[str, Any]]:
    key = f"{live.env['MAM_REDIS_PREFIX']}:events:stream"
    out = []
    for entry_id, fields in live.redis().xrange(key, "-", "+"):
        if fields.get(b"type", b"processing_update") != b"processing_update":
            continue  # asset_created, asset_update, asset_deleted
        data = json.loads(fields[b"data"])
        if data["asset_id"] == asset_id:
            out.append({"seq": int(entry_id.split(b"-")[0]), **data})
    return out


def test_progress_events_arrive_in_order_for_one_asset(live: LiveSystem) -> None:
    make_jpeg(live.media / "events.jpg", size=(2000, 1500))
    asset_id = live.register("events.jpg").json()["id"]
    live.wait_for(asset_id)
    updates = stream_updates(live, asset_id)
    assert [u["stage"] for u in updates] == [
        "queued",
        "validate",
        "metadata",
        "thumbnail",
        "preview",  # longer than 1600 px: a preview, its own stage
        "done",
    ]
    assert [u["progress"] for u in updates] == sorted(u["progress"] for u in updates)
    assert [u["seq"] for u in updates] == sorted({u["seq"] for u in updates})
    assert updates[-1]["status"] == "ready"


def test_reprocess_over_http_runs_the_pipeline_again(live: LiveSystem) -> None:
    make_jpeg(live.media / "again.jpg")
    asset_id = live.register("again.jpg").json()["id"]
    live.wait_for(asset_id)
    with live.client() as client:
        assert client.post(f"/api/v1/assets/{asset_id}/reprocess").status_code == 202
    asset = live.wait_for(asset_id)
    assert asset["status"] == "ready"
    assert [u["stage"] for u in stream_updates(live, asset_id)].count("done") == 2


@pytest.fixture(scope="module")
def idle_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSystem]:
    system = start_live_system(
        tmp_path_factory.mktemp("idle"),
        workers=0,
        extra_env={
            "MAM_TASK_SOFT_TIME_LIMIT": "15",
            "MAM_TASK_TIME_LIMIT": "18",
            "MAM_VISIBILITY_TIMEOUT": "60",
            # Above the task limit (Config refuses less); a dead worker's lease goes in 3 s.
            "MAM_STUCK_AFTER_SECONDS": "19",
            "MAM_LEASE_SECONDS": "3",
            "MAM_RECONCILE_EVERY_SECONDS": "1",
        },
    )
    yield system
    system.stop()


@pytest.fixture
def idle(idle_system: LiveSystem) -> Iterator[LiveSystem]:
    """A system with short delivery deadlines whose workers the test starts (and which are
    stopped after it): one Daphne and database for the module, fresh workers per test."""
    yield idle_system
    idle_system.stop_workers()


def test_file_deleted_after_registration_fails_cleanly(idle: LiveSystem) -> None:
    make_jpeg(idle.media / "soon-gone.jpg")
    asset_id = idle.register("soon-gone.jpg").json()["id"]
    (idle.media / "soon-gone.jpg").unlink()
    idle.start_worker()
    asset = idle.wait_for(asset_id)
    assert asset["status"] == "failed"
    assert asset["processing"]["error"] == "The file no longer exists"


def slow_png(path: Path) -> Path:
    """A 24-megapixel noisy PNG: PNG cannot be decoded at reduced scale, so it takes a while."""
    noise = [Image.effect_noise((6000, 4000), 80) for _ in range(3)]
    Image.merge("RGB", noise).save(path, "PNG", compress_level=1)
    return path


def wait_until_processing(live: LiveSystem, asset_id: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if live.asset(asset_id)["status"] == "processing":
            return
        time.sleep(0.01)
    raise AssertionError("never saw the asset processing")


def test_killing_a_worker_process_mid_task_still_ends_ready(idle: LiveSystem) -> None:
    slow_png(idle.media / "slow1.png")
    worker = idle.start_worker(concurrency=1)
    asset_id = idle.register("slow1.png").json()["id"]
    wait_until_processing(idle, asset_id)
    children = psutil.Process(worker.pid).children(recursive=True)
    assert children, "prefork pool child not found"
    for child in children:
        child.send_signal(signal.SIGKILL)  # the pool child dies; the worker survives
    asset = idle.wait_for(asset_id, timeout=90)
    assert asset["status"] == "ready"
    assert asset["media_metadata"]["width"] == 6000


def test_killing_the_whole_worker_mid_task_still_ends_ready(idle: LiveSystem) -> None:
    slow_png(idle.media / "slow2.png")
    worker = idle.start_worker(name="doomed", concurrency=1)
    asset_id = idle.register("slow2.png").json()["id"]
    wait_until_processing(idle, asset_id)
    idle.kill_worker(worker, signal.SIGKILL)
    assert idle.asset(asset_id)["status"] == "processing"
    # A new worker (with the reconciler's schedule) picks the lost task up again.
    idle.start_worker(name="rescuer", concurrency=1, beat=True)
    asset = idle.wait_for(asset_id, timeout=120)
    assert asset["status"] == "ready"


def test_every_log_file_the_readme_tails_exists_from_the_first_start(live: LiveSystem) -> None:
    for name in ("app.log", "error.log", "system.log"):
        assert (live.logs / name).is_file(), name
