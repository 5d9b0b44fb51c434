"""Audio assets through the API: registered by content, found with type=audio, counted in the
facets, served with their type, their proxy beside the thumbnails; the schema says so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from django.test import Client

from assets.jobs import worker
from assets.jobs.processing.proxy import proxy_name
from assets.library.media_columns import media_columns
from assets.models import Asset, AssetStatus, MediaType
from tests.audio_media import make_audio
from tests.support.contract import assert_error
from tests.support.ratelimits import reset_rate_limits

API = "/api/v1/assets"


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    return task_delay


def asset(title: str, media_type: str, **metadata: Any) -> Asset:
    suffix = {"image": "jpg", "video": "mp4", "audio": "mp3"}[media_type]
    return Asset.objects.create(
        title=title,
        file_path=f"f/{title}.{suffix}",
        media_type=media_type,
        mime_type={"image": "image/jpeg", "video": "video/mp4", "audio": "audio/mpeg"}[media_type],
        file_size=len(title),
        status=AssetStatus.READY,
        media_metadata=metadata,
        **media_columns(metadata),
    )


@pytest.fixture
def library(db: None) -> None:
    asset("beach", MediaType.IMAGE, width=4000, height=3000)
    asset("clip", MediaType.VIDEO, width=1920, height=1080, duration=12.5, has_audio=True)
    asset("silent", MediaType.VIDEO, width=1920, height=1080, duration=40.0, has_audio=False)
    asset("interview", MediaType.AUDIO, duration=1800.0, codec="mp3", sample_rate=44100)
    asset("memo", MediaType.AUDIO, duration=20.0, codec="aac", sample_rate=48000)


def titles(client: Client, params: dict[str, Any]) -> set[str]:
    response = client.get(API, {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_type_audio_finds_only_the_audio(client: Client, library: None) -> None:
    assert titles(client, {"type": "audio"}) == {"interview", "memo"}
    assert titles(client, {"type": "video"}) == {"clip", "silent"}
    assert titles(client, {"type": "audio", "max_duration": "60"}) == {"memo"}


def test_duration_filters_take_audio_and_has_audio_still_asks_videos_only(
    client: Client, library: None
) -> None:
    assert titles(client, {"min_duration": "15"}) == {"silent", "interview", "memo"}
    # has_audio is a question about a video's sound track: sound files are neither answer.
    assert titles(client, {"has_audio": "true"}) == {"clip"}
    assert titles(client, {"has_audio": "false"}) == {"silent"}


@pytest.mark.parametrize("params", [{}, {"min_duration": "1"}])
def test_the_facets_count_audio(client: Client, library: None, params: dict[str, str]) -> None:
    response = client.get(f"{API}/facets", params)
    assert response.status_code == 200, response.content
    counts = {row["value"]: row["count"] for row in response.json()["media_type"]}
    expected = {"audio": 2, "video": 2} if params else {"audio": 2, "video": 2, "image": 1}
    assert counts == expected


def test_an_unknown_type_is_a_400_naming_the_filter(client: Client, db: None) -> None:
    assert_error(client.get(API, {"type": "podcast"}), 400, "type")


def test_the_schema_offers_audio_as_a_type(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/v1/schema").content)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/assets/"]["get"]["parameters"]}
    assert "audio" in parameters["type"]["schema"]["enum"]
    assert "audio" in schema["components"]["schemas"]["MediaTypeEnum"]["enum"]


def test_a_registered_mp3_is_an_audio_asset_with_its_facts_and_its_content(
    client: Client, media_root: Path, thumbnail_dir: Path
) -> None:
    make_audio(media_root / "talks" / "interview.mp3", seconds=1.0, tags={"artist": "Ada"})
    response = client.post(
        API, data=json.dumps({"file_path": "talks/interview.mp3"}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["media_type"] == "audio" and created["mime_type"] == "audio/mpeg"
    worker.process_asset(created["id"])
    detail = client.get(f"{API}/{created['id']}").json()
    meta = detail["media_metadata"]
    assert detail["status"] == "ready" and detail["media_type"] == "audio"
    assert meta["codec"] == "mp3" and meta["artist"] == "Ada" and meta["channels"] == 2
    assert meta["browser_playable"] is True and "proxy_url" not in meta
    thumb = client.get(meta["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    content = client.get(f"{API}/{created['id']}/content", HTTP_RANGE="bytes=0-2")
    assert content.status_code == 206 and content["Content-Type"] == "audio/mpeg"
    assert b"".join(content.streaming_content) == b"ID3"


def test_a_text_file_named_mp3_is_refused(client: Client, media_root: Path) -> None:
    (media_root / "notes.mp3").write_text("not a song, just words\n" * 4)
    response = client.post(
        API, data=json.dumps({"file_path": "notes.mp3"}), content_type="application/json"
    )
    assert "does not match its .mp3 extension" in response.json()["error"]
    assert response.status_code >= 400 and not Asset.objects.exists()


def test_an_audio_proxy_is_served_as_audio_mp4_with_range_support(
    client: Client, thumbnail_dir: Path
) -> None:
    reset_rate_limits()
    name = proxy_name("ef" * 32, audio=True)
    (thumbnail_dir / name).write_bytes(bytes(range(256)) * 4)
    response = client.get(f"/thumbnails/{name}", HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Type"] == "audio/mp4"
    assert b"".join(response.streaming_content) == bytes(range(10, 20))
    assert "immutable" in response["Cache-Control"]
    assert client.get(f"/thumbnails/{'ef' * 32}-proxy-v1.wav").status_code == 404


def test_the_admin_list_filters_by_the_audio_type(client: Client, library: None) -> None:
    response = client.get("/admin/assets/asset/", {"media_type__exact": "audio"})
    assert response.status_code == 200
    assert {a.title for a in response.context["cl"].result_list} == {"interview", "memo"}
    assert "?media_type__exact=audio" in response.content.decode()  # offered in the sidebar
