"""App config for the assets domain."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _keep_search_index(using: str = "default", plan: Any = None, **_: Any) -> None:
    """After every migrate: a later migration that made SQLite rebuild the asset table took
    the search triggers with it; put them back (assets.library.index)."""
    from django.db.migrations.recorder import MigrationRecorder

    from assets.library import index

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if index.MIGRATION in applied:
        index.install(connection)


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "Media assets"

    def ready(self) -> None:
        post_migrate.connect(_keep_search_index, sender=self)
