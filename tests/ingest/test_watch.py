"""Watch folders (assets.ingest.watch): files that appear, change, move or vanish under the
media folder are registered, reprocessed, followed or marked missing once they settle; the
rescan finds what events missed; one watcher per installation.

The watcher's functions are driven directly with a fake clock and the events watchdog would
send; one test runs real inotify.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import redis
from django.core.management import call_command
from django.test import Client
from watchdog.events import (
    DirDeletedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
)

from accounts.models import AuditEntry
from assets import services
from assets.ingest import bulk_import, watch
from assets.ingest.watch import InstallationLock, Watcher
from assets.library import tags
from assets.models import Asset, AssetStatus, ProcessingStage
from assets.realtime import events
from mam.config import Config, ConfigError, MamConfig
from tests.factories import asset_for_file
from tests.media import make_jpeg

pytestmark = pytest.mark.django_db

JPEG_HEAD = b"\xff\xd8\xff\xe0" + b"\x00" * 60
LONG_AGO_NS = 1_600_000_000 * 10**9


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    return task_delay


@pytest.fixture
def clock() -> Clock:
    return Clock()


def committing(watcher: Watcher, capture: Any) -> Watcher:
    """Each step's on-commit work (enqueueing, events) done as the step ends, as it would be
    outside the test's transaction."""
    step = watcher.step

    def step_and_commit() -> watch.StepReport:
        with capture(execute=True):
            return step()

    watcher.step = step_and_commit  # type: ignore[method-assign]
    return watcher


@pytest.fixture
def watcher(clock: Clock, django_capture_on_commit_callbacks: Any) -> Watcher:
    """A watcher waiting 1 s (of the fake clock) for sizes to settle, on events only (its
    first rescan is pushed away; the rescan tests ask for it)."""
    built = committing(
        Watcher(settle=1.0, rescan_every=300.0, clock=clock), django_capture_on_commit_callbacks
    )
    built.next_rescan = float("inf")
    return built


@pytest.fixture
def since() -> Callable[[], list[dict[str, Any]]]:
    start = events.current_seq()

    def retained() -> list[dict[str, Any]]:
        return events.updates_after(start, limit=100_000)[0]

    return retained


def write(path: Path, content: bytes = JPEG_HEAD, *, old: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if old:  # as if copied in long ago: a rescan needs no wait for it
        os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    return path


def created(watcher: Watcher, path: Path) -> None:
    watcher.notice(FileCreatedEvent(str(path.resolve())))


def settle(watcher: Watcher, clock: Clock) -> watch.StepReport:
    """The first look at what was noticed, then a look once it held for `settle`."""
    first = watcher.step()
    clock.advance(watcher.settle)
    second = watcher.step()
    for name in ("registered", "changed", "missing", "found", "moved", "rejected"):
        setattr(second, name, getattr(first, name) + getattr(second, name))
    return second


def paths() -> set[str]:
    return set(Asset.objects.values_list("file_path", flat=True))


def test_a_new_file_is_registered_once_it_settled_and_queued_for_processing(
    watcher: Watcher, clock: Clock, media_root: Path, broker: mock.MagicMock
) -> None:
    created(watcher, write(media_root / "in" / "a.jpg"))

    assert not watcher.step()  # seen, but not yet still for a second
    clock.advance(0.5)
    assert not watcher.step()
    clock.advance(0.5)
    assert watcher.step().registered == 1

    asset = Asset.objects.get()
    assert asset.file_path == "in/a.jpg"
    assert asset.file_size == len(JPEG_HEAD)
    assert asset.status == AssetStatus.PENDING
    broker.assert_called_once_with(asset.pk)
    entry = AuditEntry.objects.get(asset_id=asset.pk)
    assert (entry.client, entry.actor_name) == ("watch_media", "watcher")


def test_files_arriving_together_are_registered_in_batches_not_one_by_one(
    watcher: Watcher, clock: Clock, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 50)  # 500 in production
    for n in range(120):
        created(watcher, write(media_root / "drop" / f"{n:04d}.jpg"))

    with mock.patch.object(
        services, "register_many", wraps=services.register_many
    ) as register_many:
        assert settle(watcher, clock).registered == 120

    assert Asset.objects.count() == 120
    assert register_many.call_count == 3


def test_a_file_still_growing_is_registered_only_once_it_stops(
    watcher: Watcher, clock: Clock, media_root: Path
) -> None:
    path = write(media_root / "copying.jpg")
    created(watcher, path)
    watcher.step()
    for _ in range(5):  # a slow copy: a few bytes more every 0.6 s, with or without events
        clock.advance(0.6)
        with path.open("ab") as handle:
            handle.write(b"\x00" * 1000)
        watcher.notice(FileModifiedEvent(str(path.resolve())))
        assert not watcher.step()
        clock.advance(0.6)
        with path.open("ab") as handle:
            handle.write(b"\x00" * 1000)
        assert not watcher.step()
    assert not Asset.objects.exists()

    clock.advance(1.0)
    assert watcher.step().registered == 1
    assert Asset.objects.get().file_size == len(JPEG_HEAD) + 10_000


def test_a_rewritten_file_is_processed_again_with_its_new_size_announced(
    watcher: Watcher,
    clock: Clock,
    media_root: Path,
    broker: mock.MagicMock,
    since: Callable[[], list[dict[str, Any]]],
) -> None:
    path = make_jpeg(media_root / "edit.jpg", size=(64, 48))
    created(watcher, path)
    settle(watcher, clock)
    asset = Asset.objects.get()
    Asset.objects.filter(pk=asset.pk).update(
        status=AssetStatus.READY, processing_stage=ProcessingStage.DONE, processing_progress=100
    )
    broker.reset_mock()

    make_jpeg(path, size=(640, 480))  # saved over by an editor
    watcher.notice(FileModifiedEvent(str(path.resolve())))
    assert settle(watcher, clock).changed == 1

    asset.refresh_from_db()
    assert asset.file_size == path.stat().st_size
    assert asset.file_mtime_ns == path.stat().st_mtime_ns
    assert asset.status == AssetStatus.PENDING
    assert asset.processing_stage == ProcessingStage.QUEUED
    broker.assert_called_once_with(asset.pk)
    updates = [m["data"] for m in since() if m["type"] == "asset_update"]
    assert {"asset_id": asset.pk, "file_size": asset.file_size, "missing_since": None} in updates

    watcher.notice(FileModifiedEvent(str(path.resolve())))  # touched, same bytes and mtime
    assert not settle(watcher, clock)


def test_a_vanished_file_is_marked_missing_and_cleared_when_it_is_back(
    watcher: Watcher,
    clock: Clock,
    media_root: Path,
    client: Client,
    since: Callable[[], list[dict[str, Any]]],
) -> None:
    path = write(media_root / "share" / "b.jpg")
    created(watcher, path)
    settle(watcher, clock)
    asset = Asset.objects.get()
    kept = path.read_bytes(), path.stat().st_mtime_ns

    path.unlink()
    watcher.notice(FileDeletedEvent(str(path.resolve())))
    assert settle(watcher, clock).missing == 1

    shown = client.get(f"/api/v1/assets/{asset.pk}").json()
    assert shown["missing_since"] is not None  # kept, and said to be missing
    [update] = [m["data"] for m in since() if m["type"] == "asset_update"]
    assert update == {"asset_id": asset.pk, "missing_since": shown["missing_since"]}

    path.write_bytes(kept[0])  # the mount is back
    os.utime(path, ns=(kept[1], kept[1]))
    created(watcher, path)
    assert settle(watcher, clock).found == 1
    assert client.get(f"/api/v1/assets/{asset.pk}").json()["missing_since"] is None
    assert since()[-1]["data"] == {"asset_id": asset.pk, "missing_since": None}


def test_a_file_deleted_and_written_again_at_once_is_not_marked_missing(
    watcher: Watcher, clock: Clock, media_root: Path
) -> None:
    path = write(media_root / "c.jpg")
    created(watcher, path)
    settle(watcher, clock)
    path.unlink()
    watcher.notice(FileDeletedEvent(str(path.resolve())))
    watcher.step()
    clock.advance(0.3)
    write(path)
    created(watcher, path)
    settle(watcher, clock)
    assert Asset.objects.get().missing_since is None


def test_a_renamed_file_keeps_its_asset_tags_and_all(
    watcher: Watcher, clock: Clock, media_root: Path
) -> None:
    old = write(media_root / "inbox" / "IMG_0001.jpg")
    created(watcher, old)
    settle(watcher, clock)
    asset = Asset.objects.get()
    tags.set_tags(asset_id=asset.pk, names=["beach"])

    new = media_root / "2024" / "beach.jpg"
    new.parent.mkdir()
    old.rename(new)
    watcher.notice(FileMovedEvent(str(old.resolve()), str(new.resolve())))
    assert settle(watcher, clock).moved == 1

    moved = Asset.objects.get()
    assert moved.pk == asset.pk
    assert (moved.file_path, moved.title) == ("2024/beach.jpg", "beach")
    assert moved.tag_list == ["beach"]
    assert moved.missing_since is None


def test_a_deleted_folder_marks_every_asset_below_it_missing(
    watcher: Watcher, clock: Clock, media_root: Path
) -> None:
    for name in ("a.jpg", "b.jpg", "deep/c.jpg"):
        created(watcher, write(media_root / "trip" / name))
    created(watcher, write(media_root / "trip2" / "d.jpg"))
    settle(watcher, clock)

    for path in sorted((media_root / "trip").rglob("*.jpg")):
        path.unlink()
    (media_root / "trip" / "deep").rmdir()
    (media_root / "trip").rmdir()
    watcher.notice(DirDeletedEvent(str((media_root / "trip").resolve())))  # no file events
    assert settle(watcher, clock).missing == 3

    assert set(
        Asset.objects.filter(missing_since__isnull=False).values_list("file_path", flat=True)
    ) == {"trip/a.jpg", "trip/b.jpg", "trip/deep/c.jpg"}


def test_the_rescan_finds_what_happened_while_nobody_watched(
    clock: Clock,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = Watcher(settle=1.0, rescan_every=300.0, clock=clock)
        for n in range(20):
            write(media_root / "old" / f"{n}.jpg", old=True)
        assert first.step().registered == 20  # the first step rescans: nothing to wait for
        # The watcher stops; meanwhile files come, change and go.
        write(media_root / "new" / "n1.jpg", old=True)
        write(media_root / "new" / "n2.jpg")  # just written: waits to settle
        (media_root / "old" / "0.jpg").unlink()
        write(media_root / "old" / "1.jpg", JPEG_HEAD + b"more", old=True)
        Asset.objects.filter(file_path="old/2.jpg").update(missing_since="2026-01-01T00:00Z")

        second = Watcher(settle=1.0, rescan_every=300.0, clock=clock)
        with django_assert_max_num_queries(1):  # one walk and one query, however many
            second.rescan()
        report = second.step()
        assert (report.registered, report.changed, report.found) == (1, 1, 1)
        clock.advance(1.0)
        report = second.step()
        assert (report.registered, report.missing) == (1, 1)

    assert {"new/n1.jpg", "new/n2.jpg"} <= paths()
    assert Asset.objects.get(file_path="old/0.jpg").missing_since is not None
    assert Asset.objects.get(file_path="old/1.jpg").file_size == len(JPEG_HEAD) + 4
    assert Asset.objects.get(file_path="old/2.jpg").missing_since is None
    assert Asset.objects.filter(missing_since__isnull=False).count() == 1

    clock.advance(300.0)  # the next rescan is due by itself, and finds nothing more
    probe = redis.Redis.from_url(Config.REDIS_URL)
    probe.delete(watch.last_rescan_key())
    again = second.step()
    assert again.rescanned and not again
    # What /health reads to tell a watcher that stopped rescanning.
    assert float(probe.get(watch.last_rescan_key()) or 0) == pytest.approx(time.time(), abs=5)


def test_partial_uploads_hidden_and_temporary_files_are_ignored(
    watcher: Watcher, clock: Clock, media_root: Path
) -> None:
    ignored = [
        Config.partial_dir / "a1b2c3.jpg",
        Config.incoming_dir / "upload.jpg",
        media_root / ".hidden.jpg",
        media_root / ".sync" / "x.jpg",
        media_root / "photo.jpg.part",
        media_root / "photo.jpg.crdownload",
        media_root / "notes.txt",
    ]
    for path in ignored:
        created(watcher, write(path))
    created(watcher, write(media_root / "kept.jpg"))
    settle(watcher, clock)
    watcher.next_rescan = clock()
    settle(watcher, clock)  # and the rescan does not see them either

    assert paths() == {"kept.jpg"}


def test_uploads_register_themselves_and_their_deletion_is_watched(
    watcher: Watcher, clock: Clock, media_root: Path
) -> None:
    stored = write(Config.upload_dir / "upload.jpg")  # stored by an upload, registered by it
    created(watcher, write(Config.upload_dir / "orphan.jpg"))  # stored, never registered
    created(watcher, stored)
    watcher.next_rescan = clock()
    settle(watcher, clock)
    assert not Asset.objects.exists()  # never the watcher's to register: no race with it

    services.register_asset(file_path="uploads/upload.jpg")
    stored.unlink()
    watcher.notice(FileDeletedEvent(str(stored.resolve())))
    assert settle(watcher, clock).missing == 1


def test_a_refused_file_is_not_tried_again_until_it_changes(
    watcher: Watcher, clock: Clock, media_root: Path
) -> None:
    path = write(media_root / "broken.jpg", b"not a jpeg at all")
    created(watcher, path)
    assert settle(watcher, clock).rejected == 1
    watcher.next_rescan = clock()
    assert not settle(watcher, clock)  # the rescan remembers the refusal

    write(path)  # fixed
    created(watcher, path)
    assert settle(watcher, clock).registered == 1


def test_real_inotify_events_reach_the_watcher(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    live = Watcher(settle=0.1, rescan_every=300.0)
    live.next_rescan = float("inf")
    assert live.start_events()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            write(media_root / "live" / "a.jpg")  # a folder made after the watch started
            deadline = time.monotonic() + 10
            while not Asset.objects.exists() and time.monotonic() < deadline:
                live.step()
                time.sleep(0.05)
    finally:
        live.stop_events()
    assert paths() == {"live/a.jpg"}


@pytest.fixture
def lock_key() -> Iterator[str]:
    client = redis.Redis.from_url(Config.REDIS_URL)
    client.delete(watch.lock_key())
    yield watch.lock_key()
    client.delete(watch.lock_key())


def test_one_watcher_per_installation_and_a_standby_takes_over(lock_key: str) -> None:
    first, second = InstallationLock(), InstallationLock()
    assert first.hold()
    assert not second.hold()
    assert first.hold()  # renewed
    first.release()
    assert second.hold()
    redis.Redis.from_url(Config.REDIS_URL).delete(lock_key)  # as if it had expired
    assert first.hold()
    assert not second.hold()  # the old holder does not renew a lock it lost
    first.release()


def test_a_second_watcher_does_nothing_while_the_first_holds_the_lock(
    lock_key: str, clock: Clock, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    write(media_root / "a.jpg", old=True)
    holder = InstallationLock()
    assert holder.hold()
    rounds = iter(range(3))

    def three_rounds() -> bool:
        return next(rounds, None) is None

    standby = Watcher(settle=0.0, rescan_every=300.0, clock=clock)
    standby.run(three_rounds, events=False, sleep=lambda _: None)
    assert not Asset.objects.exists()

    holder.release()
    rounds = iter(range(3))
    with django_capture_on_commit_callbacks(execute=True):
        standby.run(three_rounds, events=False, sleep=lambda _: None)
    assert paths() == {"a.jpg"}
    assert redis.Redis.from_url(Config.REDIS_URL).get(lock_key) is None  # released on stop


def test_watch_media_once_registers_what_settled_and_idles_when_mam_watch_is_off(
    media_root: Path, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    write(media_root / "x" / "1.jpg", old=True)
    write(media_root / "x" / "2.jpg", old=True)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("watch_media", "--once", "--settle", "0", stdout=out)
    assert "registered 2" in out.getvalue()
    assert paths() == {"x/1.jpg", "x/2.jpg"}

    # Off: it idles (a restart policy would only start it again) until SIGTERM.
    monkeypatch.setattr(Config, "WATCH", False)
    write(media_root / "x" / "3.jpg", old=True)
    out = io.StringIO()
    stop = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    stop.start()
    call_command("watch_media", stdout=out)
    stop.join()
    assert "MAM_WATCH=off: not watching" in out.getvalue()
    assert "x/3.jpg" not in paths()


@pytest.mark.parametrize(
    ("raw", "expected"), [("", None), ("on", True), (" ON ", True), ("1", True), ("off", False)]
)
def test_mam_watch_is_on_off_or_unset(tmp_path: Path, raw: str, expected: bool | None) -> None:
    built = MamConfig.from_env({"DATA_DIR": str(tmp_path), "MAM_WATCH": raw})
    assert built.WATCH is expected
    assert built.WATCH_RESCAN_SECONDS == 300
    assert built.WATCH_SETTLE_SECONDS == 1


def test_a_bad_mam_watch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match='MAM_WATCH must be "on" or "off"'):
        MamConfig.from_env({"DATA_DIR": str(tmp_path), "MAM_WATCH": "sometimes"})


def test_assets_registered_before_mtimes_were_stored_are_not_all_processed_again(
    watcher: Watcher, clock: Clock, media_root: Path
) -> None:
    path = write(media_root / "legacy.jpg", old=True)
    asset_for_file(path, "legacy.jpg", file_mtime_ns=0)
    watcher.next_rescan = clock()
    assert not settle(watcher, clock)  # same size, unknown mtime: the same file
