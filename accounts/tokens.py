"""Personal access tokens: made once, shown once, stored as a SHA-256 digest.

A token carries 256 random bits, so a fast digest is as good as a slow one against guessing
and costs nothing per request (unlike a password hasher).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import AccessToken, Scope

TOKEN_PREFIX = "mam_"  # noqa: S105 - a marker, not a secret
PREFIX_SHOWN = 12  # "mam_" and 8 characters: enough to recognise, useless to an attacker
# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(user: Any, name: str, scope: Scope) -> tuple[AccessToken, str]:
    """A new token for `user`; the secret is returned here and never again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, scope=scope, prefix=secret[:PREFIX_SHOWN], digest=digest(secret)
    )
    return token, secret


def find(secret: str) -> AccessToken | None:
    """The live token with this secret, with its user; None when unknown or revoked."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def touch(token: AccessToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke(token: AccessToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def still_valid(token_id: int) -> bool:
    """For open sockets: the token is neither revoked nor its user deactivated."""
    return AccessToken.objects.filter(
        pk=token_id, revoked_at__isnull=True, user__is_active=True
    ).exists()
