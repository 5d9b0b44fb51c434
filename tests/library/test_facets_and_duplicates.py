"""Facets (counts for the filter panel) and exact duplicates (the same bytes), from the API.
Both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assets.library import facets, tags
from assets.library.media_columns import media_columns
from assets.models import Asset, AssetStatus, MediaType
from tests.support.contract import assert_error

API = "/api/v1/assets"


def asset(
    title: str,
    media_type: str = MediaType.IMAGE,
    status: str = AssetStatus.READY,
    year: int = 2025,
    checksum: str = "",
    **metadata: Any,
) -> Asset:
    created = Asset.objects.create(
        title=title,
        file_path=f"f/{title}.{'jpg' if media_type == MediaType.IMAGE else 'mp4'}",
        media_type=media_type,
        mime_type="image/jpeg" if media_type == MediaType.IMAGE else "video/mp4",
        file_size=1,
        status=status,
        checksum=checksum,
        media_metadata=metadata,
        **media_columns(metadata),  # as the worker writes them
    )
    when = datetime(year, 6, 1, tzinfo=UTC)
    Asset.objects.filter(pk=created.pk).update(created_at=when, captured_at=when)
    return created


@pytest.fixture
def library(db: None) -> None:
    a = asset("a", camera="Canon EOS R5", year=2024)
    b = asset("b", camera="Canon EOS R5")
    c = asset("c", camera="NIKON D750", status=AssetStatus.FAILED)
    asset("d", MediaType.VIDEO, codec="h264")
    asset("e", MediaType.VIDEO, status=AssetStatus.PENDING, year=2023)
    tags.set_tags(asset_id=a.pk, names=["beach", "family"])
    tags.set_tags(asset_id=b.pk, names=["beach"])
    tags.set_tags(asset_id=c.pk, names=["city"])


def facet(body: dict[str, Any], name: str) -> dict[Any, int]:
    return {row["value"]: row["count"] for row in body[name]}


def test_facets_count_every_value_of_the_whole_library(client: Client, library: None) -> None:
    response = client.get(f"{API}/facets")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 5
    assert facet(body, "media_type") == {"image": 3, "video": 2}
    assert facet(body, "status") == {"ready": 3, "failed": 1, "pending": 1}
    assert facet(body, "tag") == {"beach": 2, "family": 1, "city": 1}
    assert facet(body, "camera") == {"Canon EOS R5": 2, "NIKON D750": 1}
    assert [row["value"] for row in body["year"]] == [2025, 2024, 2023]
    assert facet(body, "year") == {2025: 3, 2024: 1, 2023: 1}
    assert body["media_type"][0] == {"value": "image", "count": 3}  # the most first


@pytest.mark.parametrize(
    ("params", "total", "media", "tag"),
    [
        ({"type": "image"}, 3, {"image": 3}, {"beach": 2, "family": 1, "city": 1}),
        ({"q": "canon"}, 2, {"image": 2}, {"beach": 2, "family": 1}),
        ({"tag": "beach"}, 2, {"image": 2}, {"beach": 2, "family": 1}),
        ({"status": "failed"}, 1, {"image": 1}, {"city": 1}),
        ({"q": "nothing"}, 0, {}, {}),
    ],
)
def test_facets_count_what_the_lists_filters_find(
    client: Client,
    library: None,
    params: dict[str, str],
    total: int,
    media: dict[str, int],
    tag: dict[str, int],
) -> None:
    body = client.get(f"{API}/facets", params).json()
    assert (body["total"], facet(body, "media_type"), facet(body, "tag")) == (total, media, tag)
    listed = client.get(API, {**params, "page_size": 100}).json()["meta"]["total"]
    assert listed == total


@pytest.mark.parametrize(
    "params", [{"type": "podcast"}, {"status": "gone"}, {"created_after": "yesterday"}]
)
def test_facets_refuse_a_bad_filter_as_the_list_does(
    client: Client, db: None, params: dict[str, str]
) -> None:
    assert_error(client.get(f"{API}/facets", params), 400)


def test_facets_cost_a_few_queries_whatever_the_library(client: Client, library: None) -> None:
    """A few, and one per year the library spans (each an index range): never per asset."""
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(f"{API}/facets").json()
    spanned = max(y["value"] for y in answer["year"]) - min(y["value"] for y in answer["year"])
    assert len(captured) <= 10 + spanned + 1


def test_a_later_copy_of_the_same_bytes_says_which_asset_it_duplicates(
    client: Client, db: None
) -> None:
    first = asset("first", checksum="a" * 64)
    second = asset("second", checksum="a" * 64)
    third = asset("third", checksum="a" * 64)
    alone = asset("alone", checksum="b" * 64)
    unprocessed = asset("unprocessed")
    listed = {i["title"]: i["duplicate_of"] for i in client.get(API).json()["items"]}
    assert listed == {
        "first": None,
        "second": first.pk,
        "third": first.pk,
        "alone": None,
        "unprocessed": None,
    }
    assert client.get(f"{API}/{third.pk}").json()["duplicate_of"] == first.pk
    assert client.get(f"{API}/{alone.pk}").json()["duplicate_of"] is None
    duplicated = client.get(API, {"duplicates": "true"}).json()["items"]
    assert sorted(i["title"] for i in duplicated) == ["first", "second", "third"]
    assert len(client.get(API, {"duplicates": "false"}).json()["items"]) == 5
    assert_error(client.get(API, {"duplicates": "maybe"}), 400)
    # The original deleted, the next copy becomes the one the others duplicate.
    first.delete()
    assert client.get(f"{API}/{third.pk}").json()["duplicate_of"] == second.pk
    assert unprocessed.checksum == ""


def test_duplicates_cost_the_list_one_query_per_page(client: Client, db: None) -> None:
    def queries(count: int) -> int:
        Asset.objects.all().delete()
        for i in range(count):
            asset(f"copy{i}", checksum=f"{i % 3:064d}")
        with CaptureQueriesContext(connection) as captured:
            client.get(API, {"page_size": 50})
        return len(captured)

    assert queries(4) == queries(40)


@pytest.mark.django_db
def test_the_timeline_counts_each_utc_month_newest_first_for_the_filters(client: Client) -> None:
    from datetime import timedelta, timezone

    def taken(title: str, when: datetime, media_type: str = MediaType.IMAGE) -> None:
        made = asset(title, media_type=media_type)
        Asset.objects.filter(pk=made.pk).update(captured_at=when)

    taken("a", datetime(2024, 7, 3, tzinfo=UTC))
    taken("b", datetime(2024, 7, 31, 12, tzinfo=UTC))
    # 23:30 on 31 July at UTC-2 is 1 August in UTC.
    taken("c", datetime(2024, 7, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2))))
    taken("d", datetime(2023, 12, 25, tzinfo=UTC), media_type=MediaType.VIDEO)
    assert client.get(f"{API}/timeline").json() == {
        "months": [
            {"month": "2024-08", "count": 1},
            {"month": "2024-07", "count": 2},
            {"month": "2023-12", "count": 1},
        ]
    }
    videos = client.get(f"{API}/timeline", {"type": "video"}).json()
    assert videos == {"months": [{"month": "2023-12", "count": 1}]}
    assert_error(client.get(f"{API}/timeline", {"type": "sound"}), 400)


def test_a_filter_counts_in_one_pass_what_the_whole_library_counts_by_index(
    library: None,
) -> None:
    """Two ways to count (one GROUP BY over the rows a filter finds, or a query per facet over
    the indexes): the same answer for the same assets."""
    Asset.objects.filter(title="c").update(camera="")  # a camera only in the JSON is none
    whole = facets.facets(Asset.objects.all())
    assert facets.facets(Asset.objects.filter(pk__gt=0)) == whole
    assert whole["camera"] == [{"value": "Canon EOS R5", "count": 2}]
    assert whole["year"] == [
        {"value": 2025, "count": 3},
        {"value": 2024, "count": 1},
        {"value": 2023, "count": 1},
    ]
    with CaptureQueriesContext(connection) as captured:
        facets.facets(Asset.objects.filter(status=AssetStatus.READY))
    assert len(captured) == 2  # the counts, and the tags
