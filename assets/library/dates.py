"""When an asset was taken (`captured_at`): what the file says, else when it was last written.

EXIF times carry no zone; they are read as UTC, so a photo taken at 14:00 on the camera's
clock sorts and groups as 14:00 wherever the server is (a day boundary can be off by the
camera's offset, never more).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def from_mtime(mtime_ns: int) -> datetime:
    return datetime.fromtimestamp(mtime_ns / 1e9, tz=UTC)


def captured_at(metadata: dict[str, Any], mtime_ns: int) -> datetime:
    """The time metadata gives (`captured_at`, ISO 8601), else the file's mtime."""
    raw = metadata.get("captured_at")
    if isinstance(raw, str):
        try:
            taken = datetime.fromisoformat(raw)
        except ValueError:
            taken = None
        if taken is not None and 1826 <= taken.year <= 2200:  # the first photograph: 1826
            return taken if taken.tzinfo else taken.replace(tzinfo=UTC)
    return from_mtime(mtime_ns)
