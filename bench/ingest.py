"""Ingest benchmark: the whole pipeline (HTTP register -> ready) against vipsthumbnail and
ImageMagick on the same files and cores, a video against bare ffprobe + ffmpeg, and the proxy
transcode of videos a browser cannot play against a bare ffmpeg with the same settings.
With --renditions-only: per image type, the CPU time of an image's thumbnail, preview and
blurhash in process, against its thumbnail alone and against vipsthumbnail making both sizes.

Run: .venv/bin/python bench/ingest.py [--images 40] [--uhd 10] [--phone 10] [--pngs 10]
                                      [--videos 10] [--proxies 3]
     .venv/bin/python bench/ingest.py --renditions-only [--rounds 5]
     .venv/bin/python bench/ingest.py --proxies-only [--proxies 3]
Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tests.bootstrap  # noqa: F401 - a private Redis unless MAM_TEST_REDIS_URL is set

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
import django

django.setup()

import httpx  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from assets.jobs.processing.blurhashes import blurhash_of  # noqa: E402
from assets.jobs.processing.metadata import (  # noqa: E402
    hostile_image_guard,
    image_info,
    open_image,
    probe_video,
)
from assets.jobs.processing.perceptual import dhash_of  # noqa: E402
from assets.jobs.processing.proxy import (  # noqa: E402
    make_proxy,
    playback_probe,
    proxy_command,
    proxy_size,
)
from assets.jobs.processing.scrubstrip import sprite_command, strip_layout  # noqa: E402
from assets.jobs.processing.thumbnails import (  # noqa: E402
    JPEG_QUALITY,
    PREVIEW_EDGE,
    PREVIEW_JPEG_QUALITY,
    THUMBNAIL_EDGE,
    encode_jpeg,
    render_image,
    wants_preview,
)
from assets.jobs.worker import decoder_limits  # noqa: E402
from mam.config import Config  # noqa: E402
from tests.media import make_video  # noqa: E402
from tests.support.live import LiveSystem, start_live_system  # noqa: E402

CORPUS = Path(__file__).resolve().parent / ".corpus"
CORES = os.cpu_count() or 1


def photo_like(width: int, height: int, seed: int) -> Image.Image:
    """A picture with gradients, shapes and grain, so JPEG sizes are camera-like."""
    small = Image.linear_gradient("L").resize((width // 8, height // 8))
    base = Image.merge(
        "RGB", (small, small.rotate(90 + seed), small.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )
    draw = ImageDraw.Draw(base)
    for i in range(12):
        x, y = (seed * 97 + i * 53) % (width // 8), (seed * 31 + i * 71) % (height // 8)
        draw.ellipse(
            (x, y, x + 60 + i * 7, y + 40 + i * 5), fill=((i * 40) % 255, (seed * 20) % 255, 128)
        )
    image = base.resize((width, height), Image.Resampling.BILINEAR).filter(ImageFilter.SMOOTH)
    # Per-channel sensor grain: camera JPEGs of 24 MP weigh 6-12 MB, mostly entropy.
    grain = Image.merge("RGB", [Image.effect_noise((width, height), 48) for _ in range(3)])
    return Image.blend(image, grain, 0.35)


@dataclass(frozen=True)
class Corpus:
    jpegs: list[Path]  # 24 MP, 6000x4000
    uhd: list[Path]  # 4K frames, 3840x2160
    phone: list[Path]  # 12 MP, 4000x3000
    pngs: list[Path]  # 2400x1600
    videos: list[Path]

    def image_types(self) -> list[tuple[str, list[Path]]]:
        """(what a reader calls them, the files), for the per-type tables."""
        types = [
            ("24 MP JPEG (6000x4000)", self.jpegs),
            ("4K JPEG (3840x2160)", self.uhd),
            ("12 MP JPEG (4000x3000)", self.phone),
            ("PNG (2400x1600)", self.pngs),
        ]
        return [(name, files) for name, files in types if files]

    @property
    def images(self) -> list[Path]:
        return [*self.jpegs, *self.uhd, *self.phone, *self.pngs]


def _photos(directory: Path, stem: str, count: int, size: tuple[int, int], seed: int) -> list[Path]:
    files = [directory / f"{stem}-{i:03d}.jpg" for i in range(count)]
    for i, path in enumerate(files):
        if not path.exists():
            photo_like(*size, seed + i).save(path, "JPEG", quality=90)
    return files


def build_corpus(images: int, uhd: int, phone: int, pngs: int, videos: int) -> Corpus:
    jpeg_dir, png_dir, video_dir = CORPUS / "jpeg", CORPUS / "png", CORPUS / "video"
    for directory in (jpeg_dir, png_dir, video_dir):
        directory.mkdir(parents=True, exist_ok=True)
    png_files = [png_dir / f"scan-{i:03d}.png" for i in range(pngs)]
    for i, path in enumerate(png_files):
        if not path.exists():
            photo_like(2400, 1600, 100 + i).save(path, "PNG", compress_level=6)
    video_files = [video_dir / f"clip-{i:03d}.mp4" for i in range(videos)]
    for path in video_files:
        if not path.exists():
            make_video(path, seconds=6, size=(1920, 1080), fps=30, audio=True)
    return Corpus(
        jpegs=_photos(jpeg_dir, "photo", images, (6000, 4000), 0),
        uhd=_photos(jpeg_dir, "uhd", uhd, (3840, 2160), 200),
        phone=_photos(jpeg_dir, "phone", phone, (4000, 3000), 300),
        pngs=png_files,
        videos=video_files,
    )


def build_proxy_corpus(count: int) -> list[Path]:
    """6 s 1080p30 Motion JPEG AVIs with PCM sound, as old cameras write: no browser plays
    them, so each gets a proxy."""
    directory = CORPUS / "avi"
    directory.mkdir(parents=True, exist_ok=True)
    clips = [directory / f"camera-{i:03d}.avi" for i in range(count)]
    for path in clips:
        if not path.exists():
            make_video(path, seconds=6, size=(1920, 1080), fps=30, audio=True)
    return clips


def proxy_vs_bare(path: Path, out: Path, bare_first: bool) -> tuple[float, float, list[str]]:
    """(MAM's seconds, bare ffmpeg's seconds, the bare command) for one clip's proxy.

    MAM's is the proxy stage as the pipeline runs it: ffprobe for playability, then the
    transcode under the decoders' time and memory limits into a temp file, renamed. The
    bare run is the same ffmpeg command line, started with subprocess.run and nothing else.
    """
    limits = decoder_limits()
    info = probe_video(path, "avi", limits)  # the pipeline has this already: not timed

    def mam() -> float:
        started = time.perf_counter()
        probe = playback_probe(path, "avi", limits)
        make_proxy(path, "avi", probe, (info.width, info.height), limits, out, "mam.mp4")
        return time.perf_counter() - started

    def bare() -> float:
        started = time.perf_counter()
        subprocess.run(command, check=True)
        return time.perf_counter() - started

    probe = playback_probe(path, "avi", limits)
    command = proxy_command(
        path,
        "avi",
        proxy_size(info.width, info.height),
        out / "bare.mp4",
        ffmpeg_binary=limits.ffmpeg,
        audio=probe.audio_codec is not None,
        audio_sample_rate=probe.audio_sample_rate,
    )
    if bare_first:
        bare_seconds = bare()
        return mam(), bare_seconds, command
    ours = mam()
    return ours, bare(), command


def proxy_section(clips: list[Path], out: Path) -> list[str]:
    """Markdown lines: each clip's proxy, MAM against bare, median of five runs in turn (who
    goes first alternates)."""
    out.mkdir(parents=True, exist_ok=True)
    ratios, ours_all, bare_all, command = [], [], [], []
    for path in clips:
        runs = [proxy_vs_bare(path, out, bare_first=i % 2 == 1) for i in range(5)]
        ours = statistics.median(r[0] for r in runs)
        bare = statistics.median(r[1] for r in runs)
        command = runs[0][2]
        ours_all.append(ours)
        bare_all.append(bare)
        ratios.append(ours / bare)
    shown = " ".join(
        re.sub(r"^file:.*/", "file:", arg) if arg.startswith("file:") else arg
        for arg in [Path(command[0]).name, *command[1:]]
    )
    return [
        f"Proxy: {len(clips)} 6 s 1080p30 MJPEG AVI clips with PCM sound -> 1280x720 H.264 "
        f"High/AAC MP4: MAM median {statistics.median(ours_all):.2f} s, bare ffmpeg median "
        f"{statistics.median(bare_all):.2f} s, ratio median {statistics.median(ratios):.3f}x "
        f"(max {max(ratios):.3f}x); load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        f"Bare command: `{shown}`",
    ]


def split(files: list[Path], parts: int) -> list[list[Path]]:
    return [files[i::parts] for i in range(parts) if files[i::parts]]


def run_parallel(commands: list[list[str]]) -> float:
    started = time.perf_counter()
    processes = [
        subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in commands
    ]
    for process in processes:
        if process.wait() != 0:
            raise RuntimeError(f"baseline failed: {process.args[:3]}")
    return time.perf_counter() - started


def vips_binary() -> str:
    binary = shutil.which("vipsthumbnail")
    if not binary:
        raise SystemExit("vipsthumbnail not found: apt-get install libvips-tools")
    return binary


def vips_both_sizes(files: list[Path], out: Path, *, threads: int | None = None) -> list[str]:
    """One shell command making both sizes of `files` with vipsthumbnail as one would: the
    preview from the original (shrink-on-load), then the thumbnail from the preview, each at
    MAM's JPEG quality. (The thumbnail from the original instead was slower: its decode of
    the original costs more than a decode of the preview, see --renditions-only.)"""
    binary = vips_binary()
    option = [f"--vips-concurrency={threads}"] if threads else []
    large = [
        binary,
        *option,
        "-s",
        str(PREVIEW_EDGE),
        "-o",
        f"{out}/%s-{PREVIEW_EDGE}.jpg[Q={PREVIEW_JPEG_QUALITY}]",
        *map(str, files),
    ]
    small = [
        binary,
        *option,
        "-s",
        str(THUMBNAIL_EDGE),
        "-o",
        f"{out}/%s-{THUMBNAIL_EDGE}.jpg[Q={JPEG_QUALITY}]",
        *(f"{out}/{f.stem}-{PREVIEW_EDGE}.jpg" for f in files),
    ]
    return ["sh", "-c", f"{shlex.join(large)} && {shlex.join(small)}"]


def vips_baseline(files: list[Path], out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    return run_parallel([vips_both_sizes(chunk, out) for chunk in split(files, CORES)])


def imagemagick_baseline(files: list[Path], out: Path) -> float:
    binary = shutil.which("convert-im6.q16")
    if not binary:
        raise SystemExit("convert-im6.q16 not found: apt-get install imagemagick")
    out.mkdir(parents=True, exist_ok=True)
    # One shell per core, calling convert the usual way on each of its files in turn.
    scripts = []
    for chunk in split(files, CORES):
        lines = [f'"{binary}" "{f}" -thumbnail 320x320 "{out}/{f.stem}.jpg"' for f in chunk]
        scripts.append(["sh", "-c", " && ".join(lines)])
    return run_parallel(scripts)


def pipeline(
    live: LiveSystem, client: httpx.Client, pool: ThreadPoolExecutor, relative_paths: list[str]
) -> tuple[float, list[int]]:
    """Wall time from the first registration to the last asset ready, and the asset ids.

    Completion is seen the way the UI sees it, from the published events (the Redis stream
    the WebSocket replays), not by polling the API, which would load the server it measures.
    """
    stream = f"{live.env['MAM_REDIS_PREFIX']}:events:stream"
    redis = live.redis()
    last = redis.xrevrange(stream, "+", "-", count=1)
    cursor = last[0][0] if last else b"0-0"
    started = time.perf_counter()

    # One kept-alive client for the whole run, as a UI or a script would use.
    def register(path: str) -> httpx.Response:
        return client.post("/api/v1/assets", json={"file_path": path})

    if len(relative_paths) == 1:
        responses = [register(relative_paths[0])]
    else:
        responses = list(pool.map(register, relative_paths))
    ids = []
    for response in responses:
        if response.status_code != 201:
            raise RuntimeError(response.text)
        ids.append(response.json()["id"])
    waiting, failed = set(ids), []
    while waiting:
        for _key, entries in redis.xread({stream: cursor}, block=30_000, count=1000) or []:
            for entry_id, fields in entries:
                cursor = entry_id
                data = json.loads(fields[b"data"])
                if data["asset_id"] in waiting and data["status"] in ("ready", "failed"):
                    waiting.discard(data["asset_id"])
                    if data["status"] == "failed":
                        failed.append(data)
    elapsed = time.perf_counter() - started
    if failed:
        raise RuntimeError(f"assets failed: {failed[:3]}")
    return elapsed, ids


def worker_seconds(live: LiveSystem) -> list[float]:
    text = "".join(p.read_text(errors="replace") for p in live.root.glob("worker-*.log"))
    return [float(s) for s in re.findall(r"processed asset \d+ \(.*?\) in ([0-9.]+)s", text)]


def bare_video(path: Path) -> float:
    """ffprobe, one frame, and the scrub strip's sprite (the same ffmpeg filters and layout
    as the pipeline's): the same work as the pipeline does for a video a browser plays."""
    started = time.perf_counter()
    probe = subprocess.run(
        [
            Config.FFPROBE_BINARY,
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    seek = float(probe.stdout.strip()) * 0.1
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                Config.FFMPEG_BINARY,
                "-v",
                "error",
                "-ss",
                f"{seek:.3f}",
                "-i",
                str(path),
                "-frames:v",
                "1",
                "-vf",
                "scale=320:-2",
                f"{tmp}/frame.jpg",
            ],
            check=True,
        )
        layout = strip_layout(float(probe.stdout.strip()), (1920, 1080))
        subprocess.run(
            sprite_command(path, "mov", layout, Config.FFMPEG_BINARY),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return time.perf_counter() - started


def _cpu() -> float:
    return time.process_time()


def mam_image(data: bytes, pillow_format: str, *, preview: bool) -> float:
    """CPU seconds of what process_image does to one image's bytes, in process: checksum,
    metadata (a PNG is decoded here, to find EXIF after the pixels), the thumbnail, with
    `preview` the preview and the blurhash, each encoded as stored, and the perceptual hash.
    Not timed: the file writes, the database and the events, which the preview does not
    change. preview=False is the pipeline as it was before previews: the thumbnail alone."""
    started = _cpu()
    hashlib.sha256(data).hexdigest()
    with (
        hostile_image_guard(decoder_limits()),
        open_image(io.BytesIO(data), pillow_format) as image,
    ):
        image_info(image)
        pixels = render_image(image, preview=preview and wants_preview(image))
        encode_jpeg(pixels.thumbnail)
        if pixels.preview is not None:
            encode_jpeg(pixels.preview, PREVIEW_JPEG_QUALITY)
        if preview:
            blurhash_of(pixels.thumbnail)
        dhash_of(pixels.thumbnail)
    return _cpu() - started


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def vips_cpu(command: list[str]) -> float:
    """CPU seconds (all threads) of a vipsthumbnail run."""
    before = children_cpu()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return children_cpu() - before


@dataclass
class TypeTimes:
    """Per-image CPU milliseconds of one image type, one list entry per round."""

    thumbnail_only: list[float]  # the thumbnail alone
    with_preview: list[float]  # thumbnail + preview + blurhash
    vips_chained: list[float]  # vipsthumbnail 1600 from the original, 320 from the 1600
    vips_twice: list[float]  # vipsthumbnail 1600 and 320, each from the original


def renditions_of_type(files: list[Path], out: Path, rounds: int) -> TypeTimes:
    """Interleaved rounds over the same files (the order of the four runs turns each round),
    so that a machine busy with something else weighs on each alike."""
    fmt = "PNG" if files[0].suffix == ".png" else "JPEG"
    data = [f.read_bytes() for f in files]
    n = len(files)
    times = TypeTimes([], [], [], [])
    vips = vips_binary()
    one = "--vips-concurrency=1"
    out.mkdir(parents=True, exist_ok=True)
    twice = [
        [vips, one, "-s", str(PREVIEW_EDGE), "-o", f"{out}/%s-p.jpg[Q={PREVIEW_JPEG_QUALITY}]"],
        [vips, one, "-s", str(THUMBNAIL_EDGE), "-o", f"{out}/%s-t.jpg[Q={JPEG_QUALITY}]"],
    ]

    def thumbnail_only() -> None:
        times.thumbnail_only.append(1000 * sum(mam_image(d, fmt, preview=False) for d in data) / n)

    def with_preview() -> None:
        times.with_preview.append(1000 * sum(mam_image(d, fmt, preview=True) for d in data) / n)

    def vips_chained() -> None:
        command = vips_both_sizes(files, out, threads=1)
        times.vips_chained.append(1000 * vips_cpu(command) / n)

    def vips_twice() -> None:
        seconds = sum(vips_cpu([*c, *map(str, files)]) for c in twice)
        times.vips_twice.append(1000 * seconds / n)

    runs = [thumbnail_only, with_preview, vips_chained, vips_twice]
    with_preview()  # warm-up: imports, caches, the files in the page cache
    times.with_preview.clear()
    for round_ in range(rounds):
        for run in runs[round_ % 4 :] + runs[: round_ % 4]:
            run()
    return times


def renditions_section(corpus: Corpus, out: Path, rounds: int) -> list[str]:
    """Markdown lines: per image type, the medians over rounds of per-image CPU time."""
    median = statistics.median
    lines = [
        "| image type | files | MAM thumbnail only, ms | MAM thumbnail + preview + blurhash, ms "
        "| with preview / thumbnail only (budget 1.25x) "
        "| vipsthumbnail 1600 then 320 from it, ms | vipsthumbnail both from the original, ms "
        "| MAM with preview / best vips (target 1.3x) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, files in corpus.image_types():
        t = renditions_of_type(files, out / name.split(" (")[0].replace(" ", "-"), rounds)
        best_vips = min(median(t.vips_chained), median(t.vips_twice))
        budget = [new / old for new, old in zip(t.with_preview, t.thumbnail_only, strict=True)]
        lines.append(
            f"| {name} | {len(files)} | {median(t.thumbnail_only):.0f} "
            f"| {median(t.with_preview):.0f} "
            f"| **{median(budget):.2f}x** ({min(budget):.2f}-{max(budget):.2f}) "
            f"| {median(t.vips_chained):.0f} | {median(t.vips_twice):.0f} "
            f"| **{median(t.with_preview) / best_vips:.2f}x** |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=40, help="24 MP JPEGs")
    parser.add_argument("--uhd", type=int, default=10, help="4K (3840x2160) JPEGs")
    parser.add_argument("--phone", type=int, default=10, help="12 MP (4000x3000) JPEGs")
    parser.add_argument("--pngs", type=int, default=10)
    parser.add_argument("--videos", type=int, default=10)
    parser.add_argument("--proxies", type=int, default=3)
    parser.add_argument(
        "--proxies-only",
        action="store_true",
        help="only the proxy transcode against bare ffmpeg (no live system, no image tools)",
    )
    parser.add_argument(
        "--renditions-only",
        action="store_true",
        help="only the per-image CPU time of thumbnail, preview and blurhash, in process, "
        "against the thumbnail alone and vipsthumbnail (no live system)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds for --renditions-only")
    args = parser.parse_args()
    counts = f"--images {args.images} --uhd {args.uhd} --phone {args.phone} --pngs {args.pngs}"

    if args.renditions_only:
        print(f"building corpus in {CORPUS} (cached between runs) ...", flush=True)
        corpus = build_corpus(args.images, args.uhd, args.phone, args.pngs, 0)
        with tempfile.TemporaryDirectory(prefix="mam-bench-") as tmp:
            lines = renditions_section(corpus, Path(tmp), args.rounds)
        print()
        print(
            f"Command: `.venv/bin/python bench/ingest.py --renditions-only {counts} "
            f"--rounds {args.rounds}`; {CORES} cores, load average {os.getloadavg()[0]:.1f} "
            "at the end."
        )
        print()
        print("\n".join(lines))
        return

    if args.proxies_only:
        print(f"building corpus in {CORPUS} (cached between runs) ...", flush=True)
        clips = build_proxy_corpus(args.proxies)
        with tempfile.TemporaryDirectory(prefix="mam-bench-") as tmp:
            lines = proxy_section(clips, Path(tmp))
        print()
        print(
            f"Command: `.venv/bin/python bench/ingest.py --proxies-only --proxies {args.proxies}`"
            f"; {CORES} cores."
        )
        print()
        print("\n".join(lines))
        return

    print(f"building corpus in {CORPUS} (cached between runs) ...", flush=True)
    corpus = build_corpus(args.images, args.uhd, args.phone, args.pngs, args.videos)
    proxy_clips = build_proxy_corpus(args.proxies)
    images, videos = corpus.images, corpus.videos
    megabytes = sum(p.stat().st_size for p in images) / 1e6

    with tempfile.TemporaryDirectory(prefix="mam-bench-") as tmp:
        root = Path(tmp)
        vips = min(vips_baseline(images, root / f"vips{i}") for i in range(2))
        magick = imagemagick_baseline(images, root / "magick")

        live = start_live_system(root / "live", workers=1, concurrency=CORES)
        client, pool = live.client(), ThreadPoolExecutor(4)
        try:
            media = live.media / "bench"
            media.mkdir()
            for path in [*images, *videos]:
                os.link(
                    path, media / path.name
                ) if path.stat().st_dev == media.stat().st_dev else shutil.copy(path, media)
            # Warm-up: one image through the pipeline (imports, first connections).
            warm = photo_like(600, 400, 999)
            warm.save(media / "warmup.jpg")
            pipeline(live, client, pool, ["bench/warmup.jpg"])
            before = len(worker_seconds(live))
            elapsed, _ids = pipeline(live, client, pool, [f"bench/{p.name}" for p in images])
            per_asset = worker_seconds(live)[before:]

            video_ratios = []
            video_pipeline, video_bare = [], []
            for path in videos:
                bare = statistics.median(bare_video(path) for _ in range(3))
                took, _ = pipeline(live, client, pool, [f"bench/{path.name}"])
                video_pipeline.append(took)
                video_bare.append(bare)
                video_ratios.append(took / bare)
            proxy_lines = proxy_section(proxy_clips, root / "proxies")
        finally:
            client.close()
            pool.shutdown()
            live.stop()

    n = len(images)
    print()
    print("### Ingest (bench/ingest.py)")
    print()
    print(
        f"Command: `.venv/bin/python bench/ingest.py {counts} --videos {args.videos} "
        f"--proxies {args.proxies}`"
    )
    kinds = ", ".join(f"{len(files)} x {name}" for name, files in corpus.image_types())
    print(
        f"Corpus: {kinds} ({megabytes:.0f} MB of images), "
        f"{len(videos)} 6 s 1080p H.264 clips; {CORES} cores; {CORES} worker processes."
    )
    print()
    print("| run | wall s | files/s | ratio |")
    print("|---|---|---|---|")
    print(
        f"| MAM pipeline (HTTP register -> ready, {n} images) | {elapsed:.2f} | {n / elapsed:.1f} | 1.00 |"
    )
    print(
        f"| vipsthumbnail -s 1600, then -s 320 from those, one shell per core | {vips:.2f} | {n / vips:.1f} | MAM is {elapsed / vips:.2f}x its time |"
    )
    print(
        f"| convert-im6.q16 -thumbnail 320x320 (the thumbnail only), one shell per core | {magick:.2f} | {n / magick:.1f} | MAM is {magick / elapsed:.2f}x faster |"
    )
    print()
    if per_asset:
        busy = sum(per_asset)
        print(
            f"Worker time inside process_asset: {busy:.2f} s over {len(per_asset)} assets "
            f"(mean {1000 * busy / len(per_asset):.0f} ms); on {CORES} cores that is {busy / CORES:.2f} s of "
            f"the {elapsed:.2f} s wall; the rest is registration, queueing, polling and idle tails."
        )
    print()
    print(
        f"Video: pipeline median {statistics.median(video_pipeline) * 1000:.0f} ms, bare ffprobe + "
        f"ffmpeg frame + ffmpeg scrub strip "
        f"median {statistics.median(video_bare) * 1000:.0f} ms, ratio median {statistics.median(video_ratios):.2f}x "
        f"(max {max(video_ratios):.2f}x)."
    )
    print()
    print("\n".join(proxy_lines))


if __name__ == "__main__":
    main()
