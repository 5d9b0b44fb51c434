"""Thumbnails are served immutable and rate limited; health reports its components."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from mam.config import Config
from tests.support.contract import assert_error

NAME = "ab" * 32 + "-320.jpg"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def test_thumbnail_is_served_with_long_lived_cache_headers(
    client: Client, thumbnail_dir: Path
) -> None:
    (thumbnail_dir / NAME).write_bytes(b"\xff\xd8\xff jpeg")
    for url in (f"/thumbnails/{NAME}", f"/thumbnails/{NAME}/"):
        response = client.get(url, HTTP_ACCEPT="image/avif,image/webp,*/*")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert (
            "immutable" in response["Cache-Control"]
            and "max-age=31536000" in response["Cache-Control"]
        )
        assert b"".join(response.streaming_content) == b"\xff\xd8\xff jpeg"


@pytest.mark.parametrize(
    "name",
    ["missing" + NAME[7:], "../mam.db", "..%2Fmam.db", "x.jpg", NAME.replace(".jpg", ".png")],
)
def test_unknown_or_malformed_thumbnail_is_404_json(client: Client, name: str) -> None:
    assert_error(client.get(f"/thumbnails/{name}", HTTP_ACCEPT="image/jpeg"), 404)


def test_thumbnails_are_rate_limited_with_retry_after(
    client: Client, thumbnail_dir: Path, settings: Any
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"thumbnails": "3/min"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        (thumbnail_dir / NAME).write_bytes(b"jpeg")
        statuses = [client.get(f"/thumbnails/{NAME}").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get(f"/thumbnails/{NAME}")
        assert_error(limited, 429)
        assert int(limited["Retry-After"]) > 0
    finally:
        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


@pytest.mark.django_db
def test_health_status_is_healthy_with_components(client: Client) -> None:
    response = client.get("/api/v1/health/status")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] in {"healthy", "degraded"}
    for name in ("database", "redis", "filesystem", "memory"):
        assert body["components"][name]["status"] in {"healthy", "degraded"}
    assert body["components"]["filesystem"]["free_disk_bytes"] > 0
    assert client.get("/api/v1/health/status/").status_code == 200


@pytest.mark.django_db
def test_health_is_503_when_redis_is_unreachable(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/api/v1/health/status")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["components"]["redis"]["status"] == "unhealthy"


@pytest.mark.django_db
def test_health_is_503_when_the_media_folder_is_missing(client: Client, media_root: Path) -> None:
    media_root.rename(media_root.with_name("gone"))
    body = client.get("/api/v1/health/status").json()
    assert body["components"]["filesystem"]["media_readable"] is False
    assert client.get("/api/v1/health/status").status_code == 503
