"""Media fixtures made on the fly: real JPEG/PNG/GIF files and short videos (no binaries in git)."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from mam.config import Config


def make_jpeg(
    path: Path,
    size: tuple[int, int] = (640, 480),
    color: tuple[int, int, int] = (200, 40, 40),
    orientation: int | None = None,
    camera: tuple[str, str] | None = None,
    taken: str | None = None,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    # A marker in the top-left quarter, to check rotation in thumbnails.
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if camera:
        exif[0x010F], exif[0x0110] = camera
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    image.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return path


def make_png(path: Path, size: tuple[int, int] = (300, 200), mode: str = "RGBA") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode == "RGBA":
        image = Image.new("RGBA", size, (0, 128, 0, 0))  # fully transparent green
        image.paste((0, 128, 0, 255), (0, 0, size[0] // 2, size[1]))
    elif mode == "P":
        image = Image.new("P", size, 1)
        image.putpalette([0, 0, 0, 255, 255, 0] + [0, 0, 0] * 254)
    elif mode == "I;16":
        image = Image.new("I;16", size, 40000)
    else:
        image = Image.new(mode, size)
    image.save(path, "PNG")
    return path


def make_gif(
    path: Path, frames: int = 3, frame_ms: int = 100, size: tuple[int, int] = (64, 48)
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.new("P", size, i % 2) for i in range(frames)]
    for image in images:
        image.putpalette([255, 0, 0, 0, 0, 255] + [0, 0, 0] * 254)
    images[0].save(path, "GIF", save_all=True, append_images=images[1:], duration=frame_ms, loop=0)
    return path


def make_video(
    path: Path,
    seconds: float = 2.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 25,
    audio: bool = True,
    black_seconds: float = 0.0,
    rotate: int | None = None,
) -> Path:
    """An H.264 (or MJPEG for .avi) test pattern, optionally opening with black frames."""
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    source = f"testsrc2=size={w}x{h}:rate={fps}:duration={seconds}"
    args = [
        Config.FFMPEG_BINARY,
        "-y",
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        source,
    ]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    vf = []
    if black_seconds:
        vf.append(f"drawbox=enable='lt(t,{black_seconds})':color=black:t=fill")
    if vf:
        args += ["-vf", ",".join(vf)]
    if path.suffix.lower() == ".avi":
        args += ["-c:v", "mjpeg", "-q:v", "5"]
        if audio:
            args += ["-c:a", "pcm_s16le"]
    else:
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        if audio:
            args += ["-c:a", "aac", "-b:a", "64k"]
    target = path.with_name(f".unrotated-{path.name}") if rotate is not None else path
    args.append(str(target))
    subprocess.run(args, check=True, timeout=120)
    if rotate is not None:
        # A phone-style display matrix, as a remux (ffmpeg 6 ignores the old "rotate" tag).
        remux = subprocess.run(
            [
                Config.FFMPEG_BINARY,
                "-y",
                "-loglevel",
                "error",
                "-display_rotation:v:0",
                str(rotate),
                "-i",
                str(target),
                "-c",
                "copy",
                str(path),
            ],
            check=False,
            capture_output=True,
            timeout=120,
        )
        if remux.returncode != 0:
            if b"display_rotation" in remux.stderr:
                pytest.skip("this ffmpeg is older than 6.0 and cannot write a display matrix")
            raise subprocess.CalledProcessError(remux.returncode, remux.args, stderr=remux.stderr)
        target.unlink()
    return path


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def make_gif_canvas(path: Path, canvas: tuple[int, int], frames: int, delay_ms: int = 50) -> Path:
    """A GIF written byte by byte: a huge logical screen with tiny 1x1 frames (a few bytes
    each), as a hostile file would be. Pillow could not write it without the full canvas."""
    width, height = canvas
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", width, height, 0x80, 0, 0)  # a 2-colour global table
    out += b"\x00\x00\x00\xff\xff\xff"
    for _ in range(frames):
        out += b"\x21\xf9\x04\x00" + struct.pack("<H", delay_ms // 10) + b"\x00\x00"
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
        out += b"\x02\x02\x44\x01\x00"  # LZW: clear, pixel 0, end
    out += b"\x3b"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path
