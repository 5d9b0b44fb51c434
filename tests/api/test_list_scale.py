"""The list at scale: cursor paging, query counts, index use and the estimated total
(issue 10). Runs on SQLite and, in the suite's second pass, on PostgreSQL."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assets.api import pagination
from assets.api.filters import AssetFilter
from assets.models import Asset, AssetStatus, MediaType
from tests.support.contract import assert_error

API = "/api/v1/assets"
ORDERINGS = [
    "-created_at",
    "created_at",
    "-captured_at",
    "captured_at",
    "title",
    "-title",
    "file_size",
    "-file_size",
]
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def seed(count: int, *, start: int = 0) -> list[Asset]:
    """Rows with many equal keys (titles, sizes and times repeat), so only the id tiebreak
    keeps pages apart."""
    rows = [
        Asset(
            title=f"Clip {i % 7}",
            file_path=f"bulk/{i:06d}.mp4",
            media_type=MediaType.VIDEO if i % 3 else MediaType.IMAGE,
            mime_type="video/mp4" if i % 3 else "image/jpeg",
            file_size=1000 * (i % 5),
            status=AssetStatus.READY if i % 4 else AssetStatus.FAILED,
        )
        for i in range(start, start + count)
    ]
    created = Asset.objects.bulk_create(rows)
    for i, asset in enumerate(created, start):
        asset.created_at = EPOCH + timedelta(minutes=i // 3)  # three rows per instant
        asset.captured_at = EPOCH - timedelta(days=i // 4)  # four per instant, another order
    Asset.objects.bulk_update(created, ["created_at", "captured_at"])
    return created


def walk(client: Client, query: dict[str, Any], between: Any = None) -> Iterator[dict[str, Any]]:
    """Every item of the list, following next_cursor; `between(page_number)` runs after each."""
    params = dict(query)
    pages = 0
    while True:
        response = client.get(API, params)
        assert response.status_code == 200, response.content
        body = response.json()
        yield from body["items"]
        pages += 1
        if between is not None:
            between(pages)
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            return
        assert pages < 1000, "next_cursor never ran out"
        params = {**query, "cursor": cursor}


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_following_cursors_gives_every_asset_once_in_the_pages_order(
    client: Client, ordering: str
) -> None:
    seed(47)
    by_page = []
    for page in range(1, 6):
        by_page += client.get(API, {"ordering": ordering, "page_size": 10, "page": page}).json()[
            "items"
        ]
    by_cursor = list(walk(client, {"ordering": ordering, "page_size": 10}))
    assert [a["id"] for a in by_cursor] == [a["id"] for a in by_page]
    assert len({a["id"] for a in by_cursor}) == 47


def test_cursor_pages_keep_the_filters(client: Client) -> None:
    seed(40)
    expected = set(
        Asset.objects.filter(media_type=MediaType.VIDEO, status=AssetStatus.READY).values_list(
            "id", flat=True
        )
    )
    seen = [a["id"] for a in walk(client, {"type": "video", "status": "ready", "page_size": 4})]
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected)


@pytest.mark.parametrize("ordering", ["-created_at", "created_at", "title"])
def test_inserts_and_deletes_while_paging_neither_repeat_nor_skip_an_asset(
    client: Client, ordering: str
) -> None:
    first = seed(30)
    added: list[int] = []
    deleted: set[int] = set()

    def meanwhile(page: int) -> None:
        # After each page: new assets arrive (their keys fall on both sides of the cursor)
        # and assets not yet shown go away.
        new = seed(2, start=1000 + 2 * page)
        for asset in new:
            asset.created_at = EPOCH + timedelta(minutes=5 * page - 1)
            asset.title = f"Clip {page % 7}"
        Asset.objects.bulk_update(new, ["created_at", "title"])
        added.extend(a.pk for a in new)
        victim = first[-page]
        deleted.add(victim.pk)
        Asset.objects.filter(pk=victim.pk).delete()

    seen = [a["id"] for a in walk(client, {"ordering": ordering, "page_size": 5}, meanwhile)]
    assert len(seen) == len(set(seen)), "an asset came twice"
    kept_throughout = {a.pk for a in first} - deleted
    assert kept_throughout <= set(seen), "an asset that was there all along was skipped"
    assert set(seen) <= {a.pk for a in first} | set(added)


def test_a_cursor_past_the_last_asset_is_an_empty_last_page(client: Client) -> None:
    seed(3)
    body = client.get(API, {"page_size": 3}).json()
    assert body["meta"]["next_cursor"] is None
    last = Asset.objects.order_by("created_at", "id").first()
    assert last is not None
    cursor = pagination.encode_cursor(["-created_at", "-id"], last)
    after = client.get(API, {"cursor": cursor}).json()
    assert after["items"] == [] and after["meta"]["next_cursor"] is None
    assert after["meta"]["page"] is None and after["meta"]["total"] == 3


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        "%%%",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        forged([1, 2]),
        forged({"o": ["-created_at", "-id"], "v": [1]}),
        forged({"o": ["-created_at", "-id"], "v": [None, 1]}),
        forged({"o": ["-created_at", "-id"], "v": [{"t": "yesterday"}, 1]}),
        forged({"o": ["-created_at", "-id"], "v": [[1], 1]}),
        forged({"o": ["-created_at", "-id"], "v": [{"t": "2025-01-01T00:00:00+00:00"}, "x"]}),
        "A" * 5000,
    ],
)
def test_a_malformed_cursor_is_400(client: Client, cursor: str) -> None:
    seed(2)
    body = assert_error(client.get(API, {"cursor": cursor}), 400)
    assert "cursor" in body["context"]["fields"]


def test_a_cursor_from_another_ordering_is_400_and_says_so(client: Client) -> None:
    seed(5)
    cursor = client.get(API, {"ordering": "title", "page_size": 2}).json()["meta"]["next_cursor"]
    body = assert_error(client.get(API, {"ordering": "-file_size", "cursor": cursor}), 400)
    assert "ordering" in body["error"]


def test_page_and_cursor_together_are_400(client: Client) -> None:
    seed(5)
    cursor = client.get(API, {"page_size": 2}).json()["meta"]["next_cursor"]
    body = assert_error(client.get(API, {"page": 2, "cursor": cursor}), 400)
    assert set(body["context"]["fields"]) == {"page", "cursor"}


@pytest.mark.parametrize("paging", ["page", "cursor"])
def test_a_pages_query_count_does_not_grow_with_its_size(client: Client, paging: str) -> None:
    seed(120)
    cursor = client.get(API, {"page_size": 1}).json()["meta"]["next_cursor"]

    def queries(size: int) -> int:
        params: dict[str, Any] = {"page_size": size}
        params.update({"page": 1} if paging == "page" else {"cursor": cursor})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(API, params)
        assert response.status_code == 200 and len(response.json()["items"]) == size
        return len(captured)

    assert queries(100) == queries(5)


# Index use: the page query of every filter and ordering reads an index in order, with no
# sort of the matching rows and no scan of the whole table.


def page_query(query: dict[str, str], cursor: bool) -> Any:
    queryset = AssetFilter(query, queryset=Asset.objects.all()).qs
    ordering = pagination.ordering_of(queryset)
    queryset = queryset.order_by(*ordering)
    if cursor:
        anchor = Asset.objects.order_by("id")[50]
        values = [getattr(anchor, field.lstrip("-")) for field in ordering]
        queryset = queryset.filter(pagination._after(ordering, values))
    return queryset[:21]


DISCOURAGED = ("enable_seqscan", "enable_bitmapscan", "enable_sort")


def plan_of(queryset: Any) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A test table is tiny: the planner would rightly read it whole and sort it.
            # Making those look ruinous asks what it would do on a large one: a Sort left in
            # the plan means no index gives the order.
            for setting in DISCOURAGED:
                cursor.execute(f"SET {setting} = off")
            try:
                return str(queryset.explain())
            finally:
                for setting in DISCOURAGED:
                    cursor.execute(f"RESET {setting}")
    return str(queryset.explain())


LIST_QUERIES = [
    {},
    *({"ordering": o} for o in ORDERINGS),
    {"type": "video"},
    {"status": "failed"},
    {"mime_type": "video/mp4"},
    {"created_after": "2025-01-01T00:05:00Z"},
    {"taken_after": "2024-12-01T00:00:00Z"},
    {"camera": "Canon EOS R5"},
    {"has_audio": "true"},
    {"min_width": "1000"},
    {"min_height": "1000"},
    {"min_duration": "10"},
    {"max_duration": "10"},
    {"orientation": "portrait"},
    {"min_width": "1000", "ordering": "-captured_at"},
]


@pytest.mark.parametrize("cursor", [False, True], ids=["first-page", "deep-cursor"])
@pytest.mark.parametrize(
    "query", LIST_QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "default"
)
def test_every_filter_and_ordering_pages_from_an_index(
    query: dict[str, str], cursor: bool, db: None
) -> None:
    seed(200)
    plan = plan_of(page_query(query, cursor))
    if connection.vendor == "postgresql":
        assert "Seq Scan" not in plan, plan
        assert not re.search(r"^\s*(->\s*)?Sort\b", plan, re.MULTILINE), plan
        assert re.search(r"Index (Only )?Scan", plan), plan
    else:
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
        assert re.search(r"USING (COVERING )?INDEX", plan), plan


# The total on a large result


def test_the_total_is_exact_and_says_so_on_a_small_library(client: Client) -> None:
    seed(12)
    meta = client.get(API, {"page_size": 5}).json()["meta"]
    assert meta["total"] == 12 and meta["total_estimated"] is False


def test_a_large_results_total_is_the_planners_estimate_and_marked_as_such(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 10)
    first = client.get(API, {"page_size": 10}).json()["meta"]
    last = client.get(API, {"page_size": 10, "page": 6}).json()["meta"]
    if connection.vendor == "postgresql":
        assert first["total_estimated"] is True
        assert 30 <= first["total"] <= 120  # the planner's figure, near the truth
    else:  # SQLite has no row estimate to give: always exact
        assert first == {**first, "total": 60, "total_estimated": False}
    # The last page knows what precedes it and what it holds: exact either way.
    assert last["total"] == 60 and last["total_estimated"] is False


# The facets and the timeline of a filter no index narrows group the rows it finds: they
# read them from an index holding every column grouped and filtered on, never the table
# (SQLite walked the type index and read each row: 530 ms at 100,000 assets).

UNINDEXED_FILTERS = [
    {"orientation": "portrait"},
    {"min_width": "1000"},
    {"min_height": "1000", "max_duration": "30"},
    {"has_audio": "true", "orientation": "landscape"},
    {"type": "video", "status": "ready"},
]


def table_reads(plan: str) -> list[str]:
    """The lines of a plan that read every row of the asset table: a whole scan of it, or a
    walk of a whole index reading each row it names (a search narrowed by an index is fine)."""
    if connection.vendor == "postgresql":
        return re.findall(r"Seq Scan on assets_asset\b[^\n]*", plan)
    scans = re.findall(r"SCAN assets_asset\b[^\n]*", plan)
    return [scan for scan in scans if "COVERING INDEX" not in scan]


@pytest.mark.parametrize("endpoint", ["facets", "timeline"])
@pytest.mark.parametrize(
    "query", UNINDEXED_FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items())
)
def test_facets_and_the_timeline_of_any_filter_read_an_index_not_the_table(
    client: Client, query: dict[str, str], endpoint: str
) -> None:
    seed(200)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{API}/{endpoint}", query)
    assert response.status_code == 200, response.content
    grouping = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    grouping = [sql for sql in grouping if '"assets_tag"' not in sql]  # the tags' own query
    assert grouping, captured.captured_queries
    for sql in grouping:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for setting in DISCOURAGED:
                    cursor.execute(f"SET {setting} = off")
            try:
                cursor.execute(
                    f"EXPLAIN {'' if connection.vendor == 'postgresql' else 'QUERY PLAN '}{sql}"
                )
                plan = "\n".join(" ".join(str(col) for col in row) for row in cursor.fetchall())
            finally:
                if connection.vendor == "postgresql":
                    for setting in DISCOURAGED:
                        cursor.execute(f"RESET {setting}")
        assert not table_reads(plan), plan


# Deep pages by number: the ids first (an index walk), then the page's rows.


@pytest.mark.parametrize("query", [{}, {"ordering": "title"}, {"status": "failed"}])
def test_a_deep_page_by_number_holds_the_same_assets_as_walking_there(
    client: Client, monkeypatch: pytest.MonkeyPatch, query: dict[str, str]
) -> None:
    seed(90)
    expected = [item["id"] for item in walk(client, {**query, "page_size": 10})]
    monkeypatch.setattr(pagination, "DEFER_FROM", 20)
    pages = []
    for page in range(1, 11):
        body = client.get(API, {**query, "page_size": 10, "page": page}).json()
        pages += [item["id"] for item in body["items"]]
        assert body["meta"]["total"] == len(expected)
    assert pages == expected


def test_a_deep_page_steps_over_index_entries_not_rows(db: None) -> None:
    seed(60)
    queryset = Asset.objects.order_by(*pagination.ordering_of(Asset.objects.all()))
    with CaptureQueriesContext(connection) as queries:
        rows = pagination.page_rows(queryset, pagination.DEFER_FROM, 21)
    assert rows == []  # the library is smaller than that
    skipping = queries.captured_queries[0]["sql"]
    selected = skipping.split(" FROM ")[0]
    assert selected.count(",") == 0, f"the offset query reads only the id: {skipping}"
    plan = plan_of(queryset.values_list("pk", flat=True)[pagination.DEFER_FROM :][:21])
    if connection.vendor == "postgresql":
        assert "Index Only Scan" in plan, plan
    else:
        assert "COVERING INDEX" in plan, plan
