"""The timeline in the browser: sorted by date taken, the grid heads each month its pictures were
taken in (from their EXIF DateTimeOriginal), the scrubber beside it counts them and jumps to a
month (a date-taken bound in the URL, so Back returns), and sorted otherwise it offers the sort
by date taken."""

from __future__ import annotations

import re
import secrets
import string
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.ui import register_jpeg, wait_all
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_the_grid_heads_each_month_taken_and_the_scrubber_jumps_to_one(
    page: Page, system: LiveSystem
) -> None:
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    # Noon, far from a month's edge whatever zone the server reads EXIF times in.
    march_a = register_jpeg(
        system,
        f"timeline-{word}/a.jpg",
        f"Spring {word} a",
        size=(64, 48),
        taken="2021:03:14 12:00:00",
    )
    march_b = register_jpeg(
        system,
        f"timeline-{word}/b.jpg",
        f"Spring {word} b",
        size=(64, 48),
        taken="2021:03:02 12:00:00",
    )
    autumn = register_jpeg(
        system,
        f"timeline-{word}/c.jpg",
        f"Autumn {word}",
        size=(64, 48),
        taken="2019:11:05 12:00:00",
    )
    wait_all(system, [march_a["id"], march_b["id"], autumn["id"]])

    # The search keeps this test's pictures apart from the rest of the shared library.
    page.goto(f"/?q={word}&ordering=-captured_at")
    grid = page.get_by_role("list", name="Assets")
    expect(grid.get_by_role("heading", level=3)).to_have_text(["March 2021", "November 2019"])
    expect(grid.locator(".card__title")).to_have_text(
        [f"Spring {word} a", f"Spring {word} b", f"Autumn {word}"]
    )
    timeline = page.get_by_role("navigation", name="Timeline")
    expect(timeline.get_by_role("button", name="March 2021, 2 assets")).to_be_visible()
    november = timeline.get_by_role("button", name="November 2019, 1 asset")
    expect(november).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "timeline_grouped.png"), full_page=True)

    november.click()
    assert _query(page)["taken_before"] == ["2019-11-30T23:59:59.999999Z"]
    expect(grid.locator(".card__title")).to_have_text([f"Autumn {word}"])
    expect(grid.get_by_role("heading", level=3)).to_have_text(["November 2019"])
    expect(page.get_by_role("list", name="Date taken filter")).to_contain_text("from November 2019")
    # The months after the jump stay in the scrubber, to jump back up.
    expect(timeline.get_by_role("button", name="March 2021, 2 assets")).to_be_visible()
    expect(november).to_have_attribute("aria-current", "true")

    page.go_back()
    expect(grid.locator(".card__title")).to_have_count(3)
    assert "taken_before" not in _query(page)

    # Oldest first, a month is where the list starts from below.
    page.get_by_label("Sort by").select_option(label="Taken, oldest first")
    expect(grid.get_by_role("heading", level=3)).to_have_text(["November 2019", "March 2021"])
    timeline.get_by_role("button", name="March 2021, 2 assets").click()
    assert _query(page)["taken_after"] == ["2021-03-01T00:00:00Z"]
    expect(grid.locator(".card__title")).to_have_text([f"Spring {word} b", f"Spring {word} a"])

    # Sorted by title, no headings; one click sorts by date taken again.
    page.get_by_label("Sort by").select_option("title")
    expect(grid.get_by_role("heading")).to_have_count(0)
    timeline.get_by_role("button", name="Sort by date taken").click()
    assert _query(page)["ordering"] == ["-captured_at"]
    expect(grid.get_by_role("heading", level=3)).to_have_text(["March 2021"])
    assert re.search(r"taken_after=2021-03-01", page.url)

    # On a narrow screen the scrubber folds into one select above the grid.
    page.set_viewport_size({"width": 600, "height": 900})
    jump = timeline.get_by_label("Jump to a month")
    expect(jump).to_be_visible()
    expect(timeline.get_by_role("button", name="March 2021, 2 assets")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "timeline_narrow.png"), full_page=True)
    jump.select_option("2021-03")
    assert _query(page)["taken_before"] == ["2021-03-31T23:59:59.999999Z"]
