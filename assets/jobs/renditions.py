"""The files an asset's renditions are stored in (under Config.THUMBNAIL_DIR): their names,
read from the asset's metadata, and their removal. Used when an asset is deleted and when
reprocessing supersedes them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assets.models import THUMBNAIL_URL_PREFIX
from mam.config import Config

logger = logging.getLogger("mam.assets")

# The media_metadata keys whose URL names a file the workers wrote.
RENDITION_URL_KEYS = ("thumbnail_url", "preview_url")


def rendition_files(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    """URL key -> file name under THUMBNAIL_DIR, for each rendition the metadata shows. A URL
    that is not a plain file name under the prefix names no file of ours and is left out."""
    files = {}
    for key in RENDITION_URL_KEYS:
        url = (metadata or {}).get(key)
        if not isinstance(url, str) or not url.startswith(THUMBNAIL_URL_PREFIX):
            continue
        name = url.removeprefix(THUMBNAIL_URL_PREFIX)
        if name and Path(name).name == name and name not in {".", ".."}:
            files[key] = name
    return files


def remove_rendition_file(name: str) -> None:
    """Deletes one rendition file; a file already gone is fine, other errors are logged."""
    try:
        (Config.THUMBNAIL_DIR / name).unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        logger.warning("could not delete rendition %s: %s", name, exc)
        return
    logger.info("deleted rendition %s", name)


def current_thumbnail_suffix() -> str:
    """How the name of a thumbnail rendered by this version ends (`-320-v2.jpg`)."""
    from assets.jobs.processing.thumbnails import thumbnail_name

    return thumbnail_name("")


def lacks_renditions(asset: Any) -> str | None:
    """Why a ready asset should be processed again to get what processing makes now, or None:
    a rendition that failed, one its version of processing did not make yet (no blurhash, no
    perceptual hash, a thumbnail of an older rendering), or a file gone from THUMBNAIL_DIR."""
    metadata = asset.media_metadata or {}
    if metadata.get("renditions_missing"):
        return "a rendition failed: " + ", ".join(sorted(metadata["renditions_missing"]))
    files = rendition_files(metadata)
    if "thumbnail_url" not in files:
        return "no thumbnail"
    if not files["thumbnail_url"].endswith(current_thumbnail_suffix()):
        return "a thumbnail of an older rendering"
    if "blurhash" not in metadata:
        return "no blurhash"
    if asset.perceptual_hash is None:
        return "no perceptual hash"
    for name in files.values():
        if not (Config.THUMBNAIL_DIR / name).is_file():
            return f"{name} is missing from the thumbnail folder"
    return None
