"""Bulk actions in the browser: select cards (a click, then a shift-click for the range between),
tag them all at once from the bulk bar, and find them under that tag."""

from __future__ import annotations

import re
import secrets
import string

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui import card, register_jpeg
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e


def test_selecting_three_cards_and_tagging_them_in_bulk_lists_them_under_that_tag(
    page: Page, system: LiveSystem
) -> None:
    # Letters only: one word to the search index on every database; unique on a shared system.
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    tag = f"bulk-{word}"
    titles = [f"{letter} {word}" for letter in ("Alfama", "Baixa", "Chiado", "Docas")]
    assets = [
        register_jpeg(system, f"bulk-{word}/{index}.jpg", title, size=(48, 32))
        for index, title in enumerate(titles)
    ]

    page.goto(f"/?q={word}&ordering=title")
    expect(page.locator("ul.grid .card__title")).to_have_text(titles)

    # The checkbox shows on hover; a click selects one card, a shift-click the range to another.
    first = card(page, titles[0])
    first.hover()
    first.get_by_role("checkbox", name=f"Select {titles[0]}").check()
    card(page, titles[2]).get_by_role("checkbox", name=f"Select {titles[2]}").click(
        modifiers=["Shift"]
    )
    bar = page.get_by_role("region", name="3 selected")
    expect(bar).to_be_visible()
    expect(card(page, titles[3]).get_by_role("checkbox")).not_to_be_checked()

    bar.get_by_role("button", name="Add tags").click()
    field = bar.get_by_role("combobox", name="Tag to add to 3 assets")
    field.fill(tag)
    field.press("Enter")
    expect(page.get_by_text("3 tagged", exact=True)).to_be_visible()
    assert [system.asset(a["id"])["tags"] for a in assets] == [[tag], [tag], [tag], []]

    # The cards take the tag from the server's events; its chip filters the library by it.
    chips = first.get_by_role("list", name=f"Tags of {titles[0]}")
    chips.get_by_role("button", name=tag, exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]tag={re.escape(tag)}(&|$)"))
    expect(page.locator("ul.grid .card__title")).to_have_text(titles[:3])
    expect(page.locator(".library__head .muted")).to_have_text("3 assets")
    # A new filter is a new selection.
    expect(page.get_by_role("region", name=re.compile("selected$"))).to_have_count(0)
