"""Uploads from the browser through the resumable (tus) uploader: several files at once, live
processing after, and a network drop mid-upload that does not start the upload over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import CDPSession, Page, Request, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.ui import (
    PROCESSING_TIMEOUT_MS,
    WATCH_CARD,
    card,
    expect_thumbnail_loaded,
    open_add_media,
    settle_live_connection,
    wait_connected,
)
from tests.media import make_jpeg, make_video
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e

UPLOADS = "/api/v1/uploads"
CHUNK_BYTES = 4 * 1024 * 1024  # frontend/src/contract.ts UPLOAD_CHUNK_BYTES
# Slow enough that a 4 MiB chunk takes over a second, so the test can cut the network mid-file.
THROTTLED_UPLOAD_BYTES_PER_SECOND = 3 * 1024 * 1024

# Writes down every value one upload row's progress bar and status line show.
WATCH_UPLOAD = """
([name]) => {
  window.__uploadHistory = [];
  const record = () => {
    for (const row of document.querySelectorAll('li.upload-item')) {
      if (row.querySelector('.upload-item__name')?.textContent !== name) continue;
      const bar = row.querySelector('[role=progressbar]');
      const entry = {
        phase: row.className,
        progress: bar ? Number(bar.getAttribute('aria-valuenow')) : null,
        stats: row.querySelector('.upload-item__stats')?.textContent ?? null,
        resumed: row.querySelector('.upload-item__resumed')?.textContent ?? null,
      };
      const last = window.__uploadHistory[window.__uploadHistory.length - 1];
      if (!last || JSON.stringify(last) !== JSON.stringify(entry)) window.__uploadHistory.push(entry);
    }
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
  record();
}
"""


def record_upload_requests(page: Page) -> list[tuple[str, str]]:
    """(method, path) of every request the page makes to the upload endpoint or the asset list."""
    seen: list[tuple[str, str]] = []

    def on_request(request: Request) -> None:
        path = request.url.split("://", 1)[-1].split("/", 1)[-1]
        path = "/" + path.split("?", 1)[0]
        if path.startswith((UPLOADS, "/api/v1/assets")) and request.method != "GET":
            seen.append((request.method, path))

    page.on("request", on_request)
    return seen


def throttle(cdp: CDPSession, *, offline: bool, upload_bytes_per_second: int = -1) -> None:
    """Chromium's network conditions for the page (-1: no limit)."""
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": offline,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": upload_bytes_per_second,
        },
    )


def padded_jpeg(path: Path, size_bytes: int) -> Path:
    """A valid JPEG grown to `size_bytes` by bytes after its end marker (decoders ignore them)."""
    make_jpeg(path, size=(800, 600), color=(30, 160, 90))
    with path.open("ab") as handle:
        handle.write(b"\0" * (size_bytes - path.stat().st_size))
    return path


def stored_upload(system: LiveSystem, title: str) -> tuple[dict[str, Any], Path]:
    with system.client() as api:
        found = api.get("/api/v1/assets", params={"q": title}).json()["items"]
    assert [a["title"] for a in found] == [title], found
    assert found[0]["file_path"].startswith("uploads/"), found[0]
    return found[0], system.media / found[0]["file_path"]


def test_several_files_upload_at_once_and_their_cards_process_live(
    page: Page, system: LiveSystem, tmp_path: Path
) -> None:
    photo = make_jpeg(tmp_path / "picked photo.jpg", size=(800, 600), color=(240, 180, 20))
    clip = make_video(tmp_path / "picked clip.mp4", seconds=2)
    requests = record_upload_requests(page)
    navigations: list[str] = []
    page.goto("/")
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    wait_connected(page)
    settle_live_connection(page)
    page.evaluate(WATCH_CARD, ["picked clip"])
    panel = open_add_media(page)
    panel.locator("input[type=file]").set_input_files([str(photo), str(clip)])

    for name in ("picked photo.jpg", "picked clip.mp4"):
        row = panel.locator("li.upload-item").filter(has_text=name)
        expect(row.locator(".upload-item__done")).to_contain_text("Uploaded.")
        expect(row.get_by_role("button", name=f"Cancel {name}")).to_have_count(0)
    for title in ("picked photo", "picked clip"):
        item = card(page, title)
        expect(item).to_be_visible()
        expect(item.locator(".badge")).to_have_text("Ready", timeout=PROCESSING_TIMEOUT_MS)
        expect_thumbnail_loaded(item)

    # Through the tus endpoint, one upload each; the old multipart POST /assets is not used.
    creations = [r for r in requests if r == ("POST", UPLOADS)]
    assert len(creations) == 2, requests
    assert any(method == "PATCH" for method, _ in requests), requests
    assert ("POST", "/api/v1/assets") not in requests, requests
    # The card appeared and became ready in the same document, from live updates.
    assert navigations == []
    history: list[dict[str, Any]] = page.evaluate("window.__cardHistory")
    assert history[-1]["status"] == "Ready", history
    for title, source in (("picked photo", photo), ("picked clip", clip)):
        _, stored = stored_upload(system, title)
        assert stored.read_bytes() == source.read_bytes()


def test_an_upload_cut_off_by_a_network_drop_goes_on_where_it_stopped(
    page: Page, system: LiveSystem, tmp_path: Path
) -> None:
    name = "long trip.jpg"
    source = padded_jpeg(tmp_path / name, 12 * 1024 * 1024)
    assert source.stat().st_size > 2 * CHUNK_BYTES  # three chunks
    requests = record_upload_requests(page)
    page.goto("/")
    wait_connected(page)
    panel = open_add_media(page)
    page.evaluate(WATCH_UPLOAD, [name])
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    throttle(cdp, offline=False, upload_bytes_per_second=THROTTLED_UPLOAD_BYTES_PER_SECOND)
    panel.locator("input[type=file]").set_input_files(str(source))
    row = panel.locator("li.upload-item").filter(has_text=name)
    bar = row.get_by_role("progressbar", name=f"Uploading {name}")

    # Past the first chunk, in the middle of the second: then the network goes away.
    page.wait_for_function(
        """([name]) => {
          const row = [...document.querySelectorAll('li.upload-item')]
            .find((r) => r.querySelector('.upload-item__name')?.textContent === name);
          const bar = row?.querySelector('[role=progressbar]');
          return bar && Number(bar.getAttribute('aria-valuenow')) >= 45;
        }""",
        arg=[name],
        timeout=30_000,
    )
    # Playwright's offline (navigator.onLine, new requests) and the same on the CDP session that
    # throttles: Chromium applies the conditions of the session that set them last.
    page.context.set_offline(True)
    throttle(cdp, offline=True)
    expect(row.locator(".upload-item__stats")).to_contain_text("Waiting for the network…")
    cut_at = int(bar.get_attribute("aria-valuenow") or 0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / "upload_waiting_for_the_network.png"))
    page.wait_for_timeout(1_500)
    # Back online, still throttled (set last, so it holds): the rest takes long enough to be seen.
    page.context.set_offline(False)
    throttle(cdp, offline=False, upload_bytes_per_second=THROTTLED_UPLOAD_BYTES_PER_SECOND)

    expect(row.locator(".upload-item__resumed")).to_contain_text("Resumed from")
    panel.screenshot(path=str(ARTIFACTS / "upload_resumed.png"))
    expect(row.locator(".upload-item__done")).to_contain_text("Uploaded.", timeout=60_000)
    item = card(page, "long trip")
    expect(item.locator(".badge")).to_have_text("Ready", timeout=PROCESSING_TIMEOUT_MS)
    expect_thumbnail_loaded(item)

    history: list[dict[str, Any]] = page.evaluate("window.__uploadHistory")
    progress = [entry["progress"] for entry in history if entry["progress"] is not None]
    first_moved = next(i for i, value in enumerate(progress) if value > 0)
    after_start = progress[first_moved:]
    assert min(after_start) > 0, f"the upload started over: {progress}"
    # It went on from what the server had: at least the first chunk, never below it again.
    resumed = [entry["resumed"] for entry in history if entry["resumed"]]
    assert resumed, f"the row never said where it resumed from: {history}"
    after_cut = progress[progress.index(cut_at) :] if cut_at in progress else after_start
    assert min(after_cut) >= 33, f"progress fell back below the first chunk: {progress}"
    # One upload, created once, picked up again with HEAD; no second creation.
    assert [r for r in requests if r[0] == "POST"] == [("POST", UPLOADS)], requests
    _, stored = stored_upload(system, "long trip")
    assert stored.read_bytes() == source.read_bytes()
    assert any(method == "HEAD" for method, _ in requests), requests
    patches = [r for r in requests if r[0] == "PATCH"]
    # Three chunks, plus the one the drop cut off sent again: never the whole file again.
    assert 3 <= len(patches) <= 5, requests
