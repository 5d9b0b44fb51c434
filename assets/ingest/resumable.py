"""Resumable uploads (tus 1.0.0: core, creation, termination, expiration).

A large file arrives in chunks no larger than MAM_MAX_REQUEST_BYTES, each appended to a
partial file under MEDIA_BASE_PATH/uploads/.partial/ at the offset the client says it has
reached. A dropped connection loses at most the chunk in flight: the client asks for the
offset (HEAD) and goes on from there, also after a server restart. When the last byte lands
the file is moved into the uploads folder and registered exactly like a multipart upload
(its type checked from its own bytes). Partials nobody added to for
MAM_UPLOAD_EXPIRY_SECONDS are removed by the scheduler (`expire_partial_uploads`).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import logging
import os
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, Protocol

from django.db import transaction
from django.utils import timezone

from assets import services
from assets.ingest.mediatypes import format_for_name
from assets.ingest.paths import safe_upload_name
from assets.ingest.uploads import store_file
from assets.models import Asset, ResumableUpload
from mam.config import Config
from mam.errors import Conflict, DomainError, InvalidInput, NotFound, PayloadTooLarge

logger = logging.getLogger("mam.assets")

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,expiration"
COPY_BLOCK = 1024 * 1024


class PreconditionFailed(DomainError):
    status_code = 412


class UnsupportedMediaType(DomainError):
    status_code = 415


class Gone(DomainError):
    status_code = 410


def parse_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata: key base64,key2 base64`: values decoded as UTF-8."""
    values: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        if not key or " " in encoded.strip() or key in values:
            raise InvalidInput("Upload-Metadata is malformed", upload_metadata=header[:200])
        try:
            values[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError
            raise InvalidInput(
                f"Upload-Metadata value of {key!r} is not base64 of UTF-8 text",
                upload_metadata=header[:200],
            ) from None
    return values


def whole_header(name: str, raw: str | None) -> int:
    if raw is None or not raw.strip().isdigit() or len(raw.strip()) > 18:
        raise InvalidInput(f"{name} must be a whole number of bytes", **{name: raw})
    return int(raw.strip())


def partial_path(upload_id: str) -> Path:
    return Config.partial_dir / upload_id


def expires_at(upload: ResumableUpload) -> str:
    when = upload.updated_at + timedelta(seconds=Config.UPLOAD_EXPIRY_SECONDS)
    return when.strftime("%a, %d %b %Y %H:%M:%S GMT")


def create(owner: Any, length_header: str | None, metadata_header: str | None) -> ResumableUpload:
    """A new, empty upload of `Upload-Length` bytes named by its metadata's `filename`."""
    length = whole_header("Upload-Length", length_header)
    if length > Config.MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(
            f"Upload too large: at most {Config.MAX_UPLOAD_BYTES} bytes",
            max_upload_bytes=Config.MAX_UPLOAD_BYTES,
        )
    metadata = parse_metadata(metadata_header or "")
    filename = metadata.get("filename", "").strip()
    if not filename or "\x00" in filename:
        raise InvalidInput("Upload-Metadata needs a filename", upload_metadata=metadata_header)
    name = safe_upload_name(filename)
    format_for_name(name, raw=filename)  # an unsupported type is refused before any byte
    title = metadata.get("title", "").replace("\x00", "").strip()[:255]
    upload = ResumableUpload.objects.create(
        id=secrets.token_hex(16),
        owner=owner if getattr(owner, "pk", None) else None,
        filename=filename[:255],
        title=title,
        length=length,
    )
    Config.partial_dir.mkdir(parents=True, exist_ok=True)
    partial_path(upload.id).touch(mode=0o600)
    logger.info("resumable upload %s started: %r, %s bytes", upload.id, filename, length)
    return upload


def find(upload_id: str, user: Any) -> ResumableUpload:
    """The caller's upload (admins see everyone's); 404 for anyone else's or an unknown one."""
    if len(upload_id) != 32 or not all(c in "0123456789abcdef" for c in upload_id):
        raise NotFound("Upload not found", upload_id=upload_id[:64])
    upload = ResumableUpload.objects.filter(pk=upload_id).first()
    if upload is None:
        raise NotFound("Upload not found (finished, cancelled or expired)", upload_id=upload_id)
    mine = upload.owner_id is None or upload.owner_id == getattr(user, "pk", None)
    if not mine and not getattr(user, "is_superuser", False):
        raise NotFound("Upload not found", upload_id=upload_id)
    return upload


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[IO[bytes]]:
    """The partial file, opened for appending by one request at a time."""
    try:
        handle = path.open("r+b")
    except FileNotFoundError:
        raise Gone("The upload's partial file is gone; start again", file=path.name) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict("Another request is appending to this upload") from None
        yield handle


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def append(
    upload: ResumableUpload, offset_header: str | None, content_type: str, body: Readable
) -> ResumableUpload:
    """Appends a chunk at the offset the client claims; finishes the upload at its end."""
    if content_type.split(";")[0].strip().lower() != "application/offset+octet-stream":
        raise UnsupportedMediaType("A chunk is sent as application/offset+octet-stream")
    offset = whole_header("Upload-Offset", offset_header)
    with _exclusive(partial_path(upload.id)) as handle:
        size = handle.seek(0, os.SEEK_END)
        if offset != size:
            raise Conflict(
                f"Upload-Offset is {offset} but the upload has {size} bytes",
                upload_offset=size,
            )
        written = 0
        while block := body.read(COPY_BLOCK):
            if size + written + len(block) > upload.length:
                handle.truncate(size)
                raise InvalidInput("The chunk goes past Upload-Length", upload_length=upload.length)
            handle.write(block)
            written += len(block)
        # No fsync: the partial file's size is the offset HEAD reports, so after a crash a
        # client resumes from what really reached the disk.
        handle.flush()
    upload.offset = size + written
    ResumableUpload.objects.filter(pk=upload.pk).update(
        offset=upload.offset, updated_at=timezone.now()
    )
    upload.refresh_from_db()
    if upload.offset == upload.length:
        finish(upload)
    return upload


def finish(upload: ResumableUpload) -> Asset:
    """Moves the complete file into the uploads folder and registers it (content checked)."""
    source = partial_path(upload.id)
    try:
        destination = store_file(source, upload.filename)
        asset = services.register_stored_upload(destination, upload.filename, upload.title or None)
    except BaseException:
        source.unlink(missing_ok=True)
        upload.delete()
        raise
    with transaction.atomic():
        upload.asset = asset
        upload.save(update_fields=["asset", "updated_at"])
    logger.info("resumable upload %s finished as asset %s", upload.id, asset.pk)
    return asset


def terminate(upload: ResumableUpload) -> None:
    partial_path(upload.id).unlink(missing_ok=True)
    upload.delete()
    logger.info("resumable upload %s cancelled", upload.id)


def expire(now: Any = None) -> int:
    """Removes uploads nobody added to within the expiry (and finished ones' records)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=Config.UPLOAD_EXPIRY_SECONDS)
    removed = 0
    for upload in ResumableUpload.objects.filter(updated_at__lt=cutoff).iterator():
        partial_path(upload.id).unlink(missing_ok=True)
        upload.delete()
        removed += 1
    # Partial files without a record (a crash between the two) go as well.
    known = set(ResumableUpload.objects.values_list("pk", flat=True))
    with contextlib.suppress(FileNotFoundError):
        for path in Config.partial_dir.iterdir():
            if path.name not in known and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                removed += 1
    if removed:
        logger.info("expired %s abandoned resumable upload(s)", removed)
    return removed
