"""Upload benchmark (issue 9): large files through the resumable protocol while others read.

One private system (Daphne as `make run` starts it, a worker, its own Redis; the open mode,
loopback only) and, in the same run:
  1. the readers' baseline: 20 clients reading the asset list, p50/p99 without an upload;
  2. a --gib file (a JPEG, padded) uploaded with tuspy in 4 MiB chunks while the same 20
     clients read: upload throughput against `cp` of the same file on the same disk, the
     readers' p99 against their baseline, Daphne's peak memory above its idle size;
  3. a 1 GiB body POSTed raw and as multipart: answered 413 from the headers, Daphne flat;
  4. an upload abandoned at 60% and resumed by a new client: completes, bytes identical,
     the chunks sent after resuming cover only the remaining 40%.

Run: .venv/bin/python bench/upload.py [--gib 2]
Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
from PIL import Image
from tusclient.client import TusClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHUNK = 4 * 2**20
READERS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def high_water_mark(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc (Linux only)")


def padded_jpeg(path: Path, size: int) -> Path:
    """A real JPEG followed by incompressible padding up to `size` bytes (readers of JPEG stop
    at its end marker; the checksum and the copy read every byte)."""
    Image.new("RGB", (1920, 1080), (30, 90, 160)).save(path, "JPEG")
    block = os.urandom(2**20)
    with path.open("ab") as out:
        while out.tell() < size:
            out.write(block[: min(len(block), size - out.tell())])
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(2**22):
            digest.update(block)
    return digest.hexdigest()


class Readers:
    """Threads reading the first page of the list as fast as they can."""

    def __init__(self, base: str, count: int = READERS) -> None:
        self.base, self.latencies, self.errors = base, [], 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run) for _ in range(count)]

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get("/api/v1/assets?page_size=20").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.latencies.append(time.perf_counter() - started)
                self.errors += not ok

    def during(self, work: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
        for thread in self.threads:
            thread.start()
        try:
            result = work()
        finally:
            self.stop.set()
            for thread in self.threads:
                thread.join()
        ordered = sorted(self.latencies)
        return result, {
            "requests": len(ordered),
            "p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
            "errors": self.errors,
        }


def start_system(work: Path) -> tuple[dict[str, str], list[subprocess.Popen[bytes]], str]:
    from mam.launcher import start_embedded_redis

    redis_port, port = free_port(), free_port()
    redis = start_embedded_redis("127.0.0.1", redis_port, work / "redis")
    env = {
        **os.environ,
        "MEDIA_PATH": str(work / "media"),
        "DATA_DIR": str(work / "data"),
        "MAM_LOG_DIR": str(work / "logs"),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "PORT": str(port),
        "MAM_AUTH": "off",
        "MAM_MAX_UPLOAD_BYTES": str(64 * 2**30),
        "PYTHONUNBUFFERED": "1",
    }
    (work / "media").mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    from mam.launcher import server_command, worker_command

    log = (work / "system.log").open("ab")
    web = subprocess.Popen(
        server_command(port, "127.0.0.1"), cwd=ROOT, env=env, stdout=log, stderr=log
    )
    worker = subprocess.Popen(
        worker_command(concurrency=1, beat=False), cwd=ROOT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/v1/assets", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        raise SystemExit("the server did not start; see " + str(work / "system.log"))
    return env, [web, worker, redis], base


def refused_post(base: str, port: int, multipart: bool) -> tuple[int, float]:
    """1 GiB announced; sends until answered; (status, seconds to the answer)."""
    boundary = "b0undary"
    content_type = (
        f"multipart/form-data; boundary={boundary}" if multipart else "application/octet-stream"
    )
    head = (
        f"POST /api/v1/assets HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {2**30}\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head)
        if multipart:
            conn.sendall(
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\n\r\n'.encode()
            )
        block = b"\0" * 2**20
        conn.setblocking(False)
        answer = b""
        sent = 0
        while b"\r\n\r\n" not in answer and sent < 2**30:
            try:
                answer += conn.recv(65536)
                continue
            except BlockingIOError:
                pass
            try:
                sent += conn.send(block)
            except (BlockingIOError, OSError):
                time.sleep(0.001)
    return int(answer.split()[1]), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0, help="size of the big upload")
    parser.add_argument("--seconds", type=float, default=10.0, help="baseline reading time")
    parser.add_argument("--readers", type=int, default=READERS, help="clients reading the list")
    args = parser.parse_args()
    size = int(args.gib * 2**30)
    work = Path(tempfile.mkdtemp(prefix="mam-upload-bench-", dir=str(ROOT / "data")))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        env, processes, base = start_system(work)
        web = psutil.Process(processes[0].pid)
        port = int(env["PORT"])
        source = padded_jpeg(work / "big.jpg", size)
        source_sum = sha256(source)

        started = time.perf_counter()
        shutil.copyfile(source, work / "copy.jpg")
        os.sync()
        cp_seconds = time.perf_counter() - started
        (work / "copy.jpg").unlink()

        _, baseline = Readers(base, args.readers).during(lambda: time.sleep(args.seconds))
        idle_peak = high_water_mark(web.pid)
        idle_rss = web.memory_info().rss

        client = TusClient(f"{base}/api/v1/uploads")

        def upload() -> tuple[float, str]:
            began = time.perf_counter()
            uploader = client.uploader(
                str(source), chunk_size=CHUNK, metadata={"filename": "big.jpg"}
            )
            uploader.upload()
            os.sync()
            return time.perf_counter() - began, uploader.url

        (upload_seconds, url), loaded = Readers(base, args.readers).during(upload)
        upload_peak = high_water_mark(web.pid) - max(idle_peak, idle_rss)
        state = httpx.get(url, headers={"Accept": "application/json"}).json()
        asset = httpx.get(f"{base}/api/v1/assets/{state['asset_id']}").json()
        stored_same = sha256(Path(env["MEDIA_PATH"]) / asset["file_path"]) == source_sum

        before_refusals = high_water_mark(web.pid)
        raw_status, raw_seconds = refused_post(base, port, multipart=False)
        multi_status, multi_seconds = refused_post(base, port, multipart=True)
        refusal_growth = high_water_mark(web.pid) - before_refusals

        first = client.uploader(str(source), chunk_size=CHUNK, metadata={"filename": "again.jpg"})
        while first.offset < 0.6 * size:
            first.upload_chunk()
        cut_at = first.offset
        again = TusClient(f"{base}/api/v1/uploads").uploader(
            str(source), chunk_size=CHUNK, url=first.url
        )
        resumed_from = again.get_offset()
        resent = 0
        while again.offset < size:
            before = again.offset
            again.upload_chunk()
            resent += again.offset - before
        state2 = httpx.get(again.url, headers={"Accept": "application/json"}).json()
        asset2 = httpx.get(f"{base}/api/v1/assets/{state2['asset_id']}").json()
        resumed_same = sha256(Path(env["MEDIA_PATH"]) / asset2["file_path"]) == source_sum
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        shutil.rmtree(work, ignore_errors=True)

    mb = size / 1e6
    print(f"### Uploads (`bench/upload.py --gib {args.gib:g} --readers {args.readers}`)\n")
    print("| measure | value | target |")
    print("|---|---:|---|")
    print(
        f"| resumable upload, {mb:,.0f} MB in 4 MiB chunks | {upload_seconds:.1f} s, {mb / upload_seconds:,.0f} MB/s | |"
    )
    print(
        f"| `cp` of the same file, same disk | {cp_seconds:.1f} s, {mb / cp_seconds:,.0f} MB/s | |"
    )
    print(f"| upload throughput / `cp` | **{cp_seconds / upload_seconds:.0%}** | at least 50% |")
    print(
        f"| Daphne's peak RSS above idle during the upload | **{upload_peak / 2**20:.0f} MiB** | under 100 MB |"
    )
    print(
        f"| {args.readers} readers' p99 without / with the upload | {baseline['p99_ms']:.0f} / {loaded['p99_ms']:.0f} ms | |"
    )
    print(f"| readers' p99 ratio | **{loaded['p99_ms'] / baseline['p99_ms']:.2f}x** | under 2x |")
    print(
        f"| readers' requests, errors (baseline; during) | {baseline['requests']}, {baseline['errors']}; {loaded['requests']}, {loaded['errors']} | 0 errors |"
    )
    print(f"| stored file identical to the source | {stored_same} | |")
    print(f"| 1 GiB raw POST | {raw_status} after {raw_seconds:.2f} s | 413 before the body |")
    print(
        f"| 1 GiB multipart POST | {multi_status} after {multi_seconds:.2f} s | 413 before the body |"
    )
    print(f"| Daphne's peak growth over both refusals | {refusal_growth / 2**20:.0f} MiB | flat |")
    print(f"| abandoned at | {cut_at / size:.0%} ({cut_at:,} bytes) | 60% |")
    print(
        f"| resumed from | {resumed_from:,} bytes; {resent:,} bytes sent after | no restart from zero |"
    )
    print(f"| resumed file identical to the source | {resumed_same} | completes, bytes identical |")


if __name__ == "__main__":
    main()
