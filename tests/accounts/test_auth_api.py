"""Sign-in, tokens, users and the audit log, spoken in HTTP (CONTRACT.md section 7)."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from accounts.bootstrap import ensure_initial_admin, password_file
from accounts.models import AccessToken, AuditEntry, Role
from accounts.roles import role_of
from tests.accounts.conftest import PASSWORD
from tests.media import make_jpeg
from tests.support.contract import assert_error

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: Any = None, **extra: Any) -> Any:
    return client.post(
        url,
        data=json.dumps(data) if data is not None else "",
        content_type="application/json",
        **extra,
    )


def csrf_client() -> tuple[Client, str]:
    """A browser: CSRF enforced, the cookie fetched the way the UI does (GET me)."""
    browser = Client(enforce_csrf_checks=True)
    assert_error(browser.get("/api/v1/auth/me"), 401)
    return browser, browser.cookies["csrftoken"].value


# Signing in


def test_a_browser_signs_in_is_known_and_signs_out(make_user: Callable[..., Any]) -> None:
    make_user("alice", Role.EDITOR)
    browser, csrf = csrf_client()
    response = post(
        browser,
        "/api/v1/auth/login",
        {"username": "alice", "password": PASSWORD},
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200, response.content
    me = response.json()
    assert me["username"] == "alice" and me["role"] == "editor" and me["auth_enabled"] is True
    assert browser.get("/api/v1/auth/me").json()["username"] == "alice"
    csrf = browser.cookies["csrftoken"].value  # rotated at sign-in
    assert post(browser, "/api/v1/auth/logout", HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert_error(browser.get("/api/v1/assets"), 401)


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong-password"), ("nobody", PASSWORD), ("alice", "")]
)
def test_wrong_credentials_do_not_sign_in(
    make_user: Callable[..., Any], username: str, password: str
) -> None:
    make_user("alice")
    browser, csrf = csrf_client()
    response = post(
        browser,
        "/api/v1/auth/login",
        {"username": username, "password": password},
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code in {400, 401}
    assert_error(response, response.status_code)
    assert_error(browser.get("/api/v1/auth/me"), 401)


def test_a_deactivated_user_cannot_sign_in(make_user: Callable[..., Any]) -> None:
    user = make_user("bob")
    user.is_active = False
    user.save()
    browser, csrf = csrf_client()
    response = post(
        browser,
        "/api/v1/auth/login",
        {"username": "bob", "password": PASSWORD},
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert_error(response, 401, "wrong user name or password")


def test_sign_in_without_the_csrf_token_is_refused(make_user: Callable[..., Any]) -> None:
    make_user("alice")
    browser, _ = csrf_client()
    response = post(browser, "/api/v1/auth/login", {"username": "alice", "password": PASSWORD})
    assert_error(response, 403, "csrf")


def test_a_cross_site_form_post_with_a_session_cookie_is_refused(
    make_user: Callable[..., Any], media_root: Path
) -> None:
    """What a page on another site can make a signed-in visitor's browser send: the cookie,
    but not the CSRF header (it cannot read the cookie)."""
    user = make_user("alice", Role.EDITOR)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    make_jpeg(media_root / "x.jpg")
    response = browser.post(
        "/api/v1/assets",
        data="file_path=x.jpg",
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    json_post = post(browser, "/api/v1/assets", {"file_path": "x.jpg"})
    assert_error(json_post, 403, "csrf")


def test_sign_in_attempts_are_rate_limited(make_user: Callable[..., Any]) -> None:
    from tests.support.ratelimits import reset_rate_limits

    reset_rate_limits()
    make_user("alice")
    browser, csrf = csrf_client()
    statuses = [
        post(
            browser,
            "/api/v1/auth/login",
            {"username": "alice", "password": "guess"},
            HTTP_X_CSRFTOKEN=csrf,
        ).status_code
        for _ in range(12)
    ]
    reset_rate_limits()
    assert statuses[:10] == [401] * 10
    assert statuses[-1] == 429


# Tokens


def test_a_token_is_shown_once_stored_hashed_and_works(
    make_user: Callable[..., Any],
) -> None:
    user = make_user("carol", Role.EDITOR)
    session = Client()
    session.force_login(user)
    response = post(session, "/api/v1/auth/tokens", {"name": "backup script", "scope": "write"})
    assert response.status_code == 201, response.content
    created = response.json()
    secret = created["token"]
    assert secret.startswith("mam_") and created["prefix"] == secret[:12]
    stored = AccessToken.objects.get(pk=created["id"])
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(
        list(AccessToken.objects.values()),  # nowhere in the database
        default=str,
    )
    listed = session.get("/api/v1/auth/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["backup script"]
    assert "token" not in listed[0]
    script = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert script.get("/api/v1/auth/me").json()["username"] == "carol"
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_a_revoked_token_stops_working(make_user: Callable[..., Any]) -> None:
    user = make_user("carol", Role.EDITOR)
    session = Client()
    session.force_login(user)
    created = post(session, "/api/v1/auth/tokens", {"name": "ci", "scope": "read"}).json()
    script = Client(HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    assert script.get("/api/v1/assets").status_code == 200
    assert session.delete(f"/api/v1/auth/tokens/{created['id']}").status_code == 204
    assert_error(script.get("/api/v1/assets"), 401, "revoked")
    assert session.get("/api/v1/auth/tokens").json()["items"] == []


def test_nobody_revokes_anothers_token(make_user: Callable[..., Any]) -> None:
    owner, other = make_user("owner"), make_user("other")
    mine = Client()
    mine.force_login(owner)
    token = post(mine, "/api/v1/auth/tokens", {"name": "mine", "scope": "read"}).json()
    theirs = Client()
    theirs.force_login(other)
    assert_error(theirs.delete(f"/api/v1/auth/tokens/{token['id']}"), 404)
    assert AccessToken.objects.get(pk=token["id"]).revoked_at is None


def test_a_viewer_can_only_make_read_tokens(make_user: Callable[..., Any]) -> None:
    session = Client()
    session.force_login(make_user("viewer"))
    assert_error(
        post(session, "/api/v1/auth/tokens", {"name": "w", "scope": "write"}), 403, "read tokens"
    )
    assert post(session, "/api/v1/auth/tokens", {"name": "r", "scope": "read"}).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "", "scope": "read"},
        {"name": "x", "scope": "admin"},
        {"name": "x" * 101, "scope": "read"},
        {"name": "nul\u0000", "scope": "read"},
        {"name": ["x"], "scope": "read"},
    ],
)
def test_bad_token_requests_get_400(client: Client, body: dict[str, Any]) -> None:
    assert_error(post(client, "/api/v1/auth/tokens", body), 400)


# Users (admin)


def test_an_admin_creates_changes_and_deactivates_users(client: Client) -> None:
    created = post(
        client,
        "/api/v1/auth/users",
        {"username": "dave", "password": "a-long-enough-password-3", "role": "editor"},
    )
    assert created.status_code == 201, created.content
    user = created.json()
    assert user["role"] == "editor" and user["is_active"] is True and "password" not in user
    changed = client.patch(
        f"/api/v1/auth/users/{user['id']}",
        data=json.dumps({"role": "viewer", "is_active": False}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["role"] == "viewer" and changed.json()["is_active"] is False
    names = [u["username"] for u in client.get("/api/v1/auth/users").json()["items"]]
    assert "dave" in names


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "eve", "password": "123", "role": "viewer"}, "password"),
        ({"username": "eve", "role": "viewer"}, "password"),
        ({"username": "admin-test", "password": "a-long-enough-password-3"}, "username"),
        ({"username": "e v e", "password": "a-long-enough-password-3"}, "username"),
        ({"username": "eve", "password": "a-long-enough-password-3", "role": "root"}, "role"),
    ],
)
def test_bad_user_requests_get_400_with_the_field(
    client: Client, body: dict[str, Any], field: str
) -> None:
    body_ = assert_error(post(client, "/api/v1/auth/users", body), 400)
    assert field in body_["context"]["fields"]


def test_an_admin_cannot_demote_or_deactivate_themselves(client: Client, admin_user: Any) -> None:
    for change in ({"role": "viewer"}, {"is_active": False}):
        response = client.patch(
            f"/api/v1/auth/users/{admin_user.pk}",
            data=json.dumps(change),
            content_type="application/json",
        )
        assert_error(response, 400)
    admin_user.refresh_from_db()
    assert role_of(admin_user) == Role.ADMIN and admin_user.is_active


# The first run


def test_the_first_run_makes_one_admin_with_a_private_password_file(tmp_path: Path) -> None:
    password = ensure_initial_admin(tmp_path)
    assert password is not None and len(password) >= 20
    path = password_file(tmp_path)
    assert path.read_text().strip() == password
    assert path.stat().st_mode & 0o777 == 0o600
    assert ensure_initial_admin(tmp_path) is None  # an account exists now
    signed_in = Client()
    assert signed_in.login(username="admin", password=password)
    assert signed_in.get("/api/v1/auth/me").json()["role"] == "admin"


def test_createsuperuser_keeps_working(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password-4")
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@x.example")
    signed_in = Client()
    assert signed_in.login(username="root", password="a-long-enough-password-4")
    assert signed_in.get("/api/v1/auth/users").status_code == 200


# The audit log


def test_changes_are_audited_with_who_and_from_where(
    client: Client, make_user: Callable[..., Any], media_root: Path, task_delay: mock.MagicMock
) -> None:
    make_jpeg(media_root / "a.jpg")
    asset = post(client, "/api/v1/assets", {"file_path": "a.jpg"}).json()
    editor = make_user("scripted", Role.EDITOR)
    from accounts import tokens
    from accounts.models import Scope

    _, secret = tokens.issue(editor, "nightly", Scope.WRITE)
    script = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    renamed = script.patch(
        f"/api/v1/assets/{asset['id']}",
        data=json.dumps({"title": "New"}),
        content_type="application/json",
    )
    assert renamed.status_code == 200
    assert script.delete(f"/api/v1/assets/{asset['id']}").status_code == 204
    entries = client.get("/api/v1/audit").json()
    assert entries["meta"]["total"] == 3
    assert [(e["actor"], e["client"], e["action"]) for e in entries["items"]] == [
        ("scripted", "token:nightly", "delete"),
        ("scripted", "token:nightly", "rename"),
        ("admin-test", "ui", "register"),
    ]
    assert entries["items"][1]["detail"] == {"before": "a", "after": "New"}
    one = client.get(f"/api/v1/audit?asset_id={asset['id']}&page_size=1").json()
    assert {k: one["meta"][k] for k in ("page", "page_size", "total", "pages")} == {
        "page": 1,
        "page_size": 1,
        "total": 3,
        "pages": 3,
    }
    rest = client.get(
        f"/api/v1/audit?asset_id={asset['id']}&page_size=5&cursor={one['meta']['next_cursor']}"
    ).json()
    assert [e["action"] for e in rest["items"]] == ["rename", "register"]
    assert_error(client.get("/api/v1/audit?asset_id=x"), 400)


def test_import_media_is_audited_as_the_operator(media_root: Path) -> None:
    from django.core.management import call_command

    make_jpeg(media_root / "bulk" / "one.jpg")
    make_jpeg(media_root / "bulk" / "two.jpg")
    call_command("import_media", str(media_root / "bulk"), "--no-process", stdout=io.StringIO())
    entries = list(AuditEntry.objects.values_list("client", "action"))
    assert entries == [("import_media", "register"), ("import_media", "register")]
