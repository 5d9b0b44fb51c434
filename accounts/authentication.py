"""How a request says who it is: a bearer token (scripts), the session (the UI), or nothing
at all in the open mode. DRF runs these in order (settings.REST_FRAMEWORK)."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts import tokens
from accounts.roles import auth_enabled, open_mode_user


def bearer_secret(authorization: bytes) -> str | None:
    """The token in an `Authorization: Bearer <token>` header; None for another scheme.

    AuthenticationFailed for a Bearer header that is malformed.
    """
    parts = authorization.split()
    if not parts or parts[0].lower() != b"bearer":
        return None
    if len(parts) != 2:
        raise AuthenticationFailed("Malformed Authorization header: use 'Bearer <token>'")
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError:
        raise AuthenticationFailed("Invalid or revoked token") from None


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer mam_...`: a personal access token."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if not auth_enabled():
            return None
        secret = bearer_secret(get_authorization_header(request))
        if secret is None:
            return None
        token = tokens.find(secret)
        if token is None:
            raise AuthenticationFailed("Invalid or revoked token")
        tokens.touch(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Being first, this makes "no credentials" a 401 with WWW-Authenticate, not a 403.
        return 'Bearer realm="mam"'


class CsrfSessionAuthentication(SessionAuthentication):
    """The browser's session cookie, with DRF's CSRF check on unsafe methods."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if not auth_enabled():
            return None
        return super().authenticate(request)


class OpenModeAuthentication(BaseAuthentication):
    """MAM_AUTH=off: everyone is the local admin (the server listens on loopback only)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if auth_enabled():
            return None
        return open_mode_user(), None
