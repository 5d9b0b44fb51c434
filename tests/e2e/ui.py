"""What the e2e tests look for on the page, and how they feed the live system."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
from playwright.sync_api import Error as PlaywrightError
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


def accounts_enabled(system: LiveSystem) -> bool:
    """Whether the browser must sign in: accounts on, and a server that has them at all."""
    if system.env.get("MAM_AUTH") == "off":
        return False
    return httpx.get(f"{system.base_url}/api/v1/auth/me", timeout=10).status_code != 404


def create_account(system: LiveSystem, username: str, role: str) -> str:
    """An active account with `role` (made, or reset when it exists); returns its new password."""
    password = secrets.token_urlsafe(18)
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from accounts.models import Role\n"
        "from accounts.roles import create_user, set_role\n"
        f"user = get_user_model().objects.filter(username={username!r}).first()\n"
        f"if user is None:\n    create_user({username!r}, {password!r}, Role({role!r}))\n"
        "else:\n"
        f"    user.set_password({password!r})\n"
        "    user.is_active = True\n"
        "    user.save()\n"
        f"    set_role(user, Role({role!r}))\n"
    )
    system.manage("shell", "-c", code)
    return password


def sign_in(page: Page, username: str, password: str) -> None:
    """Signs in through the login page, from wherever the page is; returns once the app shows the user."""
    if page.url == "about:blank":
        page.goto("/")
    form = page.locator("form.login__card")
    expect(form.get_by_role("heading", name="Sign in")).to_be_visible()
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()
    expect(page.locator("header").get_by_role("button", name="Sign out")).to_be_visible()


def card(page: Page, title: str) -> Locator:
    """The grid card whose title is exactly `title`."""
    return page.locator("ul.grid > li.card").filter(
        has=page.locator(".card__title").get_by_text(title, exact=True)
    )


def thumbnail_width(card_locator: Locator, timeout_ms: int = 15_000) -> int:
    """naturalWidth of the card's thumbnail once the browser has decoded it (0 if not loaded).

    A live update can re-render the card between finding the <img> and reading it (the
    thumbnail is keyed by its address), so a detached element is looked up again.
    """
    image = card_locator.locator("img.thumb__img")
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            image.scroll_into_view_if_needed(timeout=2_000)
            return int(
                image.evaluate("img => (img.complete ? img.naturalWidth : 0)", timeout=2_000)
            )
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def expect_thumbnail_loaded(card_locator: Locator, timeout_ms: int = 15_000) -> None:
    """The card shows a real, decoded picture: <img> loaded, faded in, placeholder gone."""
    image = card_locator.locator("img.thumb__img")
    expect(image).to_have_class(re.compile(r"\bthumb__img--loaded\b"), timeout=timeout_ms)
    expect(card_locator.get_by_test_id("thumbnail-placeholder")).to_have_count(0)
    deadline = time.monotonic() + timeout_ms / 1000
    while (width := thumbnail_width(card_locator)) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)  # a re-rendered card decodes its picture again
    assert width > 0
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


# What the virtualized grid holds now (cards in the DOM, in order, and the most in one row), and
# where the window is.
GRID_STATE = """
() => {
  const grid = document.querySelector('ul.grid');
  const cards = [...document.querySelectorAll('ul.grid > li.card')];
  const more = document.querySelector('.library__more');
  let columns = 0;
  let rowPitch = 0;
  if (grid && cards.length > 0) {
    const style = getComputedStyle(grid);
    // A justified grid: the most cards any one row (cards sharing a top edge) holds.
    const perRow = new Map();
    for (const card of cards) {
      const top = Math.round(card.getBoundingClientRect().top);
      perRow.set(top, (perRow.get(top) || 0) + 1);
    }
    columns = Math.max(...perRow.values());
    rowPitch = cards[0].getBoundingClientRect().height + (parseFloat(style.rowGap) || 0);
  }
  return {
    titles: cards.map((card) => card.querySelector('.card__title').textContent),
    onScreen: cards.filter((card) => {
      const box = card.getBoundingClientRect();
      return box.bottom > 0 && box.top < innerHeight;
    }).length,
    columns,
    rowPitch,
    innerHeight,
    atBottom: scrollY + innerHeight >= document.documentElement.scrollHeight - 2,
    loadingMore: more !== null && more.getAttribute('aria-busy') === 'true',
  };
}
"""

# Scrolls down three quarters of a screen, then waits until the browser has painted twice.
SCROLL_DOWN = """
async () => {
  window.scrollBy(0, Math.round(innerHeight * 0.75));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}
"""


@dataclass
class ScrollThrough:
    """What scrolling the library from the top to its end showed."""

    titles: list[str]  # every card's title, in the order the cards came on screen
    most_in_dom: int  # the most cards the DOM held at once
    last: dict[str, Any]  # GRID_STATE at the end


def scroll_to_the_end(page: Page, max_steps: int = 400) -> ScrollThrough:
    """Scrolls the window from the top down to the library's end, a part of a screen at a time,
    writing down each card as it comes into the DOM; done once at the bottom nothing more loads.

    The virtualized grid holds only the rows near the screen, so this is how a test sees a list
    longer than a screen. Each step's cards must be one stretch of the list that overlaps the
    last step's: titles new to the DOM extend the list at its end.
    """
    expect(page.locator(".library__head .muted")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    seen: list[str] = []
    most_in_dom = 0
    quiet_at_bottom = 0
    state: dict[str, Any] = {}
    for _ in range(max_steps):
        state = page.evaluate(GRID_STATE)
        titles: list[str] = state["titles"]
        most_in_dom = max(most_in_dom, len(titles))
        assert titles == [] or state["onScreen"] > 0, f"no card on screen: {state}"
        new = [title for title in titles if title not in seen]
        assert titles[len(titles) - len(new) :] == new, f"cards out of order: {titles}"
        seen += new
        if state["atBottom"] and not state["loadingMore"] and not new:
            quiet_at_bottom += 1
            if quiet_at_bottom == 3:
                return ScrollThrough(seen, most_in_dom, state)
            page.wait_for_timeout(200)  # room for a next page about to be asked for
        else:
            quiet_at_bottom = 0
        page.evaluate(SCROLL_DOWN)
    raise AssertionError(f"never reached the end of the library: {len(seen)} cards seen, {state}")
