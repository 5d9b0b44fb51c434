"""The full-text index search reads (assets.library.search): its DDL, for each database.

What an asset is found by (`DOCUMENT`): its title, its tags, the names of its collections, its
path, and from its metadata the camera, lens and codecs. The database keeps the index in step
with every write (triggers on SQLite, a stored generated column on PostgreSQL), so no code path
that writes an asset can forget it.

A migration that changes the document passes its own frozen `Document` to `rebuild`, so an
old migration keeps creating what it created then. `install` is idempotent and also runs
after every `migrate` (assets.apps): SQLite drops a table's triggers when Django rebuilds the
table for a later schema change, and this puts them back (and refills the index) instead of
letting search go silently stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_TABLE = "assets_search"
SQLITE_TRIGGERS = ("assets_search_insert", "assets_search_update", "assets_search_delete")
# The migration that made the index as DOCUMENT says: the index exists from there on.
MIGRATION = ("assets", "0005_tags")


@dataclass(frozen=True)
class Document:
    """The columns of assets_asset that an asset is found by."""

    words: tuple[str, ...]  # plain text columns
    paths: tuple[str, ...]  # paths: split at / . _ - into words
    metadata: tuple[str, ...]  # keys of media_metadata

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.words, *self.paths, *(("media_metadata",) if self.metadata else ()))

    def sqlite(self, row: str) -> str:
        # unicode61 splits at anything but letters and digits, so paths need no rewriting.
        parts = [f"coalesce({row}.{c}, '')" for c in (*self.words, *self.paths)] + [
            f"coalesce(json_extract({row}.media_metadata, '$.{key}'), '')" for key in self.metadata
        ]
        return " || ' ' || ".join(parts)

    def postgresql(self) -> str:
        # The default parser would read "photos/belem.jpg" as one file-name token: split it.
        parts = (
            [f"coalesce({c}, '')" for c in self.words]
            + [f"translate(coalesce({c}, ''), '/._-', '    ')" for c in self.paths]
            + [f"coalesce(media_metadata ->> '{key}', '')" for key in self.metadata]
        )
        return " || ' ' || ".join(parts)


DOCUMENT = Document(
    words=("title", "tag_names", "collection_names"),
    paths=("file_path",),
    metadata=("camera", "lens", "codec", "audio_codec"),
)


def _sqlite_install(document: Document) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
        "document, tokenize = 'unicode61 remove_diacritics 2')",
        f"""CREATE TRIGGER IF NOT EXISTS assets_search_insert AFTER INSERT ON assets_asset BEGIN
            INSERT INTO {SQLITE_TABLE}(rowid, document) VALUES (NEW.id, {document.sqlite("NEW")});
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS assets_search_update
        AFTER UPDATE OF {", ".join(document.columns)} ON assets_asset BEGIN
            UPDATE {SQLITE_TABLE} SET document = {document.sqlite("NEW")} WHERE rowid = NEW.id;
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS assets_search_delete AFTER DELETE ON assets_asset BEGIN
            DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id;
        END""",
        f"DELETE FROM {SQLITE_TABLE}",
        f"INSERT INTO {SQLITE_TABLE}(rowid, document) "
        f"SELECT id, {document.sqlite('assets_asset')} FROM assets_asset",
    ]


def _postgresql_install(document: Document) -> list[str]:
    return [
        # Trusted since PostgreSQL 13: a database's owner may create it.
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        # unaccent() is only STABLE (its dictionary could change); an index or a generated
        # column needs an IMMUTABLE function, with the dictionary named outright.
        """CREATE OR REPLACE FUNCTION mam_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
        "ALTER TABLE assets_asset ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED"
        " ALWAYS AS (to_tsvector('simple'::regconfig, "
        f"mam_unaccent({document.postgresql()}))) STORED",
        "CREATE INDEX IF NOT EXISTS asset_search_idx ON assets_asset USING gin (search_vector)",
    ]


def install(connection: BaseDatabaseWrapper, document: Document = DOCUMENT) -> None:
    """Creates the index where it is missing (filled from the assets there are)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in _postgresql_install(document):
                cursor.execute(statement)
            return
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"no full-text index for {connection.vendor}")
        if set(SQLITE_TRIGGERS) <= _sqlite_triggers(cursor):
            return
        for statement in _sqlite_install(document):
            cursor.execute(statement)


def rebuild(connection: BaseDatabaseWrapper, document: Document) -> None:
    """The index made again for another document (a migration's)."""
    remove(connection)
    install(connection, document)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS asset_search_idx")
            cursor.execute("ALTER TABLE assets_asset DROP COLUMN IF EXISTS search_vector")
            cursor.execute("DROP FUNCTION IF EXISTS mam_unaccent(text)")
        else:
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")


def _sqlite_triggers(cursor: Any) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {name for (name,) in cursor.fetchall()}


def refresh_statistics(connection: BaseDatabaseWrapper) -> None:
    """SQLite's planner statistics of the asset tables (ANALYZE, sampled: milliseconds at
    100,000 assets). Without them SQLite guesses that any filter selects about ten rows, and
    a search with a filter may then ask the full-text index once per row. PostgreSQL's
    autovacuum keeps its own."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute("ANALYZE")
