"""Bulk import: walk directories under MEDIA_BASE_PATH and register every supported file.

Built for big libraries: os.scandir one directory at a time (constant memory), stat and sniff
only (the heavy work is the workers'), a database existence check and one INSERT per batch.
Directory symlinks are never followed, so the walk cannot leave the media folder or loop; a
file symlink is registered under its real path when that lies inside the media folder.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import connection

from accounts import audit
from accounts.models import AuditAction
from assets import selectors, services
from assets.ingest.errors import FileMissing, FileRejected, OutsideMediaFolder
from assets.ingest.mediatypes import format_for_name, is_supported_name
from assets.ingest.paths import (
    MediaFile,
    check_relative_path,
    inspect_file,
    relative_to_base,
    resolve_inside_base,
)
from assets.library import index
from mam.config import Config

BATCH_SIZE = 500


class ImportPathError(ValueError):
    """A PATH given to the import is outside MEDIA_BASE_PATH or does not exist."""


class Outcome(StrEnum):
    ADDED = "added"
    SKIPPED = "skipped"  # already registered
    IGNORED = "ignored"  # not a supported type
    REJECTED = "rejected"  # supported name, but unusable content or file
    EXCLUDED = "excluded"  # matched an --exclude pattern


@dataclass
class ImportReport:
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))

    def add(self, outcome: Outcome, n: int = 1) -> None:
        self.counts[outcome] += n

    def __getitem__(self, outcome: Outcome) -> int:
        return self.counts[outcome]

    def summary(self, *, dry_run: bool = False) -> str:
        added = "would add" if dry_run else "added"
        parts = [
            f"{added} {self[Outcome.ADDED]}",
            f"skipped {self[Outcome.SKIPPED]}",
            f"ignored {self[Outcome.IGNORED]}",
            f"rejected {self[Outcome.REJECTED]}",
        ]
        if self[Outcome.EXCLUDED]:
            parts.append(f"excluded {self[Outcome.EXCLUDED]}")
        return ", ".join(parts)


@dataclass(frozen=True)
class AuditedAs:
    """Who the audit log says registered the files: the command's operator, or the user who
    started an import job from the API."""

    client: str
    actor_name: str
    detail: dict[str, Any] = field(default_factory=dict)


def as_operator() -> AuditedAs:
    return AuditedAs("import_media", audit.operator_name())


# Called once per file: its outcome, its path relative to the media folder, and for a
# rejection the reason.
ProgressCallback = Callable[[Outcome, str, str | None], None]


def resolve_import_root(raw: str) -> Path:
    """A PATH argument (relative to MEDIA_BASE_PATH, or absolute inside it) as a real path."""
    base = Config.MEDIA_BASE_PATH.resolve()
    outside = f"{raw}: outside the media folder ({Config.MEDIA_BASE_PATH}); refusing to import"
    if raw.strip() in {"", ".", "./"}:
        return base
    if os.path.isabs(raw):
        try:
            resolved = Path(raw).resolve(strict=True)
        except FileNotFoundError:
            if not Path(os.path.normpath(raw)).is_relative_to(base):
                raise ImportPathError(outside) from None
            raise ImportPathError(f"{raw}: no such file or directory") from None
        except (OSError, RuntimeError):
            raise ImportPathError(f"{raw}: cannot be accessed") from None
        if not resolved.is_relative_to(base):
            raise ImportPathError(outside)
        return resolved
    try:
        return resolve_inside_base(check_relative_path(raw.rstrip("/") or raw), raw)
    except OutsideMediaFolder:
        raise ImportPathError(outside) from None
    except FileMissing:
        raise ImportPathError(f"{raw}: no such file or directory") from None
    except FileRejected as exc:
        raise ImportPathError(f"{raw}: {exc.message}") from None


def walk(
    root: Path, prune: Callable[[str], bool] | None = None
) -> Iterator[os.DirEntry[str] | Path]:
    """Every non-directory entry below root, depth first, without following directory
    symlinks; holds one open directory per level and never the whole listing.

    `prune(path)` True for a directory skips everything below it.
    """
    if not root.is_dir():
        yield root
        return
    stack: list[Iterator[os.DirEntry[str]]] = []
    try:
        stack.append(os.scandir(root))
    except OSError:
        return
    while stack:
        top = stack[-1]
        entry = next(top, None)
        if entry is None:
            top.close()  # type: ignore[attr-defined]
            stack.pop()
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if prune is not None and prune(entry.path):
                continue
            try:
                stack.append(os.scandir(entry.path))
            except OSError:
                continue  # unreadable directory: nothing below it can be registered
        elif entry.is_symlink() and entry.is_dir():
            continue  # a directory symlink: not followed (loops, or a way out of the base)
        else:
            yield entry


def count_files(roots: Sequence[Path], excludes: Sequence[str] = ()) -> int:
    """How many entries the import will look at (a names-only pass, for the progress bar)."""
    prune = _pruner(excludes)
    return sum(1 for root in roots for _ in walk(root, prune))


class _Batch:
    """Supported files waiting for one existence query, their sniffing, and one INSERT."""

    def __init__(
        self,
        *,
        dry_run: bool,
        process: bool,
        report: ImportReport,
        notify: ProgressCallback,
        audit_as: AuditedAs,
    ) -> None:
        self.dry_run, self.process, self.report, self.notify = dry_run, process, report, notify
        self.audit_as = audit_as
        self.items: list[tuple[str, Path, bool]] = []  # (relative path, path, is a symlink)

    def add(self, relative: str, path: Path, is_symlink: bool) -> None:
        self.items.append((relative, path, is_symlink))
        if len(self.items) >= BATCH_SIZE:
            self.flush()

    def _reject(self, relative: str, reason: str) -> None:
        self.report.add(Outcome.REJECTED)
        self.notify(Outcome.REJECTED, relative, reason)

    def _skip(self, relative: str) -> None:
        self.report.add(Outcome.SKIPPED)
        self.notify(Outcome.SKIPPED, relative, None)

    def flush(self) -> None:
        items, self.items = self.items, []
        if not items:
            return
        located: list[tuple[str, str, Path]] = []  # (shown path, stored path, real path)
        for relative, path, is_symlink in items:
            stored, real = relative, path
            if is_symlink:
                try:
                    real = resolve_inside_base(relative, relative)
                    stored = relative_to_base(real)
                except FileRejected as exc:
                    self._reject(relative, exc.message)
                    continue
            located.append((relative, stored, real))
        registered = selectors.registered_paths([stored for _, stored, _ in located])
        media: list[tuple[str, MediaFile]] = []
        seen: set[str] = set()
        for relative, stored, real in located:
            if stored in registered or stored in seen:
                self._skip(relative)
                continue
            seen.add(stored)
            try:
                found = inspect_file(real, raw=relative, fmt=format_for_name(real.name))
            except FileRejected as exc:
                self._reject(relative, exc.message)
                continue
            media.append((relative, found))
        if self.dry_run:
            added = {m.relative_path for _, m in media}
        else:
            created = services.register_many([m for _, m in media], enqueue=self.process)
            added = {a.file_path for a in created}
            audit.record_many(
                self.audit_as.client,
                AuditAction.REGISTER,
                [a.pk for a in created],
                actor_name=self.audit_as.actor_name,
                **self.audit_as.detail,
            )
        for relative, found in media:
            if found.relative_path in added:
                self.report.add(Outcome.ADDED)
                self.notify(Outcome.ADDED, relative, None)
            else:
                self._skip(relative)


def _excluded(relative: str, patterns: Sequence[str]) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


def _relative_name(path: str, base_prefix: str) -> str:
    return path[len(base_prefix) :] if path.startswith(base_prefix) else path


def _base_prefix() -> str:
    return str(Config.MEDIA_BASE_PATH.resolve()).rstrip("/") + "/"


def _pruner(excludes: Sequence[str]) -> Callable[[str], bool] | None:
    """Skips directories matching an --exclude pattern (by name or by relative path)."""
    if not excludes:
        return None
    base_prefix = _base_prefix()
    return lambda path: _excluded(_relative_name(path, base_prefix), excludes)


def import_media(
    roots: Sequence[Path],
    *,
    excludes: Sequence[str] = (),
    dry_run: bool = False,
    process: bool = True,
    notify: ProgressCallback | None = None,
    audit_as: AuditedAs | None = None,
    stop: Callable[[], bool] | None = None,
) -> ImportReport:
    """Registers every supported file below the roots (real paths inside MEDIA_BASE_PATH).

    `stop()` is asked before each file (a cancelled job): once True, the files already
    batched are registered and the walk ends there.
    """
    report = ImportReport()
    notify = notify or (lambda outcome, relative, reason: None)
    batch = _Batch(
        dry_run=dry_run,
        process=process,
        report=report,
        notify=notify,
        audit_as=audit_as or as_operator(),
    )
    base_prefix = _base_prefix()
    prune = _pruner(excludes)
    for root in roots:
        for entry in walk(root, prune):
            if stop is not None and stop():
                break
            path = entry.path if isinstance(entry, os.DirEntry) else str(entry)
            relative = _relative_name(path, base_prefix)
            if excludes and _excluded(relative, excludes):
                report.add(Outcome.EXCLUDED)
                notify(Outcome.EXCLUDED, relative, None)
                continue
            if not is_supported_name(relative):
                report.add(Outcome.IGNORED)
                notify(Outcome.IGNORED, relative, None)
                continue
            shown = relative.encode("utf-8", "backslashreplace").decode("utf-8")
            try:
                check_relative_path(relative)
            except (FileRejected, UnicodeError) as exc:
                message = exc.message if isinstance(exc, FileRejected) else str(exc)
                report.add(Outcome.REJECTED)
                notify(Outcome.REJECTED, shown, message)
                continue
            if shown != relative:
                report.add(Outcome.REJECTED)
                notify(Outcome.REJECTED, shown, "File name is not valid UTF-8")
                continue
            is_symlink = (
                entry.is_symlink() if isinstance(entry, os.DirEntry) else (Path(path).is_symlink())
            )
            batch.add(relative, Path(path), is_symlink)
    batch.flush()
    if report[Outcome.ADDED] and not dry_run:
        # A library that just grew: the planner's statistics with it (search with filters).
        index.refresh_statistics(connection)
    return report
