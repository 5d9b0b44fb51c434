"""Thumbnails look like their source: each case is a generated file whose thumbnail is compared
with a reference made by a careful resample (mean absolute error), or checked for its size."""

from __future__ import annotations

import io
import math
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageOps, ImageStat

from assets.ingest.mediatypes import format_for_name
from assets.jobs.processing import thumbnails
from assets.jobs.processing.decoders import DecoderLimits
from assets.jobs.processing.pipeline import ProcessingResult, SourceFile, process_file
from mam.config import Config
from tests.media import make_video

LIMITS = DecoderLimits(timeout=60, ffmpeg=Config.FFMPEG_BINARY, ffprobe=Config.FFPROBE_BINARY)
# Mean absolute error (0-255) a JPEG at quality 82 stays within on these smooth pictures;
# the faults fixed here are off by 40 or more.
CLOSE = 4.0
WHITE = (255, 255, 255)
MakeFile = Callable[[Path], Path]


def process(path: Path, out: Path) -> tuple[ProcessingResult, Image.Image]:
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
    result = process_file(source, out, LIMITS, lambda stage, progress: None)
    with Image.open(out / result.thumbnail.name) as thumb:
        thumb.load()
    assert (thumb.width, thumb.height) == (result.thumbnail.width, result.thumbnail.height)
    return result, thumb


def mean_error(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    diff = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB")))
    return sum(diff.mean) / 3


def reference(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A high-quality resample: RGBA (Pillow premultiplies alpha), Lanczos, then on white."""
    small = image.convert("RGBA").resize(size, Image.Resampling.LANCZOS)
    return Image.alpha_composite(Image.new("RGBA", size, (*WHITE, 255)), small).convert("RGB")


def checkerboard(size: tuple[int, int], low: int, high: int) -> bytes:
    """One-pixel checks: what a nearest-neighbour shrink turns into one flat colour or moire."""
    width, height = size
    even = bytes([low, high] * (width // 2 + 1))[:width]
    odd = bytes([high, low] * (width // 2 + 1))[:width]
    return ((even + odd) * (height // 2 + 1))[: width * height]


# --- palette and 1-bit -------------------------------------------------------------------


def palette_checkerboard(path: Path) -> Path:
    image = Image.frombytes("P", (701, 467), checkerboard((701, 467), 0, 1))
    image.putpalette([220, 30, 30, 30, 30, 220])
    image.save(path)
    return path


def one_bit_checkerboard(path: Path) -> Path:
    grey = Image.frombytes("L", (701, 467), checkerboard((701, 467), 0, 255))
    grey.convert("1", dither=Image.Dither.NONE).save(path)
    return path


@pytest.mark.parametrize("make", [palette_checkerboard, one_bit_checkerboard])
def test_palette_and_one_bit_images_are_shrunk_with_antialiasing(
    tmp_path: Path, make: MakeFile
) -> None:
    path = make(tmp_path / "checks.png")
    _result, thumb = process(path, tmp_path / "thumbs")
    with Image.open(path) as source:
        assert source.mode in {"P", "1"}
        expected = reference(source, thumb.size)
        nearest = source.resize(thumb.size, Image.Resampling.NEAREST)
    assert thumb.size == (320, 213)
    assert mean_error(nearest, expected) > 40  # the fault this guards against is visible
    assert mean_error(thumb, expected) < CLOSE


# --- animations --------------------------------------------------------------------------

RED, BLUE, GREEN = (220, 30, 30), (30, 30, 220), (30, 200, 30)


def test_an_animated_palette_png_keeps_its_first_frame(tmp_path: Path) -> None:
    frames = []
    for index in range(3):
        frame = Image.new("P", (64, 48), index % 3)
        frame.putpalette([*RED, *BLUE, *GREEN])
        frame.paste((index + 1) % 3, (32, 0, 64, 48))
        frames.append(frame)
    path = tmp_path / "anim.png"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    result, thumb = process(path, tmp_path / "thumbs")
    assert result.metadata["frame_count"] == 3 and result.metadata["duration"] == 0.3
    assert thumb.size == (64, 48)
    assert thumb.getpixel((8, 24)) == pytest.approx(RED, abs=12)  # not black
    assert thumb.getpixel((56, 24)) == pytest.approx(BLUE, abs=12)


def gif_with_frames_past_the_screen(path: Path, screen: tuple[int, int]) -> Path:
    """A red first frame filling the logical screen, then a blue one at (40, 20) reaching
    past it: Pillow grows the canvas to fit once it is sought to."""
    blocks, table = [], b""
    for colour, offset in ((0, (0, 0)), (1, (40, 20))):
        frame = Image.new("P", screen, colour)
        frame.putpalette([*RED, *BLUE])
        one = io.BytesIO()
        frame.save(one, "GIF", optimize=False)
        data = one.getvalue()
        table_size = 3 << ((data[10] & 7) + 1)
        table = data[13 : 13 + table_size]
        start = data.index(b",", 13 + table_size)  # the image descriptor, after extensions
        descriptor = bytearray(data[start:-1])
        descriptor[1:5] = struct.pack("<HH", *offset)
        blocks.append(bytes(descriptor))
    out = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80 | (data[10] & 7), 0, 0) + table
    for block in blocks:
        out += b"\x21\xf9\x04\x00" + struct.pack("<H", 10) + b"\x00\x00" + block
    path.write_bytes(out + b";")
    return path


def test_a_gif_whose_frames_overflow_the_screen_gets_a_thumbnail_of_the_stored_size(
    tmp_path: Path,
) -> None:
    path = gif_with_frames_past_the_screen(tmp_path / "overflow.gif", (64, 48))
    with Image.open(path) as walked:
        walked.seek(1)
        assert walked.size == (104, 68)  # what seeking does to the canvas
    result, thumb = process(path, tmp_path / "thumbs")
    assert (result.metadata["width"], result.metadata["height"]) == (64, 48)
    assert result.metadata["frame_count"] == 2
    assert thumb.size == (64, 48)
    assert thumb.getpixel((60, 44)) == pytest.approx(RED, abs=12)


# --- transparency ------------------------------------------------------------------------


def _halves(mode: str, clear: object, right: object) -> Image.Image:
    image = Image.new(mode, (400, 200), clear)  # type: ignore[arg-type]
    image.paste(right, (200, 0, 400, 200))  # type: ignore[arg-type]
    return image


def rgb_with_key(path: Path) -> Path:
    _halves("RGB", (1, 2, 3), GREEN).save(path, transparency=(1, 2, 3))
    return path


def grey_with_key(path: Path) -> Path:
    _halves("L", 7, 90).save(path, transparency=7)
    return path


def grey16_with_key(path: Path) -> Path:
    _halves("I;16", 7000, 23130).save(path, transparency=7000)  # 23130 / 257 = 90
    return path


def grey_with_low_alpha(path: Path) -> Path:
    _halves("LA", (0, 0), (0, 64)).save(path)  # black at a quarter opacity
    return path


def rgba_with_low_alpha(path: Path) -> Path:
    _halves("RGBA", (*RED, 0), (0, 0, 0, 64)).save(path)
    return path


def palette_with_alpha(path: Path) -> Path:
    image = _halves("P", 0, 1)
    image.putpalette([*RED, 0, 0, 0])
    image.save(path, transparency=bytes([0, 64]))
    return path


QUARTER_BLACK_ON_WHITE = (191, 191, 191)


@pytest.mark.parametrize(
    ("make", "right"),
    [
        (rgb_with_key, GREEN),
        (grey_with_key, (90, 90, 90)),
        (grey16_with_key, (90, 90, 90)),
        (grey_with_low_alpha, QUARTER_BLACK_ON_WHITE),
        (rgba_with_low_alpha, QUARTER_BLACK_ON_WHITE),
        (palette_with_alpha, QUARTER_BLACK_ON_WHITE),
    ],
)
def test_transparency_of_every_kind_is_flattened_on_white(
    tmp_path: Path, make: MakeFile, right: tuple[int, int, int]
) -> None:
    _result, thumb = process(make(tmp_path / "clear.png"), tmp_path / "thumbs")
    assert thumb.size == (320, 160)
    assert thumb.getpixel((40, 80)) == pytest.approx(WHITE, abs=3)
    assert thumb.getpixel((280, 80)) == pytest.approx(right, abs=4)
    # Where clear meets opaque, no dark fringe of the colour hidden under the clear part.
    darkest = min(thumb.convert("L").crop((150, 40, 170, 120)).tobytes())
    assert darkest >= Image.new("RGB", (1, 1), right).convert("L").tobytes()[0] - 12


# --- other modes against a reference -----------------------------------------------------


def gradient(mode: str) -> Image.Image:
    ramp = Image.linear_gradient("L").resize((480, 360))
    across = Image.linear_gradient("L").rotate(90).resize((480, 360))
    if mode == "RGB":
        return Image.merge("RGB", (ramp, across, Image.new("L", ramp.size, 90)))
    if mode == "CMYK":
        return Image.merge("CMYK", (ramp, across, Image.new("L", ramp.size, 40), ramp))
    return ramp.convert("I").point(lambda v: v * 257).convert("I;16")


@pytest.mark.parametrize(("mode", "suffix"), [("CMYK", ".jpg"), ("I;16", ".png")])
def test_cmyk_and_16_bit_images_match_a_careful_resample(
    tmp_path: Path, mode: str, suffix: str
) -> None:
    path = tmp_path / f"gradient{suffix}"
    gradient(mode).save(path, quality=95)  # (PNG has no quality: ignored)
    _result, thumb = process(path, tmp_path / "thumbs")
    with Image.open(path) as source:
        assert source.mode == mode
        if mode == "CMYK":
            eight_bit = source.convert("RGB")
        else:
            eight_bit = source.convert("I").point(lambda v: v / 257).convert("L")
        expected = reference(eight_bit, thumb.size)
    assert thumb.size == (320, 240)
    assert mean_error(thumb, expected) < CLOSE


def test_an_exif_rotated_picture_matches_its_upright_resample(tmp_path: Path) -> None:
    upright = gradient("RGB").rotate(90, expand=True)  # 360 x 480 as shown
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what orientation 6 turns back
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "rotated.jpg"
    stored.save(path, quality=95, exif=exif.tobytes())
    result, thumb = process(path, tmp_path / "thumbs")
    assert (result.metadata["width"], result.metadata["height"]) == (360, 480)
    assert thumb.size == (240, 320)
    assert mean_error(thumb, reference(upright, thumb.size)) < CLOSE


# --- colour profiles ---------------------------------------------------------------------


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def _linear_curve() -> bytes:
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, 256) + b"\0\0"  # gamma 1.0


def _description(text: str) -> bytes:
    ascii_text = text.encode() + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_text)) + ascii_text + b"\0" * 78


D50 = (0.9642, 1.0, 0.8249)


def icc_profile(space: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    """A minimal ICC v2 display profile (matrix and curves), written byte by byte."""
    table, body = b"", b""
    offset = 128 + 4 + 12 * len(tags)
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = (
        struct.pack(">I", offset + len(body))
        + b"lcms\x02\x10\x00\x00mntr"
        + space
        + b"XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + b"".join(_s15(v) for v in D50)
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + body


# sRGB's primaries with a linear tone curve: a mid grey of 128 is 188 in sRGB.
LINEAR_RGB = icc_profile(
    b"RGB ",
    [
        (b"desc", _description("linear RGB")),
        (b"wtpt", _xyz(*D50)),
        (b"rXYZ", _xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", _xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", _xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", _linear_curve()),
        (b"gTRC", _linear_curve()),
        (b"bTRC", _linear_curve()),
    ],
)
LINEAR_GREY = icc_profile(
    b"GRAY",
    [(b"desc", _description("linear grey")), (b"wtpt", _xyz(*D50)), (b"kTRC", _linear_curve())],
)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def test_an_embedded_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    source = gradient("RGB")
    path = tmp_path / "linear.jpg"
    source.save(path, quality=95, icc_profile=LINEAR_RGB)
    _result, thumb = process(path, tmp_path / "thumbs")
    with Image.open(path) as decoded:
        as_srgb = ImageCms.profileToProfile(
            decoded, ImageCms.ImageCmsProfile(io.BytesIO(LINEAR_RGB)), SRGB, outputMode="RGB"
        )
    assert as_srgb is not None
    assert "icc_profile" not in thumb.info  # sRGB, as an untagged JPEG is taken to be
    assert mean_error(thumb, reference(as_srgb, thumb.size)) < CLOSE
    assert mean_error(thumb, reference(source, thumb.size)) > 20  # the profile did matter


def test_a_grey_profile_is_converted_too(tmp_path: Path) -> None:
    path = tmp_path / "grey.png"
    Image.new("L", (300, 200), 128).save(path, icc_profile=LINEAR_GREY)
    _result, thumb = process(path, tmp_path / "thumbs")
    assert thumb.getpixel((150, 100)) == pytest.approx((188, 188, 188), abs=3)


@pytest.mark.parametrize(
    ("mode", "suffix", "profile"),
    [
        pytest.param("L", ".png", LINEAR_RGB, id="rgb-profile-on-grey"),
        pytest.param("CMYK", ".jpg", LINEAR_RGB, id="rgb-profile-on-cmyk"),
        pytest.param("RGB", ".png", b"not a profile at all" * 8, id="garbage"),
        pytest.param("RGB", ".jpg", LINEAR_RGB[:200], id="cut-short"),
        pytest.param("RGB", ".jpg", SRGB.tobytes(), id="srgb-already"),
    ],
)
def test_a_profile_that_does_not_fit_or_parse_leaves_the_pixels_alone_and_is_not_copied(
    tmp_path: Path, mode: str, suffix: str, profile: bytes
) -> None:
    colour = {"L": 128, "CMYK": (0, 200, 200, 0), "RGB": (128, 128, 128)}[mode]
    image = Image.new(mode, (300, 200), colour)  # type: ignore[arg-type]
    path = tmp_path / f"tagged{suffix}"
    image.save(path, icc_profile=profile)
    _result, thumb = process(path, tmp_path / "thumbs")
    assert "icc_profile" not in thumb.info
    expected = image.convert("RGB").getpixel((0, 0))
    assert thumb.getpixel((150, 100)) == pytest.approx(expected, abs=4)


# --- video -------------------------------------------------------------------------------


def test_an_anamorphic_video_is_shown_and_stored_at_its_display_size(tmp_path: Path) -> None:
    path = tmp_path / "anamorphic.mp4"
    subprocess.run(
        [
            *(Config.FFMPEG_BINARY, "-y", "-hide_banner", "-loglevel", "error"),
            *("-f", "lavfi", "-i", "testsrc=size=320x240:rate=5", "-t", "1"),
            *("-vf", "setsar=2/1", "-c:v", "libx264", "-preset", "ultrafast"),
            *("-pix_fmt", "yuv420p", str(path)),
        ],
        check=True,
        timeout=60,
    )
    result, thumb = process(path, tmp_path / "thumbs")
    metadata = result.metadata
    assert (metadata["width"], metadata["height"]) == (640, 240)
    assert (metadata["coded_width"], metadata["coded_height"]) == (320, 240)
    assert metadata["sample_aspect_ratio"] == "2:1"
    assert thumb.size == (320, 120)


def test_a_square_pixel_video_says_nothing_of_coded_size(tmp_path: Path) -> None:
    path = make_video(tmp_path / "plain.mp4", seconds=0.4, size=(160, 120), fps=5, audio=False)
    result, thumb = process(path, tmp_path / "thumbs")
    assert "coded_width" not in result.metadata
    assert "sample_aspect_ratio" not in result.metadata
    assert thumb.size == (160, 120)  # smaller than the box: not upscaled


# --- previews decoded at 3/8 ---------------------------------------------------------------

# Peak signal-to-noise ratio (dB) a stored preview keeps against a careful resample of the
# whole decode. On the 4K picture below: 30.5 dB at 3/8, 29.6 dB the way before (1/2 scale,
# then bicubic to 1600), most of the loss being the JPEG encode at quality 85; a
# nearest-neighbour shrink gives 24.4 dB, rows decoded at the wrong scale 13 dB.
PREVIEW_CLOSE_DB = 28.0


def psnr(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    histogram = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).histogram()
    squares = sum(count * (index % 256) ** 2 for index, count in enumerate(histogram))
    mse = squares / (a.width * a.height * 3)
    return 99.0 if mse == 0 else 10 * math.log10(255**2 / mse)


def detailed(size: tuple[int, int]) -> Image.Image:
    """Gradients under sharp lines and small text: what a poor shrink blurs or aliases."""
    width, height = size
    ramp = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (ramp, ramp.transpose(Image.Transpose.ROTATE_90).resize(size), ramp))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 41):
        draw.line((x, 0, x + height // 3, height), fill=WHITE, width=3)
    for y in range(0, height, 67):
        draw.text((10, y), "Every preview decoded at three eighths 0123456789 " * 4, fill=(0, 0, 0))
    return image


def save_jpeg(path: Path, image: Image.Image, **options: object) -> Path:
    image.save(path, "JPEG", quality=90, **options)  # type: ignore[arg-type]
    return path


def upright_exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


UHD = (3840, 2160)
PHONE = (4000, 3000)


@pytest.mark.parametrize(
    ("make", "preview_size"),
    [
        pytest.param(lambda p: save_jpeg(p, detailed(UHD)), (1440, 810), id="4k"),
        pytest.param(lambda p: save_jpeg(p, detailed(PHONE)), (1500, 1125), id="12mp"),
        pytest.param(lambda p: save_jpeg(p, detailed((4001, 2999))), (1501, 1125), id="odd"),
        pytest.param(
            lambda p: save_jpeg(p, detailed(UHD), progressive=True), (1440, 810), id="progressive"
        ),
        pytest.param(lambda p: save_jpeg(p, detailed(PHONE).convert("L")), (1500, 1125), id="grey"),
        pytest.param(
            lambda p: save_jpeg(p, detailed(PHONE).convert("CMYK")), (1500, 1125), id="cmyk"
        ),
        pytest.param(
            # Stored 4000x3000 with orientation 6: shown as a 3000x4000 portrait.
            lambda p: save_jpeg(
                p,
                detailed((3000, 4000)).transpose(Image.Transpose.ROTATE_90),
                exif=upright_exif(6),
            ),
            (1125, 1500),
            id="rotated",
        ),
    ],
)
def test_a_4k_or_12_megapixel_jpeg_preview_is_decoded_at_three_eighths_and_stays_sharp(
    tmp_path: Path, make: MakeFile, preview_size: tuple[int, int]
) -> None:
    path = make(tmp_path / "large.jpg")
    result, thumb = process(path, tmp_path / "out")
    assert result.preview is not None and not result.missing
    with Image.open(tmp_path / "out" / result.preview.name) as stored:
        preview = stored.convert("RGB")
    # 3/8 of the stored size (rounded up), with no resample after: 1280-1600 px long.
    assert preview.size == (result.preview.width, result.preview.height) == preview_size
    with Image.open(path) as source:
        whole = ImageOps.exif_transpose(source).convert("RGB")
    # Compared where whole blocks of 8 pixels became 3: past them, an odd size's last pixel
    # is partly the decoder's padding (the preview is 0.04% wider than the picture).
    inner = (whole.width * 3 // 8, whole.height * 3 // 8)
    box = (0.0, 0.0, inner[0] * 8 / 3, inner[1] * 8 / 3)
    expected = whole.resize(inner, Image.Resampling.LANCZOS, box=box)
    assert psnr(preview.crop((0, 0, *inner)), expected) > PREVIEW_CLOSE_DB
    # The thumbnail, shrunk from the preview's pixels: 31.5 dB on the 4K picture, as from 1/2
    # and bicubic before, and from the thumbnail's own draft at 1/8 (31.3 dB).
    assert psnr(thumb, reference(whole, thumb.size)) > PREVIEW_CLOSE_DB


def test_without_libjpeg_turbo_a_4k_preview_is_drafted_at_a_half_and_shrunk_to_1600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another libjpeg might pick another scale for 1/3 (Pillow does not check): not asked.
    monkeypatch.setattr(thumbnails, "_LIBJPEG_SCALES_BY_EIGHTHS", False)
    path = save_jpeg(tmp_path / "uhd.jpg", detailed(UHD))
    result, _thumb = process(path, tmp_path / "out")
    assert result.preview is not None
    with Image.open(tmp_path / "out" / result.preview.name) as stored:
        preview = stored.convert("RGB")
    assert preview.size == (1600, 900)
    with Image.open(path) as source:
        whole = source.convert("RGB")
    assert psnr(preview, whole.resize(preview.size, Image.Resampling.LANCZOS)) > PREVIEW_CLOSE_DB


@pytest.mark.parametrize(
    ("size", "preview_size"),
    [
        ((2560, 1440), (1280, 720)),  # 1/2 is 1280: no 3/8, no resample
        ((4800, 3200), (1600, 1067)),  # 3/8 is 1800: shrunk from there, not from 1/2's 2400
        ((6000, 4000), (1500, 1000)),  # 2/8 is long enough: 3/8 is not the smallest
        ((1920, 1080), (1600, 900)),  # nothing below 8/8 is 1280 long: whole, then shrunk
    ],
)
def test_a_jpeg_preview_is_decoded_at_the_smallest_scale_at_least_1280_long(
    tmp_path: Path, size: tuple[int, int], preview_size: tuple[int, int]
) -> None:
    path = save_jpeg(tmp_path / "photo.jpg", detailed(size).convert("RGB"))
    result, _thumb = process(path, tmp_path / "out")
    assert result.preview is not None
    assert (result.preview.width, result.preview.height) == preview_size
