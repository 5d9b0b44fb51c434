"""Importing a folder from the browser: browse the media folder to it, start the import, watch
its progress to the end live, read why the one bad file was rejected, and see the library fill
with the new cards by itself until every one is Ready (issue 12)."""

from __future__ import annotations

import re
import secrets
import string

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.ui import PROCESSING_TIMEOUT_MS, card, open_add_media, wait_connected
from tests.media import make_jpeg
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e

PHOTOS = 6


def test_a_folder_imported_from_the_panel_shows_its_progress_its_rejected_file_and_fills_the_library(
    page: Page, system: LiveSystem
) -> None:
    # Letters only, unique on a shared system: the folder's and the photos' names.
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    top, folder = f"imports-{word}", f"imports-{word}/day-one"
    titles = [f"{word}-{index}" for index in range(1, PHOTOS + 1)]
    for index, title in enumerate(titles):
        make_jpeg(
            system.media / folder / f"{title}.jpg",
            size=(96, 64),
            color=(40 * index, 120, 255 - 40 * index),
        )
    (system.media / folder / "broken.jpg").write_bytes(secrets.token_bytes(2048))
    (system.media / folder / "notes.txt").write_text("not media")
    (system.media / folder / "raw").mkdir()  # a folder inside, walked too (nothing in it)
    single_gets: list[str] = []
    page.on(
        "request",
        lambda request: (
            single_gets.append(request.url)
            if re.search(r"/api/v1/assets/\d+$", request.url)
            else None
        ),
    )

    page.goto("/")
    wait_connected(page)
    panel = open_add_media(page)
    section = panel.get_by_role("region", name="Import a folder")

    # Browse: the media folder, then the test's folder, then the one inside it; choose it.
    section.get_by_role("list", name="Folders in the media folder").get_by_role(
        "button", name=top, exact=True
    ).click()
    crumbs = section.get_by_role("navigation", name="Folder path")
    expect(crumbs.locator("[aria-current=location]")).to_have_text(top)
    section.get_by_role("list", name=f"Folders in “{top}”").get_by_role(
        "button", name="day-one", exact=True
    ).click()
    expect(section.get_by_role("heading", name="Folders in “day-one”")).to_be_focused()
    expect(section.get_by_role("list", name="Folders in “day-one”")).to_have_text("raw")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / "import_folder_browsing.png"))
    section.get_by_role("button", name="Choose this folder").click()
    expect(section.get_by_text(folder, exact=True)).to_be_visible()
    expect(
        section.get_by_role("checkbox", name=re.compile("Process the files now"))
    ).to_be_checked()
    section.get_by_role("button", name=f"Start import of {folder}").click()

    # Its progress, live: to Done, with the counts, and the rejected file with its reason.
    job = section.get_by_role("article", name=f"Import of {folder}")
    expect(job.get_by_role("status")).to_have_text("Done", timeout=PROCESSING_TIMEOUT_MS)
    expect(job.get_by_role("progressbar", name=f"Importing {folder}")).to_have_attribute(
        "aria-valuenow", "100"
    )
    expect(job.get_by_text(re.compile(r"^8 of 8 files looked at"))).to_be_visible()
    counts = {
        label: job.locator(".import-job__count", has=page.get_by_text(label, exact=True))
        for label in ("Added", "Skipped", "Ignored", "Rejected")
    }
    expect(counts["Added"].locator("dd")).to_have_text(str(PHOTOS))
    expect(counts["Skipped"].locator("dd")).to_have_text("0")
    expect(counts["Ignored"].locator("dd")).to_have_text("1")
    expect(counts["Rejected"].locator("dd")).to_have_text("1")
    expect(job.get_by_role("button", name=re.compile("Cancel"))).to_have_count(0)
    rejected = job.get_by_role("list", name=f"Rejected files of the import of {folder}")
    expect(rejected.get_by_role("listitem")).to_have_count(1)
    expect(rejected.get_by_text(f"{folder}/broken.jpg", exact=True)).to_be_visible()
    expect(rejected).to_contain_text("File content does not match its .jpg extension")

    panel.screenshot(path=str(ARTIFACTS / "import_folder_done.png"))

    # The library filled by itself (no reload): every new card there, each Ready in the end.
    page.get_by_role("button", name="Hide “Add media”").click()
    for title in titles:
        expect(card(page, title).locator(".badge")).to_have_text(
            "Ready", timeout=PROCESSING_TIMEOUT_MS
        )
    # Batched: a finished import never costs a request per asset.
    assert len(single_gets) < PHOTOS, single_gets
