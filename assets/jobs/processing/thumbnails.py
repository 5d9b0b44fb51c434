"""Thumbnails and previews: JPEG, longest edge 320 and 1600, EXIF-rotated, in sRGB, made from
one decode, written atomically."""

from __future__ import annotations

import functools
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
from PIL import Image, ImageCms, ImageMath, ImageStat, JpegImagePlugin, features

from assets.jobs.processing.decoders import DecoderLimits, input_options, run_decoder
from assets.jobs.processing.errors import CorruptMedia, TransientProcessingError

THUMBNAIL_EDGE = 320
# Bumped whenever the same source would render differently: names are served as immutable,
# so a changed rendering needs a new name. 2: palettes and 1-bit antialiased, tRNS flattened,
# ICC profiles converted to sRGB, anamorphic video at display size, small video not upscaled.
# 3: previews of JPEGs 3414-5119 px long (4K, 12 and 16 MP) decoded at 3/8, and the
# thumbnails shrunk from those.
THUMBNAIL_VERSION = 3
JPEG_QUALITY = 82
# The preview the detail view shows: sharp on a 2x screen at the view's ~800 CSS px. JPEG, not
# WebP, by measurement (docs/architecture.md, Decisions): WebP was 29x slower to encode for
# half the bytes, and the preview must not slow ingest by more than a quarter.
PREVIEW_EDGE = 1600
PREVIEW_JPEG_QUALITY = 85
# A JPEG is decoded at the smallest DCT scale (1/8, 2/8, 3/8, 4/8 or 8/8) at least this long,
# and kept at that size when it is no longer than PREVIEW_EDGE: a 24 MP photo's preview is
# 1500 px, decoded at 2/8, a 4K frame's 1440 and a 12 MP phone photo's 1500, decoded at 3/8,
# all with no resample (which costs more than the decode).
PREVIEW_DECODE_EDGE = 1280
# Formats a browser shows as they are: an original no larger than a preview, in one of these,
# is what the viewer shows (browsers apply EXIF orientation and ICC profiles themselves), so it
# gets no preview of its own.
BROWSER_IMAGE_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
# A frame whose mean luma is below this is "black" (fade-in, title card): look further in.
BLACK_FRAME_LUMA = 12.0
VIDEO_SEEK_FRACTIONS = (0.10, 0.30, 0.50)

_ORIENTATION = 0x0112
# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Greys deeper than 8 bits: 16-bit, and 32-bit "I" taken to hold 16-bit values as PNG's do.
_DEEP_GREY_MODES = {"I;16", "I;16B", "I;16L", "I;16N", "I"}
# The ICC colour space an 8-bit mode's pixels are in, for the modes a profile is applied to.
_PROFILE_SPACE = {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# Colours a profile must leave alone (within 1 level) to count as sRGB already.
_PROBE_COLOURS = bytes(
    [0, 0, 0, 255, 255, 255, 128, 128, 128, 200, 100, 50, 50, 100, 200, 100, 200, 50, 255, 0, 0]
)


@dataclass(frozen=True)
class Thumbnail:
    name: str  # file name under the thumbnail directory, content-derived
    width: int
    height: int


@dataclass(frozen=True)
class Preview:
    name: str  # beside the thumbnails, named the same way with its own edge
    width: int
    height: int


@dataclass(frozen=True)
class ImagePixels:
    """An image's renditions in memory: upright, in sRGB, RGB. Either may still be the
    file's own handle (a JPEG is shrunk in place): use them before the file is closed."""

    thumbnail: Image.Image
    preview: Image.Image | None  # None when the original is what to show


def thumbnail_name(checksum: str, edge: int = THUMBNAIL_EDGE) -> str:
    """Derivatives are keyed by what they are made from: the source's sha256, the size, and
    the version of the rendering (names from before versions, `<sha256>-320.jpg`, still serve)."""
    return f"{checksum}-{edge}-v{THUMBNAIL_VERSION}.jpg"


def preview_name(checksum: str) -> str:
    """`<sha256>-1600-v<version>.jpg`: rendered by the same code as the thumbnail, so the same
    version; the edge tells them apart."""
    return thumbnail_name(checksum, PREVIEW_EDGE)


def fit_within(width: int, height: int, edge: int = THUMBNAIL_EDGE) -> tuple[int, int]:
    """The thumbnail size for a picture shown at width x height: the longest edge at most
    `edge`, the aspect ratio kept, never upscaled."""
    scale = min(1.0, edge / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def write_atomically(directory: Path, name: str, data: bytes, what: str = "thumbnail") -> None:
    """Temp file in the same directory, fsync, rename: readers never see half a thumbnail."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".jpg")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, directory / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise TransientProcessingError(f"Could not write the {what}: {exc.strerror}") from None


def _eight_bit(image: Image.Image) -> Image.Image:
    """16-bit and 32-bit greys to L (the top 8 bits), float to L."""
    if image.mode in _DEEP_GREY_MODES:
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode == "F":
        return image.convert("L")
    return image


def _resamplable(image: Image.Image) -> Image.Image:
    """The image in a mode Pillow shrinks with the filter asked for, transparency as alpha.

    Pillow resamples "1" and "P" with nearest neighbour whatever filter is asked for (noise,
    moire, broken text), and a tRNS colour key would be blended into its neighbours by any
    other filter: both become greys or colours with an alpha band before shrinking.
    """
    key = image.info.get("transparency")
    if image.mode == "PA":
        return image.convert("RGBA")
    if image.mode == "P":
        return image.convert("RGBA" if key is not None else "RGB")
    if image.mode == "1":
        return image.convert("LA" if key is not None else "L")
    if key is None:
        return image
    if image.mode in {"RGB", "L"}:
        return image.convert(f"{image.mode}A")
    if image.mode in _DEEP_GREY_MODES and isinstance(key, int):
        alpha = ImageMath.lambda_eval(lambda args: (args["a"] != key) * 255, a=image.convert("I"))
        return Image.merge("LA", (_eight_bit(image), alpha.convert("L")))
    return image


def _on_white(image: Image.Image) -> Image.Image:
    """Alpha flattened onto white, in the image's own colour space (RGB or L)."""
    if image.mode in {"RGBa", "La"}:
        image = image.convert({"RGBa": "RGBA", "La": "LA"}[image.mode])
    if image.mode not in {"RGBA", "LA"}:
        return image
    colour, white = ("RGB", (255, 255, 255)) if image.mode == "RGBA" else ("L", 255)
    background = Image.new(colour, image.size, white)
    background.paste(image.convert(colour), mask=image.getchannel("A"))
    return background


@functools.lru_cache(maxsize=16)
def _srgb_transform(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The transform from an embedded profile to sRGB for pixels in `mode`; None when the
    profile cannot be parsed, does not describe that mode's colour space, or is sRGB already
    (then there is nothing to do). Cached: a camera writes the same profile into every photo."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if profile.profile.xcolor_space.strip() != _PROFILE_SPACE[mode]:
            return None
        transform = ImageCms.buildTransform(profile, _SRGB, mode, "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    if mode == "RGB":
        probe = Image.frombytes("RGB", (len(_PROBE_COLOURS) // 3, 1), _PROBE_COLOURS)
        converted = transform.apply(probe).tobytes()
        if max(abs(a - b) for a, b in zip(_PROBE_COLOURS, converted, strict=True)) <= 1:
            return None
    return transform


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB in sRGB: the embedded profile applied when it fits the pixels, ignored otherwise
    (a damaged profile, or one for another colour space, says nothing true about them)."""
    image = _on_white(_eight_bit(image))
    if icc_profile and image.mode in _PROFILE_SPACE:
        transform = _srgb_transform(icc_profile, image.mode)
        if transform is not None:
            return transform.apply(image)
    return image if image.mode == "RGB" else image.convert("RGB")


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """Baseline JPEG with no profile: the pixels are sRGB, which is what an untagged JPEG is."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=False)
    return buffer.getvalue()


# libjpeg-turbo decodes a JPEG at M/8 of its size for any M (IDCT scaling), not only at the
# 1/2, 1/4 and 1/8 that Pillow's draft() asks for. Pillow's decoder hands libjpeg a scale of
# 1/denominator and libjpeg takes the smallest M/8 at least that: 1/3 gives 3/8, the one
# scale below 1/2 that draft() never picks. A 4K frame (3840 px) decodes straight to 1440 px
# and a 12 MP photo (4000 px) to 1500, where 1/2 gave 1920 and 2000 px and a bicubic shrink
# to 1600 that cost as much again as the decode (docs/BENCHMARKS.md, "Previews at 3/8").
_THREE_EIGHTHS_DENOMINATOR = 3
# Pillow does not check the size libjpeg decodes to against the image it fills: a library that
# picked another scale for 1/3 would write past its rows. libjpeg-turbo's size is
# ceil(size * M / 8) for every M (jdmaster.c); with another libjpeg, only draft() is used.
_LIBJPEG_SCALES_BY_EIGHTHS = bool(features.check_feature("libjpeg_turbo"))


@dataclass(frozen=True)
class Shrink:
    """How an image is brought down to a rendition's size."""

    edge: int  # the longest edge at most
    # A JPEG is decoded at the smallest DCT scale whose longest edge is at least this
    # (default: `edge`): 1/8, 1/4, 1/2 or 1 (draft()), or also 3/8 with `three_eighths`.
    decode_edge: int | None = None
    three_eighths: bool = False
    resample: Image.Resampling = Image.Resampling.LANCZOS
    # Pillow first reduces by whole factors (a box filter) while the factor left stays above
    # this; 1.0 halves the time of a 3600 px PNG's shrink to 1600 and stays above 52 dB.
    reducing_gap: float = 2.0


THUMBNAIL_SHRINK = Shrink(THUMBNAIL_EDGE)
# Bicubic: after a draft the factor left is under 2, where bicubic stays within about 3 dB of
# Lanczos at two thirds of its time (a Lanczos shrink of 3000 px to 1600 took longer than
# decoding the JPEG). Bilinear was faster still but 6 dB worse on grainy pictures.
PREVIEW_SHRINK = Shrink(
    PREVIEW_EDGE,
    decode_edge=PREVIEW_DECODE_EDGE,
    three_eighths=True,
    resample=Image.Resampling.BICUBIC,
    reducing_gap=1.0,
)


def _draft_jpeg_at_three_eighths(image: JpegImagePlugin.JpegImageFile, decode_edge: int) -> bool:
    """Set `image` to decode at 3/8 scale, as draft() does for powers of two, when that is the
    smallest DCT scale whose longest edge is at least `decode_edge` (2/8 is shorter); False,
    with nothing changed, otherwise or when this libjpeg's sizes are not known."""
    if not _LIBJPEG_SCALES_BY_EIGHTHS or len(image.tile) != 1 or image.decoderconfig:
        return False
    width, height = image.size
    size = (-(-width * 3 // 8), -(-height * 3 // 8))  # libjpeg rounds up
    if max(size) < decode_edge or -(-max(width, height) * 2 // 8) >= decode_edge:
        return False
    # What draft() does (PIL/JpegImagePlugin.py), with libjpeg's size for 3/8.
    image.tile = [image.tile[0]._replace(extents=(0, 0, *size))]
    image._size = size
    image.decoderconfig = (_THREE_EIGHTHS_DENOMINATOR, 0)
    return True


def render_image_thumbnail(image: Image.Image, shrink: Shrink = THUMBNAIL_SHRINK) -> Image.Image:
    """Draft (decode a JPEG at 1/8..1/2 scale), shrink, then turn the small image upright and
    into sRGB.

    `image` is a freshly opened handle at its first frame: seeking an animation back to it
    can spoil the frame (an APNG palette frame comes back black) or grow the canvas (GIF
    frames past the logical screen). Transposing the full-size image first is three times
    slower and seven times hungrier.
    """
    icc = image.info.get("icc_profile")
    orientation = int(image.getexif().get(_ORIENTATION, 1) or 1)
    decode_edge = shrink.decode_edge or shrink.edge
    # (MPO, a JpegImageFile too, is left whole as before.)
    if image.format == "JPEG" and isinstance(image, JpegImagePlugin.JpegImageFile):
        drafted = shrink.three_eighths and _draft_jpeg_at_three_eighths(image, decode_edge)
        if not drafted:
            # The size it will have, not the box: a 4000x3000 photo asked for (1600, 1600)
            # would be decoded whole, as 1/2 scale is not 1600 high.
            image.draft("RGB", fit_within(*image.size, decode_edge))
    small = _resamplable(image)
    small.thumbnail((shrink.edge, shrink.edge), shrink.resample, reducing_gap=shrink.reducing_gap)
    if orientation in _UPRIGHT:
        small = small.transpose(_UPRIGHT[orientation])
    return _to_srgb(small, icc if isinstance(icc, bytes) else None)


def wants_preview(image: Image.Image) -> bool:
    """A preview for pictures larger than one, and for formats a browser cannot show."""
    return max(image.size) > PREVIEW_EDGE or image.format not in BROWSER_IMAGE_FORMATS


def render_image(image: Image.Image, *, preview: bool) -> ImagePixels:
    """The thumbnail's pixels, and the preview's when asked for, from one decode.

    With a preview, the image is decoded once at about the preview's size (PREVIEW_SHRINK)
    and the thumbnail is shrunk from the preview's pixels, which are already upright and sRGB.
    """
    if not preview:
        return ImagePixels(thumbnail=render_image_thumbnail(image), preview=None)
    large = render_image_thumbnail(image, PREVIEW_SHRINK)
    small = large.resize(fit_within(*large.size), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return ImagePixels(thumbnail=small, preview=large)


def store_image_thumbnail(directory: Path, name: str, pixels: Image.Image) -> Thumbnail:
    write_atomically(directory, name, encode_jpeg(pixels))
    return Thumbnail(name=name, width=pixels.width, height=pixels.height)


def store_preview(directory: Path, name: str, pixels: Image.Image) -> Preview:
    write_atomically(directory, name, encode_jpeg(pixels, PREVIEW_JPEG_QUALITY), "preview")
    return Preview(name=name, width=pixels.width, height=pixels.height)


def frame_command(
    path: Path, demuxer: str, seconds: float, ffmpeg_binary: str, size: tuple[int, int]
) -> list[str]:
    """The ffmpeg command line (built with ffmpeg-python) for one JPEG frame of `size`.

    `size` comes from fit_within() on the display size: an anamorphic frame (sample aspect
    ratio not 1:1) is stretched to its display shape, and a small video is not upscaled.
    ffmpeg applies the rotation before the filter, so the size is the upright one.
    """
    source = ffmpeg.input(
        f"file:{path}",
        **input_options(demuxer),
        # One decoder thread: for a single frame, frame threading only adds start-up latency
        # (measured 88 ms against 133 ms on a 1080p clip); workers give the parallelism.
        threads=1,
        # -ss before -i: a fast keyframe seek instead of decoding everything before it.
        ss=f"{seconds:.3f}",
    )
    width, height = size
    output = source["v:0"].output(
        "pipe:1",
        vframes=1,
        an=None,
        sn=None,
        vf=f"scale=w={width}:h={height},setsar=1",
        format="image2pipe",
        vcodec="mjpeg",
        **{"q:v": 3},
    )
    return list(
        output.global_args("-hide_banner", "-loglevel", "error", "-nostdin").compile(
            cmd=ffmpeg_binary
        )
    )


def _frame_at(
    path: Path, demuxer: str, seconds: float, size: tuple[int, int], limits: DecoderLimits
) -> bytes:
    return run_decoder(frame_command(path, demuxer, seconds, limits.ffmpeg, size), limits)


def _is_black(jpeg: bytes) -> bool:
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as frame:
        return ImageStat.Stat(frame.convert("L")).mean[0] < BLACK_FRAME_LUMA


def extract_video_frame(
    path: Path,
    demuxer: str,
    duration: float | None,
    limits: DecoderLimits,
    display_size: tuple[int, int],
) -> bytes:
    """A JPEG frame about 10% in; further in (30%, 50%) only when that frame is black.

    `display_size` is the video's upright display size (VideoInfo.width, .height)."""
    size = fit_within(*display_size)
    frame = b""
    for fraction in VIDEO_SEEK_FRACTIONS if duration else (0.0,):
        candidate = _frame_at(path, demuxer, (duration or 0.0) * fraction, size, limits)
        if candidate:
            frame = candidate
            if not _is_black(candidate):
                break
    if not frame and duration:  # a seek past the last decodable frame: take the first
        frame = _frame_at(path, demuxer, 0.0, size, limits)
    if not frame:
        raise CorruptMedia("No frame could be decoded from the video")
    return frame


def store_thumbnail(directory: Path, name: str, jpeg: bytes) -> Thumbnail:
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as decoded:
        size = decoded.size
    write_atomically(directory, name, jpeg)
    return Thumbnail(name=name, width=size[0], height=size[1])
