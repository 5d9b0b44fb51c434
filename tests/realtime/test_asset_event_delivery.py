"""Asset events over /ws (Channels' WebsocketCommunicator, the real Redis channel layer): a
change made through the API reaches every other open client, in seq order, and a client that
was away gets it from `resume`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from accounts import tokens
from accounts.models import Role, Scope
from accounts.roles import create_user
from assets import services
from assets.realtime import delivery, events
from assets.realtime.routing import websocket_application
from tests.factories import AssetFactory
from tests.media import make_jpeg

pytestmark = [pytest.mark.django_db(transaction=True)]

HOST = (b"host", b"mam.example:5001")
API = "/api/v1/assets"


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Runs the scenario on an event loop of its own in a thread of its own (a worker's
    earlier tests can leave a loop set on the main thread), and closes the connection the
    scenario's database calls opened (they run in asgiref's one thread for sync code)."""

    async def then_close() -> None:
        try:
            await scenario()
        finally:
            await sync_to_async(connections.close_all, thread_sensitive=True)()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, then_close()).result(timeout=30)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch, task_delay: mock.MagicMock) -> None:
    monkeypatch.setattr(delivery, "RESUME_GRACE_SECONDS", 0.2)


async def connect(*headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(websocket_application, "/ws", headers=[HOST, *headers])
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_json_from())["type"] == "connection"
    return communicator


async def receive(communicator: WebsocketCommunicator, count: int) -> list[dict[str, Any]]:
    return [await communicator.receive_json_from(timeout=3) for _ in range(count)]


def call_api(method: str, path: str, body: dict[str, Any] | None = None) -> int:
    client = Client()
    send = getattr(client, method)
    response = send(path, json.dumps(body), content_type="application/json") if body else send(path)
    return int(response.status_code)


def test_a_rename_and_a_delete_reach_every_other_client_and_replay_on_resume(
    media_root: Path,
) -> None:
    make_jpeg(media_root / "beach.jpg", size=(8, 8))
    run(rename_and_delete)


async def rename_and_delete() -> None:
    first, second = await connect(), await connect()
    before = await sync_to_async(events.current_seq)()

    assert await sync_to_async(call_api)("post", API, {"file_path": "beach.jpg"}) == 201
    created = await first.receive_json_from(timeout=3)
    asset_id = created["data"]["asset_id"]
    assert await sync_to_async(call_api)("patch", f"{API}/{asset_id}", {"title": "Sunset"}) == 200
    assert await sync_to_async(call_api)("delete", f"{API}/{asset_id}") == 204

    to_first = [created, *await receive(first, 3)]
    to_second = await receive(second, 4)
    assert to_first == to_second
    assert [(m["type"], m["seq"]) for m in to_second] == [
        ("asset_created", before + 1),
        ("processing_update", before + 2),  # queued
        ("asset_update", before + 3),
        ("asset_deleted", before + 4),
    ]
    assert created["data"]["title"] == "beach"
    assert to_second[2]["data"] == {"asset_id": asset_id, "title": "Sunset"}
    assert to_second[3]["data"] == {"asset_id": asset_id}
    await first.disconnect()
    await second.disconnect()

    # A tab that was away (asleep, offline) asks for what it missed and gets the same events.
    returning = await connect()
    await returning.send_json_to({"type": "resume", "data": {"last_seq": before}})
    assert await receive(returning, 4) == to_second
    assert await returning.receive_nothing(timeout=0.3)
    await returning.disconnect()


def test_a_viewer_hears_of_renames_like_of_processing(settings: Any) -> None:
    settings.MAM_AUTH_ENABLED = True
    run(viewer_hears)


async def viewer_hears() -> None:
    @sync_to_async
    def viewer_token_and_asset() -> tuple[str, int]:
        viewer = create_user("watcher", "a-long-enough-password-1", Role.VIEWER)
        _, secret = tokens.issue(viewer, "ws", Scope.READ)
        return secret, AssetFactory(title="Before").pk

    secret, asset_id = await viewer_token_and_asset()
    viewer = await connect((b"authorization", f"Bearer {secret}".encode()))
    await sync_to_async(services.rename_asset)(asset_id=asset_id, title="After")
    [message] = await receive(viewer, 1)
    assert (message["type"], message["data"]) == (
        "asset_update",
        {"asset_id": asset_id, "title": "After"},
    )
    await viewer.disconnect()
