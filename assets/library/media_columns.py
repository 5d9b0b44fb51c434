"""The columns the list's filters read (width, height, duration, has_audio, camera), taken
from the metadata processing extracted (assets.jobs.processing.metadata).

They are copies of `media_metadata` keys: JSON keys cannot be indexed or compared the same
way on SQLite and PostgreSQL, columns can. The worker writes them with every processing
result; migration 0012 filled them once for the assets processed before (with a frozen copy
of these rules: a migration must not change when this module does).
"""

from __future__ import annotations

import math
from typing import Any

# PositiveIntegerField's ceiling on every database Django supports.
MAX_PIXELS_EDGE = 2_147_483_647
CAMERA_MAX_CHARS = 120


def _edge(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_PIXELS_EDGE else None


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def media_columns(metadata: dict[str, Any]) -> dict[str, Any]:
    """The filter columns for an asset whose metadata is `metadata`, as `update()` keywords.

    - width, height: as displayed (after EXIF orientation, a video's rotation and aspect).
    - duration: seconds of a video or an animation; None for a still picture.
    - has_audio: whether a video has a sound track; None for a picture (a question that does
      not apply: has_audio=false finds silent videos, not every photo).
    - camera: the EXIF "Make Model" as extracted; "" when unknown.
    """
    width, height = _edge(metadata.get("width")), _edge(metadata.get("height"))
    has_audio = metadata.get("has_audio")
    camera = metadata.get("camera")
    return {
        "width": width,
        "height": height,
        "duration": _seconds(metadata.get("duration")),
        "has_audio": has_audio if isinstance(has_audio, bool) else None,
        "camera": camera.strip()[:CAMERA_MAX_CHARS] if isinstance(camera, str) else "",
    }
