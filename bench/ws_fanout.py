"""WebSocket fan-out benchmark: N /ws clients on a real Daphne, the workers' publish function
emitting updates; publish->receipt latency, lost messages, server RSS per connection, a client
that drops for 10 s mid-burst and resumes, and a bare channels-redis group_send->receive floor.

Run: .venv/bin/python bench/ws_fanout.py [--clients 100 500 1000] [--updates 2000] [--rate 50]
Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEQ_MARK = '"seq":'
PING = json.dumps({"type": "ping"})


def seq_of(frame: str) -> int | None:
    """The seq of a processing_update frame, without parsing the whole JSON (clients are many)."""
    if not frame.startswith('{"type":"processing_update"'):
        return None
    start = frame.index(SEQ_MARK) + len(SEQ_MARK)
    return int(frame[start : frame.index(",", start)])


def percentile(histogram: Counter[int], fraction: float) -> float:
    """From a histogram of latencies in 0.1 ms buckets."""
    total = sum(histogram.values())
    if not total:
        return float("nan")
    rank, running = fraction * total, 0
    for bucket in sorted(histogram):
        running += histogram[bucket]
        if running >= rank:
            return bucket / 10
    return max(histogram) / 10


# --- role: clients (a child process holding part of the connections) ---


class LeanClient(asyncio.Protocol):
    """A minimal /ws client for the measured connections: the upgrade, then the server's
    frames parsed straight from the socket's bytes and timestamped as they arrive.

    The clients share the server's two cores. With the `websockets` library each message
    costs a task wake-up and a queue per socket, and a thousand sockets each getting an update
    at the same instant put the benchmark's own processing into the latency it measures (a
    browser on its own machine does not add that). Pings go out masked, as RFC 6455 asks of a
    client; the resuming client still uses `websockets`.
    """

    def __init__(self, host: str, path: str, log: list[tuple[int, float]]) -> None:
        self.host, self.path, self.log = host, path, log
        self.buffer = bytearray()
        self.upgraded = False
        self.hello: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        now = time.time()
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buffer.startswith(b"HTTP/1.1 101"):
                self.fail(RuntimeError(bytes(self.buffer[:end]).decode(errors="replace")))
                return
            self.upgraded = True
            del self.buffer[: end + 4]
        while len(self.buffer) >= 2:
            opcode, length, start = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, start = int.from_bytes(self.buffer[2:4], "big"), 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, start = int.from_bytes(self.buffer[2:10], "big"), 10
            if len(self.buffer) < start + length:
                return
            payload = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            if opcode == 0x1:
                text = payload.decode()
                if not self.hello.done():
                    self.hello.set_result(text)
                    continue
                seq = seq_of(text)
                if seq is not None:
                    self.log.append((seq, now))
            elif opcode == 0x8:  # close
                self.close()
            elif opcode == 0x9:  # the server's ping
                self.send(payload, opcode=0xA)

    def send(self, payload: bytes, opcode: int = 0x1) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        mask = os.urandom(4)
        size = len(payload)
        head = bytes([0x80 | opcode])
        if size < 126:
            head += bytes([0x80 | size])
        else:
            head += bytes([0x80 | 126]) + size.to_bytes(2, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(head + mask + masked)

    def fail(self, exc: Exception) -> None:
        if not self.hello.done():
            self.hello.set_exception(exc)
        self.close()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.hello.done():
            self.hello.set_exception(ConnectionError("closed during the upgrade"))
        if not self.closed.done():
            self.closed.set_result(None)


async def run_clients(url: str, count: int, resumer: bool, out: Path) -> None:
    received: list[list[tuple[int, float]]] = [[] for _ in range(count + (1 if resumer else 0))]
    sockets: list[LeanClient] = []
    failures: list[str] = []
    address = urlsplit(url)
    loop = asyncio.get_running_loop()

    async def open_one(log: list[tuple[int, float]]) -> LeanClient:
        for attempt in range(5):  # like a real client: retry with backoff
            try:
                _, client = await loop.create_connection(
                    lambda: LeanClient(address.netloc, address.path or "/", log),
                    address.hostname,
                    address.port,
                )
                hello = json.loads(await asyncio.wait_for(client.hello, 60))
                if hello["type"] != "connection":
                    raise RuntimeError(f"refused: {hello}")
                client.send(PING.encode())  # a first message: it won't resume, go live now
                return client
            except (OSError, RuntimeError, TimeoutError) as exc:
                failures.append(repr(exc))
                await asyncio.sleep(0.5 * 2**attempt)
        raise RuntimeError(f"could not connect: {failures[-1]}")

    for start in range(0, count, 25):
        batch = range(start, min(start + 25, count))
        sockets += await asyncio.gather(*(open_one(received[i]) for i in batch))

    async def heartbeat() -> None:
        """Each client pings every 20 s (the server closes one silent for 60 s), each at its
        own moment as browsers' timers are: all of them pinging at the same instant made the
        server answer thousands of pings between two updates, a stall no real crowd makes."""
        steps = 200
        while True:
            for step in range(steps):
                await asyncio.sleep(20 / steps)
                for client in sockets[step::steps]:
                    client.send(PING.encode())

    # The logs grow by a tuple per frame (millions at 5,000 clients): a full pass of the
    # cyclic collector over them would hold this process up while frames wait to be
    # timestamped. Nothing here makes cycles that matter. (Measured at 5,000 clients, it was
    # not what made the tail: p99 854 ms with it and without.)
    gc.collect()
    gc.freeze()
    gc.disable()

    beat = asyncio.create_task(heartbeat())
    resumer_task = asyncio.create_task(resume_client(url, received[-1])) if resumer else None
    print("READY", flush=True)
    line = await loop.run_in_executor(None, sys.stdin.readline)
    _, first, last, pub_file = line.split()
    first_seq, last_seq = int(first), int(last)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if all(log and log[-1][0] >= last_seq for log in received):
            break
        await asyncio.sleep(0.2)
    published_text = await loop.run_in_executor(None, Path(pub_file).read_text)
    published = {int(k): v for k, v in json.loads(published_text).items()}
    histogram: Counter[int] = Counter()
    lost = duplicated = out_of_order = 0
    expected = last_seq - first_seq + 1
    # The resumer (last) is judged on completeness, not latency: it was away on purpose.
    for index, log in enumerate(received):
        seqs = [seq for seq, _ in log if first_seq <= seq <= last_seq]
        lost += expected - len(set(seqs))
        duplicated += len(seqs) - len(set(seqs))
        out_of_order += sum(1 for a, b in itertools.pairwise(seqs) if b <= a)
        if resumer and index == len(received) - 1:
            continue
        for seq, at in log:
            if seq in published:
                histogram[max(0, round((at - published[seq]) * 10_000))] += 1
    result = {
        "histogram": dict(histogram),
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
        "clients": len(received),
        "connect_retries": len(failures),
        "resumer": None,
    }
    if resumer:
        log = [seq for seq, _ in received[-1] if first_seq <= seq <= last_seq]
        result["resumer"] = {
            "received": len(log),
            "expected": expected,
            "in_order_exactly_once": log == list(range(first_seq, last_seq + 1)),
        }
    await loop.run_in_executor(None, out.write_text, json.dumps(result))
    beat.cancel()
    if resumer_task:
        resumer_task.cancel()
    for client in sockets:
        client.close()
    await asyncio.gather(*(client.closed for client in sockets), return_exceptions=True)


async def resume_client(url: str, log: list[tuple[int, float]]) -> None:
    """Receives ~200 updates, disconnects for 10 s, reconnects with resume, keeps receiving."""
    import websockets

    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()
        await ws.send(PING)
        async for frame in ws:
            seq = seq_of(frame)
            if seq is not None:
                log.append((seq, time.time()))
                if len(log) >= 200:
                    break
    await asyncio.sleep(10)
    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()
        await ws.send(json.dumps({"type": "resume", "data": {"last_seq": log[-1][0]}}))

        async def heartbeat() -> None:  # a silent client is closed after 60 s, busy or not
            while True:
                await asyncio.sleep(20)
                await ws.send(PING)

        beat = asyncio.create_task(heartbeat())
        try:
            async for frame in ws:
                seq = seq_of(frame)
                if seq is not None:
                    log.append((seq, time.time()))
        finally:
            beat.cancel()


# --- role: publish (a child process with the server's environment, like a worker) ---


def run_publisher(updates: int, rate: float, out: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
    django.setup()
    from assets.realtime import events

    published: dict[int, float] = {}
    started = time.monotonic()
    for i in range(updates):
        pause = started + i / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        at = time.time()
        seq = events.publish_processing_update(
            asset_id=1 + i % 50, status="processing", stage="thumbnail", progress=i % 100
        )
        assert seq is not None, "Redis refused a publish"
        published[seq] = at
    out.write_text(json.dumps(published))
    print(min(published), max(published), flush=True)


# --- role: floor (bare channels-redis, no server, no WebSocket) ---


async def run_floor(receivers: int, updates: int, rate: float) -> dict[str, Any]:
    from channels_redis.core import RedisChannelLayer

    from mam.config import Config

    layer = RedisChannelLayer(
        hosts=[Config.REDIS_URL],
        prefix=f"{Config.REDIS_PREFIX}:floor",
        capacity=Config.CHANNEL_CAPACITY,
        expiry=Config.CHANNEL_EXPIRY,
    )
    channels = [await layer.new_channel() for _ in range(receivers)]
    for channel in channels:
        await layer.group_add("floor", channel)
    histogram: Counter[int] = Counter()
    counts = [0] * receivers

    async def receive(index: int) -> None:
        while counts[index] < updates:
            message = await layer.receive(channels[index])
            histogram[max(0, round((time.time() - message["t"]) * 10_000))] += 1
            counts[index] += 1

    tasks = [asyncio.create_task(receive(i)) for i in range(receivers)]
    started = time.monotonic()
    for i in range(updates):
        pause = started + i / rate - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        await layer.group_send("floor", {"type": "floor.update", "seq": i, "t": time.time()})
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), 120)
    except TimeoutError:
        for task in tasks:
            task.cancel()
    await layer.flush()
    return {
        "p50": percentile(histogram, 0.5),
        "p99": percentile(histogram, 0.99),
        "lost": receivers * updates - sum(counts),
    }


# --- orchestration ---


def raise_open_file_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65_536
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(wanted, 65_536)), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def this(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def measure(system: Any, clients: int, updates: int, rate: float, workdir: Path) -> dict[str, Any]:
    import psutil

    servers = [psutil.Process(p.pid) for p in [system.server, *system.more_servers] if p]

    def rss() -> int:
        return sum(server.memory_info().rss for server in servers)

    def cpu() -> float:
        return sum(sum(server.cpu_times()[:2]) for server in servers)

    rss_before = rss()
    parts = max(1, min(os.cpu_count() or 1, clients // 250 + 1))
    children, outs = [], []
    for index in range(parts):
        share = clients // parts + (1 if index < clients % parts else 0)
        out = workdir / f"clients-{clients}-{index}.json"
        outs.append(out)
        args = ["--role", "clients", "--url", system.ws_url, "--count", str(share)]
        args += ["--out", str(out)] + (["--resumer"] if index == 0 else [])
        children.append(
            subprocess.Popen(this(*args), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        )
    for child in children:
        assert child.stdout is not None
        if child.stdout.readline().strip() != "READY":
            raise RuntimeError("a client process failed to connect")
    time.sleep(1)
    rss_connected = rss()
    client_processes = [psutil.Process(child.pid) for child in children]

    def client_cpu() -> float:
        return sum(sum(process.cpu_times()[:2]) for process in client_processes)

    cpu_before, clients_before = cpu(), client_cpu()
    pub_file = workdir / f"published-{clients}.json"
    started = time.monotonic()
    publisher = subprocess.run(
        this(
            "--role",
            "publish",
            "--updates",
            str(updates),
            "--rate",
            str(rate),
            "--out",
            str(pub_file),
        ),
        env=system.env,
        capture_output=True,
        text=True,
        check=True,
    )
    publish_seconds = time.monotonic() - started
    # Over the burst: what the measuring clients took of the cores the server shares.
    server_cores = (cpu() - cpu_before) / publish_seconds
    client_cores = (client_cpu() - clients_before) / publish_seconds
    first, last = publisher.stdout.split()
    for child in children:
        assert child.stdin is not None
        child.stdin.write(f"DONE {first} {last} {pub_file}\n")
        child.stdin.flush()
    for child in children:
        child.wait(300)
    cpu_seconds = cpu() - cpu_before
    histogram: Counter[int] = Counter()
    lost = duplicated = out_of_order = retries = 0
    resumer = None
    for out in outs:
        result = json.loads(out.read_text())
        histogram.update({int(k): v for k, v in result["histogram"].items()})
        lost += result["lost"]
        duplicated += result["duplicated"]
        out_of_order += result["out_of_order"]
        retries += result["connect_retries"]
        resumer = resumer or result["resumer"]
    # The floor is the channel layer as the servers use it: one channel per web process
    # (the process's fan-out), not one per connection.
    floor = json.loads(
        subprocess.run(
            this(
                "--role",
                "floor",
                "--count",
                str(len(servers)),
                "--updates",
                str(updates),
                "--rate",
                str(rate),
            ),
            env=system.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    return {
        "clients": clients,
        "p50": percentile(histogram, 0.5),
        "p99": percentile(histogram, 0.99),
        "max": max(histogram) / 10 if histogram else float("nan"),
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
        "delivered": sum(histogram.values()),
        "connect_retries": retries,
        "rss_per_connection_kib": (rss_connected - rss_before) / clients / 1024,
        "rss_mib": rss_connected / 1024**2,
        "server_cpu_us_per_delivery": cpu_seconds / max(1, sum(histogram.values())) * 1e6,
        "publish_seconds": publish_seconds,
        "server_cores": server_cores,
        "client_cores": client_cores,
        "resumer": resumer,
        "floor": floor,
    }


def orchestrate(args: argparse.Namespace) -> None:
    limit = raise_open_file_limit()
    import tests.bootstrap  # noqa: F401 - a private Redis unless MAM_TEST_REDIS_URL is set
    from tests.support.live import start_live_system

    workdir = Path(tempfile.mkdtemp(prefix="mam-ws-bench-"))
    # The open mode (loopback only): the fan-out is measured, not the sign-in.
    system = start_live_system(
        workdir / "system",
        workers=0,
        web_processes=args.web_processes,
        extra_env={"MAM_AUTH": "off"},
    )
    rows = []
    try:
        for clients in args.clients:
            print(f"... {clients} clients", file=sys.stderr, flush=True)
            rows.append(measure(system, clients, args.updates, args.rate, workdir))
    finally:
        system.stop()
    command = "bench/ws_fanout.py " + " ".join(sys.argv[1:])
    print(f"### WebSocket fan-out (`.venv/bin/python {command.strip()}`)\n")
    print(
        f"{args.web_processes} Daphne process(es) on one port (HTTP + /ws), Redis channel layer (capacity {os.environ.get('MAM_CHANNEL_CAPACITY', '1000')}),"
        f" {os.cpu_count()} CPUs shared by server, Redis and clients; {args.updates} updates"
        f" published with `events.publish_processing_update` at {args.rate:g}/s; open-file limit {limit}.\n"
    )
    print(
        "| clients | p50 ms | p99 ms | max ms | lost | dup | out of order | delivered | connect retries | floor p50 / p99 ms (lost) |"
        " server RSS | RSS / conn | server CPU / delivery | cores: server / clients | resumer (10 s away) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---|")
    for r in rows:
        f, res = r["floor"], r["resumer"] or {}
        resumed = f"{res.get('received')}/{res.get('expected')}, in order once: {res.get('in_order_exactly_once')}"
        print(
            f"| {r['clients']} | {r['p50']:.1f} | {r['p99']:.1f} | {r['max']:.0f} | {r['lost']} |"
            f" {r['duplicated']} | {r['out_of_order']} | {r['delivered']} | {r['connect_retries']} | {f['p50']:.1f} / {f['p99']:.1f} ({f['lost']}) |"
            f" {r['rss_mib']:.0f} MiB | {r['rss_per_connection_kib']:.0f} KiB |"
            f" {r['server_cpu_us_per_delivery']:.0f} µs | {r['server_cores']:.2f} / {r['client_cores']:.2f} |"
            f" {resumed} |"
        )
    print(
        "\nLatency is from just before the publish call (seq INCR + XADD + group_send) to the"
        " client's receipt; the floor is the same group_send to one channel-layer channel per"
        " web process (as each process's fan-out subscribes), received in one process with no"
        " server and no WebSocket."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--role", default="orchestrate", choices=["orchestrate", "clients", "publish", "floor"]
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument(
        "--web-processes", type=int, default=1, help="Daphne processes sharing the port"
    )
    parser.add_argument("--rate", type=float, default=50.0, help="updates per second")
    parser.add_argument("--url")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--resumer", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.role == "clients":
        asyncio.run(run_clients(args.url, args.count, args.resumer, args.out))
    elif args.role == "publish":
        run_publisher(args.updates, args.rate, args.out)
    elif args.role == "floor":
        print(json.dumps(asyncio.run(run_floor(args.count, args.updates, args.rate))))
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
