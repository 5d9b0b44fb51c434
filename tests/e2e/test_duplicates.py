"""The duplicates review in the browser: the same picture registered twice under two names shows
as one group on the review page; deleting the copy (the original kept) removes the group."""

from __future__ import annotations

import re
import secrets
import string

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.ui import register_jpeg, wait_all
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e


def _group_of(page: Page, title: str) -> Locator:
    """The review page's group holding an asset titled `title`, paging on until it shows.

    Groups come oldest first and the suite's system is shared, so a new group may sit on a
    later page.
    """
    groups = page.get_by_role("list", name="Duplicate groups")
    expect(groups).to_be_visible()
    group = groups.locator("li.duplicate-group").filter(
        has=page.locator(".duplicate-asset__title").get_by_text(title, exact=True)
    )
    following = page.get_by_role("button", name="Next")
    while group.count() == 0 and following.count() > 0 and following.is_enabled():
        shown = page.locator(".duplicates-page__pages span").inner_text()
        following.click()
        expect(page.locator(".duplicates-page__pages span")).not_to_have_text(shown)
    return group


def test_deleting_the_copy_of_a_picture_registered_twice_resolves_its_group(
    page: Page, system: LiveSystem
) -> None:
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    # A colour of this test's own: other tests' pictures must not share these bytes.
    color = (secrets.randbelow(256), secrets.randbelow(256), secrets.randbelow(256))
    original = register_jpeg(
        system, f"dup-{word}/original.jpg", f"Original {word}", size=(64, 48), color=color
    )
    copy = register_jpeg(system, f"dup-{word}/copy.jpg", f"Copy {word}", size=(64, 48), color=color)
    wait_all(system, [original["id"], copy["id"]])
    assert system.asset(original["id"])["checksum"] == system.asset(copy["id"])["checksum"]

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Duplicates").click()
    expect(page).to_have_url(re.compile(r"\?view=duplicates$"))
    group = _group_of(page, f"Original {word}")
    expect(group.locator(".duplicate-asset__title")).to_have_text(
        [f"Original {word}", f"Copy {word}"]
    )
    expect(group.locator(".duplicate-asset__original")).to_have_count(1)
    expect(
        group.locator(".duplicate-asset").first.locator(".duplicate-asset__original")
    ).to_be_visible()
    expect(group.locator(".duplicate-asset").first).to_contain_text("64\u00d748")  # 64 by 48
    expect(group.locator(".duplicate-asset").nth(1)).to_contain_text(f"dup-{word}/copy.jpg")
    expect(group.get_by_role("radio", name=f"Keep Original {word}")).to_be_checked()

    group.get_by_role("button", name="Delete the others…").click()
    confirm = page.get_by_role("alertdialog", name=f"Delete 1 asset and keep “Original {word}”?")
    expect(confirm).to_contain_text(f"dup-{word}/copy.jpg")
    confirm.get_by_role("button", name="Delete 1 asset").click()

    expect(page.get_by_text(f"1 deleted; kept “Original {word}”.")).to_be_visible()
    expect(page.get_by_text(f"Copy {word}", exact=True)).to_have_count(0)
    expect(page.get_by_text(f"Original {word}", exact=True)).to_have_count(0)
    with system.client() as client:
        assert client.get(f"/api/v1/assets/{copy['id']}").status_code == 404
    assert system.asset(original["id"])["title"] == f"Original {word}"
