"""Upload benchmark: the web server's memory and a concurrent request's latency during one big
multipart upload, Daphne as shipped (`python -m daphne`, the baseline) against MAM's server
(`python -m mam.server`, Twisted's own form parsing off), in the same run.

Run: .venv/bin/python bench/upload_memory.py [--mib 256]
Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def high_water_mark(pid: int) -> int:
    """The process's peak resident size so far (Linux: VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc (Linux only)")


def measure(module: str, env: dict[str, str], upload: Path, workdir: Path) -> dict[str, float]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", module, "-b", "127.0.0.1", "-p", str(port), "mam.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=(workdir / f"{module}.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/v1/assets", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        idle_rss = psutil.Process(server.pid).memory_info().rss
        slowest_get = [0.0]
        done = threading.Event()

        def watch() -> None:
            with httpx.Client(base_url=base, timeout=120) as client:
                while not done.is_set():
                    started = time.monotonic()
                    client.get("/api/v1/health/processing")
                    slowest_get[0] = max(slowest_get[0], time.monotonic() - started)
                    time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        with upload.open("rb") as body:
            status = httpx.post(
                f"{base}/api/v1/assets",
                files={"file": ("big.jpg", body, "image/jpeg")},
                timeout=600,
            ).status_code
        elapsed = time.monotonic() - started
        time.sleep(0.5)
        done.set()
        watcher.join()
        return {
            "status": status,
            "seconds": elapsed,
            "peak_growth_mib": (high_water_mark(server.pid) - idle_rss) / 2**20,
            "slowest_get_s": slowest_get[0],
        }
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256, help="size of the upload")
    args = parser.parse_args()
    from mam.launcher import start_embedded_redis

    with tempfile.TemporaryDirectory(prefix="mam-upload-bench-") as tmp:
        work = Path(tmp)
        redis_port = free_port()
        redis_server = start_embedded_redis("127.0.0.1", redis_port, work / "redis")
        env = {
            **os.environ,
            "MEDIA_PATH": str(work / "media"),
            "DATA_DIR": str(work / "data"),
            "MAM_LOG_DIR": str(work / "logs"),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            # The open mode (loopback only): no credentials to manage in a benchmark.
            "MAM_AUTH": "off",
            # The cap would refuse the body from its headers (bench/upload.py measures that);
            # here the point is what happens to a body that is read.
            "MAM_MAX_REQUEST_BYTES": str(2 * args.mib * 2**20),
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        upload = work / "big.jpg"
        with upload.open("wb") as out:  # a JPEG header, then zeros: refused after the read
            out.write(b"\xff\xd8\xff\xe0" + b"\0" * 60)
            out.truncate(args.mib * 2**20)
        try:
            results = {m: measure(m, env, upload, work) for m in ("daphne", "mam.server")}
        finally:
            redis_server.terminate()
    base, ours = results["daphne"], results["mam.server"]
    print(f"### Upload memory (`bench/upload_memory.py --mib {args.mib}`)\n")
    print("| server | status | seconds | RSS growth at peak | slowest concurrent GET |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| `python -m {name}` | {r['status']:.0f} | {r['seconds']:.1f} | "
            f"{r['peak_growth_mib']:.0f} MiB | {r['slowest_get_s']:.2f} s |"
        )
    print(
        f"\nPeak growth: **{base['peak_growth_mib'] / max(ours['peak_growth_mib'], 1):.1f}x** "
        f"less; slowest concurrent GET: "
        f"**{base['slowest_get_s'] / max(ours['slowest_get_s'], 0.001):.1f}x** shorter."
    )


if __name__ == "__main__":
    main()
