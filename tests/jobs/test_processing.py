"""Metadata and thumbnails from real files, and hostile files failing cleanly (no Django here)."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from assets.ingest.mediatypes import format_for_name
from assets.jobs.processing.decoders import DecoderLimits
from assets.jobs.processing.errors import CorruptMedia, FileChanged
from assets.jobs.processing.metadata import probe_video
from assets.jobs.processing.pipeline import ProcessingResult, SourceFile, process_file
from assets.jobs.processing.thumbnails import extract_video_frame, frame_command, thumbnail_name
from mam.config import Config
from tests.media import (
    make_gif,
    make_gif_canvas,
    make_jpeg,
    make_png,
    make_video,
    png_claiming,
)

LIMITS = DecoderLimits(
    timeout=60,
    ffmpeg=Config.FFMPEG_BINARY,
    ffprobe=Config.FFPROBE_BINARY,
    max_image_pixels=178_956_970,
)


def source_for(path: Path) -> SourceFile:
    fmt = format_for_name(path.name)
    st = path.stat()
    return SourceFile(
        path=path,
        kind=fmt.kind.value,
        pillow_format=fmt.pillow_format,
        ffmpeg_demuxer=fmt.ffmpeg_demuxer,
        expected_size=st.st_size,
        expected_mtime_ns=st.st_mtime_ns,
    )


def run(
    path: Path, out: Path, limits: DecoderLimits = LIMITS
) -> tuple[ProcessingResult, list[tuple[str, int]]]:
    stages: list[tuple[str, int]] = []
    result = process_file(source_for(path), out, limits, lambda s, p: stages.append((s, p)))
    return result, stages


def thumbnail(out: Path, result: ProcessingResult) -> Image.Image:
    image = Image.open(out / result.thumbnail.name)
    image.load()
    return image


def test_jpeg_metadata_checksum_and_thumbnail(tmp_path: Path) -> None:
    path = make_jpeg(
        tmp_path / "a.jpg",
        size=(1600, 1200),
        camera=("Canon", "EOS R5"),
        taken="2024:05:01 10:30:00",
    )
    result, stages = run(path, tmp_path / "thumbs")
    assert [s for s, _ in stages] == ["metadata", "thumbnail"]
    assert [p for _, p in stages] == sorted(p for _, p in stages)
    assert result.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.metadata["width"] == 1600 and result.metadata["height"] == 1200
    assert result.metadata["camera"] == "Canon EOS R5"
    assert result.metadata["captured_at"] == "2024-05-01T10:30:00"
    thumb = thumbnail(tmp_path / "thumbs", result)
    assert thumb.format == "JPEG" and thumb.size == (320, 240)
    assert result.thumbnail.name == thumbnail_name(result.checksum)
    assert result.thumbnail.name.startswith(f"{result.checksum}-320")


def test_a_large_image_reports_its_preview_as_a_stage_of_its_own(tmp_path: Path) -> None:
    result, stages = run(make_jpeg(tmp_path / "big.jpg", size=(3000, 2000)), tmp_path / "thumbs")
    assert [s for s, _ in stages] == ["metadata", "thumbnail", "preview"]
    assert [p for _, p in stages] == sorted(p for _, p in stages)
    assert result.preview is not None


def test_exif_rotated_jpeg_reports_and_renders_upright(tmp_path: Path) -> None:
    # Orientation 6: stored landscape, displayed rotated 90 degrees clockwise (portrait).
    path = make_jpeg(tmp_path / "r.jpg", size=(800, 400), orientation=6)
    result, _ = run(path, tmp_path / "thumbs")
    assert (result.metadata["width"], result.metadata["height"]) == (400, 800)
    thumb = thumbnail(tmp_path / "thumbs", result)
    assert thumb.size == (160, 320)
    # The blue marker (stored top-left) is top-right once rotated clockwise.
    r, _g, b = thumb.convert("RGB").getpixel((thumb.width - 10, 10))
    assert b > 150 and r < 100


def test_transparent_png_is_flattened_on_white(tmp_path: Path) -> None:
    path = make_png(tmp_path / "alpha.png", size=(400, 200), mode="RGBA")
    result, _ = run(path, tmp_path / "thumbs")
    thumb = thumbnail(tmp_path / "thumbs", result).convert("RGB")
    assert thumb.getpixel((10, 10))[1] > 100  # opaque green half stays green
    assert thumb.getpixel((thumb.width - 10, 10)) == pytest.approx(
        (255, 255, 255), abs=3
    )  # transparent → white


@pytest.mark.parametrize("mode", ["P", "I;16", "L", "CMYK"])
def test_other_colour_modes_become_rgb_thumbnails(tmp_path: Path, mode: str) -> None:
    if mode == "CMYK":
        path = tmp_path / "cmyk.jpg"
        Image.new("CMYK", (300, 200), (0, 255, 255, 0)).save(path, "JPEG")  # red in CMYK
    else:
        path = make_png(tmp_path / f"m{mode.replace(';', '')}.png", mode=mode)
    result, _ = run(path, tmp_path / "thumbs")
    thumb = thumbnail(tmp_path / "thumbs", result)
    assert thumb.mode == "RGB"
    if mode == "CMYK":
        r, g, b = thumb.getpixel((5, 5))
        assert r > 200 and g < 60 and b < 60
    if mode == "P":
        assert thumb.getpixel((5, 5)) == pytest.approx((255, 255, 0), abs=3)


def test_animated_gif_reports_frames_and_duration(tmp_path: Path) -> None:
    path = make_gif(tmp_path / "anim.gif", frames=5, frame_ms=120)
    result, _ = run(path, tmp_path / "thumbs")
    assert result.metadata["frame_count"] == 5
    assert result.metadata["duration"] == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("name", "codec"), [("clip.mp4", "h264"), ("clip.mov", "h264"), ("clip.avi", "mjpeg")]
)
def test_video_metadata_and_thumbnail(tmp_path: Path, name: str, codec: str) -> None:
    path = make_video(tmp_path / name, seconds=2, size=(480, 270), fps=25)
    result, stages = run(path, tmp_path / "thumbs")
    meta = result.metadata
    assert (meta["width"], meta["height"]) == (480, 270)
    assert meta["duration"] == pytest.approx(2.0, abs=0.1)
    assert meta["codec"] == codec
    assert meta["fps"] == pytest.approx(25.0)
    assert meta["has_audio"] is True
    assert meta["bitrate"] > 0
    # Then the renditions, each a stage: the proxy only for what a browser cannot play.
    proxy = ["proxy"] if codec == "mjpeg" else []
    assert list(dict.fromkeys(s for s, _ in stages)) == [
        "metadata",
        "thumbnail",
        "scrub_strip",
        *proxy,
    ]
    assert [p for _, p in stages] == sorted(p for _, p in stages)
    assert thumbnail(tmp_path / "thumbs", result).size == (320, 180)


def test_video_without_audio_says_so(tmp_path: Path) -> None:
    path = make_video(tmp_path / "mute.mp4", audio=False)
    result, _ = run(path, tmp_path / "thumbs")
    assert result.metadata["has_audio"] is False


def test_video_opening_with_black_frames_gets_a_real_frame(tmp_path: Path) -> None:
    path = make_video(tmp_path / "fade.mp4", seconds=4, black_seconds=1.5)
    result, _ = run(path, tmp_path / "thumbs")
    assert ImageStat.Stat(thumbnail(tmp_path / "thumbs", result).convert("L")).mean[0] > 30


@pytest.mark.parametrize(
    ("name", "tags", "camera"),
    [
        (
            "iphone.mov",
            {"com.apple.quicktime.make": "Apple", "com.apple.quicktime.model": "iPhone 12"},
            "Apple iPhone 12",
        ),
        (
            "pixel.mp4",
            {"com.android.manufacturer": "Google", "com.android.model": "Pixel 6"},
            "Google Pixel 6",
        ),
        ("canon.mp4", {"make": "Canon", "model": "Canon EOS R5"}, "Canon EOS R5"),
        ("plain.mp4", {}, None),
    ],
)
def test_a_video_names_the_camera_its_container_tags_name(
    tmp_path: Path, name: str, tags: dict[str, str], camera: str | None
) -> None:
    """What the camera filter and the camera facet find videos by, as they find photos."""
    path = tmp_path / name
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
            "testsrc2=size=160x90:rate=10:duration=0.5",
            *(arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")),
            "-movflags",
            "use_metadata_tags",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    result, _ = run(path, tmp_path / "thumbs")
    assert result.metadata.get("camera") == camera


def test_rotated_video_reports_display_dimensions(tmp_path: Path) -> None:
    path = make_video(tmp_path / "phone.mp4", size=(320, 180), rotate=90, audio=False)
    result, _ = run(path, tmp_path / "thumbs")
    assert (result.metadata["width"], result.metadata["height"]) == (180, 320)
    assert thumbnail(tmp_path / "thumbs", result).size == (180, 320)


def test_decompression_bomb_png_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(50_000, 50_000))
    with pytest.raises(CorruptMedia, match="too large"):
        run(path, tmp_path / "thumbs")
    assert not (tmp_path / "thumbs").exists() or not any((tmp_path / "thumbs").iterdir())


def test_bomb_warning_threshold_is_an_error_too(tmp_path: Path) -> None:
    path = make_png(tmp_path / "big.png", size=(1000, 1000), mode="RGB")
    limits = DecoderLimits(timeout=60, max_image_pixels=600_000)  # warns above 1x, errors above 2x
    with pytest.raises(CorruptMedia, match="too large"):
        run(path, tmp_path / "thumbs", limits)


def test_truncated_jpeg_fails_cleanly(tmp_path: Path) -> None:
    full = make_jpeg(tmp_path / "full.jpg", size=(1200, 900)).read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(full[: len(full) // 3])
    with pytest.raises(CorruptMedia, match="damaged"):
        run(path, tmp_path / "thumbs")


def test_corrupt_video_fails_with_a_reason_and_no_path(tmp_path: Path) -> None:
    path = tmp_path / "junk.avi"
    path.write_bytes(b"RIFF\x00\x00\x00\x00AVI LIST" + b"\x00garbage" * 100)
    with pytest.raises(CorruptMedia) as caught:
        run(path, tmp_path / "thumbs")
    assert str(tmp_path) not in str(caught.value)


@pytest.mark.parametrize("demuxer", ["mov", "avi"])
def test_playlists_are_not_followed_even_when_handed_to_the_decoder(
    tmp_path: Path, demuxer: str
) -> None:
    # A real video the playlist points at: if ffprobe followed it, it would report a stream.
    target = make_video(tmp_path / "target.mp4", seconds=1, audio=False)
    for text in (
        f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:{target}\n#EXT-X-ENDLIST\n",
        f"ffconcat version 1.0\nfile '{target}'\n",
    ):
        playlist = tmp_path / f"list.{demuxer}"
        playlist.write_text(text)
        with pytest.raises(CorruptMedia):
            probe_video(playlist, demuxer, LIMITS)


def test_decoder_time_limit_applies(tmp_path: Path) -> None:
    path = make_video(tmp_path / "v.mp4", seconds=1, audio=False)
    slow = DecoderLimits(timeout=0.001, ffmpeg=Config.FFMPEG_BINARY, ffprobe=Config.FFPROBE_BINARY)
    with pytest.raises(Exception, match="longer than"):
        probe_video(path, "mov", slow)


def test_file_deleted_before_processing_fails_as_changed(tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "gone.jpg")
    source = source_for(path)
    path.unlink()
    with pytest.raises(FileChanged, match="no longer exists"):
        process_file(source, tmp_path / "thumbs", LIMITS, lambda s, p: None)


def test_file_rewritten_since_registration_fails_as_changed(tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "edit.jpg", size=(100, 100))
    source = source_for(path)
    make_jpeg(path, size=(300, 300))
    with pytest.raises(FileChanged, match="changed"):
        process_file(source, tmp_path / "thumbs", LIMITS, lambda s, p: None)


def test_processing_twice_gives_the_same_result(tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "same.jpg", size=(900, 600))
    first, _ = run(path, tmp_path / "thumbs")
    bytes_first = (tmp_path / "thumbs" / first.thumbnail.name).read_bytes()
    second, _ = run(path, tmp_path / "thumbs")
    assert first == second
    assert (tmp_path / "thumbs" / second.thumbnail.name).read_bytes() == bytes_first
    assert [p.name for p in (tmp_path / "thumbs").iterdir()] == [first.thumbnail.name]


def test_decoder_memory_limit_applies(tmp_path: Path) -> None:
    path = make_video(tmp_path / "hd.mp4", seconds=1, size=(1920, 1080), audio=False)
    starved = DecoderLimits(
        timeout=60,
        memory_bytes=24 * 1024**2,
        ffmpeg=Config.FFMPEG_BINARY,
        ffprobe=Config.FFPROBE_BINARY,
    )
    with pytest.raises(CorruptMedia):
        extract_video_frame(path, "mov", 1.0, starved, (1920, 1080))
    assert extract_video_frame(path, "mov", 1.0, LIMITS, (1920, 1080)).startswith(b"\xff\xd8")


def test_frame_command_pins_container_and_protocol_and_seeks_before_input() -> None:
    args = frame_command(Path("/media/a b.mp4"), "mov", 1.5, "ffmpeg", (320, 180))
    before_input = args[: args.index("-i")]
    pairs = set(itertools.pairwise(before_input))
    assert {
        ("-f", "mov"),
        ("-protocol_whitelist", "file"),
        ("-ss", "1.500"),
        ("-threads", "1"),
    } <= pairs
    assert args[args.index("-i") + 1] == "file:/media/a b.mp4"
    assert ("-map", "0:v:0") in set(itertools.pairwise(args))


def test_a_huge_canvas_with_many_frames_is_not_walked_frame_by_frame(tmp_path: Path) -> None:
    # 46 KB on disk, 36 megapixels a frame: walking all 600 would decode 21.6 gigapixels.
    path = make_gif_canvas(tmp_path / "canvas.gif", (6000, 6000), frames=600, delay_ms=50)
    result, _ = run(path, tmp_path / "thumbs")
    assert result.metadata["frame_count"] == 600
    assert result.metadata["duration"] == pytest.approx(30.0)
    assert result.metadata["duration_estimated"] is True
    assert thumbnail(tmp_path / "thumbs", result).size == (320, 320)


def test_a_small_animation_still_gets_its_exact_duration(tmp_path: Path) -> None:
    path = make_gif_canvas(tmp_path / "small.gif", (64, 48), frames=7, delay_ms=120)
    result, _ = run(path, tmp_path / "thumbs")
    assert result.metadata["duration"] == pytest.approx(0.84)
    assert "duration_estimated" not in result.metadata


def test_an_image_whose_canvas_exceeds_the_memory_limit_is_refused_before_decoding(
    tmp_path: Path,
) -> None:
    path = make_gif_canvas(tmp_path / "wide.gif", (4000, 4000), frames=2)
    tight = dataclasses.replace(LIMITS, memory_bytes=32 * 2**20)  # 4000x4000 RGBA is 61 MiB
    with pytest.raises(CorruptMedia, match="to decode, over the limit of 32 MiB"):
        run(path, tmp_path / "thumbs", tight)
