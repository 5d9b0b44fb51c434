"""When an asset was taken (captured_at): EXIF, a video's creation_time, else the file's
mtime; the list orders and filters by it."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client

from assets import services
from assets.jobs import worker
from assets.jobs.processing.metadata import probe_video
from assets.library import dates
from mam.config import Config
from tests.media import make_jpeg

MTIME = datetime(2020, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"captured_at": "2024-05-01T10:30:00"}, datetime(2024, 5, 1, 10, 30, tzinfo=UTC)),
        ({"captured_at": "2021-05-04T10:20:30+02:00"}, datetime(2021, 5, 4, 8, 20, 30, tzinfo=UTC)),
        ({"captured_at": "not a date"}, MTIME),
        ({"captured_at": "0001-01-01T00:00:00"}, MTIME),  # a camera's unset clock
        ({"captured_at": 12}, MTIME),
        ({}, MTIME),
    ],
)
def test_captured_at_reads_the_metadata_else_the_files_mtime(
    metadata: dict[str, object], expected: datetime
) -> None:
    assert dates.captured_at(metadata, int(MTIME.timestamp() * 1e9)) == expected


def test_a_photo_is_dated_by_its_exif_and_a_plain_one_by_its_file(
    media_root: Path, thumbnail_dir: Path, client: Client
) -> None:
    make_jpeg(media_root / "dated.jpg", taken="2019:07:14 18:30:00")
    make_jpeg(media_root / "plain.jpg")
    os.utime(media_root / "plain.jpg", (MTIME.timestamp(), MTIME.timestamp()))
    dated = services.register_asset(file_path="dated.jpg")
    plain = services.register_asset(file_path="plain.jpg")
    assert plain.captured_at == MTIME  # known from registration on, before processing
    for asset in (dated, plain):
        worker.process_asset(asset.pk)
    body = client.get(f"/api/v1/assets/{dated.pk}").json()
    assert body["captured_at"] == "2019-07-14T18:30:00.000000Z"
    assert (
        client.get(f"/api/v1/assets/{plain.pk}")
        .json()["captured_at"]
        .startswith("2020-02-03T04:05:06")
    )
    newest_taken = client.get("/api/v1/assets", {"ordering": "-captured_at"}).json()["items"]
    assert [i["title"] for i in newest_taken] == ["plain", "dated"]
    in_2019 = client.get(
        "/api/v1/assets",
        {"taken_after": "2019-01-01T00:00:00Z", "taken_before": "2019-12-31T23:59:59Z"},
    ).json()["items"]
    assert [i["title"] for i in in_2019] == ["dated"]
    years = client.get("/api/v1/assets/facets").json()["year"]
    assert years == [{"value": 2020, "count": 1}, {"value": 2019, "count": 1}]


def test_a_video_is_dated_by_its_creation_time(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    subprocess.run(
        [
            Config.FFMPEG_BINARY,
            *("-y", "-hide_banner", "-loglevel", "error", "-f", "lavfi"),
            *("-i", "testsrc2=size=64x48:rate=5:duration=0.4", "-c:v", "libx264"),
            *("-metadata", "creation_time=2018-09-10T11:12:13.000000Z", str(path)),
        ],
        check=True,
    )
    info = probe_video(path, "mov", worker.decoder_limits())
    assert info.as_metadata()["captured_at"] == "2018-09-10T11:12:13+00:00"


@pytest.mark.parametrize("name", ["created_before", "created_after", "taken_before", "taken_after"])
def test_time_filters_take_any_offset_and_refuse_times_outside_the_calendar(
    client: Client, db: None, name: str
) -> None:
    # PostgreSQL refuses offsets past 15:59; Python reads up to 23:59.
    assert client.get("/api/v1/assets", {name: "1966-10-01T22:41:03+20:13"}).status_code == 200
    response = client.get("/api/v1/assets", {name: "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 400, response.content
