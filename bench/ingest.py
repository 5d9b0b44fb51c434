"""Ingest benchmark: the whole pipeline (HTTP register -> ready) against vipsthumbnail and
ImageMagick on the same files and cores, a video against bare ffprobe + ffmpeg, and the proxy
transcode of videos a browser cannot play against a bare ffmpeg with the same settings.

Run: .venv/bin/python bench/ingest.py [--images 40] [--pngs 10] [--videos 10] [--proxies 3]
     .venv/bin/python bench/ingest.py --proxies-only [--proxies 3]
Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tests.bootstrap  # noqa: F401 - a private Redis unless MAM_TEST_REDIS_URL is set

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
import django

django.setup()

import httpx  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from assets.jobs.processing.metadata import probe_video  # noqa: E402
from assets.jobs.processing.proxy import (  # noqa: E402
    make_proxy,
    playback_probe,
    proxy_command,
    proxy_size,
)
from assets.jobs.processing.scrubstrip import sprite_command, strip_layout  # noqa: E402
from assets.jobs.worker import decoder_limits  # noqa: E402
from mam.config import Config  # noqa: E402
from tests.media import make_video  # noqa: E402
from tests.support.live import LiveSystem, start_live_system  # noqa: E402

CORPUS = Path(__file__).resolve().parent / ".corpus"
CORES = os.cpu_count() or 1


def photo_like(width: int, height: int, seed: int) -> Image.Image:
    """A 24 MP picture with gradients, shapes and grain, so JPEG sizes are camera-like."""
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


def build_corpus(images: int, pngs: int, videos: int) -> tuple[list[Path], list[Path], list[Path]]:
    jpeg_dir, png_dir, video_dir = CORPUS / "jpeg", CORPUS / "png", CORPUS / "video"
    for directory in (jpeg_dir, png_dir, video_dir):
        directory.mkdir(parents=True, exist_ok=True)
    jpegs = [jpeg_dir / f"photo-{i:03d}.jpg" for i in range(images)]
    for i, path in enumerate(jpegs):
        if not path.exists():
            photo_like(6000, 4000, i).save(path, "JPEG", quality=90)
    png_files = [png_dir / f"scan-{i:03d}.png" for i in range(pngs)]
    for i, path in enumerate(png_files):
        if not path.exists():
            photo_like(2400, 1600, 100 + i).save(path, "PNG", compress_level=6)
    video_files = [video_dir / f"clip-{i:03d}.mp4" for i in range(videos)]
    for path in video_files:
        if not path.exists():
            make_video(path, seconds=6, size=(1920, 1080), fps=30, audio=True)
    return jpegs, png_files, video_files


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


def vips_baseline(files: list[Path], out: Path) -> float:
    binary = shutil.which("vipsthumbnail")
    if not binary:
        raise SystemExit("vipsthumbnail not found: apt-get install libvips-tools")
    out.mkdir(parents=True, exist_ok=True)
    return run_parallel(
        [
            [binary, "-s", "320", "-o", f"{out}/%s.jpg", *map(str, chunk)]
            for chunk in split(files, CORES)
        ]
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--pngs", type=int, default=10)
    parser.add_argument("--videos", type=int, default=10)
    parser.add_argument("--proxies", type=int, default=3)
    parser.add_argument(
        "--proxies-only",
        action="store_true",
        help="only the proxy transcode against bare ffmpeg (no live system, no image tools)",
    )
    args = parser.parse_args()

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
    jpegs, pngs, videos = build_corpus(args.images, args.pngs, args.videos)
    proxy_clips = build_proxy_corpus(args.proxies)
    images = jpegs + pngs
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
        f"Command: `.venv/bin/python bench/ingest.py --images {args.images} --pngs {args.pngs} --videos {args.videos}`"
    )
    print(
        f"Corpus: {len(jpegs)} JPEGs of 24 MP, {len(pngs)} PNGs of 3.8 MP ({megabytes:.0f} MB of images), "
        f"{len(videos)} 6 s 1080p H.264 clips; {CORES} cores; {CORES} worker processes."
    )
    print()
    print("| run | wall s | files/s | ratio |")
    print("|---|---|---|---|")
    print(
        f"| MAM pipeline (HTTP register -> ready, {n} images) | {elapsed:.2f} | {n / elapsed:.1f} | 1.00 |"
    )
    print(
        f"| vipsthumbnail -s 320, one invocation per core | {vips:.2f} | {n / vips:.1f} | MAM is {elapsed / vips:.2f}x its time |"
    )
    print(
        f"| convert-im6.q16 -thumbnail 320x320, one shell per core | {magick:.2f} | {n / magick:.1f} | MAM is {magick / elapsed:.2f}x faster |"
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
