"""Watch folders: files that appear, change or vanish under MEDIA_BASE_PATH are registered,
processed again or marked missing, by themselves (`manage.py watch_media`; `make run` starts
it when MAM_WATCH is on).

Events come from inotify through watchdog; they only say which paths to look at. Every path
waits until its size and mtime stayed the same for `settle` seconds (a file still being
copied is not registered half-written), then all paths ready in one step are handled
together: new files through `import_media`'s batches (a thousand files arriving are a few
INSERTs, not a thousand), rewritten files through `reprocess`, vanished files marked
missing (the asset is kept: a network mount may come back), files back from missing
cleared. A file renamed or moved inside the media folder keeps its asset when the new path
has the old file's size and mtime (a rename keeps both): its tags and collections follow it.

Events can be missed (a network mount's changes made elsewhere, a full inotify queue, the
watcher not running), so a rescan every `rescan_every` seconds walks the tree once, reads the
registered paths in one query, and queues what differs. Exactly one watcher is active per
installation (a lock in Redis, as for the beat scheduler); a second one stands by.

Ignored: hidden files and folders (so the uploads' `.partial` and `.incoming` folders, rsync's
temporary files, `.DS_Store`), temporary suffixes, unsupported types, and MAM's own data
folders should they lie inside the media folder. New files in the uploads folder are left to
the upload that stored them (it registers them itself); their changes and deletions are
watched like any others.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from django.db import DatabaseError, IntegrityError, close_old_connections, connection
from redis.exceptions import LockError
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from assets import services
from assets.ingest.bulk_import import AuditedAs, Outcome, import_media, walk
from assets.ingest.mediatypes import is_supported_name
from assets.models import Asset
from mam.config import Config
from mam.redis_clients import Purpose, redis_client, redis_key

logger = logging.getLogger("mam.watch")
system_logger = logging.getLogger("mam.system")

# A dead watcher's lock expires after this; a standby then takes over.
LOCK_SECONDS = 30
STANDBY_POLL_SECONDS = 5.0
# Paths handled per step: a step stays short, so the lock is renewed and events are read.
MAX_READY_PER_STEP = 2000
QUERY_BATCH = 500
# Names of files still being written by common tools (browsers, rsync --partial, editors).
TEMPORARY_SUFFIXES = (
    ".part",
    ".partial",
    ".crdownload",
    ".download",
    ".tmp",
    ".temp",
    ".swp",
    ".filepart",
    "~",
)
# What a watched file looks like at one moment: its size and mtime in nanoseconds.
Signature = tuple[int, int]
# Only these events say a path may have changed; opening and reading (a worker processing
# the file) are not asked for at all.
WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


# The audit log's entry for a file the watcher registered.
AUDITED_AS = AuditedAs(client="watch_media", actor_name="watcher")


def lock_key() -> str:
    return redis_key("watch", "lock")


def last_rescan_key() -> str:
    """When the active watcher last finished a rescan (a Unix time): /health reads it."""
    return redis_key("watch", "last-rescan")


class InstallationLock:
    """The watcher's lock in Redis: held by one process, renewed while it runs, expiring
    LOCK_SECONDS after it stops renewing (redis-py's token lock: only the holder renews)."""

    def __init__(self, seconds: float = LOCK_SECONDS) -> None:
        self.lock = redis_client(Purpose.HEARTBEAT).lock(
            lock_key(), timeout=seconds, thread_local=False
        )
        self.held = False

    def hold(self) -> bool:
        """Takes or renews the lock; False when another process holds it (or Redis is down)."""
        try:
            if self.held:
                try:
                    self.lock.reacquire()
                    return True
                except LockError:  # expired and perhaps taken: ask again like anyone else
                    self.held = False
            self.held = bool(self.lock.acquire(blocking=False))
        except redis.RedisError as exc:
            logger.warning("watcher lock unavailable: %s", exc)
            self.held = False
        return self.held

    def release(self) -> None:
        if self.held:
            self.held = False
            try:
                self.lock.release()
            except redis.RedisError as exc:  # LockError is one: it expired meanwhile
                logger.warning("could not release the watcher lock: %s", exc)


def _inside(path: Path, root: Path) -> str | None:
    """`path` relative to root (forward slashes) when it lies inside, else None."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def _differs(signature: Signature, size: int, mtime_ns: int) -> bool:
    """Whether the file is no longer the one registered. An mtime of 0 is unknown (assets
    registered before it was stored): the size alone decides, as for the worker."""
    return signature[0] != size or (mtime_ns != 0 and signature[1] != mtime_ns)


def _drop_stale_connection() -> None:
    """A long-lived process: a connection past CONN_MAX_AGE or broken (the database
    restarted) is closed, and the next query opens a new one. Never inside a transaction
    (a test's own)."""
    if not connection.in_atomic_block:
        close_old_connections()


@dataclass
class _Candidate:
    """A path to look at: what it looked like when last seen, and since when."""

    signature: Signature | None  # None: gone (or not a regular file)
    since: float  # the last event, or the last time it looked different


@dataclass
class StepReport:
    """What one step did (for tests, logs and the benchmark)."""

    registered: int = 0
    changed: int = 0
    missing: int = 0
    found: int = 0
    moved: int = 0
    rejected: int = 0
    rescanned: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.registered + self.changed + self.missing + self.found + self.moved + self.rejected
        )


class _Handler(FileSystemEventHandler):
    """Runs in watchdog's thread: only queues the event for the watcher's own thread."""

    def __init__(self, queue: deque[FileSystemEvent]) -> None:
        self.queue = queue

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.queue.append(event)


@dataclass
class Watcher:
    """One watch of the media folder. `step()` does one round of work; `run()` loops with
    the installation lock. Tests drive `notice`/`rescan`/`step` directly with a fake clock."""

    settle: float = field(default_factory=lambda: float(Config.WATCH_SETTLE_SECONDS))
    rescan_every: float = field(default_factory=lambda: float(Config.WATCH_RESCAN_SECONDS))
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        # import_media names files relative to the same real path.
        self.root = Config.MEDIA_BASE_PATH.resolve()
        self.pending: dict[str, _Candidate] = {}
        # A move seen as one event: where the file went -> where it was.
        self.moves: dict[str, str] = {}
        # Folders that vanished: the assets below them are looked at.
        self.gone_folders: set[str] = set()
        # Files refused at registration, as they were then: not tried again until changed.
        self.rejected: dict[str, Signature] = {}
        self.events: deque[FileSystemEvent] = deque()
        self.observer: BaseObserver | None = None
        self.next_rescan = self.clock()  # the first step rescans
        self._own_folders = [
            rel
            for folder in (Config.DATA_DIR, Config.THUMBNAIL_DIR, Config.LOG_DIR)
            if (rel := _inside(folder.resolve(), self.root)) is not None
        ]
        self._uploads = _inside(Config.upload_dir.resolve(), self.root)

    # What is watched -------------------------------------------------------------------

    def ignored(self, relative: str) -> bool:
        """Hidden (any part starting with a dot), temporary, or one of MAM's own folders."""
        parts = relative.split("/")
        if any(part.startswith(".") for part in parts):
            return True
        if parts[-1].lower().endswith(TEMPORARY_SUFFIXES) or parts[-1].startswith("~$"):
            return True
        return any(relative == own or relative.startswith(own + "/") for own in self._own_folders)

    def registers(self, relative: str) -> bool:
        """Whether a new file here is the watcher's to register. Not in the uploads folder:
        an upload registers itself the moment it is stored, and a watcher that got there
        first (a slow database) would make the upload fail and remove its file."""
        return self._uploads is None or not relative.startswith(self._uploads + "/")

    def wanted(self, relative: str) -> bool:
        """A file the watcher registers: supported, not ignored, a name MAM can store."""
        if not relative or self.ignored(relative) or not is_supported_name(relative):
            return False
        try:
            relative.encode("utf-8")
        except UnicodeError:  # a name that is not UTF-8: import_media says why it can't
            return False
        return True

    # Events ------------------------------------------------------------------------------

    def start_events(self) -> bool:
        """Starts inotify (through watchdog) on the whole tree. False when it cannot (the
        kernel's inotify watch limit, a file system without events): rescans only, then."""
        handler = _Handler(self.events)
        observer = Observer()
        try:
            observer.schedule(handler, str(self.root), recursive=True, event_filter=WATCHED_EVENTS)
            observer.start()
        except OSError as exc:
            logger.warning(
                "no file events for %s (%s): changes are found by the rescan every %g s only",
                self.root,
                exc,
                self.rescan_every,
            )
            return False
        self.observer = observer
        return True

    def stop_events(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)
            self.observer = None

    def reset(self) -> None:
        """Starts afresh (a watcher that just took the lock): nothing queued from before, and
        the next step rescans, so what changed while nobody watched is found."""
        self.events.clear()
        self.pending.clear()
        self.moves.clear()
        self.gone_folders.clear()
        self.next_rescan = self.clock()

    def notice(self, event: FileSystemEvent) -> None:
        """Queues one event (thread-safe: called from watchdog's thread)."""
        self.events.append(event)

    def touch(
        self, relative: str, signature: Signature | None = None, *, old: bool = False
    ) -> None:
        """Looks at the path again before acting on it. `old`: a rescan saw it with this
        signature and an mtime older than `settle`: ready at once if it is still so."""
        now = self.clock()
        candidate = self.pending.get(relative)
        if candidate is None:
            self.pending[relative] = _Candidate(signature, now - self.settle if old else now)
        else:
            candidate.since = now

    def _relative(self, raw: str | bytes) -> str | None:
        return _inside(Path(os.fsdecode(raw)), self.root)

    def _drain(self) -> None:
        while self.events:
            event = self.events.popleft()
            src = self._relative(event.src_path)
            dest = self._relative(event.dest_path) if event.dest_path else None
            if event.is_directory:
                if isinstance(event, (DirDeletedEvent, DirMovedEvent)) and src:
                    self.gone_folders.add(src)
                target = dest if isinstance(event, DirMovedEvent) else src
                if isinstance(event, (DirCreatedEvent, DirMovedEvent)) and target:
                    self._touch_folder(target)
                continue
            if isinstance(event, FileMovedEvent):
                if src and dest and self.wanted(src) and self.wanted(dest):
                    self.moves[dest] = src
                for path in (src, dest):
                    if path and self.wanted(path):
                        self.touch(path)
            elif src and self.wanted(src):
                self.touch(src)

    def _touch_folder(self, relative: str) -> None:
        """A folder that appeared (made, moved or copied in): every file below it."""
        if self.ignored(relative):
            return
        base = self.root / relative
        for entry in walk(base, self._prune):
            rel = _inside(Path(entry.path if isinstance(entry, os.DirEntry) else entry), self.root)
            if rel and self.wanted(rel):
                self.touch(rel)

    def _prune(self, path: str) -> bool:
        rel = _inside(Path(path), self.root)
        return rel is None or self.ignored(rel)

    # Steps -------------------------------------------------------------------------------

    def _look(self, relative: str) -> Signature | None:
        try:
            st = os.stat(self.root / relative)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return st.st_size, st.st_mtime_ns

    def _ready(self) -> tuple[dict[str, Signature], list[str]]:
        """Paths whose state held for `settle` seconds: (present with signature, gone)."""
        now = self.clock()
        present: dict[str, Signature] = {}
        gone: list[str] = []
        for relative, candidate in list(self.pending.items()):
            signature = self._look(relative)
            if signature != candidate.signature:
                candidate.signature, candidate.since = signature, now
            if now - candidate.since < self.settle:
                continue
            del self.pending[relative]
            if signature is None:
                gone.append(relative)
            else:
                present[relative] = signature
            if len(present) + len(gone) >= MAX_READY_PER_STEP:
                break
        return present, gone

    def step(self) -> StepReport:
        """One round: reads the events, rescans when due, acts on every path that settled."""
        report = StepReport()
        self._drain()
        if self.clock() >= self.next_rescan:
            self.rescan()
            report.rescanned = True
        if self.gone_folders:
            self._touch_gone_folders()
        present, gone = self._ready()
        if present or gone:
            self._act(present, gone, report)
        if report:
            logger.info(
                "watch: %s registered, %s changed, %s moved, %s missing, %s back, %s refused",
                report.registered,
                report.changed,
                report.moved,
                report.missing,
                report.found,
                report.rejected,
            )
        return report

    def _touch_gone_folders(self) -> None:
        folders, self.gone_folders = self.gone_folders, set()
        for folder in folders:
            below = Asset.objects.filter(file_path__startswith=folder + "/").values_list(
                "file_path", flat=True
            )
            for relative in below.iterator(chunk_size=2000):
                self.touch(relative)

    def _act(self, present: dict[str, Signature], gone: list[str], report: StepReport) -> None:
        sources = {self.moves[d] for d in present if d in self.moves}
        wanted = [*present, *gone, *sources]
        rows: dict[str, Asset] = {}
        for start in range(0, len(wanted), QUERY_BATCH):  # within any SQLite's variable limit
            rows.update(
                (a.file_path, a)
                for a in Asset.objects.filter(
                    file_path__in=wanted[start : start + QUERY_BATCH]
                ).only("id", "title", "file_path", "file_size", "file_mtime_ns", "missing_since")
            )
        gone_set = set(gone)
        new: list[str] = []
        changed: list[Asset] = []
        found: list[int] = []
        for relative, signature in present.items():
            source = self.moves.pop(relative, None)
            known = rows.get(relative)
            if known is None and source is not None and self._relocate(source, relative, rows):
                gone_set.discard(source)
                report.moved += 1
                continue
            if known is None:
                if self.rejected.get(relative) != signature and self.registers(relative):
                    new.append(relative)
            elif _differs(signature, known.file_size, known.file_mtime_ns):
                changed.append(known)
            elif known.missing_since is not None:
                found.append(known.pk)
        missing = [rows[r].pk for r in gone_set if r in rows and rows[r].missing_since is None]
        if new:
            self._register(new, present, report)
        if changed:
            assets = list(Asset.objects.filter(pk__in=[a.pk for a in changed]))
            report.changed = len(services.reprocess_changed(assets))
        if found:
            report.found = len(services.mark_found(found))
        if missing:
            report.missing = len(services.mark_missing(missing))

    def _relocate(self, source: str, dest: str, rows: dict[str, Asset]) -> bool:
        """Keeps the asset of a moved file: only when nothing is at the old path any more and
        the new file is the old one (a rename keeps size and mtime)."""
        asset = rows.get(source)
        if asset is None or os.path.lexists(self.root / source):
            return False
        if self._look(dest) != (asset.file_size, asset.file_mtime_ns):
            return False
        try:
            services.relocate_asset(asset_id=asset.pk, file_path=dest)
        except IntegrityError:  # registered meanwhile by someone else
            return False
        rows.pop(source, None)
        self.pending.pop(source, None)
        return True

    def _register(self, new: list[str], present: dict[str, Signature], report: StepReport) -> None:
        """import_media's own batches (one existence query, sniffing and one INSERT per
        500 files), each file given as a root of its own. A refused file is remembered as it
        is, and tried again only once it changes."""

        def notify(outcome: Outcome, relative: str, reason: str | None) -> None:
            if outcome is Outcome.ADDED:
                report.registered += 1
            elif outcome is Outcome.REJECTED:
                report.rejected += 1
                if relative in present:
                    self.rejected[relative] = present[relative]
                logger.info("watch: not registering %s: %s", relative, reason)

        for relative in new:
            self.rejected.pop(relative, None)
        import_media([self.root / r for r in new], notify=notify, audit_as=AUDITED_AS)

    # Rescan ------------------------------------------------------------------------------

    def rescan(self) -> None:
        """One pass over the tree and one query over the registered paths: queues every file
        that is new, changed or back, and every registered one that is gone."""
        self.next_rescan = self.clock() + self.rescan_every
        if not self.root.is_dir():
            # An unmounted network share must not make the whole library missing... unless
            # that is the truth; the folder itself missing is more likely a mount problem.
            logger.warning("watch: %s is not a folder; rescan skipped", self.root)
            return
        started = time.monotonic()
        on_disk: dict[str, Signature] = {}
        wall_settled = time.time_ns() - int(self.settle * 1e9)
        old: set[str] = set()
        for entry in walk(self.root, self._prune):
            if not isinstance(entry, os.DirEntry):
                continue
            relative = _inside(Path(entry.path), self.root)
            if not relative or not self.wanted(relative):
                continue
            try:
                st = entry.stat()  # a symlink's target (import_media stores its real path)
            except OSError:
                continue
            if entry.is_symlink():
                try:
                    real = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):
                    continue
                relative = _inside(real, self.root)
                if relative is None:
                    continue
            if not stat.S_ISREG(st.st_mode):
                continue
            on_disk[relative] = (st.st_size, st.st_mtime_ns)
            if st.st_mtime_ns <= wall_settled:
                old.add(relative)
        unseen: list[str] = []
        queued = 0
        known = Asset.objects.values_list(
            "file_path", "file_size", "file_mtime_ns", "missing_since"
        )
        for relative, size, mtime_ns, missing_since in known.iterator(chunk_size=5000):
            signature = on_disk.pop(relative, None)
            if signature is None:
                if missing_since is None:
                    unseen.append(relative)
            elif _differs(signature, size, mtime_ns) or missing_since is not None:
                self.touch(relative, signature, old=relative in old)
                queued += 1
        for relative, signature in on_disk.items():  # not registered yet
            if self.rejected.get(relative) != signature and self.registers(relative):
                self.touch(relative, signature, old=relative in old)
                queued += 1
        for relative in unseen:  # pruned (hidden) or really gone: the file system decides
            if not os.path.lexists(self.root / relative):
                self.touch(relative)
                queued += 1
        logger.info(
            "watch: rescan of %s in %.2f s: %s paths to look at",
            self.root,
            time.monotonic() - started,
            queued,
        )
        with contextlib.suppress(redis.RedisError):  # health's figure only
            redis_client(Purpose.HEARTBEAT).set(last_rescan_key(), time.time())

    # The loop ----------------------------------------------------------------------------

    def run(
        self,
        should_stop: Callable[[], bool],
        *,
        lock: InstallationLock | None = None,
        events: bool = True,
        tick: float | None = None,
        standby_poll: float = STANDBY_POLL_SECONDS,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        """Watches until `should_stop()`: active while holding the installation's lock (a
        second watcher stands by and takes over within LOCK_SECONDS of the first stopping)."""
        lock = lock or InstallationLock()
        tick = tick if tick is not None else max(0.05, min(0.25, self.settle / 4 or 0.25))
        active = False
        renew_at = 0.0
        try:
            while not should_stop():
                now = self.clock()
                if not active or now >= renew_at:
                    held = lock.hold()
                    renew_at = now + LOCK_SECONDS / 6
                    if held and not active:
                        system_logger.info("watcher active on %s (holds the lock)", self.root)
                        self.reset()
                        if events:
                            self.start_events()
                    elif active and not held:
                        system_logger.info("watcher standing by (lost the lock)")
                        self.stop_events()
                    active = held
                if not active:
                    sleep(standby_poll)
                    continue
                _drop_stale_connection()
                try:
                    self.step()
                except (DatabaseError, redis.RedisError, OSError) as exc:
                    # The database or Redis restarting: wait and carry on (crashing would
                    # make the launcher's crash-loop rule give up on the whole system).
                    logger.warning("watch: step failed, trying again shortly: %s", exc)
                    _drop_stale_connection()
                    sleep(standby_poll)
                    continue
                sleep(tick)
        finally:
            self.stop_events()
            lock.release()
