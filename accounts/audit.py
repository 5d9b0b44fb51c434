"""The audit log: who changed which asset, when, and from which client."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from accounts.models import AccessToken, AuditAction, AuditEntry
from accounts.roles import auth_enabled

OPEN_MODE_CLIENT = "open mode"


def client_of(request: HttpRequest | Any) -> str:
    """ "ui" for the browser's session, "token:<name>" for a script, "admin" for the admin site."""
    if not auth_enabled():
        return OPEN_MODE_CLIENT
    auth = getattr(request, "auth", None)
    if isinstance(auth, AccessToken):
        return f"token:{auth.name}"[:120]
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    return "ui"


def _actor(user: Any) -> tuple[Any, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "anonymous"
    return (user if user.pk else None), user.get_username()


def record(
    request: HttpRequest | Any,
    action: AuditAction,
    asset_id: int | None,
    **detail: Any,
) -> AuditEntry:
    """One entry for a change made through a request (API or admin)."""
    actor, name = _actor(getattr(request, "user", None))
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=name,
        client=client_of(request),
        action=action,
        asset_id=asset_id,
        detail=detail,
    )


def record_bulk(
    request: HttpRequest | Any, action: AuditAction, asset_ids: Iterable[int], **detail: Any
) -> None:
    """An entry per asset for a bulk action made through a request, in one INSERT a thousand."""
    actor, name = _actor(getattr(request, "user", None))
    client = client_of(request)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                actor_name=name,
                client=client,
                action=action,
                asset_id=asset_id,
                detail=detail,
            )
            for asset_id in asset_ids
        ],
        batch_size=1000,
    )


def operator_name() -> str:
    """Who ran a management command: the operating-system user."""
    try:
        return getpass.getuser()[:150]
    except (OSError, KeyError):
        return "operator"


def record_many(
    client: str, action: AuditAction, asset_ids: Iterable[int], *, actor_name: str, **detail: Any
) -> None:
    """Entries for a command's bulk change (import_media, reprocess); no request, no user."""
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor_name=actor_name, client=client, action=action, asset_id=i, detail=detail
            )
            for i in asset_ids
        ],
        batch_size=1000,
    )
