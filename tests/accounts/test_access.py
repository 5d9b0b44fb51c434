"""The permission matrix: every route x anonymous, viewer, editor, admin and tokens of both
scopes. 401 when nobody is proved, 403 when the role or scope is too low, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from accounts.models import Role
from assets import services
from tests.media import make_jpeg
from tests.support.contract import assert_error

pytestmark = pytest.mark.django_db

THUMB = "ab" * 32 + "-320.jpg"

# route -> what each kind gets: anonymous, viewer, editor, admin, token-read, token-write
# (the tokens belong to an editor).
MATRIX: list[tuple[str, str, tuple[Any, ...]]] = [
    ("GET", "/api/v1/assets", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/assets/{id}", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/assets/{id}/content", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/thumbnails/{thumb}", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("POST", "/api/v1/assets", ("401", "403", "ok", "ok", "403", "ok")),
    ("PATCH", "/api/v1/assets/{id}", ("401", "403", "ok", "ok", "403", "ok")),
    ("POST", "/api/v1/assets/{id}/reprocess", ("401", "403", "ok", "ok", "403", "ok")),
    ("DELETE", "/api/v1/assets/{id}", ("401", "403", "ok", "ok", "403", "ok")),
    ("GET", "/api/v1/tags", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/assets/facets", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("POST", "/api/v1/assets/bulk", ("401", "403", "ok", "ok", "403", "ok")),
    ("GET", "/api/v1/collections", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("POST", "/api/v1/collections", ("401", "403", "ok", "ok", "403", "ok")),
    ("GET", "/api/v1/health/status", ("ok", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/health/processing", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/health/websocket", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/schema", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/auth/me", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/auth/tokens", ("401", "ok", "ok", "ok", "ok", "ok")),
    ("GET", "/api/v1/auth/users", ("401", "403", "403", "ok", "403", "403")),
    ("POST", "/api/v1/auth/users", ("401", "403", "403", "ok", "403", "403")),
    ("GET", "/api/v1/audit", ("401", "403", "403", "ok", "403", "403")),
]
KINDS = ["anonymous", "viewer", "editor", "admin", "token-read", "token-write"]
CASES = [
    pytest.param(method, route, kind, expected, id=f"{method} {route} {kind}")
    for method, route, outcomes in MATRIX
    for kind, expected in zip(KINDS, outcomes, strict=True)
]


@pytest.fixture
def asset(media_root: Path, thumbnail_dir: Path, task_delay: mock.MagicMock) -> Any:
    make_jpeg(media_root / "beach.jpg")
    asset = services.register_asset(file_path="beach.jpg", title="Beach")
    (thumbnail_dir / THUMB).write_bytes(b"\xff\xd8\xff\xe0 thumb")
    return asset


def body_for(method: str, route: str, media_root: Path) -> dict[str, Any] | None:
    if route == "/api/v1/assets" and method == "POST":
        make_jpeg(media_root / "new.jpg")
        return {"file_path": "new.jpg"}
    if route == "/api/v1/auth/users" and method == "POST":
        return {"username": "newcomer", "password": "a-long-enough-password-2", "role": "viewer"}
    if method == "PATCH":
        return {"title": "Renamed"}
    if route == "/api/v1/collections" and method == "POST":
        return {"name": "Checked"}
    if route == "/api/v1/assets/bulk":
        return {"ids": [1], "action": "tag", "tags": ["checked"]}
    return None


@pytest.mark.parametrize(("method", "route", "kind", "expected"), CASES)
def test_every_route_answers_each_kind_of_client_by_the_rules(
    method: str,
    route: str,
    kind: str,
    expected: str,
    asset: Any,
    media_root: Path,
    client_of: Callable[[str], Client],
) -> None:
    client = client_of(kind)
    url = route.format(id=asset.pk, thumb=THUMB)
    body = body_for(method, route, media_root)
    response = client.generic(
        method,
        url,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
    )
    if expected == "ok":
        assert response.status_code < 400, (response.status_code, response.content[:300])
    else:
        assert_error(response, int(expected))
        if expected == "401":
            assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_viewer_is_told_which_role_is_needed(client_of: Callable[[str], Client]) -> None:
    response = client_of("viewer").post(
        "/api/v1/assets", data={"file_path": "x.jpg"}, content_type="application/json"
    )
    body = assert_error(response, 403)
    assert "editor" in body["error"]


def test_a_read_token_is_told_it_cannot_write(client_of: Callable[[str], Client]) -> None:
    response = client_of("token-read").post(
        "/api/v1/assets", data={"file_path": "x.jpg"}, content_type="application/json"
    )
    assert "read scope" in assert_error(response, 403)["error"]


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer mam_not-a-real-token",
        "Bearer",
        "Bearer a b",
        "Bearer \u00e9t\u00e9",
        "Basic Zm9vOmJhcg==",
    ],
)
def test_wrong_credentials_are_a_401_with_the_error_body(authorization: str) -> None:
    client = Client(HTTP_AUTHORIZATION=authorization)
    body = assert_error(client.get("/api/v1/assets"), 401)
    assert body["error"]


def test_a_deactivated_users_session_and_tokens_stop_working(
    make_user: Callable[..., Any],
) -> None:
    from accounts import tokens
    from accounts.models import Scope

    user = make_user("leaver", Role.EDITOR)
    _, secret = tokens.issue(user, "cron", Scope.WRITE)
    session = Client()
    session.force_login(user)
    assert session.get("/api/v1/assets").status_code == 200
    user.is_active = False
    user.save()
    assert_error(session.get("/api/v1/assets"), 401)
    assert_error(Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/assets"), 401)


def test_the_open_mode_serves_everyone_as_admin(settings: Any, asset: Any) -> None:
    settings.MAM_AUTH_ENABLED = False
    client = Client()
    assert client.get("/api/v1/auth/users").status_code == 200
    me = client.get("/api/v1/auth/me").json()
    assert me == {"id": None, "username": "local", "role": "admin", "auth_enabled": False}
    response = client.patch(
        f"/api/v1/assets/{asset.pk}", data={"title": "Mine"}, content_type="application/json"
    )
    assert response.status_code == 200


def test_the_open_mode_refuses_a_cross_site_write(settings: Any, asset: Any) -> None:
    settings.MAM_AUTH_ENABLED = False
    response = Client(HTTP_ORIGIN="https://evil.example").post(
        f"/api/v1/assets/{asset.pk}/reprocess"
    )
    assert_error(response, 403)
    same_site = Client(HTTP_ORIGIN="http://testserver").post(f"/api/v1/assets/{asset.pk}/reprocess")
    assert same_site.status_code == 202


def test_the_open_mode_lets_the_admin_site_in(settings: Any) -> None:
    settings.MAM_AUTH_ENABLED = False
    assert Client().get("/admin/assets/asset/").status_code == 200


@pytest.mark.parametrize(
    ("remote", "authorization", "expected"),
    [
        ("127.0.0.1", "", 200),
        ("::1", "", 200),
        ("203.0.113.9", "", 403),
        ("203.0.113.9", "Bearer metrics-secret-0123456789", 200),
        ("203.0.113.9", "Bearer wrong", 403),
    ],
)
def test_metrics_answer_loopback_and_the_metrics_token(
    settings: Any, monkeypatch: Any, remote: str, authorization: str, expected: int
) -> None:
    from mam.config import Config

    monkeypatch.setattr(Config, "METRICS_TOKEN", "metrics-secret-0123456789")
    extra = {"REMOTE_ADDR": remote}
    if authorization:
        extra["HTTP_AUTHORIZATION"] = authorization
    response = Client().get("/metrics", **extra)  # type: ignore[arg-type]
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "seen_as"),
    [
        ("", "203.0.113.9", "127.0.0.1", "203.0.113.9"),
        ("10.0.0.0/8", "203.0.113.9", "127.0.0.1", "203.0.113.9"),
        ("10.0.0.0/8", "10.0.0.2", "198.51.100.4", "198.51.100.4"),
        ("10.0.0.0/8", "10.0.0.2", "127.0.0.1, 198.51.100.4, 10.0.0.7", "198.51.100.4"),
        ("10.0.0.0/8", "10.0.0.2", "not-an-address", "10.0.0.2"),
    ],
)
def test_forwarded_addresses_are_believed_only_from_trusted_proxies(
    monkeypatch: pytest.MonkeyPatch, trusted: str, remote: str, forwarded: str, seen_as: str
) -> None:
    from mam import proxies
    from mam.config import Config

    monkeypatch.setattr(Config, "TRUSTED_PROXIES", [t for t in trusted.split(",") if t])
    assert proxies.client_address(remote, forwarded) == seen_as
    # /metrics answers loopback only: a made-up header from outside does not get in.
    response = Client().get("/metrics", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == (200 if seen_as == "127.0.0.1" else 403)


def test_a_bad_trusted_proxy_setting_is_refused(tmp_path: Path) -> None:
    from mam.config import ConfigError, MamConfig

    with pytest.raises(ConfigError, match="MAM_TRUSTED_PROXIES"):
        MamConfig.from_env({"DATA_DIR": str(tmp_path), "MAM_TRUSTED_PROXIES": "proxy.local"})


def test_a_foreign_host_gets_400_and_one_line_not_a_traceback(caplog: Any) -> None:
    import logging

    with caplog.at_level(logging.INFO, logger="django.security.DisallowedHost"):
        response = Client(HTTP_HOST="evil.example").get("/api/v1/health/status")
    assert_error(response, 400)
    records = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert records and all(r.exc_info is None and r.levelname == "WARNING" for r in records)
