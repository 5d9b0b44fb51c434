"""Video renditions: a proxy for the videos a browser cannot play, and the scrub strip (a JPEG
sprite and the WebVTT that maps times to its tiles) for every video; each may fail alone, and
they go with the asset."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import signal
import struct
import subprocess
import time
from pathlib import Path
from typing import Any
from unittest import mock

import psutil
import pytest
from PIL import Image, ImageStat

from assets import services
from assets.ingest.mediatypes import format_for_name
from assets.jobs import worker
from assets.jobs.processing.decoders import DecoderLimits, run_decoder
from assets.jobs.processing.errors import DecoderTimeout, TransientProcessingError
from assets.jobs.processing.pipeline import ProcessingResult, SourceFile, process_file
from assets.jobs.processing.proxy import (
    PlaybackProbe,
    browser_playable,
    make_proxy,
    playback_probe,
    proxy_name,
    proxy_size,
    unplayable_reason,
)
from assets.jobs.processing.scrubstrip import scrub_vtt_name, sprite_name_for, strip_layout
from assets.jobs.renditions import current_thumbnail_suffix, lacks_renditions
from assets.models import Asset, AssetStatus, MediaType
from mam.config import Config
from tests.media import make_video

LIMITS = DecoderLimits(timeout=60, ffmpeg=Config.FFMPEG_BINARY, ffprobe=Config.FFPROBE_BINARY)
MP4 = "mov,mp4,m4a,3gp,3g2,mj2"


def encode(
    path: Path, *codec: str, size: str = "160x90", seconds: float = 0.5, source: str = ""
) -> Path:
    """A short test pattern (or the lavfi `source`) in the codec and container asked for,
    without audio."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            Config.FFMPEG_BINARY,
            "-y",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            source or f"testsrc2=size={size}:rate=25:duration={seconds}",
            *codec,
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path


def has_encoder(name: str) -> bool:
    listing = subprocess.run(
        [Config.FFMPEG_BINARY, "-hide_banner", "-encoders"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return re.search(rf"^\s*\S+\s+{re.escape(name)}\s", listing, re.MULTILINE) is not None


def ffprobe(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [
            Config.FFPROBE_BINARY,
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    report: dict[str, Any] = json.loads(out)
    return report


def top_level_atoms(path: Path) -> list[str]:
    """The ISO BMFF boxes at the top of the file, in file order."""
    atoms, data, offset = [], path.read_bytes(), 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        elif size == 0:
            size = len(data) - offset
        atoms.append(kind.decode("latin-1"))
        offset += size
    return atoms


def process(path: Path, out: Path, stages: list[str] | None = None) -> ProcessingResult:
    fmt = format_for_name(path.name)
    st = path.stat()
    source = SourceFile(
        path=path,
        kind=fmt.kind.value,
        pillow_format=fmt.pillow_format,
        ffmpeg_demuxer=fmt.ffmpeg_demuxer,
        expected_size=st.st_size,
        expected_mtime_ns=st.st_mtime_ns,
    )
    seen = stages if stages is not None else []
    return process_file(source, out, LIMITS, lambda stage, progress: seen.append(stage.value))


def cues_of(vtt: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue; fails on anything WebVTT does not allow."""
    blocks = vtt.strip().split("\n\n")
    assert blocks[0] == "WEBVTT"
    stamp = r"(\d{2}):(\d{2}):(\d{2})\.(\d{3})"
    cues = []
    for block in blocks[1:]:
        timing, text = block.split("\n")
        match = re.fullmatch(rf"{stamp} --> {stamp}", timing)
        assert match, timing
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
        end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
        cues.append((start, end, text))
    return cues


# --- what a browser plays -----------------------------------------------------------------


def test_an_h264_mp4_with_aac_plays_in_a_browser_as_it_is(tmp_path: Path) -> None:
    path = make_video(tmp_path / "clip.mp4", seconds=0.5, size=(160, 90))
    probe = playback_probe(path, "mov", LIMITS)
    assert (probe.video_codec, probe.audio_codec) == ("h264", "aac")
    assert browser_playable(probe)


@pytest.mark.parametrize(
    ("name", "demuxer", "codec", "encoder", "why"),
    [
        ("mjpeg.avi", "avi", ["-c:v", "mjpeg"], "mjpeg", "avi container"),
        ("part2.avi", "avi", ["-c:v", "mpeg4"], "mpeg4", "avi container"),
        # The same codecs in MP4: the codec alone rules them out.
        ("part2.mp4", "mov", ["-c:v", "mpeg4"], "mpeg4", "MPEG-4 Part 2"),
        ("mjpeg.mov", "mov", ["-c:v", "mjpeg"], "mjpeg", "Motion JPEG"),
        (
            "high10.mp4",
            "mov",
            ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le"],
            "libx264",
            "High 10",
        ),
        (
            "hevc.mp4",
            "mov",
            ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"],
            "libx265",
            "HEVC",
        ),
    ],
)
def test_codecs_and_containers_a_browser_cannot_play_are_told_apart_by_content(
    tmp_path: Path, name: str, demuxer: str, codec: list[str], encoder: str, why: str
) -> None:
    if not has_encoder(encoder):
        pytest.skip(f"this ffmpeg has no {encoder} encoder")
    path = encode(tmp_path / name, *codec)
    probe = playback_probe(path, demuxer, LIMITS)
    assert not browser_playable(probe)
    assert why in (unplayable_reason(probe) or "")


@pytest.mark.parametrize(
    ("probe", "playable"),
    [
        (PlaybackProbe("matroska,webm", "vp9", "Profile 0", "yuv420p", "opus"), True),
        (PlaybackProbe("matroska,webm", "vp8", None, "yuv420p", "vorbis"), True),
        (PlaybackProbe(MP4, "av1", "Main", "yuv420p", None), True),
        (PlaybackProbe(MP4, "h264", "High", "yuvj420p", "mp3"), True),
        (PlaybackProbe(MP4, "h264", "High 4:4:4 Predictive", "yuv444p", None), False),
        # A camera's H.264 with linear PCM in a MOV: Chromium plays it; not ALAC.
        (PlaybackProbe(MP4, "h264", "High", "yuv420p", "pcm_s16be"), True),
        (PlaybackProbe(MP4, "h264", "High", "yuv420p", "alac"), False),
        (PlaybackProbe(MP4, "h264", "Main", "yuv420p", "ac3"), False),
        (PlaybackProbe("matroska,webm", "h264", "High", "yuv420p", "aac"), False),
        (PlaybackProbe("matroska,webm", "vp9", "Profile 0", "yuv420p", "aac"), False),
        (PlaybackProbe("ogg", "theora", None, "yuv420p", "vorbis"), False),
        (PlaybackProbe("avi", "h264", "High", "yuv420p", "mp3"), False),
    ],
)
def test_playability_follows_codec_profile_pixel_format_and_container(
    probe: PlaybackProbe, playable: bool
) -> None:
    assert browser_playable(probe) is playable
    assert (unplayable_reason(probe) is None) is playable


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ((1920, 1080), (1280, 720)),
        ((1080, 1920), (720, 1280)),  # upright portrait: 720 wide
        ((3840, 1600), (1280, 532)),  # wider than 16:9: the width binds
        ((853, 480), (852, 480)),  # anamorphic DVD at its display size, even
        ((321, 241), (320, 240)),  # small: never upscaled, only made even
    ],
)
def test_the_proxy_is_at_most_720p_even_and_never_upscaled(
    display: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert proxy_size(*display) == expected


# --- the proxy ----------------------------------------------------------------------------


def test_an_mjpeg_avi_gets_an_h264_high_aac_proxy_of_720_lines_with_the_moov_first(
    tmp_path: Path,
) -> None:
    path = make_video(tmp_path / "camera.avi", seconds=1.0, size=(1600, 900), fps=10)
    result = process(path, tmp_path / "out")
    assert result.browser_playable is False and not result.missing
    assert result.proxy is not None and result.proxy.name == proxy_name(result.checksum)
    proxy = tmp_path / "out" / result.proxy.name
    report = ffprobe(proxy)
    video = next(s for s in report["streams"] if s["codec_type"] == "video")
    audio = next(s for s in report["streams"] if s["codec_type"] == "audio")
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == ("h264", "High", "yuv420p")
    assert audio["codec_name"] == "aac"
    assert (video["width"], video["height"]) == (1280, 720)
    assert (result.proxy.width, result.proxy.height) == (1280, 720)
    assert float(report["format"]["duration"]) == pytest.approx(1.0, abs=0.15)
    atoms = top_level_atoms(proxy)
    assert "moov" in atoms and "mdat" in atoms
    assert atoms.index("moov") < atoms.index("mdat")  # +faststart: playable while it loads
    # The proxy is what the browser plays: it must pass the same test the originals do.
    assert browser_playable(playback_probe(proxy, "mov", LIMITS))
    assert not list((tmp_path / "out").glob(".tmp-*"))


def test_an_anamorphic_video_gets_a_proxy_at_its_display_shape_in_square_pixels(
    tmp_path: Path,
) -> None:
    # DVD NTSC widescreen: 720x480 stored, pixels 32:27 wide, shown at 853x480.
    path = encode(
        tmp_path / "dvd.mp4", "-vf", "setsar=32/27", "-c:v", "mpeg4", size="720x480", seconds=0.4
    )
    result = process(path, tmp_path / "out")
    assert result.metadata["sample_aspect_ratio"] == "32:27"
    assert result.proxy is not None
    video = next(
        s
        for s in ffprobe(tmp_path / "out" / result.proxy.name)["streams"]
        if s["codec_type"] == "video"
    )
    assert (video["width"], video["height"]) == (852, 480)
    assert video.get("sample_aspect_ratio", "1:1") in {"1:1", "0:1"}
    assert video["width"] / video["height"] == pytest.approx(853 / 480, rel=0.01)


def test_a_phone_hevc_video_filmed_upright_gets_an_upright_proxy_and_scrub_strip(
    tmp_path: Path,
) -> None:
    if not has_encoder("libx265"):
        pytest.skip("this ffmpeg has no libx265 encoder")
    # As a phone writes it: landscape frames and a display matrix turning them upright.
    stored = encode(
        tmp_path / "stored.mov",
        "-c:v",
        "libx265",
        "-preset",
        "ultrafast",
        "-x265-params",
        "log-level=error",
        size="320x180",
        seconds=1.0,
    )
    path = tmp_path / "IMG_0001.mov"
    subprocess.run(
        [
            Config.FFMPEG_BINARY,
            "-y",
            "-loglevel",
            "error",
            "-display_rotation:v:0",
            "90",
            "-i",
            str(stored),
            "-c",
            "copy",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    result = process(path, tmp_path / "out")
    assert (result.metadata["width"], result.metadata["height"]) == (180, 320)
    assert result.browser_playable is False and result.proxy is not None
    video = next(
        s
        for s in ffprobe(tmp_path / "out" / result.proxy.name)["streams"]
        if s["codec_type"] == "video"
    )
    assert (video["width"], video["height"]) == (180, 320)  # upright, no matrix left to apply
    assert not video.get("side_data_list")
    assert result.scrub is not None
    assert (result.scrub.tile_width, result.scrub.tile_height) == (90, 160)


def test_a_video_a_browser_plays_gets_no_proxy(tmp_path: Path) -> None:
    path = make_video(tmp_path / "clip.mp4", seconds=0.5, size=(160, 90))
    result = process(path, tmp_path / "out")
    assert result.browser_playable is True
    assert result.proxy is None and "proxy" not in result.missing
    assert not (tmp_path / "out" / proxy_name(result.checksum)).exists()


def test_a_transcode_interrupted_midway_is_killed_not_left_running() -> None:
    """The task's soft time limit arrives as an exception in the worker: the decoder it was
    waiting for (minutes of a proxy's transcode) must not go on alone."""

    class Interrupted(Exception):
        pass

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(Interrupted):
            run_decoder(["sleep", "30"], LIMITS)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not [c for c in psutil.Process().children() if c.name() == "sleep"]


def test_a_transcode_may_run_past_the_per_file_timeout_until_the_task_s_deadline(
    tmp_path: Path,
) -> None:
    """A proxy takes as long as the video plays: it gets what the task's time limit leaves,
    not the two minutes every other decoder run gets; past that, the reason names the
    setting to raise."""
    path = make_video(tmp_path / "long.avi", seconds=2.0, size=(640, 360), fps=25)
    demuxer = format_for_name(path.name).ffmpeg_demuxer or ""
    probe = playback_probe(path, demuxer, LIMITS)
    tight = DecoderLimits(timeout=0.05, ffmpeg=Config.FFMPEG_BINARY, ffprobe=Config.FFPROBE_BINARY)
    with pytest.raises(DecoderTimeout, match="MAM_TASK_SOFT_TIME_LIMIT"):
        make_proxy(path, demuxer, probe, (640, 360), tight, tmp_path / "a", "p.mp4")
    assert not list((tmp_path / "a").iterdir())  # no half proxy left behind
    deadline = dataclasses.replace(tight, transcode_deadline=time.monotonic() + 60)
    proxy = make_proxy(path, demuxer, probe, (640, 360), deadline, tmp_path / "b", "p.mp4")
    assert (proxy.width, proxy.height) == (640, 360)
    assert (tmp_path / "b" / "p.mp4").stat().st_size > 0


# --- the scrub strip ----------------------------------------------------------------------


def test_the_scrub_vtt_covers_the_video_and_points_inside_its_sprite(tmp_path: Path) -> None:
    path = make_video(tmp_path / "walk.mp4", seconds=7.0, size=(320, 180), fps=10, audio=False)
    result = process(path, tmp_path / "out")
    assert result.scrub is not None
    assert result.scrub.vtt_name == scrub_vtt_name(result.checksum)
    vtt = (tmp_path / "out" / result.scrub.vtt_name).read_text()
    sprite_path = tmp_path / "out" / result.scrub.sprite_name
    with Image.open(sprite_path) as sprite:
        sprite.load()
    assert sprite.format == "JPEG"

    cues = cues_of(vtt)
    assert len(cues) == 14  # one every half second
    assert cues[0][0] == 0.0
    assert cues[-1][1] == pytest.approx(result.metadata["duration"], abs=0.001)
    for (start, end, _), (next_start, _, _) in itertools.pairwise(cues):
        assert start < end == pytest.approx(next_start, abs=0.001)  # no gap, no overlap
    boxes = []
    for _, _, text in cues:
        url, _, fragment = text.partition("#xywh=")
        assert url == sprite_path.name  # relative to the VTT: served from the same folder
        x, y, w, h = map(int, fragment.split(","))
        assert (w, h) == (160, 90)
        assert x >= 0 and y >= 0 and x + w <= sprite.width and y + h <= sprite.height
        boxes.append((x, y, x + w, y + h))
    assert len(set(boxes)) == len(boxes)
    # Every tile holds a frame (the last one too: the frames span the whole video), and the
    # moving pattern makes the first and the last differ.
    tiles = [sprite.crop(box) for box in boxes]
    assert min(ImageStat.Stat(t.convert("L")).mean[0] for t in tiles) > 30
    first, last = (ImageStat.Stat(t).mean for t in (tiles[0], tiles[-1]))
    assert max(abs(a - b) for a, b in zip(first, last, strict=True)) > 2


def luma_ramp(path: Path, seconds: float, fps: int, keyframe_every: int) -> Path:
    """A grey frame that brightens evenly from black (limited-range 16) to white (235) over
    the video: a tile's brightness tells the moment it was taken from."""
    return encode(
        path,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-g",
        str(keyframe_every),
        "-pix_fmt",
        "yuv420p",
        source=f"color=c=black:s=64x36:r={fps}:d={seconds},format=yuv420p,"
        f"geq=lum='16+219*T/{seconds}':cb=128:cr=128",
    )


@pytest.mark.parametrize(
    ("seconds", "fps", "keyframe_every", "slack"),
    [
        (7.0, 10, 250, 0.25),  # every frame decoded: the frame from the middle of the cue
        # 100 tiles 6 s apart, from keyframes alone (2 s apart): at most a GOP early, and the
        # brightness reads to about a second.
        (600.0, 2, 4, 3.5),
    ],
)
def test_each_tile_shows_a_moment_from_its_own_cue(
    tmp_path: Path, seconds: float, fps: int, keyframe_every: int, slack: float
) -> None:
    path = luma_ramp(tmp_path / "ramp.mp4", seconds, fps, keyframe_every)
    result = process(path, tmp_path / "out")
    assert result.scrub is not None
    cues = cues_of((tmp_path / "out" / result.scrub.vtt_name).read_text())
    assert len(cues) == min(100, int(seconds / 0.5))
    with Image.open(tmp_path / "out" / result.scrub.sprite_name) as sprite:
        grey = sprite.convert("L")
    moments = []
    for start, end, text in cues:
        x, y, w, h = map(int, text.partition("#xywh=")[2].split(","))
        moment = ImageStat.Stat(grey.crop((x, y, x + w, y + h))).mean[0] / 255 * seconds
        assert start - slack <= moment <= end + slack / 2, (start, end, moment)
        moments.append(moment)
    assert moments == sorted(moments)  # no tile repeated or out of order


def test_a_long_video_gets_at_most_100_tiles_and_a_portrait_one_upright_tiles() -> None:
    layout = strip_layout(3600.0, (1080, 1920))
    assert layout.tiles == 100 and layout.interval == 36.0
    assert (layout.tile_width, layout.tile_height) == (90, 160)
    assert layout.size == (900, 1600)
    # An hour's frames are not all decoded (that would outrun the time limit): keyframes.
    assert layout.keyframes_only and not strip_layout(7.0, (320, 180)).keyframes_only
    assert strip_layout(0.3, (64, 48)).tiles == 1  # tiny: one tile, never upscaled
    assert strip_layout(0.3, (64, 48)).size == (64, 48)


# --- through the worker -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    return task_delay


@pytest.fixture
def avi(media_root: Path) -> Path:
    return make_video(media_root / "clip.avi", seconds=1.0, size=(320, 240), fps=10)


def rendition_path(thumbnail_dir: Path, url: str) -> Path:
    assert url.startswith("/thumbnails/")
    return thumbnail_dir / url.removeprefix("/thumbnails/")


@pytest.mark.django_db
def test_the_asset_says_where_its_proxy_and_scrub_strip_are_and_deleting_removes_them(
    avi: Path, thumbnail_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    asset = services.register_asset(file_path="clip.avi")
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    meta = asset.media_metadata
    assert asset.status == AssetStatus.READY and "renditions_missing" not in meta
    assert meta["browser_playable"] is False
    assert meta["proxy_url"] == f"/thumbnails/{proxy_name(asset.checksum)}"
    assert meta["scrub_vtt_url"] == f"/thumbnails/{scrub_vtt_name(asset.checksum)}"
    vtt = rendition_path(thumbnail_dir, meta["scrub_vtt_url"])
    files = [
        rendition_path(thumbnail_dir, meta["thumbnail_url"]),
        rendition_path(thumbnail_dir, meta["proxy_url"]),
        vtt,
        thumbnail_dir / sprite_name_for(vtt.name),
    ]
    assert all(f.is_file() for f in files)
    assert lacks_renditions(asset) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_asset(asset_id=asset.pk)
    assert [f.exists() for f in files] == [False] * 4
    assert avi.exists()


@pytest.mark.django_db
def test_a_failed_proxy_leaves_the_asset_ready_with_its_scrub_strip_and_says_why(
    avi: Path, thumbnail_dir: Path
) -> None:
    asset = services.register_asset(file_path="clip.avi")
    with mock.patch(
        "assets.jobs.processing.pipeline.make_proxy",
        side_effect=TransientProcessingError("Could not write the proxy: No space left"),
    ):
        worker.process_asset(asset.pk)
    asset.refresh_from_db()
    meta = asset.media_metadata
    assert asset.status == AssetStatus.READY and asset.processing_error == ""
    assert meta["browser_playable"] is False and "proxy_url" not in meta
    assert meta["renditions_missing"] == {"proxy": "Could not write the proxy: No space left"}
    assert rendition_path(thumbnail_dir, meta["scrub_vtt_url"]).is_file()
    assert lacks_renditions(asset) == "a rendition failed: proxy"


@pytest.mark.django_db
def test_reprocessing_replaces_a_scrub_strip_of_an_older_version_with_its_sprite(
    thumbnail_dir: Path, media_root: Path
) -> None:
    make_video(media_root / "clip.mp4", seconds=1.0, size=(160, 90), audio=False)
    asset = services.register_asset(file_path="clip.mp4")
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    current = asset.media_metadata["scrub_vtt_url"]
    old_vtt = f"{asset.checksum}-scrub-v0.vtt"
    (thumbnail_dir / old_vtt).write_text("WEBVTT\n")
    (thumbnail_dir / sprite_name_for(old_vtt)).write_bytes(b"an older sprite")
    Asset.objects.filter(pk=asset.pk).update(
        media_metadata={**asset.media_metadata, "scrub_vtt_url": f"/thumbnails/{old_vtt}"}
    )
    asset.refresh_from_db()
    assert lacks_renditions(asset) == "a scrub strip of an older version"
    services.reprocess_asset(asset_id=asset.pk)
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.media_metadata["scrub_vtt_url"] == current
    assert not (thumbnail_dir / old_vtt).exists()
    assert not (thumbnail_dir / sprite_name_for(old_vtt)).exists()
    assert (thumbnail_dir / sprite_name_for(current.removeprefix("/thumbnails/"))).is_file()


# --- what reprocess --missing-renditions fills in -----------------------------------------


def video_asset(thumbnail_dir: Path, **metadata: Any) -> Asset:
    """A ready video processed before this issue: thumbnail and blurhash, nothing else."""
    checksum = "c" * 64
    thumb = f"{checksum}{current_thumbnail_suffix()}"
    (thumbnail_dir / thumb).write_bytes(b"jpeg")
    return Asset(
        media_type=MediaType.VIDEO,
        status=AssetStatus.READY,
        checksum=checksum,
        perceptual_hash=5,
        media_metadata={"thumbnail_url": f"/thumbnails/{thumb}", "blurhash": "LKO2", **metadata},
    )


def test_a_video_made_before_scrub_strips_and_proxies_lacks_them(thumbnail_dir: Path) -> None:
    vtt, proxy = scrub_vtt_name("c" * 64), proxy_name("c" * 64)
    with_strip = {"scrub_vtt_url": f"/thumbnails/{vtt}"}
    assert lacks_renditions(video_asset(thumbnail_dir)) == "no scrub strip"
    assert (
        lacks_renditions(video_asset(thumbnail_dir, **with_strip))
        == "not checked for playback in a browser"
    )
    unplayable = {**with_strip, "browser_playable": False}
    assert (
        lacks_renditions(video_asset(thumbnail_dir, **unplayable))
        == "no proxy for a video browsers cannot play"
    )
    complete = video_asset(thumbnail_dir, **unplayable, proxy_url=f"/thumbnails/{proxy}")
    assert lacks_renditions(complete) == f"{proxy} is missing from the thumbnail folder"
    (thumbnail_dir / proxy).write_bytes(b"mp4")
    assert lacks_renditions(complete) == f"{vtt} is missing from the thumbnail folder"
    (thumbnail_dir / vtt).write_text("WEBVTT\n")
    # The sprite the VTT names must be there too.
    assert (
        lacks_renditions(complete) == f"{sprite_name_for(vtt)} is missing from the thumbnail folder"
    )
    (thumbnail_dir / sprite_name_for(vtt)).write_bytes(b"jpeg")
    assert lacks_renditions(complete) is None
    playable = video_asset(thumbnail_dir, **with_strip, browser_playable=True)
    assert lacks_renditions(playable) is None  # the original plays: no proxy wanted


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("clip.mp4", ["metadata", "thumbnail", "scrub_strip"]),
        ("camera.avi", ["metadata", "thumbnail", "scrub_strip", "proxy"]),
    ],
)
def test_each_rendition_of_a_video_is_a_stage_of_its_own(
    tmp_path: Path, name: str, expected: list[str]
) -> None:
    """What a client sees move on /ws while a long transcode runs: the proxy is its own stage,
    reported only for a video the browser cannot play."""
    stages: list[str] = []
    process(make_video(tmp_path / name, seconds=0.5, size=(160, 90)), tmp_path / "out", stages)
    assert list(dict.fromkeys(stages)) == expected
