"""`manage.py bootstrap_admin`: the first-run admin account (what `make run` does itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.bootstrap import ensure_initial_admin, first_run_message
from accounts.roles import auth_enabled
from mam.config import Config


class Command(BaseCommand):
    help = (
        "Creates the account 'admin' with a random password when no account exists, "
        "prints the password once and stores it in DATA_DIR/initial_admin_password (0600)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not auth_enabled():
            self.stdout.write("MAM_AUTH is off: no accounts are needed")
            return
        password = ensure_initial_admin(Config.DATA_DIR)
        if password is None:
            self.stdout.write("accounts exist already; nothing to do")
            return
        for line in first_run_message(password, Config.DATA_DIR):
            self.stdout.write(line)
