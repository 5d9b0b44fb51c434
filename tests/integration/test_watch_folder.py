"""Watch folders on a supervised system as `make run` starts it (MAM_WATCH=on): a photo copied
into the media folder becomes a processed asset by itself, and one deleted is marked missing.
The watcher's rules are tested in-process in tests/ingest/test_watch.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from mam.launcher import start_embedded_redis
from tests.bootstrap import free_port
from tests.media import make_jpeg
from tests.support.launcher import Launched, launch, wait

pytestmark = pytest.mark.integration


@pytest.fixture
def launched(tmp_path: Path) -> Iterator[Launched]:
    redis_port = free_port()
    redis_server = start_embedded_redis("127.0.0.1", redis_port, tmp_path / "redis")
    try:
        with launch(tmp_path, redis_port, MAM_WATCH="on") as system:
            yield system
    finally:
        redis_server.kill()
        redis_server.wait(10)


def watcher_of(launched: Launched) -> psutil.Process | None:
    for child in psutil.Process(launched.process.pid).children():
        try:
            if "watch_media" in child.cmdline():
                return child
        except psutil.Error:
            continue
    return None


def listed(launched: Launched) -> list[dict[str, Any]]:
    return list(launched.client.get("/api/v1/assets").json()["items"])


def test_a_copied_photo_is_registered_and_processed_and_a_deleted_one_marked_missing(
    launched: Launched, tmp_path: Path
) -> None:
    wait(lambda: watcher_of(launched) is not None)
    assert f"mam: watching {launched.media}" in launched.log.read_text()
    source = make_jpeg(tmp_path / "elsewhere" / "beach.jpg")
    (launched.media / "holiday").mkdir()
    shutil.copy(source, launched.media / "holiday" / "beach.jpg")

    wait(lambda: [a["status"] for a in listed(launched)] == ["ready"], timeout=30)
    [asset] = listed(launched)
    assert asset["file_path"] == "holiday/beach.jpg"
    assert asset["missing_since"] is None

    (launched.media / "holiday" / "beach.jpg").unlink()
    wait(lambda: launched.asset(asset["id"])["missing_since"] is not None, timeout=30)
