"""The UI across a killed and restarted server: it reconnects and misses no update made meanwhile."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from mam.launcher import stop_all
from tests.bootstrap import free_port
from tests.e2e.ui import (
    PROCESSING_TIMEOUT_MS,
    card,
    expect_thumbnail_loaded,
    register_jpeg,
    wait_all,
    wait_connected,
)
from tests.media import make_jpeg
from tests.support.live import LiveSystem, start_live_system

pytestmark = pytest.mark.e2e

# The client's backoff window doubles from 0.5 s up to 30 s with full jitter; after ~10 s down
# the next try is at most 16 s away.
RECONNECT_TIMEOUT_MS = 45_000
# A reconnected socket must stay up at least this long (a broken channel layer closed new
# sockets with 1011 about 5 s after accept).
STAYS_UP_SECONDS = 8


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, frontend_build: Path) -> Iterator[LiveSystem]:
    """A system of this module's own: the test kills its server."""
    live = start_live_system(tmp_path_factory.mktemp("reconnect"), workers=1)
    yield live
    live.stop()


def kill_server(system: LiveSystem) -> None:
    """SIGKILL to Daphne's whole process group: no goodbye frames, no graceful close."""
    assert system.server is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(system.server.pid, signal.SIGKILL)
    system.server.wait(10)


def final_state(api: httpx.Client, asset_id: int, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        asset: dict[str, Any] = api.get(f"/api/v1/assets/{asset_id}").json()
        if asset["status"] in ("ready", "failed"):
            return asset
        time.sleep(0.1)
    raise AssertionError(f"asset {asset_id} did not finish: {asset}")


def sockets(page: Page) -> list[dict[str, Any]]:
    return list(page.evaluate("window.__wsLog"))


def test_after_the_server_is_killed_and_restarted_the_ui_reconnects_and_misses_no_update(
    page: Page, system: LiveSystem
) -> None:
    kept = register_jpeg(system, "restart/kept.jpg", "Kept photo", color=(20, 120, 220))
    doomed = register_jpeg(system, "restart/doomed.jpg", "Doomed photo", color=(200, 90, 20))
    wait_all(system, [kept["id"], doomed["id"]])

    page.goto("/")
    indicator = wait_connected(page)
    page.evaluate("window.__e2eMarker = 'same document'")
    expect_thumbnail_loaded(card(page, "Kept photo"))
    expect(card(page, "Doomed photo").locator(".badge")).to_have_text("Ready")

    kill_server(system)
    expect(indicator).to_contain_text("Reconnecting…")
    first_socket = sockets(page)[0]
    assert first_socket["closed"] is not None, first_socket

    # While the page's server is down, another Daphne on the same database, Redis and worker
    # takes two changes: a new asset, and a reprocess that now fails (the file went bad).
    other_port = free_port()
    other = system.start_server(port=other_port)
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{other_port}", timeout=30, headers=system.headers
        ) as api:
            make_jpeg(system.media / "restart/born.jpg", color=(40, 160, 60))
            born = api.post(
                "/api/v1/assets", json={"file_path": "restart/born.jpg", "title": "Born offline"}
            )
            assert born.status_code == 201, born.text
            (system.media / "restart/doomed.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
            reprocessed = api.post(f"/api/v1/assets/{doomed['id']}/reprocess")
            assert reprocessed.status_code == 202, reprocessed.text
            born_final = final_state(api, born.json()["id"])
            doomed_final = final_state(api, doomed["id"])
    finally:
        stop_all([other])
    assert born_final["status"] == "ready", born_final
    assert doomed_final["status"] == "failed", doomed_final
    error_text = doomed_final["processing"]["error"]
    assert error_text

    # Nothing reached the page while it was cut off.
    expect(indicator).to_contain_text("Reconnecting…")
    expect(card(page, "Born offline")).to_have_count(0)
    expect(card(page, "Doomed photo").locator(".badge")).to_have_text("Ready")

    system.start_server()  # the same port the page keeps trying
    # ("Reconnecting…" does not contain the capitalised word.)
    expect(indicator).to_contain_text("Connected", timeout=RECONNECT_TIMEOUT_MS)

    born_card = card(page, "Born offline")
    expect(born_card.locator(".badge")).to_have_text("Ready", timeout=PROCESSING_TIMEOUT_MS)
    expect_thumbnail_loaded(born_card)
    doomed_card = card(page, "Doomed photo")
    expect(doomed_card.locator(".badge")).to_have_text("Failed", timeout=PROCESSING_TIMEOUT_MS)
    expect(doomed_card.locator(".card__error")).to_have_text(error_text)
    expect_thumbnail_loaded(card(page, "Kept photo"))
    assert page.evaluate("window.__e2eMarker") == "same document"

    # The new connection stays up: no server-side close shortly after the restart.
    page.wait_for_timeout(STAYS_UP_SECONDS * 1000)
    expect(indicator).to_contain_text("Connected")
    log = sockets(page)
    current = log[-1]
    assert current["opened"] is not None and current["closed"] is None, log
