"""Search: which assets a free-text query `q` finds, and how well each matches. The one place
the list, the admin and the UI's search box ask it.

Words, not substrings: each word of the query must begin a word of the asset's title, tags,
path, camera, lens or codecs ("bel" finds "Belém", "img 12" finds "IMG_1234.jpg"), whatever the
case and the accents; a one-character word must be a whole word. The index behind it is the
database's own full-text search, kept in step with every write by the database itself
(assets.library.index), so no code path can forget it:

- SQLite: an FTS5 table `assets_search` (tokenizer unicode61, diacritics removed) that
  triggers on `assets_asset` fill; ranked by bm25.
- PostgreSQL: a stored generated tsvector column `assets_asset.search_vector` (the simple
  configuration over unaccented text) with a GIN index; ranked by ts_rank.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, QuerySet

from assets.library import index
from assets.models import Asset

# The annotation a searched list is ranked by: higher is a better match.
RELEVANCE = "relevance"
# A query longer than this many words is cut: each word costs the index a lookup.
MAX_WORDS = 16
MAX_WORD_CHARS = 64
# A word this long or longer matches the words it begins; a shorter one only itself ("s" would
# otherwise match half the library, and rank all of it, on the first key typed).
PREFIX_FROM = 2
_WORD = re.compile(r"[^\W_]+")


def words_of(query: str) -> list[str]:
    """The query's words as the index knows them: lower case, accents removed, split at
    anything that is not a letter or a digit (so paths and file names work as typed)."""
    decomposed = unicodedata.normalize("NFKD", query.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [word[:MAX_WORD_CHARS] for word in _WORD.findall(plain)[:MAX_WORDS]]


def search_assets(
    queryset: QuerySet[Asset], query: str, *, ranked: bool = False
) -> QuerySet[Asset]:
    """The assets matching every word of `query` as a prefix (a one-character word as itself);
    all for a blank query and none for one without a letter or digit. With `ranked`, each
    carries RELEVANCE (higher is better) and the best come first, newest first among equals."""
    if not query.strip():
        return queryset
    words = words_of(query)
    if not words:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        found = _postgresql(queryset, words)
    else:
        found = _sqlite(queryset, words, ranked)
    return found.order_by(f"-{RELEVANCE}", "-id") if ranked else found


class _OnTheAssetsRow(Func):
    """SQL about the asset row that `id` names, with the table alias the query gives it (a
    filtered list may become a subquery, where the table is called U0): `{table}` in the
    template is that alias."""

    output_field: Any

    def __init__(self, sql: str, params: list[Any], output_field: Any) -> None:
        super().__init__(F("id"), output_field=output_field)
        self.sql, self.params = sql, params

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        column = self.get_source_expressions()[0]
        # As Django writes it in FROM: a subquery's U0 unquoted, a table's name quoted.
        table = compiler.quote_name_unless_alias(column.alias)
        return self.sql.format(table=table), list(self.params)


def _sqlite(queryset: QuerySet[Asset], words: list[str], ranked: bool) -> QuerySet[Asset]:
    # Each word quoted (it holds only letters and digits), a prefix from two characters on:
    # "bel"* "lisb"* "a".
    match = " ".join(f'"{word}"*' if len(word) >= PREFIX_FROM else f'"{word}"' for word in words)
    # The matches as a list the index reads once: joined instead, SQLite may walk another
    # filter's index and ask the full-text index again for every row (seconds at 100k).
    found = queryset.filter(
        _OnTheAssetsRow(
            f"{{table}}.id IN (SELECT rowid FROM {index.SQLITE_TABLE} "
            f"WHERE {index.SQLITE_TABLE} MATCH %s)",
            [match],
            BooleanField(),
        )
    )
    if not ranked:
        return found
    # The rank needs the join (FTS5's rank, bm25: lower is better, so negated). Statistics
    # (index.refresh_statistics) let the planner read the full-text index first.
    return found.filter(search_entry__document__match=match).annotate(
        **{RELEVANCE: -F("search_entry__rank")}
    )


def _postgresql(queryset: QuerySet[Asset], words: list[str]) -> QuerySet[Asset]:
    # to_tsquery: every word a prefix from two characters on (bel:* & lisb:* & a),
    # unaccented as the indexed text is.
    tsquery = " & ".join(f"{word}:*" if len(word) >= PREFIX_FROM else word for word in words)
    query_sql = "to_tsquery('simple', mam_unaccent(%s))"
    return queryset.filter(
        _OnTheAssetsRow(f"{{table}}.search_vector @@ {query_sql}", [tsquery], BooleanField())
    ).annotate(
        **{
            RELEVANCE: _OnTheAssetsRow(
                # As float8: a real, read back as text, would not compare equal to itself
                # when a cursor hands it back.
                f"ts_rank({{table}}.search_vector, {query_sql})::float8",
                [tsquery],
                FloatField(),
            )
        }
    )
