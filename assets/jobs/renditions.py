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

# The media_metadata keys whose URL names a file the workers wrote. A scrub strip's sprite
# has no key: its VTT names it, and it goes with the VTT (companion_files).
RENDITION_URL_KEYS = ("thumbnail_url", "preview_url", "proxy_url", "scrub_vtt_url")


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


def companion_files(name: str) -> list[str]:
    """The files that belong to a rendition file and go where it goes: a scrub strip's
    sprite, which its WebVTT file points at."""
    from assets.jobs.processing.scrubstrip import sprite_name_for

    return [sprite_name_for(name)] if name.endswith(".vtt") else []


def remove_rendition_file(name: str) -> None:
    """Deletes one rendition file and its companions (a scrub strip's sprite); a file already
    gone is fine, other errors are logged."""
    for each in (name, *companion_files(name)):
        try:
            (Config.THUMBNAIL_DIR / each).unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.warning("could not delete rendition %s: %s", each, exc)
            continue
        logger.info("deleted rendition %s", each)


def current_thumbnail_suffix() -> str:
    """How the name of a thumbnail rendered by this version ends (`-320-v2.jpg`)."""
    from assets.jobs.processing.thumbnails import thumbnail_name

    return thumbnail_name("")


def _current_video_suffixes() -> tuple[str, str]:
    """How the names of a proxy and a scrub strip's VTT made by this version end."""
    from assets.jobs.processing.proxy import proxy_name
    from assets.jobs.processing.scrubstrip import scrub_vtt_name

    return proxy_name(""), scrub_vtt_name("")


def _lacks_audio_renditions(metadata: Mapping[str, Any], files: Mapping[str, str]) -> str | None:
    """A sound has no scrub strip: only the check for playback, and the proxy when browsers
    cannot play it."""
    from assets.jobs.processing.proxy import proxy_name

    if not isinstance(metadata.get("browser_playable"), bool):
        return "not checked for playback in a browser"
    if not metadata["browser_playable"]:
        if "proxy_url" not in files:
            return "no proxy for a sound browsers cannot play"
        if not files["proxy_url"].endswith(proxy_name("", audio=True)):
            return "a proxy of an older version"
    return None


def _lacks_video_renditions(metadata: Mapping[str, Any], files: Mapping[str, str]) -> str | None:
    proxy_suffix, scrub_suffix = _current_video_suffixes()
    if "scrub_vtt_url" not in files:
        return "no scrub strip"
    if not files["scrub_vtt_url"].endswith(scrub_suffix):
        return "a scrub strip of an older version"
    if not isinstance(metadata.get("browser_playable"), bool):
        return "not checked for playback in a browser"
    if not metadata["browser_playable"]:
        if "proxy_url" not in files:
            return "no proxy for a video browsers cannot play"
        if not files["proxy_url"].endswith(proxy_suffix):
            return "a proxy of an older version"
    return None


def lacks_renditions(asset: Any) -> str | None:
    """Why a ready asset should be processed again to get what processing makes now, or None:
    a rendition that failed, one its version of processing did not make yet (no blurhash, no
    perceptual hash, a thumbnail of an older rendering; for a video no scrub strip, or no
    proxy when browsers cannot play it; for a sound, which has no perceptual hash, no proxy
    when browsers cannot play it), or a file gone from THUMBNAIL_DIR."""
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
    if asset.media_type == "audio":
        audio_reason = _lacks_audio_renditions(metadata, files)
        if audio_reason:
            return audio_reason
    elif asset.perceptual_hash is None:
        return "no perceptual hash"
    if asset.media_type == "video":
        video_reason = _lacks_video_renditions(metadata, files)
        if video_reason:
            return video_reason
    for name in (n for each in files.values() for n in (each, *companion_files(each))):
        if not (Config.THUMBNAIL_DIR / name).is_file():
            return f"{name} is missing from the thumbnail folder"
    return None
