"""Accounts in the browser: signing in and out through the login page, and what each role sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.ui import (
    PROCESSING_TIMEOUT_MS,
    accounts_enabled,
    card,
    create_account,
    expect_thumbnail_loaded,
    open_add_media,
    register_jpeg,
    sign_in,
    wait_all,
    wait_connected,
)
from tests.media import make_jpeg
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e

# After signing out, no socket may open for this long (the client's first retry is within 0.5 s).
QUIET_AFTER_SIGN_OUT_MS = 3_000


@pytest.fixture(autouse=True)
def _needs_accounts(system: LiveSystem) -> None:
    if not accounts_enabled(system):
        pytest.skip("the system runs with MAM_AUTH=off")


@pytest.mark.role(None)
def test_an_editor_signs_in_uploads_a_file_and_watches_it_become_ready(
    page: Page, system: LiveSystem, tmp_path: Path
) -> None:
    password = create_account(system, "erin", "editor")
    page.goto("/")
    login = page.locator("form.login__card")
    expect(login.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("window.__wsLog.length") == 0, "a socket opened before signing in"

    login.get_by_label("Username").fill("erin")
    login.get_by_label("Password").fill("not the password")
    login.get_by_role("button", name="Sign in").click()
    expect(login.get_by_role("alert")).to_have_text("Wrong user name or password")
    expect(login.get_by_label("Password")).to_have_value("")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "login_page_wrong_password.png"))

    sign_in(page, "erin", password)
    header = page.locator("header")
    expect(header.locator(".account__who")).to_have_text(
        re.compile(r"Signed in as erin\s*role: editor")
    )
    wait_connected(page)

    picked = make_jpeg(tmp_path / "signed in upload.jpg", size=(640, 480), color=(20, 140, 200))
    panel = open_add_media(page)
    panel.locator("input[type=file]").set_input_files(str(picked))
    expect(
        panel.locator("li.upload-item")
        .filter(has_text="signed in upload.jpg")
        .locator(".upload-item__done")
    ).to_contain_text("Uploaded.")
    item = card(page, "signed in upload")
    expect(item.locator(".badge")).to_have_text("Ready", timeout=PROCESSING_TIMEOUT_MS)
    expect_thumbnail_loaded(item)

    header.get_by_role("button", name="Sign out").click()
    expect(login.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(login.get_by_role("status")).to_have_text("You are signed out.")
    sockets = page.evaluate("window.__wsLog.length")
    page.wait_for_timeout(QUIET_AFTER_SIGN_OUT_MS)
    log = page.evaluate("window.__wsLog")
    assert len(log) == sockets, f"the page kept opening sockets after signing out: {log}"
    assert all(entry["closed"] for entry in log), log

    page.reload()
    expect(login.get_by_role("heading", name="Sign in")).to_be_visible()


@pytest.mark.role("viewer")
def test_a_viewer_sees_the_library_live_but_no_control_to_change_it(
    page: Page, system: LiveSystem
) -> None:
    asset = register_jpeg(system, "viewer/look.jpg", "Look only", color=(200, 120, 40))
    wait_all(system, [asset["id"]])

    page.goto("/")
    wait_connected(page)
    header = page.locator("header")
    expect(header.locator(".account__who")).to_contain_text("viewer")
    nav = header.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(
        ["Library", "Collections", "Duplicates", "API tokens"]
    )
    item = card(page, "Look only")
    expect_thumbnail_loaded(item)
    expect(page.get_by_role("button", name="Add media")).to_have_count(0)
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.get_by_label("Path in the media folder")).to_have_count(0)

    item.get_by_role("button", name=re.compile(r"^Look only, image, ready")).click()
    detail = page.get_by_role("dialog")
    expect(detail.get_by_role("heading", name="Look only")).to_be_visible()
    expect(detail.get_by_role("table")).to_be_visible()
    for action in ("Rename", "Reprocess", "Delete"):
        expect(detail.get_by_role("button", name=action, exact=True)).to_have_count(0)

    # A newly registered asset still reaches a viewer live.
    later = register_jpeg(system, "viewer/later.jpg", "Arrived later", color=(40, 200, 120))
    detail.get_by_role("button", name="Close details").click()
    fresh = card(page, "Arrived later")
    expect(fresh.locator(".badge")).to_have_text("Ready", timeout=PROCESSING_TIMEOUT_MS)
    wait_all(system, [later["id"]])


@pytest.mark.role("admin")
def test_an_admin_creates_a_user_and_a_token_shown_once(page: Page, system: LiveSystem) -> None:
    page.goto("/?view=users")
    users = page.get_by_role("table", name="Users")
    expect(users).to_be_visible()
    form = page.get_by_role("form", name="New user")
    # The name this page signed in with is taken: the message appears under its field.
    form.get_by_label("Username").fill("e2e-admin")
    form.get_by_label("Initial password").fill("a long and unusual passphrase 4711")
    form.get_by_role("button", name="Create user").click()
    username_field = form.get_by_label("Username")
    expect(username_field).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_role("alert")).to_contain_text("already exists")

    username_field.fill("vera")
    form.get_by_label("Role").select_option("viewer")
    form.get_by_role("button", name="Create user").click()
    expect(users.get_by_role("rowheader", name="vera")).to_be_visible()
    page.get_by_label("Role of vera").select_option("editor")
    expect(page.get_by_label("Role of vera")).to_have_value("editor")
    with system.client() as api:
        listed = api.get("/api/v1/auth/users").json()["items"]
    assert {u["username"]: u["role"] for u in listed}["vera"] == "editor"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="API tokens").click()
    expect(page).to_have_url(re.compile(r"\?view=tokens$"))
    page.get_by_label("Token name").fill("e2e script")
    page.get_by_role("button", name="Create token").click()
    secret_box = page.get_by_role("region", name="Token “e2e script” created")
    expect(secret_box).to_contain_text("it will not be shown again")
    secret = secret_box.get_by_label("New token").input_value()
    assert secret.startswith("mam_"), secret
    with system.client() as api:
        api.headers["Authorization"] = f"Bearer {secret}"
        assert api.get("/api/v1/assets").status_code == 200
    page.screenshot(path=str(ARTIFACTS / "tokens_page_new_secret.png"), full_page=True)
    secret_box.get_by_role("button", name="Done").click()
    expect(page.get_by_label("New token")).to_have_count(0)
    expect(page.get_by_role("rowheader", name="e2e script")).to_be_visible()
