"""List-API load benchmark (issue 10): the asset list, its filters, search, orderings, a deep
page, a deep cursor and the detail view under 32 concurrent keep-alive connections, at 1k and
100k assets (1M on PostgreSQL on request), against a trivial JSON view of the same server as
the framework's ceiling.

For each database it makes a private one (SQLite in a temporary directory, or a PostgreSQL
database of its own, dropped at the end), migrates it with `manage.py migrate`, seeds it with
the app's own model (bulk_create on SQLite, COPY on PostgreSQL) and grows it size by size.
For each size and each number of web processes it starts the server as users do
(`python -m mam.launcher` with MAM_WEB_PROCESSES, MAM_AUTH=off, a private redis-server), waits
for GET /api/v1/health/status, and drives every scenario from this process (aiohttp, one
asyncio loop). Prints a Markdown section for docs/BENCHMARKS.md.

Run:
    .venv/bin/python bench/api_load.py                      # 1k and 100k, SQLite and PostgreSQL
    .venv/bin/python bench/api_load.py --sizes 1000 --seconds 3        # a smoke run
    .venv/bin/python bench/api_load.py --sizes 1000 100000 1000000 --databases postgresql
    .venv/bin/python bench/api_load.py --web-processes 1 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

API = "/api/v1"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
# The cheapest JSON views, in order of preference: the first that answers 200 is the ceiling.
TRIVIAL_CANDIDATES = (f"{API}/auth/me", f"{API}/health/websocket", f"{API}/health/status")
READY_TIMEOUT = 180.0
REQUEST_TIMEOUT = 60.0
# Set by SIGTERM / SIGHUP: every loop checks it (a KeyboardInterrupt raised inside the event
# loop's callbacks can be swallowed on the way out).
STOP = threading.Event()
ORDERINGS = ("created_at", "-created_at", "title", "-title", "file_size", "-file_size")

# --- the seed: deterministic per row, so 1k is the first thousand rows of 100k ---

_WORDS = (
    "amber autumn beach blue bridge canyon castle cedar city cliff cloud coast coral "
    "desert dune dusk evening field fjord forest garden glacier golden granite harbor "
    "highland island jungle lake lantern meadow market mist morning mountain night "
    "north ocean orchard palm pine plains prairie quiet rain reef ridge river road "
    "rock rose sand savanna shadow shore silver sky snow spring stone storm street "
    "summer sun sunset temple tide tower valley village vine water wave willow winter"
)
WORDS = tuple(_WORDS.split())
_FOLDERS = (
    "holiday projects archive clients raw exports stock family drone studio events "
    "press interviews b-roll weddings product"
)
FOLDERS = tuple(_FOLDERS.split())
# (media_type, mime_type, extension, weight)
KINDS = (
    ("image", "image/jpeg", "jpg", 45),
    ("image", "image/jpeg", "jpeg", 8),
    ("image", "image/png", "png", 14),
    ("image", "image/gif", "gif", 3),
    ("video", "video/mp4", "mp4", 20),
    ("video", "video/quicktime", "mov", 7),
    ("video", "video/x-msvideo", "avi", 3),
)
# (status, stage, weight): mostly ready, some pending, processing and failed.
STATUSES = (
    ("ready", "done", 90),
    ("pending", "queued", 5),
    ("processing", "thumbnail", 1),
    ("failed", "metadata", 4),
)
FAILURES = (
    "ffprobe: Invalid data found when processing input",
    "The file changed since it was registered",
    "Decoder timed out after 120 s",
    "Image too large: 240000000 pixels (limit 178956970)",
)
QUERY_SHARE = 0.005  # the search word is in about 0.5% of titles
SEED_EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


def _weighted(rng: random.Random, table: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    return rng.choices(table, weights=[row[-1] for row in table])[0]


def asset_values(index: int, seed: int, query_word: str) -> dict[str, Any]:
    """The fields of seeded asset number `index` (from 0): the same for the same index."""
    rng = random.Random(seed * 1_000_003 + index)
    media_type, mime, ext, _ = _weighted(rng, KINDS)
    status, stage, _ = _weighted(rng, STATUSES)
    created = SEED_EPOCH - timedelta(seconds=rng.uniform(0, 365 * 86400))
    words = rng.sample(WORDS, rng.choice((2, 3, 3, 4)))
    if rng.random() < QUERY_SHARE:
        words.insert(rng.randrange(len(words) + 1), query_word)
    title = " ".join(words).capitalize()
    if rng.random() < 0.3:
        title += f" {rng.randrange(1, 400):03d}"
    folder = rng.choice(FOLDERS)
    file_path = f"{folder}/{created.year}/{created.month:02d}/{'-'.join(words)}-{index:07d}.{ext}"
    if media_type == "video":
        size = int(min(8 * 2**30, rng.lognormvariate(math.log(120 * 2**20), 1.2)))
    else:
        size = int(min(200 * 2**20, rng.lognormvariate(math.log(3 * 2**20), 0.9)))
    checksum = hashlib.sha256(file_path.encode()).hexdigest()
    values: dict[str, Any] = {
        "title": title[:255],
        "file_path": file_path,
        "media_type": media_type,
        "mime_type": mime,
        "file_size": max(1, size),
        "file_mtime_ns": int((created - timedelta(days=rng.uniform(0, 30))).timestamp() * 1e9),
        "checksum": "",
        "status": status,
        "processing_stage": stage,
        "processing_progress": 0,
        "processing_error": "",
        "processing_attempts": 0,
        "processing_started_at": None,
        "processed_at": None,
        "media_metadata": {},
        "created_at": created,
        "updated_at": created,
    }
    if status in ("ready", "processing", "failed"):
        started = created + timedelta(seconds=rng.uniform(0.5, 60))
        values.update(processing_started_at=started, processing_attempts=1, updated_at=started)
    if status == "processing":
        values["processing_progress"] = rng.randrange(10, 90)
    elif status == "failed":
        values.update(
            processing_error=rng.choice(FAILURES),
            processing_attempts=rng.randint(1, 3),
            updated_at=values["processing_started_at"] + timedelta(seconds=rng.uniform(1, 120)),
        )
    elif status == "ready":
        done = values["processing_started_at"] + timedelta(seconds=rng.uniform(0.2, 90))
        width, height = rng.choice(((1920, 1080), (3840, 2160), (1280, 720), (4032, 3024)))
        # Portrait and square pictures from a generator of their own: the rows drawn above
        # and below stay what they were before the orientation filter.
        shape = random.Random(f"{seed}-{index}-shape").random()
        if shape < 0.05:
            width = height
        elif shape < 0.3:
            width, height = height, width
        metadata: dict[str, Any] = {"width": width, "height": height}
        if media_type == "video":
            metadata.update(
                duration=round(rng.uniform(2, 3600), 2),
                codec=rng.choice(("h264", "hevc", "prores", "mjpeg")),
                fps=rng.choice((24.0, 25.0, 29.97, 30.0, 50.0, 60.0)),
                bitrate=rng.randrange(1_000_000, 80_000_000),
                has_audio=rng.random() < 0.8,
            )
        else:
            metadata["format"] = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF"}[ext]
            if rng.random() < 0.5 and ext in ("jpg", "jpeg"):
                metadata["camera"] = rng.choice(("Canon EOS R5", "iPhone 15 Pro", "DJI Mavic 3"))
        metadata.update(
            thumbnail_url=f"/thumbnails/{checksum}-320.jpg",
            thumbnail_width=320,
            thumbnail_height=round(320 * height / width),
        )
        values.update(
            checksum=checksum,
            processing_progress=100,
            processed_at=done,
            updated_at=done,
            media_metadata=metadata,
        )
    return values


def run_seed(args: argparse.Namespace) -> None:
    """Role `seed` (a child with the server's environment, in the tree under test): rows
    [start, end) through the app's own model."""
    tree = Path(args.tree)
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
    import django

    django.setup()
    from django.db import connection, models, transaction

    from assets.models import Asset

    started = time.monotonic()
    fields = [f for f in Asset._meta.concrete_fields if not f.primary_key]
    # The seed sets created_at / updated_at itself (spread over a year): not "now".
    for f in fields:
        if isinstance(f, models.DateTimeField):
            f.auto_now = f.auto_now_add = False

    columns_of: Callable[[dict[str, Any]], dict[str, Any]] | None
    try:
        from assets.library.media_columns import media_columns as columns_of
    except ImportError:  # a tree from before the list filtered on them
        columns_of = None

    def rows(first: int, last: int) -> Iterator[Asset]:
        for index in range(first, last):
            values = asset_values(index, args.seed, args.query)
            if columns_of is not None:  # what the worker copies out of the metadata
                values.update(columns_of(values["media_metadata"]))
            asset = Asset(**values)
            for f in fields:  # a field the seed does not know (added since): its default
                unset = getattr(asset, f.attname) is None and not f.null
                if unset and isinstance(f, models.DateTimeField):
                    setattr(asset, f.attname, values["created_at"])
            yield asset

    batch = 20_000
    if connection.vendor == "postgresql":
        method = "COPY"
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(Asset._meta.db_table)
        connection.ensure_connection()
        for first in range(args.start, args.end, batch):
            last = min(args.end, first + batch)
            with transaction.atomic(), connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg's own cursor: COPY ... FROM STDIN
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for asset in rows(first, last):
                        copy.write_row(
                            [
                                json.dumps(getattr(asset, f.attname))
                                if isinstance(f, models.JSONField)
                                else f.get_db_prep_save(getattr(asset, f.attname), connection)
                                for f in fields
                            ]
                        )
        with connection.cursor() as cursor:  # what autovacuum would do soon after
            cursor.execute(f"VACUUM ANALYZE {table}")
    else:
        method = "bulk_create"
        for first in range(args.start, args.end, batch):
            last = min(args.end, first + batch)
            with transaction.atomic():
                Asset.objects.bulk_create(rows(first, last), batch_size=2_000)
    ids = Asset.objects.aggregate(low=models.Min("id"), high=models.Max("id"))
    print(
        json.dumps(
            {
                "method": method,
                "seconds": time.monotonic() - started,
                "total": Asset.objects.count(),
                "min_id": ids["low"],
                "max_id": ids["high"],
                "matches": Asset.objects.filter(title__icontains=args.query).count(),
                "video": Asset.objects.filter(media_type="video").count(),
                "failed": Asset.objects.filter(status="failed").count(),
            }
        )
    )


# --- the load: N connections, each sending its next request when the last one answered ---


@dataclass
class Scenario:
    name: str
    url: Callable[[random.Random], str]
    shows: str  # the URL as printed
    trivial: bool = False
    skip: str = ""  # why it cannot run


@dataclass
class Result:
    name: str
    shows: str
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    server_cpu: float = float("nan")  # share of one core
    client_cpu: float = float("nan")
    db_connections: int | None = None  # the most the database saw at once (PostgreSQL)
    skipped: str = ""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else float("nan")

    def quantile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not status.startswith("2"))

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.shows,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rate, 1),
            "p50_ms": round(self.quantile(0.5), 2),
            "p99_ms": round(self.quantile(0.99), 2),
            "max_ms": round(self.quantile(1.0), 2),
            "errors": self.errors,
            "statuses": dict(self.statuses),
            "error_samples": self.error_samples,
            "server_cpu_cores": round(self.server_cpu, 2),
            "client_cpu_cores": round(self.client_cpu, 2),
            "db_connections_max": self.db_connections,
            "skipped": self.skipped,
        }


async def drive(
    base_url: str,
    scenario: Scenario,
    connections: int,
    seconds: float,
    warmup: float,
    cpu: Callable[[], dict[int, float]],
    seed: int,
    db_connections: Callable[[], int | None],
) -> Result:
    """`connections` keep-alive connections, each a closed loop, for warmup + seconds.

    Counted: the requests that start in the measured window (their latency to the last byte,
    however late they end); req/s is that count over the window's length. An exception or
    a status other than 2xx is an error."""
    import aiohttp

    result = Result(scenario.name, scenario.shows)
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(
        base_url,
        connector=connector,
        timeout=timeout,
        cookie_jar=aiohttp.DummyCookieJar(),  # no csrftoken cookie carried from view to view
        auto_decompress=False,
    ) as session:
        loop_started = time.perf_counter()
        window_start = loop_started + warmup
        window_end = window_start + seconds
        cpu_at_start: list[Any] = []

        async def one(index: int) -> None:
            rng = random.Random(seed * 7919 + index)
            while (began := time.perf_counter()) < window_end and not STOP.is_set():
                url = scenario.url(rng)
                status = ""
                try:
                    async with session.get(url) as response:
                        await response.read()
                        status = str(response.status)
                except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                    status = type(exc).__name__
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{url}: {exc!r}"[:300])
                ended = time.perf_counter()
                if began >= window_start:
                    result.statuses[status] += 1
                    if status.startswith("2"):  # req/s and latency: the successful ones
                        result.latencies.append(ended - began)
                    elif status.isdigit() and len(result.error_samples) < 5:
                        result.error_samples.append(f"{url}: HTTP {status}")

        async def mark_window() -> None:
            await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
            cpu_at_start.extend((cpu(), time.process_time(), time.perf_counter()))

        async def sample_connections() -> None:
            while time.perf_counter() < window_end and not STOP.is_set():
                count = await asyncio.to_thread(db_connections)
                if count is not None:
                    result.db_connections = max(result.db_connections or 0, count)
                await asyncio.sleep(1.0)

        marker = asyncio.create_task(mark_window())
        sampler = asyncio.create_task(sample_connections())
        await asyncio.gather(*(one(i) for i in range(connections)))
        await marker
        await sampler
        server_cpu, client_cpu, at = cpu(), time.process_time(), time.perf_counter()
    stop_here()
    result.requests = len(result.latencies)
    result.seconds = seconds
    elapsed = at - cpu_at_start[2]
    if set(server_cpu) == set(cpu_at_start[0]):  # else a process came or went: unknown
        result.server_cpu = sum(server_cpu.values()) - sum(cpu_at_start[0].values())
        result.server_cpu /= elapsed
    result.client_cpu = (client_cpu - cpu_at_start[1]) / elapsed
    return result


def stop_here() -> None:
    if STOP.is_set():
        raise KeyboardInterrupt("stopped by a signal")


async def get_json(base_url: str, path: str) -> tuple[int, Any]:
    import aiohttp

    async with (
        aiohttp.ClientSession(base_url, timeout=aiohttp.ClientTimeout(total=120)) as session,
        session.get(path) as response,
    ):
        body = await response.read()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, None


async def follow_cursor(base_url: str, depth: int) -> tuple[str | None, int, str]:
    """From the first page, follows meta.next_cursor `depth` times: (path, pages, note)."""
    import aiohttp

    path = f"{API}/assets"
    followed = 0
    async with aiohttp.ClientSession(base_url, timeout=aiohttp.ClientTimeout(total=120)) as session:
        while True:
            async with session.get(path) as response:
                if response.status != 200:
                    return None, followed, f"cursor page {followed} answered {response.status}"
                body = await response.json()
            meta = body.get("meta") if isinstance(body, dict) else None
            cursor = meta.get("next_cursor") if isinstance(meta, dict) else None
            if followed == 0 and not (isinstance(meta, dict) and "next_cursor" in meta):
                return None, 0, "cursor not supported (the list's meta has no next_cursor)"
            if followed == depth:
                return path, followed, ""
            if not cursor:
                return None, followed, f"next_cursor ran out after {followed} pages"
            if cursor.startswith(("http://", "https://")):
                parts = urlsplit(cursor)
                path = urlunsplit(("", "", parts.path, parts.query, ""))
            elif cursor.startswith("/"):
                path = cursor
            else:
                path = f"{API}/assets?{urlencode({'cursor': cursor})}"
            followed += 1


# --- the processes: Redis, the database, the server ---


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_group(process: subprocess.Popen[bytes] | None, grace: float = 15.0) -> None:
    """SIGTERM to the process's group, SIGKILL after `grace` (what it started goes too)."""
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


@dataclass
class Bench:
    args: argparse.Namespace
    work: Path
    tree: Path
    env: dict[str, str]
    redis: subprocess.Popen[bytes] | None = None
    server: subprocess.Popen[bytes] | None = None
    pg_admin_url: str = ""
    pg_name: str = ""
    logs: Path | None = None

    def logged_errors(self) -> list[str]:
        """The server's most frequent exception lines in its error.log, with counts."""
        if self.logs is None or not (self.logs / "error.log").exists():
            return []
        lines: Counter[str] = Counter()
        for line in (self.logs / "error.log").read_text(errors="replace").splitlines():
            if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt)\b.*:", line.strip()):
                lines[line.strip()[:240]] += 1
        by_message: dict[str, tuple[int, str]] = {}  # psycopg's and Django's line: one
        for line, n in lines.items():
            message = line.split(":", 1)[1].strip()
            by_message[message] = max(by_message.get(message, (0, "")), (n, line))
        lines = Counter({line: n for n, line in by_message.values()})
        return [f"{n} x `{line}`" for line, n in lines.most_common(3)]

    def python(self, *args: str, env: dict[str, str], timeout: float = 3600) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=self.tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_redis(self) -> None:
        from mam.launcher import start_embedded_redis

        port = free_port()
        self.redis = start_embedded_redis("127.0.0.1", port, self.work / "redis")
        self.env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"

    def database_env(self, database: str) -> dict[str, str]:
        data = self.work / database / "data"
        data.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "DATA_DIR": str(data)}
        if database == "postgresql":
            import psycopg

            self.pg_admin_url = self.args.postgres_url
            self.pg_name = f"mam_api_load_{os.getpid()}_{random.randrange(16**6):06x}"
            # A role of its own owns the database: a superuser's connections are not limited,
            # and the server is shared, so whatever the app does with connections must not take
            # every slot from the other users.
            with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
                limit = self.args.pg_connection_limit
                conn.execute(f'CREATE ROLE "{self.pg_name}" LOGIN CONNECTION LIMIT {limit}')
                conn.execute(f'CREATE DATABASE "{self.pg_name}" OWNER "{self.pg_name}"')
            parts = urlsplit(self.pg_admin_url)
            host = parts.netloc.rsplit("@", 1)[-1]
            env["DATABASE_URL"] = urlunsplit(
                (parts.scheme, f"{self.pg_name}@{host}", f"/{self.pg_name}", parts.query, "")
            )
        return env

    def db_connections(self) -> int | None:
        """How many connections the private PostgreSQL database has now."""
        if not self.pg_name:
            return None
        import psycopg

        try:
            with psycopg.connect(self.pg_admin_url, autocommit=True, connect_timeout=5) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (self.pg_name,)
                ).fetchone()
        except psycopg.Error:
            return None
        return int(row[0]) if row else None

    def drop_database(self) -> None:
        if not self.pg_name:
            return
        import psycopg

        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{self.pg_name}"')
        self.pg_name = ""

    def start_server(self, env: dict[str, str], processes: int) -> str:
        port = free_port()
        self.logs = self.work / f"logs-{port}"
        env = {
            **env,
            "PORT": str(port),
            "MAM_WEB_PROCESSES": str(processes),
            "MAM_LOG_DIR": str(self.logs),
        }
        log_path = self.work / f"server-{port}.log"
        if self.args.launch == "launcher":
            command = [sys.executable, "-m", "mam.launcher"]
        else:  # the web part only, as the launcher starts it
            code = (
                "import json; from mam.launcher import server_command; "
                f"print(json.dumps(server_command({port}, host='127.0.0.1')))"
            )
            command = json.loads(self.python("-c", code, env=env).strip().splitlines()[-1])
        self.server = subprocess.Popen(
            command,
            cwd=self.tree,
            env=env,
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + READY_TIMEOUT
        last = "no answer"
        while time.monotonic() < deadline:
            stop_here()
            if self.server.poll() is not None:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the server exited ({self.server.returncode}):\n{tail}")
            try:
                status, body = asyncio.run(get_json(base_url, f"{API}/health/status"))
                last = f"{status} {json.dumps(body)[:300]}"
                if status == 200 and asyncio.run(get_json(base_url, f"{API}/assets"))[0] == 200:
                    break
            except OSError as exc:
                last = repr(exc)
            except Exception as exc:  # aiohttp's errors while it starts
                last = repr(exc)
            time.sleep(0.5)
        else:
            raise RuntimeError(f"the server was not ready in {READY_TIMEOUT:.0f} s: {last}")
        time.sleep(1.0)  # let the launcher's other children settle
        return base_url

    def server_processes(self, port: int) -> tuple[list[Any], int]:
        """The web side's processes (not Celery's) and how many of them listen on the port."""
        import psutil

        assert self.server is not None
        try:
            root = psutil.Process(self.server.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            return [], 0
        web, listening = [], 0
        for process in tree:
            try:
                line = " ".join(process.cmdline())
                if "celery" in line or "mam.launcher" in line:
                    continue
                web.append(process)
                if any(
                    c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port
                    for c in process.net_connections(kind="tcp")
                ):
                    listening += 1
            except psutil.Error:
                continue
        return web, listening

    def stop_server(self) -> None:
        stop_group(self.server)
        self.server = None

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):
            self.stop_server()
        with contextlib.suppress(Exception):
            stop_group(self.redis, grace=5)
        try:
            self.drop_database()
        except Exception as exc:
            print(f"api_load: could not drop {self.pg_name}: {exc}", file=sys.stderr)
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print(f"api_load: kept {self.work}", file=sys.stderr)


def say(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def scenarios_for(
    base_url: str, trivial: str, total: int, min_id: int, max_id: int, args: argparse.Namespace
) -> tuple[list[Scenario], list[str]]:
    notes: list[str] = []

    def fixed(name: str, path: str, is_trivial: bool = False) -> Scenario:
        return Scenario(name, lambda _rng: path, path, is_trivial)

    assets = f"{API}/assets"
    found: list[Scenario] = [
        fixed("list", assets),
        fixed("type=video", f"{assets}?type=video"),
        fixed("status=failed", f"{assets}?status=failed"),
        fixed(f"q={args.query}", f"{assets}?q={args.query}"),
        *(fixed(f"ordering={o}", f"{assets}?ordering={o}") for o in ORDERINGS),
    ]
    _, body = asyncio.run(get_json(base_url, assets))
    meta = body.get("meta", {}) if isinstance(body, dict) else {}
    pages = meta.get("pages") or math.ceil(
        (meta.get("total") or total) / (meta.get("page_size") or 20)
    )
    deep = max(1, pages - 1)
    found.append(fixed("deep page", f"{assets}?page={deep}"))
    depth = min(args.cursor_depth, max(1, pages - 1))
    wanted = not args.scenarios or any(w in "deep cursor" for w in args.scenarios)
    if wanted:
        say(f"following next_cursor {depth} pages")
        cursor_path, followed, note = asyncio.run(follow_cursor(base_url, depth))
    else:
        cursor_path, followed, note = None, 0, "not asked for (--scenarios)"
    if cursor_path:
        found.append(
            Scenario(
                "deep cursor", lambda _rng: cursor_path, f"{assets}?cursor=… ({followed} pages in)"
            )
        )
    else:
        notes.append(f"deep cursor: {note}")
        found.append(Scenario("deep cursor", lambda _rng: "", "", skip=note))
    found.append(
        Scenario(
            "detail",
            lambda rng: f"{assets}/{rng.randint(min_id, max_id)}",
            f"{assets}/<random id of {min_id}..{max_id}>",
        )
    )
    found.append(fixed(f"trivial ({trivial.removeprefix(API)})", trivial, True))
    if args.scenarios:
        found = [s for s in found if s.trivial or any(w in s.name for w in args.scenarios)]
    return found, notes


def pick_trivial(base_url: str) -> tuple[str, str]:
    for path in TRIVIAL_CANDIDATES:
        status, body = asyncio.run(get_json(base_url, path))
        if status == 200 and body is not None:
            return path, ""
    return TRIVIAL_CANDIDATES[-1], "no trivial JSON view answered 200"


def measure(
    bench: Bench,
    env: dict[str, str],
    database: str,
    size: int,
    processes: int,
    seeded: dict[str, Any],
) -> dict[str, Any]:
    base_url = bench.start_server(env, processes)
    port = int(base_url.rsplit(":", 1)[1])
    try:
        web, listening = bench.server_processes(port)
        say(f"{database} {size:,} assets, {processes} web process(es) asked, {listening} listening")
        trivial, trivial_note = pick_trivial(base_url)
        scenarios, notes = scenarios_for(
            base_url, trivial, seeded["total"], seeded["min_id"], seeded["max_id"], bench.args
        )
        if trivial_note:
            notes.append(trivial_note)

        def cpu() -> dict[int, float]:
            """CPU seconds (user + system) of each web process, by pid."""
            seconds = {}
            for process in bench.server_processes(port)[0]:
                with contextlib.suppress(Exception):
                    times = process.cpu_times()
                    seconds[process.pid] = times.user + times.system
            return seconds

        results: list[Result] = []
        order = [scenarios[-1], *scenarios]  # the trivial view first and last: drift shows
        for number, scenario in enumerate(order):
            stop_here()
            if scenario.skip:
                results.append(Result(scenario.name, scenario.shows, skipped=scenario.skip))
                continue
            say(f"  {scenario.name}: {scenario.shows}")
            result = asyncio.run(
                drive(
                    base_url,
                    scenario,
                    bench.args.connections,
                    bench.args.seconds,
                    bench.args.warmup,
                    cpu,
                    bench.args.seed + number,
                    bench.db_connections,
                )
            )
            say(
                f"    {result.rate:,.1f} req/s, p50 {result.quantile(0.5):.1f} ms, "
                f"p99 {result.quantile(0.99):.1f} ms, errors {result.errors}, "
                f"server CPU {result.server_cpu:.2f} cores, client {result.client_cpu:.2f}"
                + (f", db connections {result.db_connections}" if result.db_connections else "")
            )
            results.append(result)
        first, last = results[0], results[-1]
        ceiling = (first.rate + last.rate) / 2
        web_after, _ = bench.server_processes(port)
        if {p.pid for p in web} != {p.pid for p in web_after}:
            notes.append("the server's processes changed during the run (a restart?)")
        if any(r.errors for r in results):
            label = f"{database} {short(size)}, {processes} web"
            for line in bench.logged_errors():
                notes.append(f"{label}: the server's error.log: {line}")
        return {
            "database": database,
            "size": size,
            "web_processes_asked": processes,
            "web_processes_listening": listening,
            "trivial": trivial,
            "trivial_first_rps": first.rate,
            "trivial_last_rps": last.rate,
            "trivial_rps": ceiling,
            "notes": notes,
            "results": [r.summary() for r in results[1:-1]]
            + [
                {
                    **last.summary(),
                    "rps": round(ceiling, 1),
                    "requests": first.requests + last.requests,
                    "errors": first.errors + last.errors,
                    "p50_ms": round(
                        Result("", "", latencies=first.latencies + last.latencies).quantile(0.5), 2
                    ),
                    "p99_ms": round(
                        Result("", "", latencies=first.latencies + last.latencies).quantile(0.99), 2
                    ),
                    "trivial": True,
                }
            ],
        }
    finally:
        bench.stop_server()


# --- the report ---


def short(size: int) -> str:
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{name}"
    return f"{size:,}"


def target_factor(size: int) -> float:
    return 1.5 if size <= 100_000 else 2.0


def fmt(value: float, digits: int = 1) -> str:
    if value != value:  # NaN
        return "-"
    return f"{value:,.{digits}f}"


def describe_urls(present: list[dict[str, Any]]) -> str:
    """The URLs whose name does not say it all, per size, and the trivial view's drift."""
    parts = []
    for name in ("deep page", "deep cursor", "detail"):
        shown = []
        for run in present:
            row = next((x for x in run["results"] if x["name"] == name), None)
            if row:
                what = f"skipped, {row['skipped']}" if row.get("skipped") else f"`{row['url']}`"
                shown.append(f"{short(run['size'])} {what}")
        if shown:
            parts.append(f"{name}: " + ", ".join(shown))
    parts.append(
        "trivial req/s first / last: "
        + ", ".join(
            f"{short(r['size'])} {r['trivial_first_rps']:,.0f} / {r['trivial_last_rps']:,.0f}"
            for r in present
        )
    )
    return "; ".join(parts) + "."


def report(runs: list[dict[str, Any]], args: argparse.Namespace, meta: dict[str, Any]) -> str:
    out: list[str] = []
    sizes = sorted({r["size"] for r in runs})
    base_size = sizes[0]
    out.append("## List API under load (issue 10)\n")
    out.append(f"Command: `{meta['command']}`.")
    out.append(
        f"Run on {meta['date']} at {meta['commit']} on {meta['cpus']} CPUs ({meta['machine']}),"
        f" load average {meta['load_start']} at start and {meta['load_end']} at the end."
    )
    launch = (
        "`python -m mam.launcher` with `MAM_WEB_PROCESSES` set (web, one worker process, the"
        " scheduler; the reconciler's interval set to a day so it does not touch the seeded rows)"
        if args.launch == "launcher"
        else "the web part only (`mam.launcher.server_command`, one Daphne)"
    )
    out.append(
        f"The server: {launch}, `MAM_AUTH=off`, a private redis-server; SQLite in a temporary"
        " directory, PostgreSQL in a database of its own (`VACUUM ANALYZE` after each seeding,"
        " as autovacuum would), owned by a role of its own with `CONNECTION LIMIT`"
        f" {args.pg_connection_limit} (the PostgreSQL server is shared with other work). The client: this script's process, aiohttp on one asyncio loop,"
        f" {args.connections} keep-alive connections each sending its next request when the last"
        f" answered, {fmt(args.seconds, 0)} s per scenario after {fmt(args.warmup, 0)} s of"
        " warm-up; a request counts if it starts in the window, its latency is to the last byte."
        " Errors are statuses other than 2xx and exceptions."
    )
    out.append(
        f"Seeded with the app's model (bulk_create on SQLite, COPY on PostgreSQL): images"
        f" (jpg/png/gif) 70%, videos (mp4/mov/avi) 30%; ready 90%, pending 5%, processing 1%,"
        f" failed 4%; 2-4 words per title (`{args.query}` in {QUERY_SHARE:.1%} of them), sizes"
        " log-normal, `created_at` over a year; the first page is 20 items."
    )
    trivial = runs[0]["trivial"] if runs else ""
    out.append(
        f"The trivial view (the ceiling): `GET {trivial}`, run first and last for each server;"
        " its req/s is the mean of the two.\n"
    )
    for seeding in meta["seeding"]:
        out.append(
            f"- seeding {seeding['database']} to {seeding['total']:,} assets: {seeding['rows']:,}"
            f" rows by {seeding['method']} in {seeding['seconds']:.1f} s ({seeding['matches']:,}"
            f" match `q={args.query}`, {seeding['video']:,} videos, {seeding['failed']:,} failed)"
        )
    out.append("")
    by_key = {(r["database"], r["size"], r["web_processes_asked"]): r for r in runs}
    databases = [d for d in args.databases if any(r["database"] == d for r in runs)]
    for database in databases:
        for processes in args.web_processes:
            here = [by_key.get((database, s, processes)) for s in sizes]
            present = [r for r in here if r]
            if not present:
                continue
            listening = sorted({r["web_processes_listening"] for r in present})
            out.append(
                f"### {'SQLite' if database == 'sqlite' else 'PostgreSQL'},"
                f" MAM_WEB_PROCESSES={processes} ({'/'.join(map(str, listening))} process(es)"
                " listening on the port)\n"
            )
            head = ["scenario"]
            for s in sizes:
                head += [f"{short(s)} req/s", "p50 ms", "p99 ms"]
            head += [f"p99 {short(s)} / {short(base_size)}" for s in sizes[1:]]
            head += ["req/s / trivial", "server CPU (cores)", "errors"]
            if database == "postgresql":
                head.append("DB connections (max)")
            out.append("| " + " | ".join(head) + " |")
            out.append("|---" + "|---:" * (len(head) - 1) + "|")
            names = [row["name"] for row in present[0]["results"]]
            for name in names:
                cells = [name]
                rows = []
                for r in here:
                    row = next((x for x in r["results"] if x["name"] == name), None) if r else None
                    rows.append(row)
                    if row is None or row.get("skipped"):
                        cells += ["-", "-", "-"]
                    else:
                        cells += [fmt(row["rps"]), fmt(row["p50_ms"]), fmt(row["p99_ms"])]
                base = rows[0]
                for s, row in zip(sizes[1:], rows[1:], strict=True):
                    if not row or not base or row.get("skipped") or base.get("skipped"):
                        cells.append("-")
                        continue
                    ratio = row["p99_ms"] / base["p99_ms"]
                    missed = ratio > target_factor(s) and not row.get("trivial")
                    cells.append(f"{ratio:.2f}x{' ✗' if missed else ''}")
                vs = []
                for r, row in zip(here, rows, strict=True):
                    vs.append(
                        "-"
                        if not r or not row or row.get("skipped")
                        else f"{row['rps'] / r['trivial_rps']:.0%}"
                    )
                cells.append(" / ".join(vs))
                cells.append(
                    " / ".join(
                        "-" if not row or row.get("skipped") else fmt(row["server_cpu_cores"], 2)
                        for row in rows
                    )
                )
                cells.append(
                    str(sum(row["errors"] for row in rows if row and not row.get("skipped")))
                )
                if database == "postgresql":
                    cells.append(
                        " / ".join(
                            str(row.get("db_connections_max") or "-") if row else "-"
                            for row in rows
                        )
                    )
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
            out.append(describe_urls(present) + "\n")
    # 2 processes / 1
    if len(args.web_processes) > 1:
        low, high = args.web_processes[0], args.web_processes[-1]
        out.append(f"### Web processes: {high} / {low}\n")
        out.append(f"| database | size | scenario | req/s with {low} | req/s with {high} | ratio |")
        out.append("|---|---:|---|---:|---:|---:|")
        for database in databases:
            for s in sizes:
                one, two = by_key.get((database, s, low)), by_key.get((database, s, high))
                if not one or not two:
                    continue
                for row in one["results"]:
                    other = next((x for x in two["results"] if x["name"] == row["name"]), None)
                    if not other or row.get("skipped") or other.get("skipped"):
                        continue
                    out.append(
                        f"| {database} | {short(s)} | {row['name']} | {fmt(row['rps'])} |"
                        f" {fmt(other['rps'])} | {other['rps'] / row['rps']:.2f}x |"
                    )
        out.append("")
    out.append("### Against the targets\n")
    out.append("| target | result |")
    out.append("|---|---|")
    for database in databases:
        label = "SQLite" if database == "sqlite" else "PostgreSQL"
        for processes in args.web_processes:
            base = by_key.get((database, base_size, processes))
            if not base:
                continue
            for s in sizes[1:]:
                run = by_key.get((database, s, processes))
                if not run:
                    continue
                factor = target_factor(s)
                missed, judged = [], 0
                for row in run["results"]:
                    b = next((x for x in base["results"] if x["name"] == row["name"]), None)
                    if not b or row.get("skipped") or b.get("skipped") or row.get("trivial"):
                        continue
                    judged += 1
                    ratio = row["p99_ms"] / b["p99_ms"]
                    if ratio > factor:
                        missed.append(f"{row['name']} {ratio:.1f}x")
                verdict = (
                    "**met**"
                    if not missed
                    else f"**missed** by {len(missed)} of {judged}: " + ", ".join(missed)
                )
                out.append(
                    f"| {label}, {processes} web: p99 at {short(s)} within {factor:g}x of {short(base_size)} ({judged} scenarios) | {verdict} |"
                )
            parts = []
            for s in sizes:
                run = by_key.get((database, s, processes))
                if not run:
                    continue
                row = next((x for x in run["results"] if x["name"] == "list"), None)
                if row and not row.get("skipped"):
                    share = row["rps"] / run["trivial_rps"]
                    parts.append(f"{short(s)} {share:.0%} ({'met' if share >= 0.7 else 'missed'})")
            if parts:
                out.append(
                    f"| {label}, {processes} web: list req/s at least 70% of trivial | "
                    + "; ".join(parts)
                    + " |"
                )
        if len(args.web_processes) > 1:
            low, high = args.web_processes[0], args.web_processes[-1]
            parts = []
            for s in sizes:
                one, two = by_key.get((database, s, low)), by_key.get((database, s, high))
                if not one or not two:
                    continue
                for name in ("list", one["results"][-1]["name"]):
                    a = next((x for x in one["results"] if x["name"] == name), None)
                    b = next((x for x in two["results"] if x["name"] == name), None)
                    if a and b and not a.get("skipped") and not b.get("skipped"):
                        ratio = b["rps"] / a["rps"]
                        parts.append(
                            f"{short(s)} {name.split(' ')[0]} {ratio:.2f}x ({'met' if ratio >= 1.7 else 'missed'})"
                        )
                if two["web_processes_listening"] < high:
                    parts.append(
                        f"{short(s)}: only {two['web_processes_listening']} process listening"
                        f" with MAM_WEB_PROCESSES={high} (the launcher does not run several yet)"
                    )
            out.append(
                f"| {label}: {high} web processes at least 1.7x one | " + "; ".join(parts) + " |"
            )
    total_errors = sum(
        row["errors"] for r in runs for row in r["results"] if not row.get("skipped")
    )
    empty = [
        f"{r['database']} {short(r['size'])} {row['name']}"
        for r in runs
        for row in r["results"]
        if not row.get("skipped") and not row["requests"]
    ]
    total_requests = total_errors + sum(
        row["requests"] for r in runs for row in r["results"] if not row.get("skipped")
    )
    out.append(
        f"| zero errors | {'**met**' if total_errors == 0 and not empty else '**missed**'}"
        f" ({total_errors:,} of {total_requests:,} requests"
        + (f"; no request succeeded in: {', '.join(empty)}" if empty else "")
        + ") |"
    )
    out.append("")
    notes = sorted({n for r in runs for n in r["notes"]})
    samples: dict[str, str] = {}  # one example of each kind of error
    for r in runs:
        for row in r["results"]:
            for sample in row.get("error_samples", []):
                kind = sample.split(": ", 1)[-1]
                samples.setdefault(
                    kind, f"{r['database']} {short(r['size'])} {row['name']}: {sample}"
                )
    client = max(
        (row["client_cpu_cores"] for r in runs for row in r["results"] if not row.get("skipped")),
        default=float("nan"),
    )
    out.append(
        "Notes: server CPU is the web processes' user + system time over the window, in cores;"
        f" the client used up to {fmt(client, 2)} of a core itself (the machine has"
        f" {meta['cpus']}, shared by server, database, Redis and client). ✗ marks a p99 ratio over"
        " its target. req/s, p50 and p99 are of the successful (2xx) requests; errors are counted"
        " apart."
    )
    for note in notes:
        out.append(f"- {note}")
    for sample in list(samples.values())[:5]:
        out.append(f"- error, for example: {sample}")
    return "\n".join(out)


# --- orchestration ---


def export_tree(commit: str, work: Path) -> Path:
    tree = work / "tree"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def orchestrate(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="mam-api-load-"))
    tree = export_tree(args.commit, work) if args.commit else ROOT
    commit = git("rev-parse", "--short", args.commit or "HEAD")
    if not args.commit and git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with the working tree's uncommitted changes)"
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "MAM_DEBUG",
            "FLASK_DEBUG",
            "FLASK_ENV",
            "MAM_BIND",
            "MAM_ALLOWED_HOSTS",
            "MAM_WEB_PROCESSES",
            "PORT",
        }
    }
    env.update(
        {
            "MEDIA_PATH": str(work / "media"),
            "MAM_LOG_DIR": str(work / "logs"),
            "MAM_AUTH": "off",
            "MAM_REDIS_PREFIX": f"mamapiload{os.getpid()}",
            "MAM_WORKER_CONCURRENCY": "1",
            # The seeded pending rows are months old: the reconciler must not re-queue them.
            "MAM_RECONCILE_EVERY_SECONDS": "86400",
            "MAM_STUCK_AFTER_SECONDS": str(10**8),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "mam.settings",
        }
    )
    (work / "media").mkdir()
    bench = Bench(args, work, tree, env)

    def terminate(signum: int, _frame: object) -> None:
        STOP.set()
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    meta: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/api_load.py", *sys.argv[1:]]),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "load_start": f"{os.getloadavg()[0]:.1f}",
        "seeding": [],
    }
    runs: list[dict[str, Any]] = []
    try:
        bench.start_redis()
        for database in args.databases:
            db_env = bench.database_env(database)
            say(f"{database}: migrating")
            bench.python("manage.py", "migrate", "--no-input", "-v0", env=db_env)
            seeded_to = 0
            for size in sorted(args.sizes):
                stop_here()
                if size > seeded_to:
                    say(f"{database}: seeding {seeded_to:,} -> {size:,}")
                    out = bench.python(
                        str(Path(__file__).resolve()),
                        "--role",
                        "seed",
                        "--tree",
                        str(tree),
                        "--start",
                        str(seeded_to),
                        "--end",
                        str(size),
                        "--seed",
                        str(args.seed),
                        "--query",
                        args.query,
                        env=db_env,
                    )
                    seeded = json.loads(out.strip().splitlines()[-1])
                    meta["seeding"].append(
                        {**seeded, "database": database, "rows": size - seeded_to}
                    )
                    say(f"{database}: seeded in {seeded['seconds']:.1f} s by {seeded['method']}")
                    seeded_to = size
                for processes in args.web_processes:
                    runs.append(measure(bench, db_env, database, size, processes, seeded))
            bench.drop_database()
    finally:
        bench.cleanup()
    meta["load_end"] = f"{os.getloadavg()[0]:.1f}"
    text = report(runs, args, meta)
    if args.output:
        args.output.write_text(json.dumps({"meta": meta, "runs": runs}, indent=1))
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument(
        "--web-processes",
        type=int,
        nargs="+",
        default=[1],
        help="MAM_WEB_PROCESSES values to run the server with (default 1)",
    )
    parser.add_argument(
        "--launch",
        choices=["launcher", "web"],
        default="launcher",
        help="launcher: python -m mam.launcher (default); web: server_command, one Daphne",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="per scenario (20)")
    parser.add_argument("--warmup", type=float, default=2.0, help="per scenario, unmeasured (2)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cursor-depth", type=int, default=1000, help="pages to follow (1000)")
    parser.add_argument("--query", default="lighthouse", help="the q search word")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument(
        "--scenarios", nargs="*", help="only the scenarios whose names contain these words"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("MAM_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="where to CREATE DATABASE the private one (MAM_BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--commit", help="benchmark this commit (git archive), not the working tree"
    )
    parser.add_argument(
        "--pg-connection-limit",
        type=int,
        default=50,
        help="CONNECTION LIMIT of the private database's role (50): the server is shared",
    )
    parser.add_argument("--output", type=Path, help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--report-from", type=Path, help="print the report of an earlier run's --output JSON"
    )
    parser.add_argument("--role", default="orchestrate", choices=["orchestrate", "seed"])
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--end", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.launch == "web" and args.web_processes != [1]:
        parser.error("--launch web runs one Daphne: --web-processes 1 only")
    if args.report_from:
        saved = json.loads(args.report_from.read_text())
        print(report(saved["runs"], argparse.Namespace(**saved["meta"]["args"]), saved["meta"]))
    elif args.role == "seed":
        run_seed(args)
    else:
        try:
            orchestrate(args)
        except KeyboardInterrupt as exc:
            print(f"api_load: interrupted ({exc}); server, Redis and database cleaned up")
            raise SystemExit(130) from None


if __name__ == "__main__":
    main()
