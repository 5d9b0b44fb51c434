"""Fixtures for the /ws tests run in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from channels.db import database_sync_to_async
from django.db import connections


@pytest.fixture(autouse=True)
def close_the_consumers_database_connections() -> Iterator[None]:
    """The consumer reads the database in asgiref's database thread, whose connection would
    outlive the test (and keep PostgreSQL from dropping the test database at the end)."""
    yield
    asyncio.run(database_sync_to_async(connections.close_all)())
