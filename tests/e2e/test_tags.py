"""Tags in the browser: tagging from the detail view with autocomplete, filtering by a tag chip,
and finding a photo by a search typed without its accents."""

from __future__ import annotations

import re
import secrets
import string

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.ui import card, register_jpeg
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e


def test_tagging_with_autocomplete_then_filtering_by_the_tag_then_finding_belem_without_accents(
    page: Page, system: LiveSystem
) -> None:
    # Letters only: one word to the search index on every database; unique on a shared system.
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    tag = f"harbour-{word}"
    seed = register_jpeg(system, f"tags-{word}/crane.jpg", f"Crane {word}", size=(64, 48))
    with system.client() as api:
        answer = api.patch(f"/api/v1/assets/{seed['id']}", json={"tags": [tag]})
        assert answer.status_code == 200, answer.text
    belem = register_jpeg(system, f"tags-{word}/torre.jpg", f"Belém tower {word}", size=(64, 48))
    register_jpeg(system, f"tags-{word}/tram.jpg", f"Tram {word}", size=(64, 48))
    lists: list[str] = []

    def on_request(request: Request) -> None:
        if re.search(r"/api/v1/assets\?", request.url):
            lists.append(request.url)

    page.on("request", on_request)

    # Tag the photo in its detail view, choosing the suggestion with the keyboard.
    page.goto(f"/?asset={belem['id']}")
    detail = page.get_by_role("dialog", name=f"Belém tower {word}")
    field = detail.get_by_role("combobox", name="Add a tag")
    field.press_sequentially(f"harbour-{word[:3]}")
    expect(detail.get_by_role("option", name=re.compile(f"^{tag}"))).to_be_visible()
    field.press("ArrowDown")
    field.press("Enter")
    tags = detail.get_by_role("list", name="Tags")
    expect(tags.get_by_role("button", name=tag, exact=True)).to_be_visible()
    expect(field).to_have_value("")
    assert system.asset(belem["id"])["tags"] == [tag]

    # Its chip filters the library: the URL and the list request carry the tag.
    tags.get_by_role("button", name=tag, exact=True).click()
    expect(detail).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"[?&]tag={re.escape(tag)}(&|$)"))
    titles = page.locator("ul.grid .card__title")
    expect(titles).to_have_text([f"Belém tower {word}", f"Crane {word}"])
    expect(page.locator(".library__head .muted")).to_have_text("2 assets")
    assert any(f"tag={tag}" in url for url in lists), lists
    expect(
        card(page, f"Crane {word}").get_by_role("list", name=f"Tags of Crane {word}")
    ).to_have_text(tag)

    # Off again from the filter bar, then found by a search typed without the accent.
    page.get_by_role("button", name=f"Stop filtering by tag {tag}").click()
    expect(page).not_to_have_url(re.compile(r"[?&]tag="))
    page.get_by_label("Search", exact=True).fill(f"belem {word}")
    expect(titles).to_have_text([f"Belém tower {word}"])
    expect(page.locator(".library__head .muted")).to_have_text("1 asset")
