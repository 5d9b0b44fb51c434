"""Path safety: hostile paths are refused with a 400, good ones become relative paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assets.ingest.errors import (
    ContentMismatch,
    FileMissing,
    FileRejected,
    MalformedPath,
    NotAFile,
    OutsideMediaFolder,
    UnsupportedType,
)
from assets.ingest.paths import check_relative_path, safe_upload_name, validate_media_path
from mam.errors import InvalidInput
from tests.media import make_jpeg, make_png

HOSTILE_PATHS = [
    "../etc/passwd",
    "../../../../etc/passwd",
    "a/../../etc/passwd",
    "a/b/../../../outside.jpg",
    "./../outside.jpg",
    "..",
    "../",
    "%2e%2e/etc/passwd",
    "%2E%2E/%2E%2E/etc/passwd",
    "..%2fetc%2fpasswd",
    "..%2Foutside.jpg",
    "%2e%2e%2fetc%2fpasswd",
    "%252e%252e/etc/passwd",
    "%252e%252e%252fetc%252fpasswd",
    "%25252e%25252e/outside.jpg",
    "..\\outside.jpg",
    "a\\..\\..\\outside.jpg",
    "..%5coutside.jpg",
    "..%255coutside.jpg",
    "photo.jpg\x00.png",
    "photo.jpg%00.png",
    "photo.jpg%2500.png",
    "/etc/passwd",
    "/photo.jpg",
    "//server/share/photo.jpg",
    "%2fetc%2fpasswd",
    "%252fetc/passwd",
    "C:\\Windows\\win.ini",
    "C:/Windows/win.ini",
    "c:photo.jpg",
    "~/photo.jpg",
    "~root/photo.jpg",
    "%7e/photo.jpg",
    "",
    "   ",
    ".",
    "./",
    "line\nbreak.jpg",
    "a" * 1100 + ".jpg",
]


@pytest.mark.parametrize("raw", HOSTILE_PATHS)
def test_hostile_path_is_refused_before_touching_the_filesystem(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_relative_path(raw)
    assert caught.value.status_code == 400
    assert "/work" not in caught.value.message


@pytest.mark.parametrize("raw", HOSTILE_PATHS)
def test_hostile_path_is_refused_by_full_validation(raw: str, media_root: Path) -> None:
    # A real file outside the base, so a traversal that slipped through would find something.
    make_jpeg(media_root.parent / "outside.jpg")
    with pytest.raises(InvalidInput):
        validate_media_path(raw)


def _prepare(media_root: Path) -> None:
    make_jpeg(media_root.parent / "outside.jpg")
    (media_root / "escape.jpg").symlink_to(media_root.parent / "outside.jpg")
    (media_root / "folder.jpg").mkdir()
    os.mkfifo(media_root / "pipe.jpg")
    (media_root / "notes.txt").write_text("hello")
    make_png(media_root / "really-a-png.jpg")


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("../outside.jpg", OutsideMediaFolder),
        ("%2e%2e/outside.jpg", OutsideMediaFolder),
        ("/etc/passwd", OutsideMediaFolder),
        ("~/photo.jpg", OutsideMediaFolder),
        ("escape.jpg", OutsideMediaFolder),
        ("", MalformedPath),
        ("a\\b.jpg", MalformedPath),
        ("line\nbreak.jpg", MalformedPath),
        ("missing.jpg", FileMissing),
        ("folder.jpg", NotAFile),
        ("pipe.jpg", NotAFile),
        ("notes.txt", UnsupportedType),
        ("really-a-png.jpg", ContentMismatch),
    ],
)
def test_each_refusal_carries_its_kind(
    raw: str, kind: type[FileRejected], media_root: Path
) -> None:
    # Callers (bulk import, the worker) branch on these classes, never on the message.
    _prepare(media_root)
    with pytest.raises(FileRejected) as caught:
        validate_media_path(raw)
    assert type(caught.value) is kind
    assert caught.value.status_code == 400
    assert caught.value.context == {"file_path": raw}


def test_non_string_path_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check_relative_path(["a.jpg"])


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("a.jpg", "a.jpg"),
        ("./a.jpg", "a.jpg"),
        ("dir/./sub/a.jpg", "dir/sub/a.jpg"),
        ("dir//a.jpg", "dir/a.jpg"),
        ("100%.jpg", "100%.jpg"),
        ("Ferien 2024/Strand ☀.jpg", "Ferien 2024/Strand ☀.jpg"),
        ("..hidden.jpg", "..hidden.jpg"),
        ("a..b.jpg", "a..b.jpg"),
    ],
)
def test_ordinary_paths_are_normalised(raw: str, normalised: str) -> None:
    assert check_relative_path(raw) == normalised


def test_valid_file_gives_relative_path_format_and_size(media_root: Path) -> None:
    path = make_jpeg(media_root / "holiday" / "beach.JPG")
    media = validate_media_path("holiday/beach.JPG")
    assert media.relative_path == "holiday/beach.JPG"
    assert media.format.mime_type == "image/jpeg"
    assert media.size == path.stat().st_size


def test_unicode_and_spaces_in_names_are_accepted(media_root: Path) -> None:
    make_jpeg(media_root / "Ferien 2024" / "Strand ☀.jpg")
    assert (
        validate_media_path("Ferien 2024/Strand ☀.jpg").relative_path == "Ferien 2024/Strand ☀.jpg"
    )


def test_symlinked_file_escaping_the_media_root_is_refused(media_root: Path) -> None:
    outside = make_jpeg(media_root.parent / "secret.jpg")
    (media_root / "link.jpg").symlink_to(outside)
    with pytest.raises(InvalidInput, match="outside the media folder"):
        validate_media_path("link.jpg")


def test_symlinked_directory_escaping_the_media_root_is_refused(media_root: Path) -> None:
    elsewhere = media_root.parent / "elsewhere"
    make_jpeg(elsewhere / "photo.jpg")
    (media_root / "dir").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InvalidInput, match="outside the media folder"):
        validate_media_path("dir/photo.jpg")


def test_symlink_inside_the_media_root_is_stored_as_its_target(media_root: Path) -> None:
    make_jpeg(media_root / "real" / "photo.jpg")
    (media_root / "alias").symlink_to(media_root / "real", target_is_directory=True)
    assert validate_media_path("alias/photo.jpg").relative_path == "real/photo.jpg"


def test_symlink_loop_is_refused(media_root: Path) -> None:
    (media_root / "loop.jpg").symlink_to(media_root / "loop.jpg")
    with pytest.raises(InvalidInput):
        validate_media_path("loop.jpg")


def test_missing_file_is_refused(media_root: Path) -> None:
    with pytest.raises(InvalidInput, match="File not found"):
        validate_media_path("nothing-here.jpg")


def test_directory_with_media_extension_is_refused(media_root: Path) -> None:
    (media_root / "folder.jpg").mkdir()
    with pytest.raises(InvalidInput, match="not a regular file"):
        validate_media_path("folder.jpg")


def test_fifo_with_media_extension_is_refused_without_blocking(media_root: Path) -> None:
    os.mkfifo(media_root / "pipe.mp4")
    with pytest.raises(InvalidInput, match="not a regular file"):
        validate_media_path("pipe.mp4")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_refused(media_root: Path) -> None:
    path = make_jpeg(media_root / "locked.jpg")
    path.chmod(0)
    with pytest.raises(InvalidInput, match="not readable"):
        validate_media_path("locked.jpg")


@pytest.mark.parametrize(
    "name", ["notes.txt", "archive.tar.gz", "photo.webp", "noext", "movie.mkv"]
)
def test_unsupported_extension_is_refused(name: str, media_root: Path) -> None:
    (media_root / name).write_bytes(b"data")
    with pytest.raises(InvalidInput, match="Unsupported file type"):
        validate_media_path(name)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("text.jpg", b"just some text, not a picture"),
        ("empty.jpg", b""),
        ("empty.mp4", b""),
        ("playlist.mp4", b"#EXTM3U\n#EXT-X-VERSION:3\nhttp://example.invalid/a.ts\n"),
        ("playlist.avi", b"ffconcat version 1.0\nfile '/etc/passwd'\n"),
        ("page.png", b"<html><body>hi</body></html>"),
        ("gif.jpg", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_content_that_does_not_match_its_extension_is_refused(
    name: str, content: bytes, media_root: Path
) -> None:
    (media_root / name).write_bytes(content)
    with pytest.raises(InvalidInput, match="does not match"):
        validate_media_path(name)


def test_png_named_jpg_is_refused(media_root: Path) -> None:
    make_png(media_root / "real.png")
    (media_root / "real.png").rename(media_root / "fake.jpg")
    with pytest.raises(InvalidInput, match=r"does not match its \.jpg extension \(png data\)"):
        validate_media_path("fake.jpg")


@pytest.mark.parametrize(
    ("uploaded", "safe"),
    [
        ("photo.jpg", "photo.jpg"),
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\me\\Pictures\\cat.PNG", "cat.png"),
        ("$(rm -rf).jpg", "rm -rf.jpg"),
        ("..jpg", "upload.jpg"),
        ("Strand ☀.jpg", "Strand ☀.jpg"),
        ("no extension", "no extension"),
    ],
)
def test_upload_names_are_sanitised(uploaded: str, safe: str) -> None:
    assert safe_upload_name(uploaded) == safe
