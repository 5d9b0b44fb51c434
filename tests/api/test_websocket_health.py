"""GET /api/v1/health/websocket and the channel_layer component of /health/status."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from assets.realtime import events, presence
from health import checks
from mam.config import Config
from tests.bootstrap import free_port

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/health/websocket", "/api/v1/health/websocket/"])
def test_websocket_health_reports_connections_round_trip_and_retention(
    client: Client, url: str
) -> None:
    seq = events.publish_processing_update(
        asset_id=1, status="processing", stage="metadata", progress=30
    )
    response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    layer = body["components"]["channel_layer"]
    assert layer["status"] == "healthy"
    assert 0 < layer["round_trip_ms"] < 500
    figures = body["components"]["events"]
    assert figures["current_seq"] == seq
    assert figures["retained_updates"] >= 1
    assert figures["oldest_retained_seq"] <= seq
    assert isinstance(body["open_connections"], int)
    assert body["heartbeat_interval"] == 25


def test_open_connections_count_every_server_process(client: Client) -> None:
    before = client.get("/api/v1/health/websocket").json()["open_connections"]
    async_to_sync(presence.connection_opened)()
    async_to_sync(presence.connection_opened)()
    assert client.get("/api/v1/health/websocket").json()["open_connections"] == before + 2
    async_to_sync(presence.connection_closed)()
    async_to_sync(presence.connection_closed)()
    assert client.get("/api/v1/health/websocket").json()["open_connections"] == before


@pytest.fixture
def redis_down(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    monkeypatch.setattr(Config, "REDIS_URL", nowhere)
    settings.CHANNEL_LAYERS = {
        "default": {
            **settings.CHANNEL_LAYERS["default"],
            "CONFIG": {**settings.CHANNEL_LAYERS["default"]["CONFIG"], "hosts": [nowhere]},
        }
    }


@pytest.mark.usefixtures("redis_down")
def test_websocket_health_is_503_when_the_channel_layer_is_unreachable(client: Client) -> None:
    response = client.get("/api/v1/health/websocket")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["components"]["channel_layer"]["status"] == "unhealthy"
    assert body["open_connections"] is None


def test_health_status_includes_the_channel_layer(client: Client) -> None:
    layer = client.get("/api/v1/health/status").json()["components"]["channel_layer"]
    assert layer["status"] == "healthy"
    assert layer["round_trip_ms"] > 0


@pytest.mark.usefixtures("redis_down")
def test_health_status_reports_the_channel_layer_down(client: Client) -> None:
    body = client.get("/api/v1/health/status").json()
    assert body["components"]["channel_layer"]["status"] == "unhealthy"


def test_the_channel_layer_probe_gives_up_well_inside_a_second() -> None:
    # What keeps /health/websocket quick when the layer's Redis stops answering.
    assert checks.CHANNEL_LAYER_TIMEOUT <= 0.5
