"""Bulk and library-wide work at 100,000 assets (issue 12): tagging 10,000 assets in one bulk
action (target: under 5 s), untagging them, adding them to a collection, and the reads that
walk the whole library: the timeline, one asset's look-alikes, and the look-alike groups
(cold, then from the cache). The plain list's p50 in the same run is the baseline.

Like bench/search.py it makes a private database (SQLite in a temporary directory, or a
PostgreSQL database of its own, dropped at the end), migrates it and seeds it with
bench/api_load.py's rows; then a child with the server's settings gives every asset a random
perceptual hash (a tenth of them near another's) and sends each request through the whole
Django stack (the test client; no network).

Run:
    .venv/bin/python bench/bulk.py                                   # 100k, both databases
    .venv/bin/python bench/bulk.py --sizes 10000 --databases sqlite  # smoke
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import api_load  # noqa: E402  (the seed and the private database are shared)

BULK_IDS = 10_000
TARGET_BULK_SECONDS = 5.0


def _timed(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    if response.status_code not in (200, 201):
        raise SystemExit(f"{response.status_code} {response.content[:300]!r}")
    return elapsed, response.json()


def run_measure(args: argparse.Namespace) -> None:
    """Role `measure` (a child with the server's environment)."""
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from assets.jobs.processing.perceptual import to_signed
    from assets.models import Asset

    rng = random.Random(args.seed)
    ids = list(Asset.objects.order_by("id").values_list("id", flat=True))
    hashes: dict[int, int] = {}
    for asset_id in ids:
        if hashes and rng.random() < 0.1:  # a near copy of an earlier one: 1-3 bits off
            value = rng.choice(list(hashes.values())[-1000:])
            for _ in range(rng.randint(1, 3)):
                value ^= 1 << rng.randrange(64)
        else:
            value = rng.getrandbits(64)
        hashes[asset_id] = value
    batch = [Asset(pk=i, perceptual_hash=to_signed(v)) for i, v in hashes.items()]
    Asset.objects.bulk_update(batch, ["perceptual_hash"], batch_size=1000)

    client = Client(HTTP_HOST="127.0.0.1")
    results: list[dict[str, Any]] = []

    def repeat(name: str, url: str, times: int) -> None:
        client.get(url)
        latencies = sorted(_timed(lambda: client.get(url))[0] * 1000 for _ in range(times))
        results.append(
            {
                "name": name,
                "p50_ms": statistics.median(latencies),
                "p99_ms": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
            }
        )

    repeat("list (baseline)", "/api/v1/assets", args.repeat)
    repeat("timeline", "/api/v1/assets/timeline", args.repeat)
    repeat("similar to one asset", f"/api/v1/assets/{ids[len(ids) // 2]}/similar", 10)
    cache.clear()
    cold, body = _timed(lambda: client.get("/api/v1/duplicates", {"kind": "similar"}))
    warm, _ = _timed(lambda: client.get("/api/v1/duplicates", {"kind": "similar"}))
    results.append(
        {"name": "look-alike groups, cold", "once_s": cold, "groups": body["meta"]["total"]}
    )
    results.append({"name": "look-alike groups, cached", "once_s": warm})

    chosen = rng.sample(ids, min(BULK_IDS, len(ids)))
    album = client.post(
        "/api/v1/collections", {"name": "bench"}, content_type="application/json"
    ).json()
    for action, extra in (
        ("tag", {"tags": ["bench-tag"]}),
        ("untag", {"tags": ["bench-tag"]}),
        ("add_to_collection", {"collection": album["id"]}),
    ):
        seconds, outcome = _timed(
            lambda action=action, extra=extra: client.post(
                "/api/v1/assets/bulk",
                json.dumps({"ids": chosen, "action": action, **extra}),
                content_type="application/json",
            )
        )
        results.append({"name": f"bulk {action} of {len(chosen):,}", "once_s": seconds, **outcome})
    print(json.dumps(results))


def report(runs: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        f"Command: `{meta['command']}` ({meta['date']}, {meta['commit']}, {meta['machine']}, "
        f"{meta['cpus']} cores, load {meta['load_start']} -> {meta['load_end']}). Django's "
        f"test client in a process of its own (no network); events go to a private Redis. "
        f"Target: a bulk action on {BULK_IDS:,} assets under {TARGET_BULK_SECONDS:.0f} s.",
        "",
    ]
    for run in runs:
        base = run["results"][0]["p50_ms"]
        lines += [
            f"**{run['database']}, {run['size']:,} assets**",
            "",
            "| what | p50 ms | p99 ms | once | p50 / list p50 | note |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for r in run["results"]:
            once = f"{r['once_s']:.2f} s" if "once_s" in r else ""
            p50 = f"{r['p50_ms']:.1f}" if "p50_ms" in r else ""
            p99 = f"{r['p99_ms']:.1f}" if "p99_ms" in r else ""
            ratio = f"{r['p50_ms'] / base:.2f}" if "p50_ms" in r else ""
            note = ""
            if "changed" in r:
                met = r["once_s"] < TARGET_BULK_SECONDS
                note = f"changed {r['changed']:,}; {'met' if met else '**missed**'}"
            elif "groups" in r:
                note = f"{r['groups']:,} groups"
            lines.append(f"| {r['name']} | {p50} | {p99} | {once} | {ratio} | {note} |")
        lines.append("")
    return "\n".join(lines)


def orchestrate(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="mam-bulk-bench-"))
    env = {
        **os.environ,
        "MEDIA_PATH": str(work / "media"),
        "MAM_LOG_DIR": str(work / "logs"),
        "MAM_AUTH": "off",
        "MAM_REDIS_PREFIX": f"mambulk{os.getpid()}",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "mam.settings",
    }
    (work / "media").mkdir()
    loader_args = argparse.Namespace(
        postgres_url=args.postgres_url, pg_connection_limit=20, keep=False
    )
    bench = api_load.Bench(loader_args, work, ROOT, env)
    meta: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/bulk.py", *sys.argv[1:]]),
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": api_load.git("rev-parse", "--short", "HEAD"),
        "cpus": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "load_start": f"{os.getloadavg()[0]:.1f}",
    }
    runs = []
    try:
        bench.start_redis()
        for database in args.databases:
            db_env = bench.database_env(database)
            api_load.say(f"{database}: migrating")
            bench.python("manage.py", "migrate", "--no-input", "-v0", env=db_env)
            for size in args.sizes:
                api_load.say(f"{database}: seeding {size:,}")
                bench.python(
                    str(Path(api_load.__file__).resolve()),
                    *("--role", "seed", "--tree", str(ROOT), "--start", "0"),
                    *("--end", str(size), "--seed", str(args.seed), "--query", "lighthouse"),
                    env=db_env,
                )
                api_load.say(f"{database}: measuring {size:,}")
                out = bench.python(
                    str(Path(__file__).resolve()),
                    *("--role", "measure", "--repeat", str(args.repeat), "--seed", str(args.seed)),
                    env=db_env,
                )
                runs.append(
                    {
                        "database": database,
                        "size": size,
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
    parser.add_argument("--sizes", type=int, nargs=1, default=[100_000])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--repeat", type=int, default=30, help="measured reads each (30)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("MAM_BENCH_POSTGRES_URL", api_load.DEFAULT_POSTGRES_URL),
        help="where to CREATE DATABASE the private one (MAM_BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--role", default="orchestrate", choices=["orchestrate", "measure"])
    args = parser.parse_args()
    if args.role == "measure":
        run_measure(args)
    else:
        try:
            orchestrate(args)
        except KeyboardInterrupt:
            print("bulk: interrupted; Redis and database cleaned up")
            raise SystemExit(130) from None


if __name__ == "__main__":
    main()
