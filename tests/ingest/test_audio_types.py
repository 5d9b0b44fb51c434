"""Audio files are taken by what their own bytes are, each under its own extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.ingest.errors import ContentMismatch
from assets.ingest.mediatypes import SNIFF_BYTES, check_content, is_supported_name
from assets.ingest.paths import validate_media_path
from assets.models import MediaType
from tests.audio_media import make_audio


@pytest.mark.parametrize(
    ("name", "demuxer", "mime"),
    [
        ("tone.mp3", "mp3", "audio/mpeg"),
        ("tone.wav", "wav", "audio/wav"),
        ("tone.flac", "flac", "audio/flac"),
        ("tone.ogg", "ogg", "audio/ogg"),
        ("tone.opus", "ogg", "audio/ogg"),
        ("tone.m4a", "mov", "audio/mp4"),
    ],
)
def test_each_audio_format_is_taken_by_its_content(
    media_root: Path, name: str, demuxer: str, mime: str
) -> None:
    make_audio(media_root / name)
    media = validate_media_path(name)
    assert media.format.kind == MediaType.AUDIO
    assert media.format.ffmpeg_demuxer == demuxer
    assert media.format.mime_type == mime


def test_mp3_without_id3_tag_is_known_by_its_frame_sync(media_root: Path) -> None:
    path = make_audio(media_root / "bare.mp3", codec=["-c:a", "libmp3lame", "-id3v2_version", "0"])
    assert path.read_bytes()[:3] != b"ID3"
    assert validate_media_path("bare.mp3").format.kind == MediaType.AUDIO


def test_ogg_vorbis_under_the_oga_extension_is_taken(media_root: Path) -> None:
    make_audio(media_root / "tone.oga", codec=["-c:a", "libvorbis"], container="ogg")
    assert validate_media_path("tone.oga").format.kind == MediaType.AUDIO


def test_extensions_are_compared_case_insensitively() -> None:
    assert is_supported_name("SONG.MP3")
    assert is_supported_name("Take 2.Flac")


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("notes.mp3", b"This is a text file, not a song.\n" * 2),
        ("notes.wav", b"RIFF\x24\x00\x00\x00AVI LIST"),  # an AVI under a .wav name
        ("notes.flac", b"fLa"),  # truncated before the marker ends
        ("notes.ogg", b"OggS\x00\x02"),  # a page header cut short
        ("notes.mp3", b"ID3"),  # a tag header cut short
        ("notes.mp3", b"\xff\xd8\xff\xe0\x00\x10JFIF"),  # a JPEG is not a frame sync
        ("notes.mp3", b"\xff\xf1\x50\x80\x02\x1f\xfc"),  # AAC ADTS is not MPEG audio
        ("notes.mp3", b"\xff\xfb\xf0\x00" + bytes(60)),  # the reserved bitrate index
        ("notes.m4a", b"\x00" * 64),
        ("notes.flac", b""),
    ],
)
def test_bad_audio_content_is_refused(name: str, head: bytes) -> None:
    with pytest.raises(ContentMismatch):
        check_content(name, head[:SNIFF_BYTES])


def test_ogg_theora_video_is_not_taken_as_audio(tmp_path: Path) -> None:
    # An Ogg page whose first packet is Theora's identification header.
    head = b"OggS\x00\x02" + bytes(20) + b"\x01\x2a" + b"\x80theora" + bytes(20)
    with pytest.raises(ContentMismatch):
        check_content("clip.ogg", head)


def test_audio_under_an_image_extension_is_refused(media_root: Path) -> None:
    path = make_audio(media_root / "tone.mp3")
    path.rename(media_root / "tone.jpg")
    with pytest.raises(ContentMismatch, match="mp3 data"):
        validate_media_path("tone.jpg")


def test_wav_under_the_mp3_extension_is_refused(media_root: Path) -> None:
    path = make_audio(media_root / "tone.wav")
    path.rename(media_root / "tone.mp3")
    with pytest.raises(ContentMismatch, match="wav data"):
        validate_media_path("tone.mp3")
