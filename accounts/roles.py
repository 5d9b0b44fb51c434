"""The role of a request's user, and the open single-user mode (MAM_AUTH=off)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from accounts.models import Profile, Role

LOCAL_USERNAME = "local"


def auth_enabled() -> bool:
    """Read at every request, so a test can switch it with `settings.MAM_AUTH_ENABLED`."""
    return bool(getattr(settings, "MAM_AUTH_ENABLED", True))


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> Role | None:
    """The role of an active, signed-in user; None for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    try:
        profile = user.mam_profile  # type: ignore[attr-defined]
    except Profile.DoesNotExist:
        return Role.VIEWER
    return Role(profile.role)


def set_role(user: Any, role: Role) -> None:
    """Gives `user` a role; admins are Django superusers and staff, so the admin site agrees."""
    with transaction.atomic():
        Profile.objects.update_or_create(user=user, defaults={"role": role})
        user.is_superuser = user.is_staff = role == Role.ADMIN
        user.save(update_fields=["is_superuser", "is_staff"])
    # The cached related object would still say the old role.
    if hasattr(user, "_state"):
        user._state.fields_cache.pop("mam_profile", None)


def create_user(username: str, password: str | None, role: Role) -> Any:
    """A new active user with a role; a None password makes one that cannot sign in."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, password=password)
        set_role(user, role)
    return user


def open_mode_user() -> Any:
    """The user everyone is in the open mode: an admin that is never stored.

    The admin site needs a stored user (its log refers to one); `stored_open_mode_user`
    gives that one.
    """
    user = get_user_model()(username=LOCAL_USERNAME, is_active=True)
    user.is_superuser = user.is_staff = True
    return user


def stored_open_mode_user() -> Any:
    """The open mode's admin as a database row (made on first use, cannot sign in)."""
    user, created = get_user_model().objects.get_or_create(
        username=LOCAL_USERNAME,
        defaults={"is_superuser": True, "is_staff": True, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
