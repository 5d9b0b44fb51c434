"""Streaming an original file with HTTP Range support (single ranges), for playback."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header

from mam.errors import DomainError

CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(DomainError):
    status_code = 416


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive, or None to send the whole file (multi-range or unparseable)."""
    match = _RANGE.match(header.strip())
    if not match:
        return None
    start_s, end_s = match.groups()
    if not start_s and not end_s:
        return None
    if not start_s:  # suffix range: the last N bytes
        length = int(end_s)
        if length == 0:
            raise RangeNotSatisfiable("Requested range not satisfiable", size=size)
        return max(0, size - length), size - 1
    start = int(start_s)
    end = min(int(end_s), size - 1) if end_s else size - 1
    if start >= size or start > end:
        raise RangeNotSatisfiable("Requested range not satisfiable", size=size)
    return start, end


def _read_span(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as stream:
        stream.seek(start)
        remaining = length
        while remaining > 0:
            chunk = stream.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def ranged_file_response(
    request: HttpRequest, path: Path, content_type: str, filename: str
) -> FileResponse | StreamingHttpResponse:
    size = os.stat(path).st_size
    header = request.headers.get("Range", "")
    span = _parse_range(header, size) if header else None
    disposition = content_disposition_header(as_attachment=False, filename=filename)
    response: FileResponse | StreamingHttpResponse
    if span is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = span
        response = StreamingHttpResponse(
            _read_span(path, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response
