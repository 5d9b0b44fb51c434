"""What the e2e tests look for on the page, and how they feed the live system."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.media import make_jpeg
from tests.support.live import LiveSystem

# Long enough for a worker on a loaded 2-core CI machine; a pass usually takes a second.
PROCESSING_TIMEOUT_MS = 60_000

# A MutationObserver that writes down every status, stage and progress value one card shows.
WATCH_CARD = """
([title]) => {
  window.__cardHistory = [];
  const record = () => {
    for (const card of document.querySelectorAll('li.card')) {
      const name = card.querySelector('.card__title');
      if (!name || name.textContent !== title) continue;
      const bar = card.querySelector('[role=progressbar]');
      const entry = {
        status: card.querySelector('.badge')?.textContent ?? null,
        stage: card.querySelector('.card__stage')?.textContent ?? null,
        progress: bar ? bar.getAttribute('aria-valuetext') : null,
      };
      const last = window.__cardHistory[window.__cardHistory.length - 1];
      if (!last || JSON.stringify(last) !== JSON.stringify(entry)) window.__cardHistory.push(entry);
    }
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
  record();
}
"""


def card(page: Page, title: str) -> Locator:
    """The grid card whose title is exactly `title`."""
    return page.locator("ul.grid > li.card").filter(
        has=page.locator(".card__title").get_by_text(title, exact=True)
    )


def thumbnail_width(card_locator: Locator) -> int:
    """naturalWidth of the card's thumbnail once the browser has decoded it (0 if not loaded)."""
    image = card_locator.locator("img.thumb__img")
    image.scroll_into_view_if_needed()
    return int(image.evaluate("img => (img.complete ? img.naturalWidth : 0)"))


def expect_thumbnail_loaded(card_locator: Locator, timeout_ms: int = 15_000) -> None:
    """The card shows a real, decoded picture: <img> loaded, faded in, placeholder gone."""
    image = card_locator.locator("img.thumb__img")
    expect(image).to_have_class("thumb__img thumb__img--loaded", timeout=timeout_ms)
    expect(card_locator.get_by_test_id("thumbnail-placeholder")).to_have_count(0)
    assert thumbnail_width(card_locator) > 0
    src = image.get_attribute("src") or ""
    assert src.startswith("/thumbnails/"), src


def open_add_media(page: Page) -> Locator:
    """The "Add media" panel, opened from the toolbar unless the empty library already shows it."""
    panel = page.locator("#add-media")
    toggle = page.get_by_role("button", name="Add media", exact=True)
    # The panel opens by itself on an empty library once the first page has loaded.
    expect(page.locator(".library__head .muted")).to_be_visible()
    if not panel.is_visible():
        toggle.click()
    expect(panel).to_be_visible()
    return panel


def wait_connected(page: Page, timeout_ms: int = 15_000) -> Locator:
    indicator = page.locator("header .health")
    expect(indicator).to_contain_text("Connected", timeout=timeout_ms)
    return indicator


def settle_live_connection(page: Page, grace_ms: float = 1_500) -> None:
    """Waits out the server's resume grace (about 1 s after accept, updates are held back).

    A freshly opened /ws delivers nothing live until then, so progress made in that second
    arrives in one burst: fine for a user, useless for a test that wants to watch progress.
    """
    opened = page.evaluate(
        "Math.max(...window.__wsLog.filter((s) => s.opened && !s.closed).map((s) => s.opened))"
    )
    remaining = float(opened) + grace_ms - float(page.evaluate("Date.now()"))
    if remaining > 0:
        page.wait_for_timeout(remaining)


def register_jpeg(system: LiveSystem, name: str, title: str, **kwargs: Any) -> dict[str, Any]:
    """Makes a JPEG in the media folder and registers it through the API."""
    make_jpeg(system.media / name, **kwargs)
    response = system.register(name, title=title)
    assert response.status_code == 201, response.text
    return dict(response.json())


def wait_all(system: LiveSystem, ids: list[int], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for asset_id in ids:
        asset = system.wait_for(asset_id, timeout=max(1.0, deadline - time.monotonic()))
        assert asset["status"] == "ready", asset
