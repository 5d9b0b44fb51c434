"""Thumbnails are served immutable and rate limited; health reports its components."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from assets.jobs.processing.thumbnails import preview_name, thumbnail_name
from mam.config import Config
from tests.support.contract import assert_error
from tests.support.ratelimits import reset_rate_limits

NAME = "ab" * 32 + "-320.jpg"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    reset_rate_limits()


# Names made before rendering versions, those made now, and previews beside them.
@pytest.mark.parametrize("name", [NAME, thumbnail_name("ab" * 32), preview_name("ab" * 32)])
def test_thumbnail_is_served_with_long_lived_cache_headers(
    client: Client, thumbnail_dir: Path, name: str
) -> None:
    (thumbnail_dir / name).write_bytes(b"\xff\xd8\xff jpeg")
    for url in (f"/thumbnails/{name}", f"/thumbnails/{name}/"):
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
    [
        "missing" + NAME[7:],
        "../mam.db",
        "..%2Fmam.db",
        "x.jpg",
        NAME.replace(".jpg", ".png"),
        preview_name("ab" * 32),  # well named, but never written
        preview_name("ab" * 32).replace(".jpg", ".webp"),
        "ab" * 32 + "-16000-v2.jpg",
    ],
)
def test_unknown_or_malformed_thumbnail_is_404_json(client: Client, name: str) -> None:
    assert_error(client.get(f"/thumbnails/{name}", HTTP_ACCEPT="image/jpeg"), 404)


def test_thumbnails_are_rate_limited_with_retry_after(
    client: Client, thumbnail_dir: Path, settings: Any
) -> None:
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    # DRF reads the rates once, into the class: put back exactly what was there (restoring
    # from api_settings inside this test would keep the test's rates, without `login`, for
    # every later test in this process).
    before = ScopedRateThrottle.THROTTLE_RATES
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**before, "thumbnails": "3/min"},
    }
    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        (thumbnail_dir / NAME).write_bytes(b"jpeg")
        statuses = [client.get(f"/thumbnails/{NAME}").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get(f"/thumbnails/{NAME}")
        assert_error(limited, 429)
        assert int(limited["Retry-After"]) > 0
    finally:
        ScopedRateThrottle.THROTTLE_RATES = before


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


def test_a_rate_limit_that_cannot_reach_redis_lets_the_request_through(
    client: Client, thumbnail_dir: Path
) -> None:
    import redis as redis_lib

    (thumbnail_dir / NAME).write_bytes(b"\xff\xd8\xff jpeg")
    with mock.patch(
        "django.core.cache.backends.redis.RedisCacheClient.get",
        side_effect=redis_lib.ConnectionError("down"),
    ) as get:
        assert client.get(f"/thumbnails/{NAME}").status_code == 200
    assert get.called
