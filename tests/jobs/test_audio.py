"""Audio assets: metadata from ffprobe, a waveform as the thumbnail, the original played when
a browser can and an AAC proxy when it cannot, and an .mp4 of sound alone taken as audio."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from PIL import Image

from assets import services
from assets.ingest.mediatypes import format_for_name
from assets.jobs import worker
from assets.jobs.processing.decoders import DecoderLimits
from assets.jobs.processing.errors import CorruptMedia, TransientProcessingError
from assets.jobs.processing.pipeline import ProcessingResult, SourceFile, process_file
from assets.jobs.processing.proxy import PlaybackProbe, browser_playable, proxy_name
from assets.jobs.processing.thumbnails import thumbnail_name
from assets.jobs.processing.waveform import WAVEFORM_BACKGROUND, WAVEFORM_SIZE, render_waveform
from assets.jobs.renditions import lacks_renditions
from assets.models import Asset, AssetStatus, MediaType
from mam.config import Config
from tests.audio_media import make_audio
from tests.media import make_video

LIMITS = DecoderLimits(timeout=60, ffmpeg=Config.FFMPEG_BINARY, ffprobe=Config.FFPROBE_BINARY)


def process(path: Path, out: Path) -> ProcessingResult:
    fmt = format_for_name(path.name)
    source = SourceFile(
        path=path,
        kind=fmt.kind,
        pillow_format=fmt.pillow_format,
        ffmpeg_demuxer=fmt.ffmpeg_demuxer,
        expected_size=path.stat().st_size,
    )
    return process_file(source, out, LIMITS, lambda stage, progress: None)


def ffprobe(path: Path) -> dict[str, Any]:
    report = subprocess.run(
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
    )
    return dict(json.loads(report.stdout))


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("song.mp3", "mp3"),
        ("take.wav", "pcm_s16le"),
        ("take.flac", "flac"),
        ("song.ogg", "vorbis"),
        ("voice.opus", "opus"),
        ("memo.m4a", "aac"),
    ],
)
def test_each_audio_format_gets_its_metadata_a_waveform_and_plays_as_it_is(
    tmp_path: Path, name: str, codec: str
) -> None:
    path = make_audio(tmp_path / name, seconds=2.0, sample_rate=48000, channels=2)
    result = process(path, tmp_path / "out")
    meta = result.metadata
    assert result.kind == "audio"
    assert meta["codec"] == codec
    assert meta["duration"] == pytest.approx(2.0, abs=0.1)
    assert meta["sample_rate"] == 48000
    assert meta["channels"] == 2 and meta["channel_layout"] == "stereo"
    assert "width" not in meta and "has_audio" not in meta
    assert result.browser_playable is True and result.proxy is None
    assert result.scrub is None and result.perceptual_hash is None
    assert result.blurhash and not result.missing
    assert result.thumbnail.name == thumbnail_name(result.checksum)
    with Image.open(tmp_path / "out" / result.thumbnail.name) as thumb:
        assert thumb.format == "JPEG" and thumb.size == WAVEFORM_SIZE == (320, 180)


def test_lossy_formats_report_their_bitrate(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "song.mp3", codec=["-c:a", "libmp3lame", "-b:a", "96k"])
    assert process(path, tmp_path / "out").metadata["bitrate"] == 96000


@pytest.mark.parametrize("name", ["song.mp3", "song.ogg", "song.flac", "memo.m4a"])
def test_title_artist_and_album_tags_are_read_from_any_container(tmp_path: Path, name: str) -> None:
    tags = {"title": "Morning Take", "artist": "Field Recorder", "album": "Birdsong 2024"}
    path = make_audio(tmp_path / name, tags=tags)
    meta = process(path, tmp_path / "out").metadata
    assert {k: meta.get(k) for k in tags} == tags


def test_a_mono_recording_says_so(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "mono.wav", channels=1, sample_rate=22050)
    meta = process(path, tmp_path / "out").metadata
    assert (meta["channels"], meta["channel_layout"], meta["sample_rate"]) == (1, "mono", 22050)


def test_the_waveform_shows_the_sound_growing_louder(tmp_path: Path) -> None:
    """The tone rises from silence to full volume: the wave is drawn thin on the left and
    tall on the right, in a colour on the light background."""
    path = make_audio(tmp_path / "rise.wav", seconds=2.0)
    with Image.open(io.BytesIO(render_waveform(path, "wav", LIMITS))) as image:
        picture = image.convert("RGB")

    def drawn_rows(x: int) -> int:
        return sum(
            1
            for y in range(picture.height)
            if max(
                abs(a - b)
                for a, b in zip(picture.getpixel((x, y)), WAVEFORM_BACKGROUND, strict=True)
            )
            > 60
        )

    assert drawn_rows(5) < drawn_rows(310)
    assert drawn_rows(310) > 2


def test_a_file_with_no_sound_at_all_fails_with_a_reason(tmp_path: Path) -> None:
    video = make_video(tmp_path / "silent.mp4", seconds=0.5, size=(160, 90), audio=False)
    m4a = tmp_path / "silent.m4a"
    video.rename(m4a)
    with pytest.raises(CorruptMedia, match="No audio stream found"):
        process(m4a, tmp_path / "out")


def test_damaged_audio_fails_with_a_reason_not_a_crash(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "cut.flac", seconds=2.0)
    path.write_bytes(path.read_bytes()[:60])  # the stream header and nothing else
    with pytest.raises(CorruptMedia):
        process(path, tmp_path / "out")


@pytest.mark.parametrize("suffix", [".mp4", ".mov"])
def test_an_mp4_or_mov_with_sound_and_no_picture_becomes_audio(tmp_path: Path, suffix: str) -> None:
    path = make_audio(tmp_path / f"memo{suffix}")
    result = process(path, tmp_path / "out")
    assert result.kind == "audio"
    assert result.metadata["codec"] == "aac"
    assert result.browser_playable is True and result.scrub is None


@pytest.mark.django_db
def test_a_video_asset_keeps_its_type_and_mime_type(media_root: Path) -> None:
    make_video(media_root / "clip.mov", seconds=0.5, size=(160, 90))
    asset = services.register_asset(file_path="clip.mov")
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert (asset.media_type, asset.mime_type) == (MediaType.VIDEO, "video/quicktime")


def test_a_video_with_sound_stays_a_video(tmp_path: Path) -> None:
    path = make_video(tmp_path / "clip.mp4", seconds=0.5, size=(160, 90))
    assert process(path, tmp_path / "out").kind == "video"


def test_an_mp3_with_cover_art_is_audio_not_video(tmp_path: Path) -> None:
    cover = tmp_path / "cover.jpg"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(cover)
    song = make_audio(tmp_path / "plain.mp3")
    tagged = tmp_path / "song.mp3"
    subprocess.run(
        [
            Config.FFMPEG_BINARY, "-y", "-loglevel", "error", "-i", str(song), "-i", str(cover),
            "-map", "0:a", "-map", "1:v", "-c", "copy", "-disposition:v:0", "attached_pic",
            str(tagged),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    result = process(tagged, tmp_path / "out")
    assert result.kind == "audio" and result.browser_playable is True


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("lossless.m4a", ["-c:a", "alac"]),
        ("broadcast.mov", ["-c:a", "ac3", "-b:a", "192k"]),
        ("adpcm.wav", ["-c:a", "adpcm_ms"]),
    ],
)
def test_sound_a_browser_cannot_play_gets_an_aac_proxy(
    tmp_path: Path, name: str, codec: list[str]
) -> None:
    path = make_audio(tmp_path / name, seconds=1.5, codec=codec)
    out = tmp_path / "out"
    result = process(path, out)
    assert result.kind == "audio" and result.browser_playable is False
    assert result.proxy is not None and not result.missing
    assert result.proxy.name == proxy_name(result.checksum, audio=True)
    assert result.proxy.name.endswith(".m4a")
    report = ffprobe(out / result.proxy.name)
    assert [s["codec_type"] for s in report["streams"]] == ["audio"]
    assert report["streams"][0]["codec_name"] == "aac"
    assert float(report["format"]["duration"]) == pytest.approx(1.5, abs=0.1)


@pytest.mark.parametrize(
    ("probe", "playable"),
    [
        (PlaybackProbe("mp3", None, None, None, "mp3"), True),
        (PlaybackProbe("wav", None, None, None, "pcm_s24le"), True),
        (PlaybackProbe("wav", None, None, None, "pcm_mulaw"), False),
        (PlaybackProbe("flac", None, None, None, "flac"), True),
        (PlaybackProbe("ogg", None, None, None, "opus"), True),
        (PlaybackProbe("ogg", None, None, None, "speex"), False),
        (PlaybackProbe("mov,mp4,m4a,3gp,3g2,mj2", None, None, None, "aac"), True),
        (PlaybackProbe("mov,mp4,m4a,3gp,3g2,mj2", None, None, None, "alac"), False),
        (PlaybackProbe("mov,mp4,m4a,3gp,3g2,mj2", None, None, None, "eac3"), False),
        (PlaybackProbe("asf", None, None, None, "wmav2"), False),
    ],
)
def test_sound_playability_follows_codec_and_container(
    probe: PlaybackProbe, playable: bool
) -> None:
    assert browser_playable(probe) is playable


# --- the asset ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_mp4_of_sound_alone_is_stored_as_an_audio_asset(
    media_root: Path, thumbnail_dir: Path
) -> None:
    make_audio(media_root / "memo.mp4", seconds=1.0)
    asset = services.register_asset(file_path="memo.mp4")
    assert asset.media_type == MediaType.VIDEO  # what the extension promised
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.READY
    assert asset.media_type == MediaType.AUDIO
    assert asset.mime_type == "audio/mp4"  # RFC 4337: an MP4 of sound alone
    assert asset.duration == pytest.approx(1.0, abs=0.1)
    assert asset.has_audio is None and asset.width is None
    meta = asset.media_metadata
    assert meta["browser_playable"] is True and "proxy_url" not in meta
    assert (thumbnail_dir / thumbnail_name(asset.checksum)).is_file()
    assert lacks_renditions(asset) is None


@pytest.mark.django_db
def test_an_audio_proxy_is_served_named_and_removed_with_the_asset(
    media_root: Path, thumbnail_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    make_audio(media_root / "take.m4a", seconds=1.0, codec=["-c:a", "alac"])
    asset = services.register_asset(file_path="take.m4a")
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    meta = asset.media_metadata
    assert asset.media_type == MediaType.AUDIO and asset.status == AssetStatus.READY
    assert meta["browser_playable"] is False
    assert meta["proxy_url"] == f"/thumbnails/{proxy_name(asset.checksum, audio=True)}"
    proxy = thumbnail_dir / proxy_name(asset.checksum, audio=True)
    assert proxy.is_file()
    assert lacks_renditions(asset) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_asset(asset_id=asset.pk)
    assert not proxy.exists()


@pytest.mark.django_db
def test_a_failed_audio_proxy_leaves_the_asset_ready_and_says_why(
    media_root: Path, thumbnail_dir: Path
) -> None:
    make_audio(media_root / "take.m4a", seconds=1.0, codec=["-c:a", "alac"])
    asset = services.register_asset(file_path="take.m4a")
    with mock.patch(
        "assets.jobs.processing.pipeline.make_proxy",
        side_effect=TransientProcessingError("Could not write the proxy: No space left"),
    ):
        worker.process_asset(asset.pk)
    asset.refresh_from_db()
    meta = asset.media_metadata
    assert asset.status == AssetStatus.READY and "proxy_url" not in meta
    assert meta["renditions_missing"] == {"proxy": "Could not write the proxy: No space left"}
    assert lacks_renditions(asset) == "a rendition failed: proxy"


def audio_asset(thumbnail_dir: Path, **metadata: Any) -> Asset:
    checksum = "a" * 64
    thumb = thumbnail_name(checksum)
    (thumbnail_dir / thumb).write_bytes(b"jpeg")
    return Asset(
        media_type=MediaType.AUDIO,
        status=AssetStatus.READY,
        checksum=checksum,
        media_metadata={"thumbnail_url": f"/thumbnails/{thumb}", "blurhash": "LKO2", **metadata},
    )


def test_reprocess_missing_renditions_knows_what_audio_has(thumbnail_dir: Path) -> None:
    """No perceptual hash and no scrub strip wanted; the playback check and, when a browser
    cannot play the sound, its proxy are."""
    assert lacks_renditions(audio_asset(thumbnail_dir)) == "not checked for playback in a browser"
    assert lacks_renditions(audio_asset(thumbnail_dir, browser_playable=True)) is None
    unplayable = audio_asset(thumbnail_dir, browser_playable=False)
    assert lacks_renditions(unplayable) == "no proxy for a sound browsers cannot play"
    old = audio_asset(
        thumbnail_dir, browser_playable=False, proxy_url=f"/thumbnails/{'a' * 64}-proxy-v0.m4a"
    )
    assert lacks_renditions(old) == "a proxy of an older version"
    proxy = proxy_name("a" * 64, audio=True)
    complete = audio_asset(thumbnail_dir, browser_playable=False, proxy_url=f"/thumbnails/{proxy}")
    assert lacks_renditions(complete) == f"{proxy} is missing from the thumbnail folder"
    (thumbnail_dir / proxy).write_bytes(b"m4a")
    assert lacks_renditions(complete) is None
