"""Collections in the browser: select three cards, put them in a new collection from the bulk bar
(made inline in the picker), then open it from the Collections page and find the three."""

from __future__ import annotations

import re
import secrets
import string

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import card, register_jpeg
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e


def test_three_cards_added_to_a_new_collection_from_the_bulk_bar_are_what_the_collection_shows(
    page: Page, system: LiveSystem
) -> None:
    # Letters only: one word to the search index on every database; unique on a shared system.
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    album = f"Album {word}"
    titles = [f"{letter} {word}" for letter in ("Alfama", "Baixa", "Chiado", "Docas")]
    for index, title in enumerate(titles):
        register_jpeg(system, f"album-{word}/{index}.jpg", title, size=(48, 32))

    page.goto(f"/?q={word}&ordering=title")
    expect(page.locator("ul.grid .card__title")).to_have_text(titles)
    first = card(page, titles[0])
    first.hover()
    first.get_by_role("checkbox", name=f"Select {titles[0]}").check()
    card(page, titles[2]).get_by_role("checkbox", name=f"Select {titles[2]}").click(
        modifiers=["Shift"]
    )
    bar = page.get_by_role("region", name="3 selected")
    bar.get_by_role("button", name="Add to collection…").click()
    bar.get_by_role("searchbox", name="Add 3 assets to a collection").fill(album)
    bar.get_by_role("button", name=f"Create “{album}”").click()
    expect(page.get_by_text(f"3 added to “{album}”", exact=True)).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Collections").click()
    expect(page).to_have_url(re.compile(r"[?&]view=collections(&|$)"))
    page.get_by_role("searchbox", name="Find a collection").fill(word)
    opened = page.get_by_role("link", name=re.compile(re.escape(album)))
    expect(opened).to_contain_text("3 assets")
    opened.click()

    expect(page).to_have_url(re.compile(r"[?&]collection=\d+(&|$)"))
    expect(page.get_by_role("list", name="Collection filter")).to_have_text(re.compile(album))
    shown = page.locator("ul.grid .card__title")
    expect(shown).to_have_count(3)
    assert sorted(shown.all_inner_texts()) == titles[:3]
    expect(page.locator(".library__head .muted")).to_have_text("3 assets")
