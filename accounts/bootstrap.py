"""The first run: an `admin` account with a random password when no account exists.

As Jenkins does it: the password is printed once on the console and kept in a file readable
by its owner only (DATA_DIR/initial_admin_password) until someone deletes it. No default
password exists anywhere.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Role
from accounts.roles import LOCAL_USERNAME, create_user

INITIAL_ADMIN = "admin"
PASSWORD_FILE = "initial_admin_password"  # noqa: S105 - a file name


def password_file(data_dir: Path) -> Path:
    return data_dir / PASSWORD_FILE


def ensure_initial_admin(data_dir: Path) -> str | None:
    """Creates `admin` when there is no account; its password, or None when nothing was made."""
    with transaction.atomic():
        users = get_user_model().objects.exclude(username=LOCAL_USERNAME)
        if users.exists():
            return None
        password = secrets.token_urlsafe(18)
        create_user(INITIAL_ADMIN, password, Role.ADMIN)
    path = password_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return password


def first_run_message(password: str, data_dir: Path) -> list[str]:
    return [
        "first run: created the account 'admin' (role admin)",
        f"  password: {password}",
        f"  also in {password_file(data_dir)} (readable by you only);",
        "  sign in, change it on the Users page, then delete that file",
    ]
