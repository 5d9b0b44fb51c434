"""Bulk-import benchmark: `import_media --no-process` against registering one by one via the API.

Generates a tree of small (valid) JPEGs, imports 10k and 20k files into fresh databases
(files/s, then tracemalloc peak and RSS in separate runs so tracing does not slow the timed
one), and registers a sample of the same files one request at a time through a running
Daphne, extrapolated to the whole tree.

Run: .venv/bin/python bench/import.py [--files 20000] [--api-sample 500]
     .venv/bin/python bench/import.py --files 1000000 --quick   # the two timed imports only
       (memory as each one's max RSS), for trees too large to import five times
Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PER_DIRECTORY = 250


def make_tree(media: Path, count: int) -> None:
    """`count` small JPEGs, PER_DIRECTORY per folder, two levels deep, with a few other files."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 40, 40)).save(buffer, "JPEG", quality=80)
    jpeg = buffer.getvalue()
    for i in range(count):
        folder = media / f"shoot-{i // (PER_DIRECTORY * 10):02}" / f"roll {i // PER_DIRECTORY:03}"
        if i % PER_DIRECTORY == 0:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "notes.txt").write_text("ignored")
        (folder / f"IMG_{i:06}.jpg").write_bytes(jpeg)


def child(args: argparse.Namespace) -> None:
    """Runs in a fresh process with MEDIA_PATH/DATA_DIR set: one import, one JSON line out."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
    django.setup()
    import tracemalloc

    from django.core.management import call_command

    from assets.ingest.bulk_import import Outcome, import_media, resolve_import_root

    call_command("migrate", "--no-input", verbosity=0)
    roots = [resolve_import_root(p) for p in args.paths]
    if args.trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = import_media(roots, process=False)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if args.trace else None
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "added": report[Outcome.ADDED],
                "ignored": report[Outcome.IGNORED],
                "seconds": elapsed,
                "tracemalloc_peak": peak,
                "max_rss_bytes": rss_kib * 1024,
            }
        )
    )


def run_child(media: Path, data: Path, paths: list[str], *, trace: bool = False) -> dict:
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {**os.environ, "MEDIA_PATH": str(media), "DATA_DIR": str(data)}
    env["MAM_LOG_DIR"] = str(data / "logs")
    command = [sys.executable, __file__, "--child", *(["--trace"] if trace else []), *paths]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def command_wall(media: Path, data: Path) -> tuple[float, str]:
    """The real command, as an operator runs it (Django startup and migrate check included)."""
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {**os.environ, "MEDIA_PATH": str(media), "DATA_DIR": str(data)}
    env["MAM_LOG_DIR"] = str(data / "logs")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "manage.py", "import_media", "--no-process"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, out.stdout.strip().splitlines()[-1]


def api_rate(media: Path, work: Path, sample: int) -> tuple[float, int]:
    """Registers `sample` files one request at a time through a live Daphne (no workers)."""
    import tests.bootstrap  # noqa: F401 - a private Redis unless MAM_TEST_REDIS_URL is set
    from tests.support.live import start_live_system

    system = start_live_system(work, workers=0, extra_env={"MEDIA_PATH": str(media)})
    try:
        paths = sorted(p.relative_to(media).as_posix() for p in media.rglob("*.jpg"))[:sample]
        with system.client() as client:
            client.post("/api/v1/assets", json={"file_path": paths[0]})  # warm up
            started = time.perf_counter()
            for path in paths[1:]:
                response = client.post("/api/v1/assets", json={"file_path": path})
                assert response.status_code == 201, response.text
            elapsed = time.perf_counter() - started
    finally:
        system.stop()
    return (len(paths) - 1) / elapsed, len(paths) - 1


def quick_report(files: int, generated: float, timed: dict[str, dict]) -> None:
    mib = 1024 * 1024
    print(f"### Bulk import (`bench/import.py --files {files} --quick`)\n")
    print(
        f"Tree: {files} small JPEGs ({PER_DIRECTORY} per folder, two levels), generated in "
        f"{generated:.0f} s. SQLite, {os.cpu_count()} cores.\n"
    )
    print("| files | seconds | files/s | max RSS |")
    print("|---:|---:|---:|---:|")
    for run in (timed["half"], timed["full"]):
        print(
            f"| {run['added']:,} | {run['seconds']:.1f} | {run['added'] / run['seconds']:,.0f} |"
            f" {run['max_rss_bytes'] / mib:.0f} MiB |"
        )
    growth = timed["full"]["max_rss_bytes"] / max(timed["half"]["max_rss_bytes"], 1)
    print(f"\nMax RSS growth, half -> whole tree: {growth:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--api-sample", type=int, default=500)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only the two timed imports (no tracemalloc runs, command run or API sample)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", default=["."])
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    work = Path(tempfile.mkdtemp(prefix="mam-bench-import-"))
    try:
        media = work / "media"
        started = time.perf_counter()
        make_tree(media, args.files)
        generated = time.perf_counter() - started
        half_dirs = sorted(p.name for p in media.iterdir())
        # The first half of the tree (the shoot-* folders holding the first files/2 files).
        half = half_dirs[: max(1, len(half_dirs) // 2)]
        data = work / "data"
        timed = {
            "half": run_child(media, data, half),
            "full": run_child(media, data, ["."]),
        }
        if args.quick:
            quick_report(args.files, generated, timed)
            return
        traced = {
            "half": run_child(media, data, half, trace=True),
            "full": run_child(media, data, ["."], trace=True),
        }
        wall, summary = command_wall(media, data)
        api_per_second, api_count = api_rate(media, work / "api", args.api_sample)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    full, halfrun = timed["full"], timed["half"]
    rate = full["added"] / full["seconds"]
    api_seconds = args.files / api_per_second
    mib = 1024 * 1024
    print(f"### Bulk import (`bench/import.py --files {args.files}`)\n")
    print(
        f"Tree: {args.files} small JPEGs (16x16, {PER_DIRECTORY} per folder, two levels, one "
        f"ignored .txt per folder), generated in {generated:.1f}s. SQLite, {os.cpu_count()} "
        "cores.\n"
    )
    print("| measure | value |")
    print("|---|---|")
    print(
        f"| import_media --no-process, {halfrun['added']} files | {halfrun['seconds']:.2f}s "
        f"({halfrun['added'] / halfrun['seconds']:,.0f} files/s) |"
    )
    print(
        f"| import_media --no-process, {full['added']} files | {full['seconds']:.2f}s "
        f"(**{rate:,.0f} files/s**) |"
    )
    print(
        f"| the command as run, {args.files} files (startup included) | {wall:.2f}s "
        f"({args.files / wall:,.0f} files/s): `{summary}` |"
    )
    print(
        f"| POST /api/v1/assets one by one, {api_count} files | {api_per_second:,.0f} files/s "
        f"-> {api_seconds:,.0f}s for {args.files} (extrapolated) |"
    )
    print(f"| speed-up over the API | **{rate / api_per_second:.0f}x** |")
    for run in (traced["half"], traced["full"]):
        print(
            f"| memory, {run['added']} files: tracemalloc peak / max RSS | "
            f"{run['tracemalloc_peak'] / mib:.1f} MiB / {run['max_rss_bytes'] / mib:.0f} MiB |"
        )
    growth = traced["full"]["tracemalloc_peak"] / max(traced["half"]["tracemalloc_peak"], 1)
    print(
        f"| peak growth, {traced['half']['added']} -> {traced['full']['added']} files | "
        f"{growth:.2f}x |"
    )


if __name__ == "__main__":
    main()
