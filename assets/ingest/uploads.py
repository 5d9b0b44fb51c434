"""Uploads: refuse bodies over MAM_MAX_UPLOAD_BYTES while they stream in, and store what
arrived under MEDIA_BASE_PATH/uploads/ with a sanitised, unique name."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import IO

from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from assets.ingest.mediatypes import format_for_name
from assets.ingest.paths import safe_upload_name
from mam.config import Config
from mam.errors import InvalidInput, PayloadTooLarge

logger = logging.getLogger("mam.assets")


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"Upload is larger than the limit of {Config.MAX_UPLOAD_BYTES} bytes",
        max_bytes=Config.MAX_UPLOAD_BYTES,
    )


class SizeLimitUploadHandler(FileUploadHandler):
    """First in the chain: counts bytes as they arrive and stops the upload past the limit.

    The handlers after it stream the file to a temporary file (never whole into memory).
    """

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length and content_length > Config.MAX_UPLOAD_BYTES:
            raise _too_large()
        Config.incoming_dir.mkdir(parents=True, exist_ok=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > Config.MAX_UPLOAD_BYTES:
            raise _too_large()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _unique_destination(directory: Path, name: str) -> tuple[Path, int]:
    """Creates an empty file with a unique name (O_EXCL: no race can overwrite another)."""
    stem, dot, suffix = name.rpartition(".")
    for attempt in range(100):
        candidate = name if attempt == 0 else f"{stem}-{secrets.token_hex(4)}{dot}{suffix}"
        path = directory / candidate
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        return path, fd
    raise InvalidInput("Could not find a free name for the upload", file_path=name)


def store_file(source: Path, original: str) -> Path:
    """Moves a finished file (a resumable upload's partial) into the uploads folder under a
    safe, unique name; the caller owns it from then on."""
    name = safe_upload_name(original)
    format_for_name(name, raw=original)
    directory = Config.upload_dir
    directory.mkdir(parents=True, exist_ok=True)
    destination, fd = _unique_destination(directory, name)
    os.close(fd)
    try:
        os.replace(source, destination)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    logger.info("stored upload %r as %s", original, destination.name)
    return destination


def store_upload(uploaded: UploadedFile) -> Path:
    """Moves an upload of a supported type into the uploads folder; returns where it went.

    The caller owns the file from then on (and removes it if registering it fails).
    """
    original = uploaded.name or "upload"
    name = safe_upload_name(original)
    format_for_name(name, raw=original)
    directory = Config.upload_dir
    directory.mkdir(parents=True, exist_ok=True)
    destination, fd = _unique_destination(directory, name)
    try:
        if isinstance(uploaded, TemporaryUploadedFile):
            # Already streamed to disk beside the destination: a rename, not a copy.
            os.close(fd)
            os.replace(uploaded.temporary_file_path(), destination)
        else:
            with os.fdopen(fd, "wb") as out:
                for chunk in uploaded.chunks():
                    out.write(chunk)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    logger.info("stored upload %r as %s (%s bytes)", original, destination.name, uploaded.size)
    return destination
