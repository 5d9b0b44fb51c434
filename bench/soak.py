"""Soak: the system as `make run` starts it, under mixed load for thirty minutes, with a worker
killed every three minutes and its Redis restarted (empty) once.

Load: registrations, multipart uploads, list and detail reads, and WebSocket clients that
drop at random, reconnect and `resume` from the last `seq` they saw (docs/realtime.md).
Reported: requests served, unexpected errors (target 0), assets lost or stuck (target 0),
updates missed by clients (gaps in `seq`, target 0), and the RSS of every process at the start
and the end (target: growth under 10%).

Run: .venv/bin/python bench/soak.py [--duration 1800] [--clients 200]
Everything is private: a redis-server on a free port, media/data/logs in a temporary
directory, SQLite, MAM_AUTH=off. Figures go to --output (JSON) and a table to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PING = json.dumps({"type": "ping"})
FINISHED = {"ready", "failed"}
REDIS_DOWN_SECONDS = 1.0
# Closes the protocol announces (docs/realtime.md): idle, and Redis unreachable at connect.
# Anything else from the server (1011 internal error, an abnormal drop) is an unexpected error.
EXPECTED_CLOSE_CODES = {1000, 4011}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- media: real files made on the fly ---


def make_media(pool: Path, rng: random.Random) -> list[Path]:
    """JPEGs with noise (camera-like entropy), PNGs, a GIF, and short H.264 clips when ffmpeg
    runs: the sources every registration and upload copies."""
    from PIL import Image

    from tests.media import make_gif, make_png, make_video

    files: list[Path] = []
    for i, size in enumerate([(640, 480), (1024, 768), (1600, 1200), (2400, 1600)] * 3):
        path = pool / f"photo{i:02}.jpg"
        noise = Image.effect_noise(size, 40 + 10 * i).convert("RGB")
        tint = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), 90))
        Image.blend(noise, tint, 0.5).save(path, "JPEG", quality=88)
        files.append(path)
    files += [make_png(pool / f"graphic{i}.png", size=(800 + 100 * i, 600)) for i in range(3)]
    files.append(make_gif(pool / "anim.gif", frames=6, size=(160, 120)))
    try:
        files += [make_video(pool / f"clip{i}.mp4", seconds=2.0, size=(640, 360)) for i in range(3)]
        files.append(make_video(pool / "clip.avi", seconds=1.0, size=(320, 240)))
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"soak: no videos ({exc}); images only")
    return files


# --- the system under test ---


class System:
    """`python -m mam.launcher` on a private Redis, as `make run` runs it."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env
        self.port = int(env["PORT"])
        self.redis_port = int(env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.redis: subprocess.Popen[bytes] | None = None
        self.launcher: subprocess.Popen[bytes] | None = None

    def start_redis(self) -> None:
        from mam.launcher import start_embedded_redis

        self.redis = start_embedded_redis("127.0.0.1", self.redis_port, self.root / "redis")

    def kill_redis(self) -> None:
        assert self.redis is not None
        self.redis.kill()
        self.redis.wait(10)

    def start(self) -> None:
        import httpx

        self.start_redis()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=300,
        )
        self.launcher = subprocess.Popen(
            [sys.executable, "-m", "mam.launcher"],
            cwd=ROOT,
            env=self.env,
            stdout=(self.root / "launcher.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.launcher.poll() is not None:
                raise SystemExit(f"soak: the launcher exited: {self.launcher_log()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (
                    httpx.get(f"{self.base_url}/api/v1/assets", timeout=2).is_success
                    and self.child("worker")
                    and self.child("scheduler")
                ):
                    return
            time.sleep(0.5)
        raise SystemExit("soak: the system did not become ready in 120 s")

    def launcher_log(self) -> str:
        return (self.root / "launcher.log").read_text(errors="replace")

    def child(self, role: str) -> Any:
        """The launcher's direct child running `role`: web, worker or scheduler."""
        import psutil

        assert self.launcher is not None
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(self.launcher.pid).children():
                try:
                    line = " ".join(child.cmdline())
                except psutil.Error:  # killed, not reaped yet
                    continue
                if (
                    (role == "web" and "mam.server" in line)
                    or (role == "worker" and "celery" in line and " worker" in line)
                    or (role == "scheduler" and "celery" in line and " beat" in line)
                ):
                    return child
        return None

    def kill_worker(self) -> int | None:
        """SIGKILL to the worker's whole group (main process and pool), as a crash would."""
        worker = self.child("worker")
        if worker is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        return int(worker.pid)

    def rss(self) -> dict[str, dict[str, Any]]:
        """RSS (MiB) and pid of every process: the launcher, each child, the worker's pool."""
        import psutil

        def mib(process: Any) -> float:
            return round(float(process.memory_info().rss) / 2**20, 1)

        figures: dict[str, dict[str, Any]] = {}
        assert self.launcher is not None
        assert self.redis is not None
        with contextlib.suppress(psutil.Error):
            figures["launcher"] = {
                "pid": self.launcher.pid,
                "mib": mib(psutil.Process(self.launcher.pid)),
            }
        with contextlib.suppress(psutil.Error):
            figures["redis"] = {"pid": self.redis.pid, "mib": mib(psutil.Process(self.redis.pid))}
        for role in ("web", "worker", "scheduler"):
            process = self.child(role)
            if process is None:
                continue
            with contextlib.suppress(psutil.Error):
                figures[role] = {"pid": process.pid, "mib": mib(process)}
                if role == "worker":
                    for n, pool in enumerate(sorted(process.children(), key=lambda p: p.pid)):
                        figures[f"worker pool {n + 1}"] = {"pid": pool.pid, "mib": mib(pool)}
        return figures

    def stop(self) -> None:
        from mam.launcher import stop_all

        stop_all([p for p in (self.launcher, self.redis) if p is not None])


# --- the load ---


@dataclass
class Tally:
    served: Counter[str] = field(default_factory=Counter)
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    asset_ids: set[int] = field(default_factory=set)
    # WebSocket figures
    ws: Counter[str] = field(default_factory=Counter)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    server_closes: Counter[str] = field(default_factory=Counter)
    health: Counter[str] = field(default_factory=Counter)
    events: list[dict[str, Any]] = field(default_factory=list)

    unexpected_kinds: Counter[str] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def error(self, started: float, kind: str, what: str) -> None:
        self.unexpected_kinds[f"{kind}: {what.split(' ', 1)[0]}"] += 1
        if len(self.unexpected) < 1000:  # the first thousand in full; the rest counted
            self.unexpected.append(
                {"t": round(time.monotonic() - started, 1), "kind": kind, "what": what[:300]}
            )


class Load:
    def __init__(
        self, system: System, files: list[Path], tally: Tally, rng: random.Random, clients: int
    ) -> None:
        self.system, self.files, self.tally, self.rng = system, files, tally, rng
        self.clients = clients
        self.started = time.monotonic()
        self.stop_http = asyncio.Event()
        self.stop_ws = asyncio.Event()
        self.counter = 0
        self.final_marks: list[int | None] = []
        self.marks_at_stop: list[int | None] = []  # before the final resume
        self.published: list[tuple[float, int]] = []  # (arrival, seq) at the observer
        self.published_times: list[float] = []
        self.observer_fresh = asyncio.Event()
        self.redis_restarted_at = float("inf")

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    async def request(
        self, client: Any, kind: str, method: str, url: str, ok: int, **kw: Any
    ) -> Any:
        import httpx

        try:
            response = await client.request(method, url, **kw)
        except httpx.HTTPError as exc:
            self.tally.error(self.started, kind, f"{type(exc).__name__}: {exc}")
            return None
        if response.status_code != ok:
            self.tally.error(self.started, kind, f"{response.status_code} {response.text[:200]}")
            return None
        self.tally.served[kind] += 1
        return response

    def next_name(self, source: Path) -> str:
        self.counter += 1
        return f"soak/{self.counter // 500:03}/{self.counter:06}-{source.name}"

    async def registrations(self, client: Any, every: float) -> None:
        media = Path(self.system.env["MEDIA_PATH"])
        while not self.stop_http.is_set():
            source = self.rng.choice(self.files)
            name = self.next_name(source)
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(source, media / name)
            response = await self.request(
                client, "register", "POST", "/api/v1/assets", 201, json={"file_path": name}
            )
            if response is not None:
                self.tally.asset_ids.add(int(response.json()["id"]))
            await self.pause(every)

    async def uploads(self, client: Any, every: float) -> None:
        while not self.stop_http.is_set():
            source = self.rng.choice(self.files)
            self.counter += 1
            files = {"file": (f"up{self.counter:06}-{source.name}", source.read_bytes())}
            response = await self.request(
                client, "upload", "POST", "/api/v1/assets", 201, files=files
            )
            if response is not None:
                self.tally.asset_ids.add(int(response.json()["id"]))
            await self.pause(every)

    async def list_reads(self, client: Any, every: float) -> None:
        while not self.stop_http.is_set():
            pages = max(1, len(self.tally.asset_ids) // 50)
            params: dict[str, Any] = {"page": self.rng.randint(1, pages), "page_size": 50}
            if self.rng.random() < 0.3:
                params["status"] = self.rng.choice(["ready", "processing", "pending"])
            await self.request(client, "list", "GET", "/api/v1/assets", 200, params=params)
            await self.pause(every)

    async def detail_reads(self, client: Any, every: float) -> None:
        while not self.stop_http.is_set():
            if self.tally.asset_ids:
                asset_id = self.rng.choice(tuple(self.tally.asset_ids))
                await self.request(client, "detail", "GET", f"/api/v1/assets/{asset_id}", 200)
            await self.pause(every)

    async def health(self, client: Any) -> None:
        import httpx

        while not self.stop_http.is_set():
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get("/api/v1/health/status")
                self.tally.health[f"{response.status_code} {response.json().get('status')}"] += 1
            await self.pause(10)

    async def pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop_http.wait(), seconds)

    async def ws_client(self, index: int, mean_life: float) -> None:
        """One browser tab: connects, resumes from its mark, drops at random, does it again."""
        import websockets

        url = self.system.base_url.replace("http", "ws") + "/ws"
        tab = Tab(index)
        final = False
        await asyncio.sleep(self.rng.uniform(0, 5))  # not all 200 in the same millisecond
        while True:
            if self.stop_ws.is_set() and not final:
                self.marks_at_stop.append(tab.mark)
            final = self.stop_ws.is_set()
            connection: Connection | None = None
            try:
                async with websockets.connect(
                    url, ping_interval=None, open_timeout=30, max_size=None, close_timeout=5
                ) as ws:
                    hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    if hello.get("type") != "connection":
                        self.tally.ws[f"refused: {hello.get('type')}"] += 1
                        raise ConnectionError(str(hello)[:200])
                    self.tally.ws["connections"] += 1
                    connection = Connection(
                        live_from=time.monotonic(), resumed=tab.mark is not None
                    )
                    if tab.mark is None:
                        tab.mark = int(hello["data"]["last_seq"])
                        await ws.send(PING)  # go live now
                    else:
                        await ws.send(
                            json.dumps({"type": "resume", "data": {"last_seq": tab.mark}})
                        )
                        self.tally.ws["resumes"] += 1
                    await self.follow(ws, tab, connection, final, mean_life)
            except websockets.ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd else "none (abnormal)"
                self.tally.server_closes[f"{code} at {int(self.elapsed()) // 60} min"] += 1
                if code not in EXPECTED_CLOSE_CODES:
                    self.tally.error(self.started, "websocket", f"close {code} {exc.rcvd}")
            except (OSError, TimeoutError, ConnectionError, websockets.WebSocketException) as exc:
                self.tally.ws[f"connect failed: {type(exc).__name__}"] += 1
            if connection is not None:
                self.check_against_observer(connection)
            if final:
                self.final_marks.append(tab.mark)
                return
            await asyncio.sleep(self.rng.uniform(0.5, 3.0))

    async def follow(
        self, ws: Any, tab: Tab, connection: Connection, final: bool, mean_life: float
    ) -> None:
        """Reads updates until the planned drop (or, at the end, 3 s of quiet); counts gaps."""
        assert tab.mark is not None
        lifetime = 3.0 if final else self.rng.expovariate(1 / mean_life)
        leave_at = time.monotonic() + lifetime
        last_ping = time.monotonic()
        first_after_resume = connection.resumed
        while True:
            now = time.monotonic()
            if final and now >= leave_at:
                break
            if not final and (now >= leave_at or self.stop_ws.is_set()):
                break
            if now - last_ping > 20:
                await ws.send(PING)
                last_ping = now
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=min(1.0, max(0.05, leave_at - now)))
            except TimeoutError:
                continue
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "processing_update":
                seq = int(message["seq"])
                self.tally.ws["updates"] += 1
                connection.received[seq] = time.monotonic()
                if seq > tab.mark + 1:
                    self.tally.gaps.append(
                        {
                            "t": round(self.elapsed(), 1),
                            "client": tab.index,
                            "after": tab.mark,
                            "got": seq,
                            "missed": seq - tab.mark - 1,
                            "first_after_resume": first_after_resume,
                        }
                    )
                elif seq <= tab.mark:
                    self.tally.ws["repeated or out of order"] += 1
                tab.mark = max(tab.mark, seq)
                first_after_resume = False
                if final:
                    leave_at = time.monotonic() + 3.0  # quiet for 3 s means caught up
            elif kind == "snapshot":
                self.tally.ws["snapshots"] += 1
                tab.mark = int(message["seq"])
                connection.snapshot_seq = max(connection.snapshot_seq, tab.mark)
                first_after_resume = False
            elif kind == "error":
                self.tally.ws["protocol errors"] += 1
                self.tally.error(self.started, "websocket", json.dumps(message)[:300])
        await ws.close()

    async def observer(self) -> None:
        """A connection that never drops (except once, fresh, right after the Redis restart):
        the record of what the server published and when, to hold every tab's connections to."""
        import websockets

        url = self.system.base_url.replace("http", "ws") + "/ws"
        while not self.stop_ws.is_set():
            self.observer_fresh.clear()
            try:
                async with websockets.connect(url, ping_interval=None, max_size=None) as ws:
                    json.loads(await ws.recv())
                    await ws.send(PING)
                    last_ping = time.monotonic()
                    while not (self.stop_ws.is_set() or self.observer_fresh.is_set()):
                        if time.monotonic() - last_ping > 20:
                            await ws.send(PING)
                            last_ping = time.monotonic()
                        with contextlib.suppress(TimeoutError):
                            message = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
                            if message.get("type") == "processing_update":
                                now = time.monotonic()
                                self.published.append((now, int(message["seq"])))
                                self.published_times.append(now)
            except (OSError, TimeoutError, websockets.WebSocketException) as exc:
                self.tally.ws[f"observer reconnected: {type(exc).__name__}"] += 1
                await asyncio.sleep(0.5)

    def check_against_observer(self, connection: Connection) -> None:
        """Updates the observer saw while this connection was live (with a margin) and this
        connection did not receive: missed without a gap to show for it."""
        start, end = connection.live_from + 2.0, time.monotonic() - 1.0
        if end <= start:
            return
        times = self.published_times
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_right(times, end)
        seen = {seq: t for t, seq in self.published[lo:hi] if seq > connection.snapshot_seq}
        unreceived = sorted(set(seen) - set(connection.received))
        self.tally.ws["updates expected (observer)"] += len(seen)
        if unreceived:
            self.tally.ws["updates unreceived while connected"] += len(unreceived)
            self.tally.ws["connections that missed updates"] += 1
            if start < self.redis_restarted_at < end:
                self.tally.ws["of them open across the Redis restart"] += 1
            if len(self.tally.misses) < 300:  # what such a connection looked like
                lags = [at - seen[seq] for seq, at in connection.received.items() if seq in seen]
                last = max(connection.received.values(), default=None)
                self.tally.misses.append(
                    {
                        "opened_at": round(connection.live_from - self.started, 1),
                        "closed_at": round(end + 1.0 - self.started, 1),
                        "resumed": connection.resumed,
                        "received": len(connection.received),
                        "expected": len(seen),
                        "unreceived": len(unreceived),
                        "first_unreceived": unreceived[0],
                        "last_unreceived": unreceived[-1],
                        "last_received_seq": max(connection.received, default=None),
                        "last_received_at": round(last - self.started, 1) if last else None,
                        "max_lag_s": round(max(lags), 2) if lags else None,
                    }
                )


@dataclass
class Tab:
    index: int
    mark: int | None = None  # the highest seq seen: what a reconnect resumes from


@dataclass
class Connection:
    live_from: float
    resumed: bool
    received: dict[int, float] = field(default_factory=dict)  # seq: arrival
    snapshot_seq: int = -1


# --- the run ---


async def drive(
    system: System, files: list[Path], args: argparse.Namespace, tally: Tally
) -> dict[str, Any]:
    import httpx

    rng = random.Random(args.seed)
    load = Load(system, files, tally, rng, args.clients)
    rss: dict[str, Any] = {"ready": system.rss()}
    series: list[dict[str, Any]] = []
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30, limits=limits) as client:
        http = [
            asyncio.create_task(load.registrations(client, 1.0)),
            asyncio.create_task(load.uploads(client, 3.0)),
            asyncio.create_task(load.list_reads(client, 0.2)),
            asyncio.create_task(load.detail_reads(client, 0.1)),
            asyncio.create_task(load.health(client)),
        ]
        sockets = [
            asyncio.create_task(load.ws_client(i, args.mean_connection_life))
            for i in range(args.clients)
        ]
        observer = asyncio.create_task(load.observer())
        warm_at = min(60.0, args.duration / 10)
        redis_at = args.redis_restart_at if args.redis_restart_at is not None else args.duration / 3
        next_kill, next_sample, warm_done, redis_done = args.kill_every, 60.0, False, False
        while load.elapsed() < args.duration:
            await asyncio.sleep(1)
            now = load.elapsed()
            if not warm_done and now >= warm_at:
                rss["warm"], warm_done = system.rss(), True
                print(f"soak: {now:5.0f} s  warm RSS taken; {len(tally.asset_ids)} assets")
            if now >= next_kill:
                next_kill += args.kill_every
                pid = await asyncio.to_thread(system.kill_worker)
                tally.events.append({"t": round(now, 1), "event": f"worker {pid} killed"})
                print(f"soak: {now:5.0f} s  killed the worker ({pid})")
            if not redis_done and now >= redis_at:
                redis_done = True
                await asyncio.to_thread(system.kill_redis)
                await asyncio.sleep(REDIS_DOWN_SECONDS)
                await asyncio.to_thread(system.start_redis)
                load.redis_restarted_at = time.monotonic()
                await asyncio.sleep(1)
                load.observer_fresh.set()  # the observer starts over on the new counter
                tally.events.append({"t": round(now, 1), "event": "redis restarted empty"})
                print(f"soak: {now:5.0f} s  restarted Redis (empty)")
            if now >= next_sample:
                next_sample += 60
                series.append({"t": round(now), "rss": system.rss()})
                print(
                    f"soak: {now:5.0f} s  {sum(tally.served.values())} requests, "
                    f"{len(tally.unexpected)} unexpected, {len(tally.asset_ids)} assets, "
                    f"{tally.ws['updates']} updates, {len(tally.gaps)} gaps"
                )
            if system.launcher is not None and system.launcher.poll() is not None:
                tally.error(load.started, "launcher", "the launcher exited (gave up)")
                break
        load.stop_http.set()
        await asyncio.gather(*http)
        print(f"soak: load stopped at {load.elapsed():.0f} s; waiting for every asset to finish")
        outcome = await drain(client, tally, args.drain_timeout)
        health = (await client.get("/api/v1/health/websocket")).json()
        current_seq = int(health["components"]["events"]["current_seq"])
        load.stop_ws.set()  # each client catches up (resuming if it is between connections)
        await asyncio.gather(*sockets, observer)
        rss["end"] = system.rss()
        outcome["current_seq"] = current_seq
        outcome["clients_behind_at_end"] = sum(1 for m in load.final_marks if m != current_seq)
        # A mark above the server's seq: a client left on a cursor the server no longer reaches.
        outcome["clients_ahead_at_stop"] = sum(
            1 for m in load.marks_at_stop if m is not None and m > current_seq
        )
        outcome["final_marks"] = dict(Counter(str(m) for m in load.final_marks))
        await asyncio.sleep(2)
        after = (await client.get("/api/v1/health/websocket")).json()
        outcome["open_connections_after"] = after.get("open_connections")
    outcome["rss"], outcome["rss_series"] = rss, series
    outcome["elapsed"] = round(load.elapsed())
    return outcome


async def drain(client: Any, tally: Tally, within: float) -> dict[str, Any]:
    """Waits for every asset the load created to be ready or failed; then counts."""
    deadline = time.monotonic() + within
    statuses: dict[int, dict[str, Any]] = {}
    while True:
        statuses = {}
        page = 1
        while True:
            body = (
                await client.get("/api/v1/assets", params={"page": page, "page_size": 100})
            ).json()
            statuses.update({int(a["id"]): a for a in body["items"]})
            if page >= body["meta"]["pages"]:
                break
            page += 1
        open_ = [i for i in tally.asset_ids if statuses.get(i, {}).get("status") not in FINISHED]
        if not open_ or time.monotonic() > deadline:
            break
        await asyncio.sleep(5)
    lost = sorted(i for i in tally.asset_ids if i not in statuses)
    stuck = sorted(
        i for i in tally.asset_ids if i in statuses and statuses[i]["status"] not in FINISHED
    )
    failed = {
        i: statuses[i]["processing"]["error"]
        for i in tally.asset_ids
        if statuses.get(i, {}).get("status") == "failed"
    }
    return {
        "assets": len(tally.asset_ids),
        "ready": sum(1 for i in tally.asset_ids if statuses.get(i, {}).get("status") == "ready"),
        "failed": failed,
        "lost": lost,
        "stuck": {i: statuses[i]["status"] for i in stuck},
    }


def processed_counts(root: Path) -> Counter[str]:
    """How many times each asset was processed, from the workers' "processed asset" lines."""
    sources = sorted((root / "logs").glob("app.log*")) or [root / "launcher.log"]
    counts: Counter[str] = Counter()
    for path in sources:
        counts.update(re.findall(r"processed asset (\d+) ", path.read_text(errors="replace")))
    return counts


def growth_rows(rss: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for role, end in rss["end"].items():
        start = rss["warm"].get(role) or rss["ready"].get(role)
        ready = rss["ready"].get(role)
        same = start is not None and start["pid"] == end["pid"]
        change = f"{(end['mib'] / start['mib'] - 1) * 100:+.1f}%" if start else "n/a"
        rows.append(
            (
                role,
                f"{ready['mib']}" if ready else "-",
                f"{start['mib']}" if start else "-",
                f"{end['mib']}",
                change + ("" if same else " (new process)"),
            )
        )
    return rows


def report(
    args: argparse.Namespace, tally: Tally, outcome: dict[str, Any], root: Path
) -> dict[str, Any]:
    processed = processed_counts(root)
    twice = {k: v for k, v in processed.items() if v > 1}
    error_log = root / "logs" / "error.log"
    error_text = error_log.read_text(errors="replace") if error_log.exists() else ""
    tracebacks = error_text.count("Traceback")
    # What error.log says, by logger and message (numbers and ports folded).
    error_kinds = Counter(
        re.sub(r"\d+", "N", line.split(" ", 3)[3])[:160]
        for line in error_text.splitlines()
        if re.match(r"\d{4}-\d\d-\d\d .* (ERROR|CRITICAL) ", line)
    )
    missed = sum(g["missed"] for g in tally.gaps)
    figures = {
        "command": " ".join(sys.argv),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration": args.duration,
        "clients": args.clients,
        "requests_served": dict(tally.served),
        "unexpected_errors": sum(tally.unexpected_kinds.values()),
        "unexpected_by_kind": dict(tally.unexpected_kinds),
        "unexpected_first": tally.unexpected,
        "websocket": dict(tally.ws),
        "server_closes": dict(tally.server_closes),
        "missed_updates": missed,
        "gaps": tally.gaps,
        "connections_that_missed": tally.misses,
        "health_status_samples": dict(tally.health),
        "faults": tally.events,
        "processed_more_than_once": twice,
        "error_log_tracebacks": tracebacks,
        "error_log_kinds": dict(error_kinds.most_common(30)),
        **outcome,
    }
    rows = [
        (
            "requests served (HTTP)",
            f"{sum(tally.served.values()):,} ({', '.join(f'{k} {v:,}' for k, v in tally.served.items())})",
            "",
        ),
        (
            "unexpected errors",
            f"{sum(tally.unexpected_kinds.values())} {dict(tally.unexpected_kinds) or ''}",
            "0",
        ),
        (
            "assets created / ready / failed",
            f"{outcome['assets']:,} / {outcome['ready']:,} / {len(outcome['failed'])}",
            "",
        ),
        ("assets lost / stuck", f"{len(outcome['lost'])} / {len(outcome['stuck'])}", "0 / 0"),
        ("assets processed more than once", str(len(twice)), "0"),
        (
            "WebSocket connections / resumes / snapshots",
            f"{tally.ws['connections']:,} / {tally.ws['resumes']:,} / {tally.ws['snapshots']:,}",
            "",
        ),
        ("updates delivered", f"{tally.ws['updates']:,}", ""),
        ("updates missed (seq gaps)", f"{missed} in {len(tally.gaps)} gaps", "0"),
        (
            "updates the observer saw that a connected tab did not get",
            f"{tally.ws['updates unreceived while connected']:,} of {tally.ws['updates expected (observer)']:,}, on {tally.ws['connections that missed updates']} connections ({tally.ws['of them open across the Redis restart']} open across the Redis restart)",
            "0",
        ),
        ("repeated or out of order", str(tally.ws["repeated or out of order"]), "0"),
        (
            "clients behind the final seq at the end",
            f"{outcome['clients_behind_at_end']} of {args.clients} (seq {outcome['current_seq']})",
            "0",
        ),
        (
            "clients whose mark was above the server's seq at the stop",
            str(outcome["clients_ahead_at_stop"]),
            "0",
        ),
        ("open connections after all closed", str(outcome["open_connections_after"]), "0"),
        (
            "worker kills / Redis restarts",
            f"{sum('killed' in e['event'] for e in tally.events)} / {sum('redis' in e['event'] for e in tally.events)}",
            "",
        ),
        ("tracebacks in error.log", str(tracebacks), ""),
    ]
    print()
    print(f"Soak: {args.duration} s, {args.clients} WebSocket clients (figures in {args.output})")
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
    print()
    print("| process | RSS at ready MiB | start (warm) MiB | end MiB | growth |")
    print("|---|---:|---:|---:|---:|")
    for process_row in growth_rows(outcome["rss"]):
        print(f"| {' | '.join(process_row)} |")
    if tally.unexpected:
        print("\nunexpected errors (first 20):")
        for item in tally.unexpected[:20]:
            print(f"  {item}")
    if tally.server_closes:
        print(f"\nclosed by the server: {dict(tally.server_closes)}")
    print(f"\nother WebSocket counts: {dict(tally.ws)}")
    print(f"health/status samples: {dict(tally.health)}")
    if error_kinds:
        print("error.log, by kind:")
        for kind, count in error_kinds.most_common(10):
            print(f"  {count:6} {kind}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1800, help="seconds of load (1800)")
    parser.add_argument("--clients", type=int, default=200, help="WebSocket clients (200)")
    parser.add_argument(
        "--kill-every", type=float, default=180, help="seconds between worker kills"
    )
    parser.add_argument("--redis-restart-at", type=float, default=None, help="default: a third in")
    parser.add_argument("--mean-connection-life", type=float, default=45, help="seconds (45)")
    parser.add_argument(
        "--drain-timeout", type=float, default=None, help="default: stuck-after + 180 s"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--output", type=Path, default=None, help="JSON figures (default /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress under nohup
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    args.output = args.output or Path(tempfile.gettempdir()) / f"mam-soak-{stamp}.json"

    root = Path(tempfile.mkdtemp(prefix="mam-soak-"))
    for sub in ("media", "data", "logs", "pool"):
        (root / sub).mkdir()
    env = {
        **os.environ,
        "MEDIA_PATH": str(root / "media"),
        "DATA_DIR": str(root / "data"),
        "MAM_LOG_DIR": str(root / "logs"),
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "PORT": str(free_port()),
        "MAM_AUTH": "off",
        "MAM_SECRET_KEY": os.environ.get("MAM_SECRET_KEY") or secrets.token_urlsafe(48),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)  # SQLite in DATA_DIR, as `make run` has it
    os.environ.update({k: env[k] for k in ("MEDIA_PATH", "DATA_DIR", "MAM_LOG_DIR", "REDIS_URL")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
    from mam.config import Config

    if args.drain_timeout is None:
        args.drain_timeout = Config.STUCK_AFTER_SECONDS + Config.RECONCILE_EVERY_SECONDS + 180
    print(f"soak: in {root}; generating media")
    files = make_media(root / "pool", random.Random(args.seed))
    system = System(root, env)
    tally = Tally()
    try:
        system.start()
        print(
            f"soak: serving {system.base_url} (redis :{system.redis_port}); load for {args.duration:.0f} s"
        )
        outcome = asyncio.run(drive(system, files, args, tally))
    finally:
        system.stop()
    figures = report(args, tally, outcome, root)
    args.output.write_text(json.dumps(figures, indent=1, default=str))
    if args.keep:
        print(f"soak: kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
