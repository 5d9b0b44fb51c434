"""Search `q` from outside (the list API) and inside (the index): words in any case and with or
without accents, across title, path and metadata, ranked, kept in step with every write, and
read from the full-text index. Runs on SQLite and, in the suite's second pass, PostgreSQL."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import Client

from assets.jobs import worker
from assets.jobs.processing.pipeline import ProcessingResult
from assets.jobs.processing.thumbnails import Thumbnail
from assets.library import index
from assets.library.search import search_assets, words_of
from assets.models import Asset, MediaType
from tests.api.test_list_scale import plan_of, walk
from tests.support.contract import assert_error

API = "/api/v1/assets"


def asset(title: str, path: str, **metadata: Any) -> Asset:
    return Asset.objects.create(
        title=title,
        file_path=path,
        media_type=MediaType.IMAGE,
        mime_type="image/jpeg",
        file_size=1,
        media_metadata=metadata,
    )


def found(client: Client, q: str, **params: str) -> list[str]:
    response = client.get(API, {"q": q, **params})
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def library(db: None) -> None:
    asset("Torre de Belém", "trips/lisboa/IMG_1234.jpg", camera="Canon EOS 5D Mark II")
    asset("São Paulo skyline", "trips/brasil/sp.jpg", camera="NIKON D750", lens="24-70mm f/2.8")
    asset("Beach day", "clips/beach-day.mp4", codec="hevc", audio_codec="aac")
    asset("Cafe crème", "food/creme.jpg")


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("belem", ["Torre de Belém"]),
        ("BELÉM", ["Torre de Belém"]),
        ("sao paulo", ["São Paulo skyline"]),
        ("café", ["Cafe crème"]),
        ("creme", ["Cafe crème"]),
        ("img 12", ["Torre de Belém"]),  # a file name as typed: IMG_1234.jpg
        ("lisboa", ["Torre de Belém"]),  # a folder
        ("canon", ["Torre de Belém"]),  # camera
        ("eos 5d", ["Torre de Belém"]),
        ("nikon d7", ["São Paulo skyline"]),
        ("24", ["São Paulo skyline"]),  # lens
        ("hevc", ["Beach day"]),  # codec
        ("aac", ["Beach day"]),  # audio codec
        ("bel", ["Torre de Belém"]),  # the start of a word
        ("lem", []),  # not the middle of one
        ("d", []),  # one character: a whole word only
        ("de", ["Torre de Belém"]),
        ("belem nikon", []),  # every word must match
        ("!!! ...", []),  # no word at all
    ],
)
def test_q_finds_words_in_any_case_and_accents_across_title_path_and_metadata(
    client: Client, library: None, query: str, titles: list[str]
) -> None:
    assert found(client, query) == titles


def test_a_blank_q_is_the_whole_list(client: Client, library: None) -> None:
    assert len(found(client, "   ")) == 4


@pytest.mark.parametrize(
    "query",
    ['"', '" OR *', "NEAR(a b)", "a:b & !c | d", "title:x", "x' OR 1=1 --", "*" * 500, "w " * 600],
)
def test_query_syntax_and_huge_queries_are_plain_words_never_an_error(
    client: Client, library: None, query: str
) -> None:
    response = client.get(API, {"q": query})
    assert response.status_code == 200, response.content


def test_the_query_is_cut_to_a_bounded_number_of_short_words() -> None:
    words = words_of("x" * 500 + " b" * 100)
    assert len(words) == 16 and len(words[0]) == 64
    assert words_of("Ärger_im-Büro/2024.JPG") == ["arger", "im", "buro", "2024", "jpg"]


def test_the_best_match_comes_first_unless_an_ordering_is_asked(client: Client, db: None) -> None:
    asset("A wall", "misc/wall.jpg", camera="Leica M6")
    asset("Leica street", "misc/street.jpg", camera="Leica M6", lens="Leica Summicron")
    asset("B hall", "misc/hall.jpg", camera="Leica Q")
    assert found(client, "leica")[0] == "Leica street"
    assert found(client, "leica", ordering="relevance")[0] == "Leica street"
    assert found(client, "leica", ordering="title") == ["A wall", "B hall", "Leica street"]


def test_relevance_without_q_is_the_default_order_and_a_bad_ordering_is_400(
    client: Client, db: None
) -> None:
    for title in ("First", "Second", "Third"):
        asset(title, f"o/{title}.jpg")
    response = client.get(API, {"ordering": "relevance"})
    assert [i["title"] for i in response.json()["items"]] == ["Third", "Second", "First"]
    for bad in ("-relevance", "rank", "title,relevance"):
        response = client.get(API, {"q": "first", "ordering": bad})
        assert_error(response, 400)


def test_cursors_walk_a_ranked_result_with_ties_without_repeating_or_skipping(
    client: Client, db: None
) -> None:
    for i in range(23):  # equal documents but for the number: ranks tie
        asset(f"Harbour {i:02d}", f"harbour/{i:02d}.jpg")
    asset("Something else", "other/x.jpg")
    titles = [item["title"] for item in walk(client, {"q": "harbour", "page_size": "5"})]
    assert sorted(titles) == [f"Harbour {i:02d}" for i in range(23)]


def test_a_rename_a_processing_result_and_a_delete_reach_the_index(
    client: Client, db: None
) -> None:
    photo = asset("Untitled", "inbox/p.jpg")
    response = client.patch(
        f"{API}/{photo.pk}", {"title": "Sunset"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert found(client, "sunset") == ["Sunset"] and found(client, "untitled") == []
    # The worker stores metadata with a queryset update, not save(): still indexed.
    Asset.objects.filter(pk=photo.pk).update(media_metadata={"camera": "FUJIFILM X100V"})
    assert found(client, "fujifilm") == ["Sunset"]
    assert client.delete(f"{API}/{photo.pk}").status_code == 204
    assert found(client, "sunset") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {index.SQLITE_TABLE}")
            assert cursor.fetchone() == (0,)


def test_an_asset_is_found_by_the_names_of_its_collections_as_they_change(
    client: Client, db: None
) -> None:
    photo, other = asset("IMG_1", "inbox/1.jpg"), asset("IMG_2", "inbox/2.jpg")

    def send(method: str, url: str, body: Any) -> Any:
        response = client.generic(method, url, json.dumps(body), content_type="application/json")
        assert response.status_code in (200, 201, 204), response.content
        return response.json() if response.content else None

    album = send("POST", "/api/v1/collections", {"name": "Viagem a Belém"})
    send("POST", f"/api/v1/collections/{album['id']}/assets", {"asset_ids": [photo.pk]})
    assert found(client, "belem") == ["IMG_1"]
    send("PATCH", f"/api/v1/collections/{album['id']}", {"name": "Porto weekend"})
    assert found(client, "belem") == [] and found(client, "porto") == ["IMG_1"]
    send(
        "POST",
        "/api/v1/assets/bulk",
        {"ids": [other.pk], "action": "add_to_collection", "collection": album["id"]},
    )
    assert sorted(found(client, "porto weekend")) == ["IMG_1", "IMG_2"]
    send("DELETE", f"/api/v1/collections/{album['id']}/assets", {"asset_ids": [photo.pk]})
    assert found(client, "porto") == ["IMG_2"]
    send("DELETE", f"/api/v1/collections/{album['id']}", None)
    assert found(client, "porto") == []


def test_the_workers_stored_result_is_searchable(db: None) -> None:
    photo = asset("Untitled", "inbox/q.jpg")
    result = ProcessingResult(
        metadata={"width": 10, "height": 10, "camera": "Ricoh GR III"},
        thumbnail=Thumbnail(name="x-320.jpg", width=10, height=10),
        checksum="0" * 64,
    )
    assert worker._store_result(photo.pk, result)
    assert list(search_assets(Asset.objects.all(), "ricoh")) == [photo]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops triggers on rebuilds")
def test_after_a_migration_rebuilt_the_table_the_triggers_and_the_index_come_back(
    db: None,
) -> None:
    asset("Before", "x/before.jpg")
    with connection.cursor() as cursor:
        for trigger in index.SQLITE_TRIGGERS:  # what Django's table rebuild leaves
            cursor.execute(f"DROP TRIGGER {trigger}")
    asset("During", "x/during.jpg")  # not indexed: no trigger
    assert not search_assets(Asset.objects.all(), "during").exists()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert [a.title for a in search_assets(Asset.objects.all(), "before during")] == []
    assert search_assets(Asset.objects.all(), "during").get().title == "During"
    asset("After", "x/after.jpg")
    assert search_assets(Asset.objects.all(), "after").get().title == "After"


def test_a_search_reads_the_full_text_index(db: None) -> None:
    for i in range(50):
        asset(f"Street {i}", f"s/{i}.jpg")
    queryset = search_assets(Asset.objects.all(), "street", ranked=True)[:21]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A tiny table is rightly read whole: ask what it would do on a large one. (A
            # GIN index is read by bitmap scans, so plan_of's discouragement of those can't
            # be used here.)
            cursor.execute("SET enable_seqscan = off")
            try:
                plan = str(queryset.explain())
            finally:
                cursor.execute("RESET enable_seqscan")
        assert "asset_search_idx" in plan, plan
    else:
        plan = plan_of(queryset)
        assert "VIRTUAL TABLE INDEX" in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_a_search_with_a_filter_asks_the_full_text_index_once_not_once_per_row(
    db: None,
) -> None:
    ids = [asset(f"Clip {i}", f"v/{i}.mp4").pk for i in range(300)]
    Asset.objects.filter(pk__in=ids[:200]).update(media_type=MediaType.VIDEO)
    searched = search_assets(Asset.objects.filter(media_type=MediaType.VIDEO), "clip")
    # `=M`: a MATCH constrained by rowid, run again for every row the other index gives.
    assert ":=M" not in str(searched.order_by().explain())
    index.refresh_statistics(connection)
    ranked = search_assets(Asset.objects.filter(media_type=MediaType.VIDEO), "clip", ranked=True)
    assert ":=M" not in str(ranked.order_by().explain())
    assert ranked.count() == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum does this")
def test_an_import_and_the_hourly_task_refresh_the_planners_statistics(
    db: None, media_root: Any
) -> None:
    from assets.ingest.bulk_import import import_media
    from mam.celery import app
    from tests.media import make_jpeg

    def analyzed() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            return bool(cursor.fetchone()[0])

    assert not analyzed()
    make_jpeg(media_root / "a.jpg")
    with mock.patch("assets.jobs.tasks.process_asset_task.delay"):
        import_media([media_root], process=False)
    assert analyzed()
    schedule = app.conf.beat_schedule["refresh-statistics"]
    assert schedule["task"] == "assets.refresh_statistics" and schedule["schedule"] <= 3600
