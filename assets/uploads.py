"""Upload handling: refuse bodies over MAM_MAX_UPLOAD_BYTES while they stream in."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler

from mam.config import Config
from mam.errors import PayloadTooLarge


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
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        if content_length and content_length > Config.MAX_UPLOAD_BYTES:
            raise _too_large()
        (Config.MEDIA_BASE_PATH / Config.UPLOAD_SUBDIR / ".incoming").mkdir(
            parents=True, exist_ok=True
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > Config.MAX_UPLOAD_BYTES:
            raise _too_large()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
