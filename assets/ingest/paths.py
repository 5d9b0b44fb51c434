"""Path safety: one function from what a client sent to a safe path inside MEDIA_BASE_PATH."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from assets.ingest.errors import (
    FileMissing,
    FileUnreadable,
    MalformedPath,
    NotAFile,
    OutsideMediaFolder,
)
from assets.ingest.mediatypes import SNIFF_BYTES, MediaFormat, check_content, format_for_name
from mam.config import Config

MAX_PATH_LENGTH = 1024
_WINDOWS_DRIVE = re.compile(r"^[a-zA-Z]:")
# Characters with a meaning to shells, URLs or filesystems; letters of any script stay.
_UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|$`;&!{}\[\]()'#%~^=+,@]+")


@dataclass(frozen=True)
class MediaFile:
    """A validated media file: where it is (relative and absolute) and what it holds."""

    relative_path: str  # forward slashes, relative to MEDIA_BASE_PATH, symlinks resolved
    absolute_path: Path
    format: MediaFormat
    size: int
    mtime_ns: int


def _decoded_forms(raw: str) -> list[str]:
    """The string and every distinct form of it under repeated percent-decoding."""
    forms = [raw]
    for _ in range(4):
        decoded = unquote(forms[-1], errors="strict")
        if decoded == forms[-1]:
            break
        forms.append(decoded)
    return forms


def check_relative_path(raw: object) -> str:
    """The syntactic checks: what the string says, before touching the filesystem.

    Returns the normalised relative path (forward slashes, no `.` segments).
    """
    if not isinstance(raw, str):
        raise MalformedPath("file_path must be a string", file_path=str(raw))
    if not raw.strip():
        raise MalformedPath("file_path must not be empty", file_path=raw)
    if len(raw) > MAX_PATH_LENGTH:
        raise MalformedPath(
            f"file_path is longer than {MAX_PATH_LENGTH} characters", file_path=raw[:80]
        )
    try:
        forms = _decoded_forms(raw)
    except UnicodeDecodeError:
        raise MalformedPath(
            "file_path contains an invalid percent-encoding", file_path=raw
        ) from None
    for form in forms:
        if "\x00" in form:
            raise MalformedPath(
                "file_path must not contain NUL bytes", file_path=raw.replace("\x00", "\\0")
            )
        if "\\" in form:
            raise MalformedPath(
                "file_path must use forward slashes, not backslashes", file_path=raw
            )
        if form.startswith("/") or _WINDOWS_DRIVE.match(form):
            raise OutsideMediaFolder(
                "file_path must be relative to the media folder, not absolute", file_path=raw
            )
        if form.startswith("~"):
            raise OutsideMediaFolder(
                "file_path must be relative to the media folder (no ~)", file_path=raw
            )
        if ".." in PurePosixPath(form).parts:
            raise OutsideMediaFolder("file_path must not contain '..' segments", file_path=raw)
        if any(ord(ch) < 32 for ch in form):
            raise MalformedPath("file_path must not contain control characters", file_path=raw)
    parts = [p for p in PurePosixPath(raw).parts if p != "."]
    if not parts:
        raise MalformedPath("file_path must name a file", file_path=raw)
    return "/".join(parts)


def resolve_inside_base(relative: str, raw: str, base: Path | None = None) -> Path:
    """The real path of `relative` under the base, with symlinks followed, or a 400."""
    root = (base or Config.MEDIA_BASE_PATH).resolve()
    candidate = root / relative
    try:
        resolved = candidate.resolve(strict=True)
    except FileNotFoundError:
        raise FileMissing("File not found", file_path=raw) from None
    except (OSError, RuntimeError):  # symlink loops, name too long
        raise FileUnreadable("File cannot be accessed", file_path=raw) from None
    if not resolved.is_relative_to(root):
        raise OutsideMediaFolder("file_path leads outside the media folder", file_path=raw)
    return resolved


def relative_to_base(absolute: Path, base: Path | None = None) -> str:
    """The stored form of an absolute path inside the base: relative, forward slashes."""
    root = (base or Config.MEDIA_BASE_PATH).resolve()
    return absolute.relative_to(root).as_posix()


def validate_media_path(raw: object, base: Path | None = None) -> MediaFile:
    """From what a client sent to a validated, supported, regular, readable media file.

    Every refusal is a FileRejected kind (400) whose message says why and whose context
    carries the path as the client sent it, never the server's absolute path.
    """
    relative = check_relative_path(raw)
    raw = str(raw)
    fmt = format_for_name(relative, raw=raw)
    resolved = resolve_inside_base(relative, raw, base)
    return inspect_file(resolved, raw=raw, base=base, fmt=fmt)


def inspect_file(
    resolved: Path, *, raw: str, base: Path | None = None, fmt: MediaFormat | None = None
) -> MediaFile:
    """Checks a resolved path inside the base: regular, readable, supported, content matches."""
    fmt = fmt or format_for_name(resolved.name, raw=raw)
    try:
        # O_NOFOLLOW is moot after resolve(); O_NONBLOCK keeps a FIFO from hanging us.
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK)
    except PermissionError:
        raise FileUnreadable("File is not readable", file_path=raw) from None
    except OSError:
        raise FileUnreadable("File cannot be opened", file_path=raw) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotAFile("file_path is not a regular file", file_path=raw)
        head = os.read(fd, SNIFF_BYTES)
    finally:
        os.close(fd)
    check_content(resolved.name, head, raw=raw)
    return MediaFile(
        relative_path=relative_to_base(resolved, base),
        absolute_path=resolved,
        format=fmt,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
    )


def stored_file_path(relative_path: str) -> Path:
    """The file behind a stored relative path, re-checked to be inside the media folder now
    (it may have been replaced by a symlink since): a FileRejected kind when it is not."""
    return resolve_inside_base(relative_path, relative_path)


def safe_upload_name(filename: str) -> str:
    """A sanitised file name for an upload: no directories, no control or shell characters."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", stem).strip(" ._") or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()
    return f"{stem[:120]}.{suffix}" if suffix else stem[:120]
