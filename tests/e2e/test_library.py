"""The library UI in headless Chromium against a real Daphne, Celery worker and Redis."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, Request, WebSocket, expect

from tests.e2e.ui import (
    PROCESSING_TIMEOUT_MS,
    WATCH_CARD,
    card,
    expect_thumbnail_loaded,
    open_add_media,
    register_jpeg,
    scroll_to_the_end,
    settle_live_connection,
    wait_all,
    wait_connected,
)
from tests.media import make_png, make_video
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e


def record_ws_frames(page: Page) -> list[dict[str, Any]]:
    """Every JSON frame the page's WebSockets receive from now on (call before page.goto)."""
    frames: list[dict[str, Any]] = []

    def on_socket(socket: WebSocket) -> None:
        def on_frame(payload: str | bytes) -> None:
            if isinstance(payload, str):
                frames.append(json.loads(payload))

        socket.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return frames


def test_the_grid_shows_ready_assets_with_their_thumbnails_loaded(
    page: Page, system: LiveSystem
) -> None:
    titles = ["Grid red", "Grid blue", "Grid green"]
    colors = [(220, 30, 30), (30, 30, 220), (30, 200, 30)]
    ids = [
        register_jpeg(system, f"grid/{i}.jpg", title, color=color)["id"]
        for i, (title, color) in enumerate(zip(titles, colors, strict=True))
    ]
    make_png(system.media / "grid/alpha.png")
    make_video(system.media / "grid/clip.mp4", seconds=2)
    for name, title in (("grid/alpha.png", "Grid PNG"), ("grid/clip.mp4", "Grid clip")):
        response = system.register(name, title=title)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
        titles.append(title)
    wait_all(system, ids)

    page.goto("/")
    wait_connected(page)
    for title in titles:
        item = card(page, title)
        expect(item).to_be_visible()
        expect(item.locator(".badge")).to_have_text("Ready")
        expect_thumbnail_loaded(item)
        expect(item.locator("img.thumb__img")).to_have_attribute("alt", f"Thumbnail of {title}")
    expect(card(page, "Grid clip").locator(".card__facts")).to_contain_text(
        re.compile(r"^video · .* · 0:02$")
    )
    expect(card(page, "Grid red").locator(".card__facts")).to_contain_text(
        "640\N{MULTIPLICATION SIGN}480"
    )


def test_registering_a_path_shows_live_progress_then_the_thumbnail_without_a_reload(
    page: Page, system: LiveSystem
) -> None:
    title = "Live clip"
    # Big enough that the worker spends a noticeable time in each stage.
    make_video(system.media / "live/clip.mp4", seconds=8, size=(1280, 720))
    frames = record_ws_frames(page)
    navigations: list[str] = []
    page.goto("/")
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    wait_connected(page)
    settle_live_connection(page)
    page.evaluate("window.__e2eMarker = 'same document'")
    page.evaluate(WATCH_CARD, [title])

    panel = open_add_media(page)
    panel.get_by_label("Path in the media folder").fill("live/clip.mp4")
    panel.get_by_label("Title (optional)").fill(title)
    panel.get_by_role("button", name="Register").click()
    expect(panel.get_by_text(f"Registered “{title}”. Processing has started.")).to_be_visible()

    item = card(page, title)
    expect(item).to_be_visible()
    expect(item.locator(".badge")).to_have_text("Ready", timeout=PROCESSING_TIMEOUT_MS)
    expect_thumbnail_loaded(item)
    expect(item.get_by_role("progressbar")).to_have_count(0)

    assert page.evaluate("window.__e2eMarker") == "same document"
    assert navigations == []
    history: list[dict[str, Any]] = page.evaluate("window.__cardHistory")
    statuses = [entry["status"] for entry in history]
    assert statuses[0] in ("Pending", "Processing"), history
    assert statuses[-1] == "Ready", history
    shown_progress = [
        entry for entry in history if entry["status"] == "Processing" and entry["progress"]
    ]
    assert shown_progress, f"the card never showed processing progress: {history}"
    asset_id = next(
        f["data"]["asset_id"]
        for f in frames
        if f.get("type") == "processing_update" and f["data"].get("status") == "ready"
    )
    updates = [
        f
        for f in frames
        if f.get("type") == "processing_update" and f["data"]["asset_id"] == asset_id
    ]
    assert any(f["data"].get("status") == "processing" for f in updates), updates


@pytest.mark.parametrize(
    "bad_path",
    ["nowhere/missing.jpg", "../outside.jpg", "notes/readme.txt"],
    ids=["missing-file", "outside-the-media-folder", "unsupported-type"],
)
def test_a_bad_path_shows_the_servers_error_inline(
    page: Page, system: LiveSystem, bad_path: str
) -> None:
    if bad_path.endswith(".txt"):
        (system.media / "notes").mkdir(exist_ok=True)
        (system.media / bad_path).write_text("not media")
    with system.client() as api:
        before = api.get("/api/v1/assets").json()["meta"]["total"]
        answer = api.post("/api/v1/assets", json={"file_path": bad_path})
    assert answer.status_code == 400, answer.text
    server_error = answer.json()["error"]

    page.goto("/")
    panel = open_add_media(page)
    path_field = panel.get_by_label("Path in the media folder")
    path_field.fill(bad_path)
    panel.get_by_role("button", name="Register").click()

    alert = panel.locator(".register").get_by_role("alert")
    expect(alert).to_have_text(server_error)
    expect(path_field).to_have_attribute("aria-invalid", "true")
    expect(path_field).to_have_value(bad_path)
    assert str(system.media) not in alert.inner_text()
    with system.client() as api:
        assert api.get("/api/v1/assets").json()["meta"]["total"] == before


def test_filters_search_and_ordering_live_in_the_url_and_one_list_scrolls_with_no_page_numbers(
    page: Page, system: LiveSystem
) -> None:
    ids = [
        register_jpeg(system, f"batch/{n:02}.jpg", f"Batch {n:02}", size=(96, 64))["id"]
        for n in range(1, 24)
    ]
    make_video(system.media / "batch/clip.mp4", seconds=1)
    response = system.register("batch/clip.mp4", title="Batch clip")
    assert response.status_code == 201, response.text
    ids.append(response.json()["id"])
    wait_all(system, ids)
    by_title = [f"Batch {n:02}" for n in range(1, 24)] + ["Batch clip"]
    titles = page.locator("ul.grid .card__title")
    count = page.locator(".library__head .muted")
    search = page.get_by_label("Search", exact=True)
    sort = page.get_by_label("Sort by", exact=True)
    cursor_requests: list[str] = []

    def on_request(request: Request) -> None:
        if "cursor=" in request.url:
            cursor_requests.append(request.url)

    page.on("request", on_request)

    page.goto("/")
    search.fill("Batch")
    expect(page).to_have_url(re.compile(r"[?&]q=Batch(&|$)"))
    expect(count).to_have_text("24 assets")
    sort.select_option("title")
    expect(page).to_have_url(re.compile(r"[?&]ordering=title(&|$)"))
    expect(titles.first).to_have_text("Batch 01")
    # One list, no page numbers: scrolled to its end it holds all 24 in order; one page of 60
    # held them all, so no cursor was followed.
    assert scroll_to_the_end(page).titles == by_title
    expect(page.get_by_role("navigation", name="Pages")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Next"))).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"[?&]page="))
    assert cursor_requests == []

    page.reload()
    expect(search).to_have_value("Batch")
    expect(sort).to_have_value("title")
    expect(count).to_have_text("24 assets")
    assert scroll_to_the_end(page).titles == by_title

    # A link from the page-number days lands at the start of the same list.
    page.goto("/?q=Batch&ordering=title&page=2")
    expect(count).to_have_text("24 assets")
    assert scroll_to_the_end(page).titles == by_title

    page.get_by_label("Type", exact=True).select_option("video")
    expect(page).to_have_url(re.compile(r"[?&]type=video(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]q=Batch(&|$)"))
    expect(titles).to_have_text(["Batch clip"])
    expect(count).to_have_text("1 asset")

    page.get_by_label("Type", exact=True).select_option("image")
    search.fill("Batch 07")
    expect(page).to_have_url(re.compile(r"[?&]q=Batch(\+|%20)07(&|$)"))
    expect(titles).to_have_text(["Batch 07"])

    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]type=video(&|$)"))
    expect(search).to_have_value("Batch")
    expect(titles).to_have_text(["Batch clip"])

    page.go_forward()
    expect(page).to_have_url(re.compile(r"[?&]type=image(&|$)"))
    expect(search).to_have_value("Batch 07")
    expect(titles).to_have_text(["Batch 07"])
    expect(page).not_to_have_url(re.compile(r"[?&]page="))
    assert cursor_requests == []


def test_deleting_an_asset_after_confirming_removes_its_card(
    page: Page, system: LiveSystem
) -> None:
    asset = register_jpeg(system, "delete/me.jpg", "Delete me")
    wait_all(system, [asset["id"]])
    page.goto("/")
    item = card(page, "Delete me")
    expect_thumbnail_loaded(item)

    item.get_by_role("button", name=re.compile(r"^Delete me, image, ready")).click()
    expect(page).to_have_url(re.compile(rf"[?&]asset={asset['id']}(&|$)"))
    detail = page.get_by_role("dialog")
    expect(detail.get_by_role("heading", name="Delete me")).to_be_visible()

    detail.get_by_role("button", name="Delete", exact=True).click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm.get_by_role("heading")).to_have_text("Delete “Delete me”?")
    confirm.get_by_role("button", name="Keep it").click()
    expect(confirm).to_have_count(0)
    expect(item).to_have_count(1)

    detail.get_by_role("button", name="Delete", exact=True).click()
    confirm.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(item).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"[?&]asset="))

    with system.client() as api:
        assert api.get(f"/api/v1/assets/{asset['id']}").status_code == 404
    assert (system.media / "delete/me.jpg").exists()
    page.reload()
    expect(page.locator(".library__head .muted")).to_be_visible()
    expect(item).to_have_count(0)
