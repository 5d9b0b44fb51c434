"""Watch-folder benchmark: 1,000 small images copied into a watched media folder; how long from
the end of the copy until every one is registered (issue 12's target: within 30 s).

A real `manage.py watch_media` process (the default 1 s settle time, real inotify) on a fresh
SQLite database and a private Redis; no worker runs, so the machine's cores go to the watcher
and what is timed is registration (processing is queued, as always). The copy is one
`shutil.copytree` of a folder generated outside the media folder. The time is read by polling
the database every 50 ms; the watcher's log says how many INSERT batches it took.

Run: .venv/bin/python bench/watch.py [--files 1000] [--rescan-files 0]
`--rescan-files N` also times a rescan of a library of N registered files with nothing to do
(one walk and one query), through `watch_media --once`.
Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PER_DIRECTORY = 250


def make_images(folder: Path, count: int) -> None:
    """`count` distinct 64x64 JPEGs, PER_DIRECTORY per subfolder."""
    from PIL import Image

    for i in range(count):
        sub = folder / f"roll {i // PER_DIRECTORY:03}"
        if i % PER_DIRECTORY == 0:
            sub.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        Image.new("RGB", (64, 64), (i % 256, (i // 256) % 256, 120)).save(buffer, "JPEG")
        (sub / f"IMG_{i:06}.jpg").write_bytes(buffer.getvalue())


def registered(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as conn:
        return int(conn.execute("SELECT count(*) FROM assets_asset").fetchone()[0])


def environment(work: Path, redis_port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MAM_") and key != "DATABASE_URL"
    }
    return {
        **env,
        "MEDIA_PATH": str(work / "media"),
        "DATA_DIR": str(work / "data"),
        "MAM_LOG_DIR": str(work / "logs"),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "MAM_WATCH": "on",
        "PYTHONUNBUFFERED": "1",
    }


def wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise SystemExit(f"bench: {what} not reached in {timeout:g} s")


def watch_run(work: Path, env: dict[str, str], files: int) -> dict[str, float | int]:
    from mam.launcher import stop_all

    staging = work / "staging"
    make_images(staging, files)
    database = work / "data" / "mam.db"
    log = (work / "watcher.log").open("wb")
    watcher = subprocess.Popen(
        [sys.executable, "manage.py", "watch_media"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        system_log = work / "logs" / "system.log"
        wait_for(
            lambda: system_log.exists() and "watcher active" in system_log.read_text(),
            60,
            "the watcher holding its lock",
        )
        wait_for(
            lambda: "rescan of" in (work / "logs" / "app.log").read_text(), 60, "its first rescan"
        )
        started = time.monotonic()
        shutil.copytree(staging, work / "media" / "drop")
        copied = time.monotonic()
        wait_for(lambda: registered(database) >= files, 120, f"{files} registered")
        done = time.monotonic()
    finally:
        stop_all([watcher])
        log.close()
    app_log = (work / "logs" / "app.log").read_text()
    batches = re.findall(r"registered (\d+) assets in bulk", app_log)
    steps = re.findall(r"watch: (\d+) registered", app_log)
    return {
        "copy": copied - started,
        "after_copy": done - copied,
        "registered": registered(database),
        "batches": len(batches),
        "steps": len([s for s in steps if int(s)]),
    }


def rescan_run(work: Path, env: dict[str, str], files: int) -> tuple[float, float, str]:
    """A library of `files` registered files; `watch_media --once` with nothing to do."""
    library = work / "media" / "library"
    make_images(library, files)
    subprocess.run(
        [sys.executable, "manage.py", "import_media", "--no-process", "library"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "manage.py", "watch_media", "--once", "--settle", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    app_log = (work / "logs" / "app.log").read_text()
    rescans = re.findall(r"rescan of .* in ([\d.]+) s", app_log)
    return wall, float(rescans[-1]), out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rescan-files", type=int, default=0)
    args = parser.parse_args()

    from mam.launcher import start_embedded_redis
    from tests.bootstrap import free_port

    work = Path(tempfile.mkdtemp(prefix="mam-bench-watch-"))
    redis_port = free_port()
    redis_server = start_embedded_redis("127.0.0.1", redis_port, work / "redis")
    try:
        (work / "media").mkdir()
        env = environment(work, redis_port)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        result = watch_run(work, env, args.files)
        rescan = rescan_run(work, env, args.rescan_files) if args.rescan_files else None
    finally:
        redis_server.kill()
        redis_server.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()[0]
    command = f"bench/watch.py --files {args.files}" + (
        f" --rescan-files {args.rescan_files}" if args.rescan_files else ""
    )
    print(f"### Watch folder (`{command}`)\n")
    print(
        f"{args.files} distinct 64x64 JPEGs in {-(-args.files // PER_DIRECTORY)} folders, "
        "copied with one `shutil.copytree` into the media folder of a running "
        "`manage.py watch_media` (settle 1 s, inotify), SQLite, no worker; "
        f"{os.cpu_count()} cores shared, load {load:.1f} at the end.\n"
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| the copy | {result['copy']:.2f} s |")
    print(
        f"| end of the copy -> all {result['registered']} registered | "
        f"**{result['after_copy']:.2f} s** (target: 30 s) |"
    )
    print(
        f"| INSERT batches (register_many calls) | {result['batches']} in {result['steps']} "
        "watcher steps |"
    )
    if rescan:
        wall, seconds, summary = rescan
        print(
            f"| rescan of {args.rescan_files} registered files, nothing to do | {seconds:.2f} s "
            f"(`watch_media --once` as run, startup included: {wall:.2f} s: `{summary}`) |"
        )


if __name__ == "__main__":
    main()
