"""The library scrolled end to end in headless Chromium: a few hundred assets, read page by page
by cursor as the grid comes near the end of what is loaded, with only a screenful of cards in
the DOM at any time."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Request, Response, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.ui import scroll_to_the_end, wait_connected
from tests.support.live import LiveSystem, start_live_system

pytestmark = pytest.mark.e2e

ASSETS = 317  # five full pages of 60 and a short one
LIBRARY_PAGE_SIZE = 60  # frontend/src/contract.ts
OVERSCAN_ROWS = 3  # frontend/src/components/LibraryGrid.tsx: rows rendered beyond each edge
LIST_PATH = "/api/v1/assets"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, frontend_build: Path) -> Iterator[LiveSystem]:
    """A system of this module's own: its few hundred assets would crowd the shared library.

    No worker: the assets are registered as ready and nothing needs processing.
    """
    live = start_live_system(tmp_path_factory.mktemp("scroll"), workers=0)
    yield live
    live.stop()


def seed_ready_assets(system: LiveSystem, count: int) -> list[str]:
    """`count` ready images (no files, no thumbnails) in one INSERT through the app's model;
    returns their titles."""
    code = (
        "from assets.models import Asset, AssetStatus, MediaType\n"
        "Asset.objects.bulk_create([\n"
        "    Asset(title=f'Scroll {i:03}', file_path=f'scroll/{i:03}.jpg',\n"
        "          media_type=MediaType.IMAGE, mime_type='image/jpeg', file_size=1000 + i,\n"
        "          status=AssetStatus.READY)\n"
        f"    for i in range(1, {count} + 1)\n"
        "])\n"
    )
    system.manage("shell", "-c", code)
    return [f"Scroll {i:03}" for i in range(1, count + 1)]


def list_by_cursor(system: LiveSystem) -> list[str]:
    """The titles the list API gives in the library's order, following next_cursor."""
    titles: list[str] = []
    params: dict[str, Any] = {"page_size": LIBRARY_PAGE_SIZE}
    with system.client() as api:
        while True:
            body = api.get(LIST_PATH, params=params).json()
            titles += [item["title"] for item in body["items"]]
            cursor = body["meta"]["next_cursor"]
            if cursor is None:
                return titles
            params = {"page_size": LIBRARY_PAGE_SIZE, "cursor": cursor}


def is_list_call(url: str) -> bool:
    return urlsplit(url).path == LIST_PATH


def cursor_of(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("cursor")
    return values[0] if values else None


def test_scrolling_to_the_end_reads_every_asset_once_by_cursor_with_a_screenful_in_the_dom(
    page: Page, system: LiveSystem
) -> None:
    all_titles = seed_ready_assets(system, ASSETS)
    expected_order = list_by_cursor(system)
    assert sorted(expected_order) == all_titles
    list_requests: list[str] = []
    list_responses: list[Response] = []

    def on_request(request: Request) -> None:
        if is_list_call(request.url):
            list_requests.append(request.url)

    def on_response(response: Response) -> None:
        if is_list_call(response.url):
            list_responses.append(response)

    page.on("request", on_request)
    page.on("response", on_response)
    page.goto("/")
    wait_connected(page)
    head_count = page.locator(".library__head .muted")
    expect(head_count).to_have_text(f"{ASSETS} assets")
    expect(page.locator("ul.grid > li.card").first).to_be_visible()

    walk = scroll_to_the_end(page)

    # Every asset came on screen once, in the list's order.
    assert walk.titles == expected_order
    expect(head_count).to_have_text(f"{ASSETS} assets")
    expect(page.locator(".library__more")).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("alert")).to_have_count(0)

    # Each page was asked for once, by the cursor the page before it gave.
    pages = math.ceil(ASSETS / LIBRARY_PAGE_SIZE)
    cursors = [cursor_of(url) for url in list_requests if cursor_of(url) is not None]
    assert len(cursors) == pages - 1, list_requests
    assert len(set(cursors)) == len(cursors), list_requests
    first = next(r for r in list_responses if cursor_of(r.url) is None)
    by_cursor = {cursor_of(r.url): r.json() for r in list_responses if cursor_of(r.url)}
    assert set(by_cursor) == set(cursors)
    body: dict[str, Any] = first.json()
    loaded: list[int] = [item["id"] for item in body["items"]]
    for _ in range(pages - 1):
        cursor = body["meta"]["next_cursor"]
        assert cursor in by_cursor, f"the UI never asked for cursor {cursor}: {list_requests}"
        body = by_cursor[cursor]
        assert len(body["items"]) <= LIBRARY_PAGE_SIZE
        loaded += [item["id"] for item in body["items"]]
    assert body["meta"]["next_cursor"] is None
    assert len(loaded) == ASSETS
    assert len(set(loaded)) == ASSETS
    for url in list_requests:
        assert parse_qs(urlsplit(url).query)["page_size"] == [str(LIBRARY_PAGE_SIZE)], url

    # The DOM never held more than the rows on screen and the overscan either side (at
    # 1280x900: 5 columns, rows of about 260 px, so 5 rows on screen and 11 rendered, 55
    # cards), give or take a row for rounding.
    layout = walk.last
    assert layout["columns"] > 0
    assert layout["rowPitch"] > 0
    rows_on_screen = math.ceil(layout["innerHeight"] / layout["rowPitch"]) + 1
    screenful = layout["columns"] * (rows_on_screen + 2 * OVERSCAN_ROWS + 1)
    assert walk.most_in_dom <= screenful, (walk.most_in_dom, screenful, layout)
    assert walk.most_in_dom < ASSETS / 2, walk.most_in_dom

    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator("ul.grid > li.card").first.locator(".card__title")).to_have_text(
        expected_order[0]
    )


def test_sorted_by_date_taken_the_grid_scrolls_through_every_month_under_its_heading(
    page: Page, system: LiveSystem
) -> None:
    # 200 pictures a day apart from 1 January 2010 (noon UTC): January to July 2010.
    code = (
        "from datetime import UTC, datetime, timedelta\n"
        "from assets.models import Asset, AssetStatus, MediaType\n"
        "start = datetime(2010, 1, 1, 12, tzinfo=UTC)\n"
        "Asset.objects.bulk_create([\n"
        "    Asset(title=f'Dated {i:03}', file_path=f'dated/{i:03}.jpg',\n"
        "          media_type=MediaType.IMAGE, mime_type='image/jpeg', file_size=1000 + i,\n"
        "          status=AssetStatus.READY, captured_at=start + timedelta(days=i))\n"
        "    for i in range(200)\n"
        "])\n"
    )
    system.manage("shell", "-c", code)
    # Not a month's edge: a filter that leaves out the other test's assets (taken today).
    filters = {"taken_before": "2011-01-15T00:00:00Z", "ordering": "-captured_at"}
    with system.client() as api:
        months = api.get(f"{LIST_PATH}/timeline", params=filters).json()["months"]
    assert [entry["month"] for entry in months] == [f"2010-0{m}" for m in range(7, 0, -1)]

    # Every heading that comes into the DOM, in order, and the card after it.
    page.add_init_script(
        """
        window.__months = [];
        new MutationObserver(() => {
          for (const heading of document.querySelectorAll('ul.grid > li.grid__month h3')) {
            const next = heading.parentElement.nextElementSibling;
            // The last line rendered may be a heading whose cards are not in the DOM yet.
            const card = next?.querySelector('.card__title');
            const entry = `${heading.textContent}|${card?.textContent}`;
            if (card && !window.__months.includes(entry)) window.__months.push(entry);
          }
        }).observe(document, { subtree: true, childList: true });
        """
    )
    page.goto("/?taken_before=2011-01-15T00%3A00%3A00Z&ordering=-captured_at")
    expect(page.locator("ul.grid > li.card").first).to_be_visible()
    walk = scroll_to_the_end(page)
    assert walk.titles == [f"Dated {i:03}" for i in range(199, -1, -1)]
    seen = page.evaluate("window.__months")
    # Day 0 is 1 January; the first card of each month, newest first, is the month's last day.
    first_of = {
        "July": 199,
        "June": 180,
        "May": 150,
        "April": 119,
        "March": 89,
        "February": 58,
        "January": 30,
    }
    assert seen == [f"{name} 2010|Dated {day:03}" for name, day in first_of.items()], seen

    # Halfway down, the scrubber stays beside the grid (a picture for the eye).
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    expect(page.get_by_role("navigation", name="Timeline")).to_be_in_viewport()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "timeline_scrolled.png"))

    # A month chosen from down there makes the list start at it, and brings it into view.
    page.get_by_role("navigation", name="Timeline").get_by_role(
        "button", name="January 2010, 31 assets"
    ).click()
    expect(page).to_have_url(re.compile(r"taken_before=2010-01-31T23%3A59%3A59\.999999Z"))
    grid = page.get_by_role("list", name="Assets")
    expect(grid.get_by_role("heading", name="January 2010")).to_be_in_viewport()
    expect(grid.locator("li.card").first.locator(".card__title")).to_have_text("Dated 030")
    expect(grid.locator("li.card").first).to_be_in_viewport()
