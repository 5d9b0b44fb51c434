from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Accounts, roles, personal access tokens and the audit log (CONTRACT.md section 7)."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import schema  # noqa: F401 - registers the OpenAPI descriptions
