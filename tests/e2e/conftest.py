"""Fixtures for the browser tests: a built UI, a live MAM, Chromium, a page per test."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from mam.config import BASE_DIR
from mam.frontend import NOT_BUILT
from tests.e2e.ui import accounts_enabled, create_account, sign_in
from tests.support.live import LiveSystem, start_live_system

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
FRONTEND = BASE_DIR / "frontend"
ARTIFACTS = BASE_DIR / "test-artifacts" / "e2e"
NOT_BUILT_MARKER = NOT_BUILT.split("</h1>")[0]
# What the Makefile's `frontend/dist/index.html` target depends on.
FRONTEND_INPUTS = ("src", "index.html", "package.json", "package-lock.json", "vite.config.ts")

# Screenshots wait for thumbnails to load and fade in (styles.css: opacity over 0.3 s).
SETTLED = "[...document.querySelectorAll('img.thumb__img')].every((img) => img.complete)"
FADE_IN_MS = 350

# Records every WebSocket the page opens, with close codes, so a test can tell why one ended.
WS_RECORDER = """
(() => {
  const Native = window.WebSocket;
  window.__wsLog = [];
  class Recorded extends Native {
    constructor(...args) {
      super(...args);
      const entry = { url: String(args[0]), opened: null, closed: null, code: null, reason: null };
      window.__wsLog.push(entry);
      this.addEventListener('open', () => { entry.opened = Date.now(); });
      this.addEventListener('close', (event) => {
        entry.closed = Date.now();
        entry.code = event.code;
        entry.reason = event.reason;
      });
    }
  }
  window.WebSocket = Recorded;
})();
"""


# The role a test's page signs in as, unless the test says otherwise with @pytest.mark.role.
DEFAULT_ROLE = "editor"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "role(name): the account role the test's page is signed in as (None: not signed in)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: the e2e tests drive Debian's Chromium "
        "(apt-get install chromium); CI installs it"
    )
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(skip)


def _newest_input_mtime() -> float:
    newest = 0.0
    for name in FRONTEND_INPUTS:
        path = FRONTEND / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            newest = max(newest, file.stat().st_mtime)
    return newest


def _run(command: list[str], timeout: float) -> None:
    result = subprocess.run(
        command, cwd=FRONTEND, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` in frontend/ failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def frontend_build() -> Path:
    """frontend/dist, built first when missing or older than the UI's sources (as `make` does)."""
    index = FRONTEND / "dist" / "index.html"
    if index.exists() and index.stat().st_mtime >= _newest_input_mtime():
        return index.parent
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the UI is not built and npm is not installed to build it", pytrace=False)
    if not (FRONTEND / "node_modules").is_dir():
        _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], timeout=600)
    _run([npm, "run", "build", "--silent"], timeout=600)
    return index.parent


@pytest.fixture(scope="module")
def system(
    request: pytest.FixtureRequest,
    frontend_build: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveSystem]:
    """The suite's shared system (tests/conftest.py), serving the built UI.

    A server started before the UI was built cannot serve it (WhiteNoise reads its files at
    start): then the module gets a system of its own. A module that stops parts of its
    system overrides this fixture.
    """
    shared: LiveSystem = request.getfixturevalue("live_system")
    if NOT_BUILT_MARKER not in httpx.get(shared.base_url + "/", timeout=10).text:
        yield shared
        return
    own = start_live_system(tmp_path_factory.mktemp("e2e"), workers=1)
    yield own
    own.stop()


# Per module, not per session: while Playwright's sync driver is started, an event loop runs
# in this thread, and Django refuses database calls from a thread with a running loop, so a
# session-wide driver broke the database tests that a pytest-xdist worker ran after its first
# browser test (their set-up or flush: SynchronousOnlyOperation).
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def signed_in_states() -> dict[tuple[str, str], Any]:
    """Cookies of a browser signed in through the login page, per server and role.

    Each (server, role) signs in once and later pages start with its cookies: the login
    endpoint allows 10 attempts a minute per client, and every test here is the same client.
    """
    return {}


def role_of(request: pytest.FixtureRequest) -> str | None:
    marker = request.node.get_closest_marker("role")
    return DEFAULT_ROLE if marker is None else marker.args[0]


def storage_state_for(
    browser: Browser, system: LiveSystem, role: str | None, states: dict[tuple[str, str], Any]
) -> Any:
    if role is None or not accounts_enabled(system):
        return None
    key = (system.base_url, role)
    if key not in states:
        username = f"e2e-{role}"
        password = create_account(system, username, role)
        context = browser.new_context(base_url=system.base_url)
        context.set_default_timeout(15_000)
        try:
            sign_in(context.new_page(), username, password)
            states[key] = context.storage_state()
        finally:
            context.close()
    return states[key]


@pytest.fixture
def page(
    browser: Browser,
    system: LiveSystem,
    request: pytest.FixtureRequest,
    signed_in_states: dict[tuple[str, str], Any],
) -> Iterator[Page]:
    """A fresh page on the module's server, signed in as the test's role (editor unless marked);
    its screenshot goes to test-artifacts/e2e at the end."""
    state = storage_state_for(browser, system, role_of(request), signed_in_states)
    context: BrowserContext = browser.new_context(
        base_url=system.base_url, viewport={"width": 1280, "height": 900}, storage_state=state
    )
    context.set_default_timeout(15_000)
    context.add_init_script(WS_RECORDER)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with contextlib.suppress(PlaywrightError):  # a picture of a half-loaded page still helps
            tab.wait_for_function(SETTLED, timeout=3_000)
            tab.wait_for_timeout(FADE_IN_MS)
        name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
