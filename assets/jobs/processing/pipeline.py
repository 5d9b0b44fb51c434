"""The stages for one file: validate, metadata (with the checksum), thumbnail, then the
renditions beside it (preview, blurhash; for videos the scrub strip and, when a browser
cannot play the original, a proxy; for audio a waveform as the thumbnail and, when a browser
cannot play it, an audio proxy), each of which may fail alone. No Django here."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import struct
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image

from assets.jobs.processing.blurhashes import blurhash_of
from assets.jobs.processing.decoders import DecoderLimits
from assets.jobs.processing.errors import (
    CorruptMedia,
    FileChanged,
    ProcessingError,
    TransientProcessingError,
)
from assets.jobs.processing.metadata import (
    animation_duration,
    audio_info_of,
    check_decode_memory,
    has_picture,
    has_sound,
    hostile_image_guard,
    image_info,
    open_image,
    probe_report,
    video_info_of,
)
from assets.jobs.processing.perceptual import dhash_of, dhash_of_jpeg
from assets.jobs.processing.proxy import (
    Proxy,
    audio_playback_of,
    browser_playable,
    make_proxy,
    playback_probe,
    proxy_name,
)
from assets.jobs.processing.scrubstrip import ScrubStrip, make_scrub_strip, scrub_vtt_name
from assets.jobs.processing.thumbnails import (
    ImagePixels,
    Preview,
    Thumbnail,
    extract_video_frame,
    preview_name,
    render_image,
    store_image_thumbnail,
    store_preview,
    store_thumbnail,
    thumbnail_name,
    wants_preview,
)
from assets.jobs.processing.waveform import render_waveform

CHUNK = 1024 * 1024
T = TypeVar("T")


class Stage(StrEnum):
    """The stages this pipeline reports as it enters them (validate was reported by whoever
    claimed the work). Each is one of the asset model's ProcessingStage values."""

    METADATA = "metadata"
    THUMBNAIL = "thumbnail"
    PREVIEW = "preview"
    SCRUB_STRIP = "scrub_strip"
    PROXY = "proxy"


# (stage, progress) as reported while a file moves through the stages.
StageReporter = Callable[[Stage, int], None]


class Rendition(StrEnum):
    """What is made beside the thumbnail. A rendition that fails is left out and named, with
    why, in ProcessingResult.missing: the asset is still ready with everything else."""

    PREVIEW = "preview"
    BLURHASH = "blurhash"
    PERCEPTUAL_HASH = "perceptual_hash"  # not a file: what finds near-duplicates
    PROXY = "proxy"  # videos and audio a browser cannot play as they are
    SCRUB = "scrub"  # videos: the sprite sheet and its WebVTT for seek-bar previews


@dataclass(frozen=True)
class SourceFile:
    """What the caller knows of the file: where it is, what it must be, how it looked."""

    path: Path
    kind: str  # "image" | "video" | "audio" (what the extension promised)
    pillow_format: str | None
    ffmpeg_demuxer: str | None
    expected_size: int
    expected_mtime_ns: int | None = None


@dataclass(frozen=True)
class ProcessingResult:
    checksum: str
    metadata: dict[str, Any]
    thumbnail: Thumbnail
    preview: Preview | None = None  # None: failed (see missing), or the original is shown
    blurhash: str | None = None
    perceptual_hash: int | None = None  # a signed 64-bit dHash (processing.perceptual)
    # Videos: whether a browser plays the original (None: images, or it could not be told).
    browser_playable: bool | None = None
    proxy: Proxy | None = None  # None: the original plays, or it failed (see missing)
    scrub: ScrubStrip | None = None
    # Rendition value -> why it could not be made.
    missing: dict[str, str] = dataclasses.field(default_factory=dict)
    # What the file turned out to be ("image", "video", "audio"): an .mp4 or .mov with sound
    # and no picture is "audio". None: what it was registered as.
    kind: str | None = None


def _failure_reason(rendition: Rendition, exc: Exception) -> str:
    """Readable and free of server paths, like every processing error."""
    if isinstance(exc, ProcessingError):
        return str(exc)
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"Could not make the {rendition.value}: {detail or type(exc).__name__}"


def _attempt(rendition: Rendition, make: Callable[[], T], missing: dict[str, str]) -> T | None:
    """Runs one rendition's stage; a failure is recorded in `missing`, never raised: the
    thumbnail and the metadata are worth keeping without it."""
    try:
        return make()
    except Exception as exc:  # any failure, even a bug, costs only this rendition
        missing[rendition.value] = _failure_reason(rendition, exc)
        return None


def _blurhash_of_jpeg(jpeg: bytes) -> str:
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as frame:
        return blurhash_of(frame)


def _check_unchanged(source: SourceFile) -> os.stat_result:
    try:
        st = source.path.stat()
    except FileNotFoundError:
        raise FileChanged("The file no longer exists") from None
    except OSError as exc:
        raise TransientProcessingError(f"Cannot stat the file: {exc.strerror}") from None
    changed_size = st.st_size != source.expected_size
    changed_time = (
        source.expected_mtime_ns is not None and st.st_mtime_ns != source.expected_mtime_ns
    )
    if changed_size or changed_time:
        raise FileChanged("The file has changed since it was registered; reprocess it")
    if st.st_size == 0:
        raise CorruptMedia("The file is empty")
    return st


def _read_whole(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileChanged("The file no longer exists") from None
    except OSError as exc:
        raise TransientProcessingError(f"Cannot read the file: {exc.strerror}") from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        raise FileChanged("The file no longer exists") from None
    except OSError as exc:
        raise TransientProcessingError(f"Cannot read the file: {exc.strerror}") from None
    return digest.hexdigest()


def process_image(
    source: SourceFile, thumbnail_dir: Path, limits: DecoderLimits, report: StageReporter
) -> ProcessingResult:
    # Images are read once: the same bytes feed the checksum and the decoder.
    data = _read_whole(source.path)
    if len(data) != source.expected_size:
        raise FileChanged("The file has changed since it was registered; reprocess it")
    checksum = hashlib.sha256(data).hexdigest()
    report(Stage.METADATA, 30)
    try:
        with (
            hostile_image_guard(limits),
            open_image(io.BytesIO(data), source.pillow_format or "") as image,
        ):
            check_decode_memory(image, limits)
            info = image_info(image)
            if info.frame_count > 1:
                # On a second handle: seeking would spoil the frame rendered from `image`.
                with open_image(io.BytesIO(data), source.pillow_format or "") as frames:
                    duration, estimated = animation_duration(frames)
                info = dataclasses.replace(info, duration=duration, duration_estimated=estimated)
            report(Stage.THUMBNAIL, 60)
            # One decode for the thumbnail and the preview; damage here fails the asset. All
            # is encoded before the file closes: closing frees a JPEG shrunk in place.
            pixels = render_image(image, preview=wants_preview(image))
            thumb = store_image_thumbnail(thumbnail_dir, thumbnail_name(checksum), pixels.thumbnail)
            if pixels.preview is not None:
                report(Stage.PREVIEW, 80)
            preview, placeholder, missing = _image_renditions(pixels, thumbnail_dir, checksum)
            fingerprint = _attempt(
                Rendition.PERCEPTUAL_HASH, lambda: dhash_of(pixels.thumbnail), missing
            )
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        # Pillow's decoders report damage through all of these.
        raise CorruptMedia(f"Image data is damaged: {exc}") from None
    return ProcessingResult(
        checksum=checksum,
        metadata=info.as_metadata(),
        thumbnail=thumb,
        preview=preview,
        blurhash=placeholder,
        perceptual_hash=fingerprint,
        missing=missing,
        kind="image",
    )


def _image_renditions(
    pixels: ImagePixels, thumbnail_dir: Path, checksum: str
) -> tuple[Preview | None, str | None, dict[str, str]]:
    """The preview (when the image gets one) and the blurhash, each its own stage: a failure
    leaves it out and says why in the returned `missing`."""
    missing: dict[str, str] = {}
    preview = None
    if pixels.preview is not None:
        large = pixels.preview
        preview = _attempt(
            Rendition.PREVIEW,
            lambda: store_preview(thumbnail_dir, preview_name(checksum), large),
            missing,
        )
    placeholder = _attempt(Rendition.BLURHASH, lambda: blurhash_of(pixels.thumbnail), missing)
    return preview, placeholder, missing


def process_timed_media(
    source: SourceFile, thumbnail_dir: Path, limits: DecoderLimits, report: StageReporter
) -> ProcessingResult:
    """A video or a sound: ffprobe's report decides which. The one place an .mp4 or .mov
    with an audio stream and no picture (a phone's voice memo, a recorder's take) becomes
    an audio asset; an audio file's cover picture does not make it a video."""
    demuxer = source.ffmpeg_demuxer or ""
    report(Stage.METADATA, 30)
    # The checksum reads the whole file while ffprobe and ffmpeg work in their own processes.
    with ThreadPoolExecutor(1, thread_name_prefix="mam-sha256") as pool:
        checksum_job = pool.submit(sha256_of, source.path)
        probe = probe_report(source.path, demuxer, limits)
        if source.kind == "audio" or (not has_picture(probe) and has_sound(probe)):
            return process_audio(source, probe, checksum_job, thumbnail_dir, limits, report)
        return process_video(source, probe, checksum_job, thumbnail_dir, limits, report)


def process_audio(
    source: SourceFile,
    probe: dict[str, Any],
    checksum_job: Future[str],
    thumbnail_dir: Path,
    limits: DecoderLimits,
    report: StageReporter,
) -> ProcessingResult:
    """A sound: its waveform as the thumbnail (and its blurhash), and an AAC .m4a proxy when
    a browser cannot play it as it is. No scrub strip, no perceptual hash: waveforms of
    different recordings look alike, and would be offered as near-duplicates."""
    demuxer = source.ffmpeg_demuxer or ""
    info = audio_info_of(probe, demuxer)
    report(Stage.THUMBNAIL, 60)
    wave = render_waveform(source.path, demuxer, limits)
    checksum = checksum_job.result()
    thumb = store_thumbnail(thumbnail_dir, thumbnail_name(checksum), wave)
    missing: dict[str, str] = {}
    placeholder = _attempt(Rendition.BLURHASH, lambda: _blurhash_of_jpeg(wave), missing)
    playback = _attempt(Rendition.PROXY, lambda: audio_playback_of(probe), missing)
    playable = browser_playable(playback) if playback is not None else None
    proxy = None
    if playback is not None and not playable:
        report(Stage.PROXY, 80)
        proxy = _attempt(
            Rendition.PROXY,
            lambda: make_proxy(
                source.path,
                demuxer,
                playback,
                None,
                limits,
                thumbnail_dir,
                proxy_name(checksum, audio=True),
            ),
            missing,
        )
    return ProcessingResult(
        checksum=checksum,
        metadata=info.as_metadata(),
        thumbnail=thumb,
        blurhash=placeholder,
        browser_playable=playable,
        proxy=proxy,
        missing=missing,
        kind="audio",
    )


def process_video(
    source: SourceFile,
    probe: dict[str, Any],
    checksum_job: Future[str],
    thumbnail_dir: Path,
    limits: DecoderLimits,
    report: StageReporter,
) -> ProcessingResult:
    demuxer = source.ffmpeg_demuxer or ""
    info = video_info_of(probe, demuxer)
    report(Stage.THUMBNAIL, 60)
    frame = extract_video_frame(
        source.path, demuxer, info.duration, limits, (info.width, info.height)
    )
    checksum = checksum_job.result()
    thumb = store_thumbnail(thumbnail_dir, thumbnail_name(checksum), frame)
    missing: dict[str, str] = {}
    placeholder = _attempt(Rendition.BLURHASH, lambda: _blurhash_of_jpeg(frame), missing)
    fingerprint = _attempt(Rendition.PERCEPTUAL_HASH, lambda: dhash_of_jpeg(frame), missing)
    display = (info.width, info.height)
    # Each rendition its own stage to clients: a proxy can take as long as the video plays.
    report(Stage.SCRUB_STRIP, 70)
    scrub = _attempt(
        Rendition.SCRUB,
        lambda: make_scrub_strip(
            source.path,
            demuxer,
            info.duration,
            display,
            limits,
            thumbnail_dir,
            scrub_vtt_name(checksum),
        ),
        missing,
    )
    playback = _attempt(
        Rendition.PROXY, lambda: playback_probe(source.path, demuxer, limits), missing
    )
    playable = browser_playable(playback) if playback is not None else None
    proxy = None
    if playback is not None and not playable:
        report(Stage.PROXY, 80)
        proxy = _attempt(
            Rendition.PROXY,
            lambda: make_proxy(
                source.path,
                demuxer,
                playback,
                display,
                limits,
                thumbnail_dir,
                proxy_name(checksum),
            ),
            missing,
        )
    return ProcessingResult(
        checksum=checksum,
        metadata=info.as_metadata(),
        thumbnail=thumb,
        blurhash=placeholder,
        perceptual_hash=fingerprint,
        browser_playable=playable,
        proxy=proxy,
        scrub=scrub,
        missing=missing,
        kind="video",
    )


def process_file(
    source: SourceFile, thumbnail_dir: Path, limits: DecoderLimits, report: StageReporter
) -> ProcessingResult:
    """Runs every stage for one file; raises a ProcessingError subclass saying why it failed."""
    # (The validate stage was reported by whoever claimed the work.)
    _check_unchanged(source)
    if source.kind == "image":
        result = process_image(source, thumbnail_dir, limits, report)
    elif source.kind in {"video", "audio"}:
        result = process_timed_media(source, thumbnail_dir, limits, report)
    else:
        raise CorruptMedia(f"Unsupported media kind {source.kind!r}")
    # A file rewritten while we read it gives a checksum of neither version.
    _check_unchanged(source)
    return result
