"""ASGI middleware in front of /ws: the checks a handshake passes before a consumer exists.

The Host (MAM_ALLOWED_HOSTS, as Django checks it for HTTP) and the Origin (CONTRACT.md
section 4), then who the client is (CONTRACT.md section 7). A refused handshake is closed
before accept, which Daphne answers with 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.http.request import split_domain_port, validate_host

from accounts import tokens
from accounts.roles import auth_enabled, open_mode_user, role_of
from mam.config import Config
from mam.system_log import log_event

_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


def header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def client_address(scope: dict[str, Any]) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "unknown"


def _host_port(netloc: str, scheme: str) -> tuple[str, int | None]:
    parts = urlsplit(f"//{netloc}")
    try:
        port = parts.port
    except ValueError:
        return "", None
    return (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def origin_allowed(scope: dict[str, Any]) -> bool:
    """No Origin (wscat, scripts), the server's own origin, or one of MAM_CORS_ORIGINS.

    Browsers always send Origin, so this is what stops cross-site WebSocket hijacking. The
    server's own origin is whatever host the client used (the Host header), not a list.
    """
    origin = header(scope, b"origin")
    if origin is None:
        return True
    origin = origin.strip().rstrip("/")
    if origin in Config.CORS_ORIGINS:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return False  # "null" (sandboxed pages, file://) and anything unparseable
    host = header(scope, b"host")
    if not host:
        return False
    return _host_port(parts.netloc, parts.scheme) == _host_port(host, parts.scheme)


def host_allowed(scope: dict[str, Any]) -> bool:
    """The Host a client addressed is one of ALLOWED_HOSTS (no Host at all: HTTP/1.0 tools)."""
    host = header(scope, b"host")
    if host is None:
        return True
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


class HandshakeCheckMiddleware(BaseMiddleware):
    """Refuses a WebSocket handshake for a foreign host or origin before any consumer runs."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            refusal = (
                "host" if not host_allowed(scope) else None if origin_allowed(scope) else "origin"
            )
            if refusal:
                log_event(
                    "ws_refused",
                    reason=refusal,
                    host=header(scope, b"host"),
                    origin=header(scope, b"origin"),
                    client=client_address(scope),
                )
                return await WebsocketDenier()(scope, receive, send)
        return await super().__call__(scope, receive, send)


def bearer_from_scope(scope: dict[str, Any]) -> str | None:
    """A token from `Authorization: Bearer` or, for clients that cannot set headers, `?token=`."""
    authorization = header(scope, b"authorization")
    if authorization:
        parts = authorization.split()
        if len(parts) == 2 and parts[0].lower() == "bearer":
            return parts[1]
        return ""  # some other scheme, or malformed: not a session fallback
    query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
    values = query.get("token")
    return values[0] if values else None


@database_sync_to_async
def _identify(scope: dict[str, Any]) -> tuple[Any, int | None]:
    """(user, token id) for a handshake, or (None, None) when it proves nobody with a role."""
    user, token_id = _credentials(scope)
    return (user, token_id) if role_of(user) is not None else (None, None)


def _credentials(scope: dict[str, Any]) -> tuple[Any, int | None]:
    if not auth_enabled():
        return open_mode_user(), None
    secret = bearer_from_scope(scope)
    if secret is not None:
        token = tokens.find(secret)
        return (token.user, token.pk) if token else (None, None)
    session = scope.get("session")
    if session is None or session.get(SESSION_KEY) is None:
        return None, None
    user_id = session.get(SESSION_KEY)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or session.get(HASH_SESSION_KEY) != user.get_session_auth_hash():
        return None, None
    return user, None


@database_sync_to_async
def credentials_still_valid(scope: dict[str, Any]) -> bool:
    """For an open socket: its token not revoked, its user active, its session not ended."""
    if not auth_enabled():
        return True
    token_id = scope.get("mam_token_id")
    if token_id is not None:
        return tokens.still_valid(token_id)
    user = scope.get("user")
    session = scope.get("session")
    if user is None or session is None or not session.session_key:
        return False
    return get_user_model().objects.filter(pk=user.pk, is_active=True).exists() and session.exists(
        session.session_key
    )


class AuthenticationMiddleware(BaseMiddleware):
    """Refuses a handshake that proves no user with a role: the session cookie (the UI) or a
    personal access token. Runs inside Channels' SessionMiddleware."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            user, token_id = await _identify(scope)
            if user is None:
                log_event("ws_refused", reason="unauthenticated", client=client_address(scope))
                return await WebsocketDenier()(scope, receive, send)
            scope = dict(scope, user=user, mam_token_id=token_id)
        return await super().__call__(scope, receive, send)
