"""A video's renditions are served beside the thumbnails: the proxy with HTTP Range support so
the player can seek, the scrub strip's WebVTT and sprite with their types, all immutable; the
player's files are not counted against the thumbnails' rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from assets.jobs.processing.proxy import proxy_name
from assets.jobs.processing.scrubstrip import scrub_vtt_name, sprite_name_for
from assets.jobs.processing.thumbnails import thumbnail_name
from tests.support.contract import assert_error
from tests.support.ratelimits import reset_rate_limits

CHECKSUM = "cd" * 32
PROXY = proxy_name(CHECKSUM)
VTT = scrub_vtt_name(CHECKSUM)
SPRITE = sprite_name_for(VTT)
MP4_BYTES = bytes(range(256)) * 40  # 10,240 bytes, each position telling its offset


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    reset_rate_limits()


@pytest.fixture
def renditions(thumbnail_dir: Path) -> Path:
    (thumbnail_dir / PROXY).write_bytes(MP4_BYTES)
    (thumbnail_dir / VTT).write_text(
        f"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n{SPRITE}#xywh=0,0,160,90\n"
    )
    (thumbnail_dir / SPRITE).write_bytes(b"\xff\xd8\xff sprite")
    return thumbnail_dir


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def assert_immutable(response: Any) -> None:
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]


def test_the_proxy_answers_a_range_request_with_206_and_that_range(
    client: Client, renditions: Path
) -> None:
    response = client.get(f"/thumbnails/{PROXY}", HTTP_RANGE="bytes=1000-1099")
    assert response.status_code == 206
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Range"] == f"bytes 1000-1099/{len(MP4_BYTES)}"
    assert response["Content-Length"] == "100"
    assert body(response) == MP4_BYTES[1000:1100]
    assert_immutable(response)
    # An open-ended range from the middle, as a player's seek sends.
    tail = client.get(f"/thumbnails/{PROXY}", HTTP_RANGE="bytes=10000-")
    assert tail.status_code == 206 and body(tail) == MP4_BYTES[10000:]


def test_the_whole_proxy_says_it_takes_ranges(client: Client, renditions: Path) -> None:
    response = client.get(f"/thumbnails/{PROXY}")
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert body(response) == MP4_BYTES
    assert_immutable(response)
    beyond = client.get(f"/thumbnails/{PROXY}", HTTP_RANGE=f"bytes={len(MP4_BYTES)}-")
    assert_error(beyond, 416)


@pytest.mark.parametrize(("name", "content_type"), [(VTT, "text/vtt"), (SPRITE, "image/jpeg")])
def test_the_scrub_strip_is_served_with_its_type_and_long_cache_headers(
    client: Client, renditions: Path, name: str, content_type: str
) -> None:
    response = client.get(f"/thumbnails/{name}")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert body(response) == (renditions / name).read_bytes()
    assert_immutable(response)


@pytest.mark.parametrize(
    "name",
    [
        proxy_name("cd" * 31),  # well named, but never written
        PROXY.replace(".mp4", ".mkv"),
        PROXY.replace("-v1", ""),
        VTT.replace(".vtt", ".txt"),
        VTT.replace("scrub", "strip"),
        "../" + PROXY,
    ],
)
def test_unknown_or_malformed_video_renditions_are_404_json(
    client: Client, renditions: Path, name: str
) -> None:
    assert_error(client.get(f"/thumbnails/{name}", HTTP_ACCEPT="video/mp4"), 404)


@pytest.fixture
def three_thumbnails_a_minute(settings: Any) -> Iterator[None]:
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    # As in test_thumbnails_and_health: put back exactly the rates DRF had read.
    before = ScopedRateThrottle.THROTTLE_RATES
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**before, "thumbnails": "3/min"},
    }
    # (The stubs type DRF's settings values loosely.)
    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
    try:
        yield
    finally:
        ScopedRateThrottle.THROTTLE_RATES = before


def test_seeking_through_a_proxy_is_not_held_back_by_the_thumbnails_rate_limit(
    client: Client, renditions: Path, three_thumbnails_a_minute: None
) -> None:
    thumb = thumbnail_name(CHECKSUM)
    (renditions / thumb).write_bytes(b"\xff\xd8\xff jpeg")
    seeks = [
        client.get(f"/thumbnails/{PROXY}", HTTP_RANGE=f"bytes={start}-").status_code
        for start in range(0, 8000, 1000)
    ]
    assert seeks == [206] * 8
    assert client.get(f"/thumbnails/{VTT}").status_code == 200
    assert client.get(f"/thumbnails/{SPRITE}").status_code == 200
    # The grid's pictures still are limited.
    statuses = [client.get(f"/thumbnails/{thumb}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
