"""Search benchmark (issue 12): the list's `q` (one word, two words, accented, common, a
one-letter prefix, none found, with a filter, with an ordering, its second page by cursor),
each filter (the media ones too: camera, sizes, durations, orientation, sound) and the facets,
at 100,000 assets on SQLite and on PostgreSQL, against the plain list as the
baseline in the same run.

For each database it makes a private one (SQLite in a temporary directory, or a PostgreSQL
database of its own, dropped at the end), migrates it, seeds it with bench/api_load.py's seed
(the same rows: the word `--query` in about 0.5% of titles, cameras and codecs in the
metadata) and then, in a child with the server's settings, sends each request `--repeat`
times in a row through the whole Django stack (Django's test client: middleware, DRF,
filters, pagination, serializer; no network), after a few unmeasured ones. Prints a Markdown
section for docs/BENCHMARKS.md: p50 and p99 per scenario, and p50 as a ratio of the list's.

Run:
    .venv/bin/python bench/search.py                          # 100k, SQLite and PostgreSQL
    .venv/bin/python bench/search.py --analyze                # statistics as in use
    .venv/bin/python bench/search.py --sizes 10000 --repeat 20 --databases sqlite   # smoke
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import api_load  # noqa: E402  (the seed and the private database are shared)

API = "/api/v1/assets"
TARGET_P99_MS = 100.0
# A scenario with this parameter asks for the facets of its other parameters, not the list.
FACETS = "<facets>"
CAMERAS = ["canon eos r5", "dji mavic 3"]


def scenarios(query: str) -> list[tuple[str, dict[str, Any]]]:
    accented = query.replace("i", "í").replace("o", "ö").replace("e", "é").capitalize()
    return [
        ("list (baseline)", {}),
        (f"q={query} (one word, ~0.5%)", {"q": query}),
        ("q=sunset (one word, ~3%)", {"q": "sunset"}),
        (f"q={accented} (accented)", {"q": accented}),
        ("q=sunset beach (two words)", {"q": "sunset beach"}),
        ("q=canon eos (metadata)", {"q": "canon eos"}),
        ("q=h264 (codec)", {"q": "h264"}),
        ("q=s (one letter: a whole word)", {"q": "s"}),
        ("q=su (a two-letter prefix)", {"q": "su"}),
        ("q=zzzz (none)", {"q": "zzzz"}),
        ("q=sunset&type=video", {"q": "sunset", "type": "video"}),
        ("q=sunset&ordering=title", {"q": "sunset", "ordering": "title"}),
        ("q=sunset, second page (cursor)", {"q": "sunset", "cursor": "<next_cursor>"}),
        ("type=video", {"type": "video"}),
        ("status=failed", {"status": "failed"}),
        ("mime_type=video/mp4", {"mime_type": "video/mp4"}),
        ("created_after=2026-10-01", {"created_after": "2026-10-01T00:00:00Z"}),
        ("camera=Canon EOS R5", {"camera": "Canon EOS R5"}),
        ("camera=canon eos r5&camera=dji mavic 3 (any case, either)", {"camera": CAMERAS}),
        ("min_width=3000", {"min_width": "3000"}),
        ("min_height=2000", {"min_height": "2000"}),
        ("orientation=landscape", {"orientation": "landscape"}),
        ("orientation=portrait", {"orientation": "portrait"}),
        ("orientation=square (~4%)", {"orientation": "square"}),
        ("min_duration=3000 (long videos)", {"min_duration": "3000"}),
        ("max_duration=30 (short videos)", {"max_duration": "30"}),
        ("has_audio=true", {"has_audio": "true"}),
        ("has_audio=false&type=video", {"has_audio": "false", "type": "video"}),
        (
            "camera=iPhone 15 Pro&orientation=portrait&ordering=-captured_at",
            {"camera": "iPhone 15 Pro", "orientation": "portrait", "ordering": "-captured_at"},
        ),
        ("q=sunset&min_width=3000", {"q": "sunset", "min_width": "3000"}),
        ("min_width=3000, second page (cursor)", {"min_width": "3000", "cursor": "<next_cursor>"}),
        ("facets", {FACETS: ""}),
        ("facets camera=Canon EOS R5", {FACETS: "", "camera": "Canon EOS R5"}),
        ("facets orientation=portrait", {FACETS: "", "orientation": "portrait"}),
    ]


def run_measure(args: argparse.Namespace) -> None:
    """Role `measure` (a child with the server's environment): every scenario, in a row."""
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
    import django

    django.setup()
    from django.test import Client

    if args.analyze:
        from django.db import connection

        from assets.library import index

        index.refresh_statistics(connection)  # what an import and the hourly task do
    client = Client(HTTP_HOST="127.0.0.1")
    results = []
    for name, params in scenarios(args.query):
        if params.get("cursor") == "<next_cursor>":
            first = client.get(API, {k: v for k, v in params.items() if k != "cursor"}).json()
            params = {**params, "cursor": first["meta"]["next_cursor"] or ""}
        path = f"{API}/facets" if FACETS in params else API
        params = {k: v for k, v in params.items() if k != FACETS}
        url = f"{path}?{urlencode(params, doseq=True)}" if params else path
        body: dict[str, Any] = {}
        for _ in range(args.warmup):
            client.get(url)
        latencies = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
            body = response.json()
        latencies.sort()
        meta = body.get("meta") or {"total": body["total"], "total_estimated": False}
        results.append(
            {
                "name": name,
                "url": url,
                "total": meta["total"],
                "estimated": meta["total_estimated"],
                "p50": statistics.median(latencies),
                "p99": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
                "max": latencies[-1],
            }
        )
    print(json.dumps(results))


def report(runs: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        f"Command: `{meta['command']}` ({meta['date']}, {meta['commit']}, {meta['machine']}, "
        f"{meta['cpus']} cores, load {meta['load_start']} -> {meta['load_end']}). Each request "
        f"{meta['repeat']} times in a row after {meta['warmup']} unmeasured; Django's test "
        f"client in a process of its own (no network). Target: p99 under {TARGET_P99_MS:.0f} ms.",
        "",
    ]
    for run in runs:
        base = run["results"][0]["p50"]
        lines += [
            f"**{run['database']}, {run['size']:,} assets** (seeded in {run['seed_seconds']:.0f} s)",
            "",
            "| scenario | matches | p50 ms | p99 ms | p50 / list p50 | p99 < 100 ms |",
            "|---|---:|---:|---:|---:|:---:|",
        ]
        for r in run["results"]:
            total = f"~{r['total']:,}" if r["estimated"] else f"{r['total']:,}"
            met = "yes" if r["p99"] < TARGET_P99_MS else "**no**"
            lines.append(
                f"| {r['name']} | {total} | {r['p50']:.1f} | {r['p99']:.1f} | "
                f"{r['p50'] / base:.2f} | {met} |"
            )
        lines.append("")
    return "\n".join(lines)


def orchestrate(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="mam-search-bench-"))
    env = {
        **os.environ,
        "MEDIA_PATH": str(work / "media"),
        "MAM_LOG_DIR": str(work / "logs"),
        "MAM_AUTH": "off",
        "MAM_REDIS_PREFIX": f"mamsearch{os.getpid()}",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "mam.settings",
    }
    (work / "media").mkdir()
    loader_args = argparse.Namespace(
        postgres_url=args.postgres_url, pg_connection_limit=20, keep=False
    )
    bench = api_load.Bench(loader_args, work, ROOT, env)
    meta: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/search.py", *sys.argv[1:]]),
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": api_load.git("rev-parse", "--short", "HEAD"),
        "cpus": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "load_start": f"{os.getloadavg()[0]:.1f}",
        "repeat": args.repeat,
        "warmup": args.warmup,
    }
    runs = []
    try:
        bench.start_redis()
        for database in args.databases:
            db_env = bench.database_env(database)
            api_load.say(f"{database}: migrating")
            bench.python("manage.py", "migrate", "--no-input", "-v0", env=db_env)
            seeded_to = 0
            for size in sorted(args.sizes):
                api_load.say(f"{database}: seeding {seeded_to:,} -> {size:,}")
                out = bench.python(
                    str(Path(api_load.__file__).resolve()),
                    *("--role", "seed", "--tree", str(ROOT), "--start", str(seeded_to)),
                    *("--end", str(size), "--seed", str(args.seed), "--query", args.query),
                    env=db_env,
                )
                seeded = json.loads(out.strip().splitlines()[-1])
                seeded_to = size
                api_load.say(f"{database}: measuring {size:,}")
                out = bench.python(
                    str(Path(__file__).resolve()),
                    *("--role", "measure", "--query", args.query),
                    *("--repeat", str(args.repeat), "--warmup", str(args.warmup)),
                    *(["--analyze"] if args.analyze else []),
                    env=db_env,
                )
                runs.append(
                    {
                        "database": database,
                        "size": size,
                        "seed_seconds": seeded["seconds"],
                        "results": json.loads(out.strip().splitlines()[-1]),
                    }
                )
            bench.drop_database()
    finally:
        bench.cleanup()
    meta["load_end"] = f"{os.getloadavg()[0]:.1f}"
    print(report(runs, meta))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--repeat", type=int, default=100, help="measured requests each (100)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--query", default="lighthouse", help="the seeded search word")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("MAM_BENCH_POSTGRES_URL", api_load.DEFAULT_POSTGRES_URL),
        help="where to CREATE DATABASE the private one (MAM_BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="refresh the planner's statistics first, as an import and the hourly task do "
        "(the seed itself does not: without, SQLite guesses)",
    )
    parser.add_argument("--role", default="orchestrate", choices=["orchestrate", "measure"])
    args = parser.parse_args()
    if args.role == "measure":
        run_measure(args)
    else:
        try:
            orchestrate(args)
        except KeyboardInterrupt:
            print("search: interrupted; Redis and database cleaned up")
            raise SystemExit(130) from None


if __name__ == "__main__":
    main()
