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
