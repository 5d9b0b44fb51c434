"""ASGI middleware in front of /ws: the checks a handshake passes before a consumer exists.

The Host (MAM_ALLOWED_HOSTS, as Django checks it for HTTP) and the Origin (CONTRACT.md
section 4); authentication joins them here. A refused handshake is closed before accept,
which Daphne answers with 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.middleware import BaseMiddleware
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

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
