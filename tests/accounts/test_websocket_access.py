"""Who may open /ws: a session cookie or a token, never nobody; a socket whose credentials
are revoked is closed (CONTRACT.md section 7)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from accounts import tokens
from accounts.models import Role, Scope
from accounts.roles import create_user
from assets.realtime import consumer, delivery
from assets.realtime.protocol import CLOSE_UNAUTHORIZED
from assets.realtime.routing import websocket_application

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

HOST = (b"host", b"localhost:5001")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def close_the_database_threads_connection() -> Iterator[None]:
    yield
    asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "RESUME_GRACE_SECONDS", 0.2)
    monkeypatch.setattr(consumer, "AUTH_RECHECK_SECONDS", 0.3)


@sync_to_async
def editor_with_token(scope: Scope = Scope.READ) -> tuple[Any, Any, str]:
    user = create_user("wsuser", "a-long-enough-password-1", Role.EDITOR)
    token, secret = tokens.issue(user, "ws", scope)
    return user, token, secret


@sync_to_async
def session_cookie_for(user: Any) -> tuple[bytes, SessionStore]:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode(), session


async def open_socket(
    path: str = "/ws", headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(
        websocket_application, path, headers=[HOST, *(headers or [])]
    )
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


async def test_a_handshake_without_credentials_is_refused() -> None:
    communicator, connected = await open_socket()
    assert not connected
    await communicator.disconnect()


@pytest.mark.parametrize(
    "headers",
    [
        [(b"authorization", b"Bearer mam_wrong")],
        [(b"authorization", b"Basic eDp5")],
        [(b"cookie", b"sessionid=forged")],
    ],
)
async def test_wrong_credentials_are_refused(headers: list[tuple[bytes, bytes]]) -> None:
    communicator, connected = await open_socket(headers=headers)
    assert not connected
    await communicator.disconnect()


async def test_a_token_in_the_header_or_the_query_opens_a_socket() -> None:
    _, _, secret = await editor_with_token()
    for path, headers in (
        ("/ws", [(b"authorization", f"Bearer {secret}".encode())]),
        (f"/ws?token={secret}", []),
    ):
        communicator, connected = await open_socket(path, headers)
        assert connected
        assert (await communicator.receive_json_from())["type"] == "connection"
        await communicator.disconnect()


async def test_the_session_cookie_opens_a_socket() -> None:
    user, _, _ = await editor_with_token()
    cookie, _ = await session_cookie_for(user)
    communicator, connected = await open_socket(headers=[(b"cookie", cookie)])
    assert connected
    assert (await communicator.receive_json_from())["type"] == "connection"
    await communicator.disconnect()


async def test_a_revoked_token_closes_its_open_socket() -> None:
    _, token, secret = await editor_with_token()
    communicator, connected = await open_socket(f"/ws?token={secret}")
    assert connected
    await communicator.receive_json_from()
    await sync_to_async(tokens.revoke)(token)
    closed = await communicator.receive_output(timeout=5)
    assert closed == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHORIZED,
        "reason": "credentials revoked",
    }


async def test_a_deactivated_user_or_ended_session_closes_the_socket() -> None:
    user, _, _ = await editor_with_token()
    cookie, session = await session_cookie_for(user)
    communicator, connected = await open_socket(headers=[(b"cookie", cookie)])
    assert connected
    await communicator.receive_json_from()
    await sync_to_async(session.delete)()
    closed = await communicator.receive_output(timeout=5)
    assert closed["type"] == "websocket.close" and closed["code"] == CLOSE_UNAUTHORIZED
