"""A list of ids as ONE query parameter, for statements over thousands of rows: an array on
PostgreSQL, a JSON list read by json_each on SQLite. A parameter per id (`IN (%s, %s, ...)`)
hits SQLite's 999-parameter limit and costs psycopg a dump per value; a row of parameters per
id (executemany) costs a round of the driver each."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db.backends.base.base import BaseDatabaseWrapper


def ids_table(connection: BaseDatabaseWrapper) -> str:
    """A FROM item with one column, `value`, one row per id of the parameter."""
    if connection.vendor == "postgresql":
        return "unnest(%s::bigint[]) AS ids(value)"
    return "json_each(%s)"


def ids_parameter(connection: BaseDatabaseWrapper, ids: Sequence[int]) -> list[int] | str:
    """The parameter ids_table reads."""
    values = [int(i) for i in ids]
    return values if connection.vendor == "postgresql" else json.dumps(values)
