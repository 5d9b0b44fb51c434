"""The library UI scrolled through a large library in headless Chromium (issue 10): does the
grid keep its frames, its DOM and its heap while the user scrolls 100,000 assets, against the
same scroll through 1,000 in the same run?

For each size it seeds a private SQLite database with bench/api_load.py's seed (its `seed`
role, the app's own model by bulk_create; about 90% ready, the rest pending, processing or
failed, as a library being imported is), gives every ready row a real JPEG thumbnail under its
checksum name (a hard link to one of a few dozen generated pictures of its size, so each card
fetches and decodes a picture of its own address, as in a real library), starts the system as
`make run` does (`python -m mam.launcher`, MAM_AUTH=off, a private redis-server; api_load's
Bench), and opens the library in Debian's headless Chromium at 1440x900.

In the page, a requestAnimationFrame loop scrolls the window at a fixed speed (px/s of wall
time: after a stalled frame the scroll jumps as far as the time lost, as a compositor-driven
scroll would) for `--seconds` (at the library's end it turns, up to the top and down again,
so a small library is scrolled as long as a large one), and records every frame's gap, the long tasks (PerformanceObserver 'longtask'), each list page's request, answer
and the first frame in which the grid has grown by its rows, the cards and elements in the DOM,
the JS heap (performance.memory, precise), and whether the screen showed blank space where
cards belong (the scroll outran loading or rendering). From outside the page it counts the
thumbnails by status, Chromium's CPU time, and for `--trace-seconds` in the middle of the scroll
traces the page's main thread: each task's wall time and the part of it the thread ran, which
tells a task that was long because of its own work from one that waited for a core on a
loaded machine. Prints a Markdown section for docs/BENCHMARKS.md.

Run:
    .venv/bin/python bench/ui_scroll.py                          # 1k and 100k, 60 s each
    .venv/bin/python bench/ui_scroll.py --sizes 1000 --seconds 10    # a smoke run
    .venv/bin/python bench/ui_scroll.py --thumbnail-rate 100000/min  # thumbnails not throttled
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import api_load  # noqa: E402 - bench/api_load.py: the seed, the private Redis and server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--enable-precise-memory-info",  # performance.memory not rounded to 100 kB buckets
    "--js-flags=--expose-gc",  # the heap still held after a full collection, at start and end
]
VIEWPORT = {"width": 1440, "height": 900}
FRONTEND = ROOT / "frontend"
PICTURES_PER_SIZE = 24  # distinct JPEGs per thumbnail size; every asset links its own name
BLANK_PX = 120
# The JS heap in use after a full garbage collection (what the page holds on to).
RETAINED_HEAP = "() => { window.gc(); return performance.memory.usedJSHeapSize; }"  # an uncovered stretch taller than a row gap: the screen shows nothing there

# Installed before the app's scripts: the recorder, and the scroll it drives.
RECORDER = r"""
(() => {
  const b = (window.__bench = {
    recording: false, frames: [], longTasks: [], fetches: [], samples: [], blank: [],
    scroll: null, lastSample: 0, longTaskSupported: true,
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) {
    b.longTaskSupported = false;
  }
  const gridHeight = () => document.querySelector('ul.grid')?.offsetHeight ?? 0;
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input.url ?? String(input), location.href);
    if (url.pathname !== '/api/v1/assets') return nativeFetch(input, init);
    const entry = {
      cursor: url.searchParams.has('cursor'), requested: performance.now(),
      answered: null, painted: null, status: null, height: gridHeight(), recording: b.recording,
    };
    b.fetches.push(entry);
    return nativeFetch(input, init).then((response) => {
      entry.answered = performance.now();
      entry.status = response.status;
      return response;
    });
  };

  // What the screen shows now: cards, and the tallest stretch where cards belong but none is.
  const sample = (now) => {
    const grid = document.querySelector('ul.grid');
    const more = document.querySelector('.library__more');
    const loading = more?.getAttribute('aria-busy') === 'true';
    const cards = grid ? grid.querySelectorAll(':scope > li.card') : [];
    let gap = 0;
    if (grid) {
      const box = grid.getBoundingClientRect();
      const top = Math.max(0, box.top);
      // Below the grid is blank too while the next page is on its way (scrolled past the loaded).
      const bottom = loading ? innerHeight : Math.min(innerHeight, box.bottom);
      const spans = [];
      for (const card of cards) {
        const r = card.getBoundingClientRect();
        if (r.bottom > top && r.top < bottom) spans.push([Math.max(top, r.top), Math.min(bottom, r.bottom)]);
      }
      spans.sort((x, y) => x[0] - y[0]);
      let reached = top;
      for (const [from, to] of spans) {
        gap = Math.max(gap, from - reached);
        reached = Math.max(reached, to);
      }
      gap = Math.max(gap, bottom - reached);
    }
    const memory = performance.memory;
    b.samples.push({
      t: now, cards: cards.length, nodes: document.getElementsByTagName('*').length,
      heap: memory ? memory.usedJSHeapSize : null, gap: Math.round(gap), loading,
      y: Math.round(scrollY),
    });
  };

  let last = null;
  const tick = (now) => {
    if (last !== null && b.recording) b.frames.push(now - last);
    const dt = last === null ? 0 : (now - last) / 1000;
    last = now;
    const s = b.scroll;
    if (s && b.recording) {
      // Down at `speed`; at the library's end (the bottom, nothing loading for a second) back
      // up to the top and down again, so a small library is scrolled as long as a large one.
      const max = document.documentElement.scrollHeight - innerHeight;
      const loading = document.querySelector('.library__more')?.getAttribute('aria-busy') === 'true';
      if (s.dir > 0 && s.y >= max - 1 && !loading) {
        s.bottomSince ??= now;
        if (now - s.bottomSince > 1000) {
          s.dir = -1;
          b.ends += 1;
        }
      } else s.bottomSince = null;
      if (s.dir < 0 && s.y <= 0) s.dir = 1;
      s.y = Math.max(0, Math.min(s.y + s.dir * s.speed * dt, max));
      window.scrollTo(0, s.y);
    }
    const height = gridHeight();
    for (const f of b.fetches) {
      if (f.answered !== null && f.painted === null && f.cursor && height > f.height + 100) f.painted = now;
    }
    if (b.recording && now - b.lastSample >= 100) {
      b.lastSample = now;
      sample(now);
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);

  b.start = (speed) => {
    b.frames = [];
    b.samples = [];
    b.scroll = { speed, y: scrollY, dir: 1, bottomSince: null };
    b.ends = 0;
    b.started = performance.now();
    b.recording = true;
  };
  b.stop = () => {
    b.recording = false;
    b.stopped = performance.now();
  };
  b.state = () => {
    const more = document.querySelector('.library__more');
    return {
      y: scrollY,
      atBottom: scrollY + innerHeight >= document.documentElement.scrollHeight - 2,
      loading: more?.getAttribute('aria-busy') === 'true',
      alert: document.querySelector('[role=alert]')?.textContent ?? null,
      pages: b.fetches.filter((f) => f.answered !== null).length,
      ends: b.ends,
      elapsed: b.recording ? performance.now() - b.started : 0,
    };
  };
})();
"""


def say(line: str) -> None:
    api_load.say(line)


def quantile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


# --- the library: rows by api_load's seed, thumbnails by hard links ---


def thumbnail_pictures(folder: Path, height: int) -> list[Path]:
    """PICTURES_PER_SIZE different 320-wide JPEGs of `height` (made once per size)."""
    from PIL import Image, ImageDraw, ImageFilter

    pictures = []
    for number in range(PICTURES_PER_SIZE):
        path = folder / f"picture-320x{height}-{number:02d}.jpg"
        if not path.exists():
            rng = random.Random(f"{height}-{number}")
            image = Image.new("RGB", (320, height), tuple(rng.randrange(40, 220) for _ in "rgb"))
            draw = ImageDraw.Draw(image)
            for _ in range(40):  # shapes and a blur: a photo's detail, a real JPEG's size
                x, y = rng.randrange(320), rng.randrange(height)
                r = rng.randrange(8, 80)
                colour = tuple(rng.randrange(256) for _ in "rgb")
                draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
            image = image.filter(ImageFilter.GaussianBlur(2))
            image.save(path, "JPEG", quality=82)
        pictures.append(path)
    return pictures


def link_thumbnails(thumbnail_dir: Path, first: int, last: int, seed: int, query: str) -> int:
    """A thumbnail file for each ready row in [first, last), under the name the row's metadata
    gives, as a hard link to a generated picture of its size. Returns how many were made."""
    thumbnail_dir.mkdir(parents=True, exist_ok=True)
    source = thumbnail_dir.parent / "pictures"
    source.mkdir(exist_ok=True)
    by_height: dict[int, list[Path]] = {}
    made = 0
    for index in range(first, last):
        metadata = api_load.asset_values(index, seed, query)["media_metadata"]
        url = metadata.get("thumbnail_url")
        if not url:
            continue
        height = int(metadata["thumbnail_height"])
        if height not in by_height:
            by_height[height] = thumbnail_pictures(source, height)
        name = url.rsplit("/", 1)[-1]
        digest = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
        target = thumbnail_dir / name
        if not target.exists():
            os.link(by_height[height][digest % PICTURES_PER_SIZE], target)
            made += 1
    return made


def ensure_frontend_built() -> None:
    """frontend/dist, built when missing or older than the UI's sources (as `make run` does)."""
    index = FRONTEND / "dist" / "index.html"
    newest = max(
        p.stat().st_mtime
        for name in ("src", "index.html", "package.json", "vite.config.ts")
        for p in (
            [FRONTEND / name] if (FRONTEND / name).is_file() else (FRONTEND / name).rglob("*")
        )
        if p.is_file()
    )
    if index.exists() and index.stat().st_mtime >= newest:
        return
    say("building the UI (npm run build)")
    subprocess.run(  # its output to stderr: stdout is the report
        ["npm", "run", "build", "--silent"], cwd=FRONTEND, check=True, stdout=sys.stderr
    )


# --- one scroll in the browser ---


def browser_cpu() -> dict[str, float]:
    """CPU seconds (user + system) each kind of this run's Chromium processes has used
    (renderer, gpu-process, ... and "browser"): unlike a frame's wall time, not inflated by
    other programs taking the cores."""
    import psutil

    used: dict[str, float] = {}
    for process in psutil.Process().children(recursive=True):
        try:
            if "chrom" not in process.name():
                continue
            kind = next(
                (a.split("=", 1)[1] for a in process.cmdline() if a.startswith("--type=")),
                "browser",
            )
            times = process.cpu_times()
            used[kind] = used.get(kind, 0.0) + times.user + times.system
        except psutil.Error:
            continue
    return used


def main_thread_tasks(trace: Path) -> dict[str, float]:
    """The page's main thread's tasks in a Chromium trace: how long they took (wall) and how
    much of that the thread ran (its CPU time; the rest it waited for a core). A long task
    with little CPU time is the machine's doing, not the page's."""
    text = trace.read_text()
    data = json.loads(text) if text.strip() else []
    events = data["traceEvents"] if isinstance(data, dict) else data
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }
    runs = [
        (e["dur"] / 1000, e.get("tdur", 0) / 1000)
        for e in events
        if e.get("ph") == "X" and e.get("name") == "RunTask" and (e["pid"], e["tid"]) in main
    ]
    long_wall = [(w, c) for w, c in runs if w > 50]
    return {
        "wall_ms": sum(w for w, _ in runs),
        "cpu_ms": sum(c for _, c in runs),
        "long": len(long_wall),
        "long_wall_ms": sum(w for w, _ in long_wall),
        "long_cpu_ms": sum(c for _, c in long_wall),
        "cpu_over_50": sum(1 for _, c in runs if c > 50),
        "cpu_over_100": sum(1 for _, c in runs if c > 100),
        "cpu_max": max((c for _, c in runs), default=0.0),
    }


def scroll_library(base_url: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import Response, sync_playwright

    thumbnails: dict[str, int] = {}

    def on_response(response: Response) -> None:
        if "/thumbnails/" in response.url:
            key = str(response.status)
            thumbnails[key] = thumbnails.get(key, 0) + 1

    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(base_url=base_url, viewport=VIEWPORT)  # type: ignore[arg-type]
            context.add_init_script(RECORDER)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("response", on_response)
            page.goto("/")
            page.locator("ul.grid > li.card").first.wait_for(timeout=60_000)
            page.wait_for_function(
                "document.querySelector('.library__head .muted') !== null", timeout=60_000
            )
            head = page.locator(".library__head .muted").inner_text()
            page.wait_for_timeout(1_500)  # the first thumbnails in, the socket open
            thumbnails.clear()
            retained_before = page.evaluate(RETAINED_HEAP)
            loaded_before = page.evaluate(
                "window.__bench.fetches.filter((f) => f.status === 200).length * 60"
            )
            cpu_before = browser_cpu()
            page.evaluate("(speed) => window.__bench.start(speed)", args.speed)
            started = time.monotonic()
            ended = False
            # The main thread's tasks traced over `--trace-seconds` in the middle of the scroll
            # (a trace of the whole minute would be gigabytes).
            trace = Path(tempfile.mkstemp(prefix="mam-ui-scroll-", suffix=".json")[1])
            trace_from = max(0.0, (args.seconds - args.trace_seconds) / 2)
            tracing = traced = False
            trace_started = trace_seconds = 0.0
            while time.monotonic() - started < args.seconds:
                page.wait_for_timeout(500)
                elapsed = time.monotonic() - started
                if not traced and not tracing and elapsed >= trace_from:
                    browser.start_tracing(
                        page=page,
                        path=str(trace),
                        categories=["disabled-by-default-devtools.timeline"],
                    )
                    tracing, trace_started = True, elapsed
                elif tracing and elapsed - trace_started >= args.trace_seconds:
                    browser.stop_tracing()
                    tracing, traced = False, True
                    trace_seconds = elapsed - trace_started
                state = page.evaluate("window.__bench.state()")
                if state["alert"] and f"alert: {state['alert']}" not in errors:
                    errors.append(f"alert: {state['alert']}")
                ended = state["ends"] > 0
            if tracing:
                browser.stop_tracing()
                trace_seconds = time.monotonic() - started - trace_started
            page.evaluate("window.__bench.stop()")
            wall = time.monotonic() - started
            tasks = main_thread_tasks(trace)
            tasks["seconds"] = trace_seconds
            trace.unlink()
            cpu_after = browser_cpu()
            cpu = {
                kind: (cpu_after[kind] - cpu_before.get(kind, 0.0)) / wall
                for kind in cpu_after
                if kind in cpu_before
            }
            retained_after = page.evaluate(RETAINED_HEAP)
            raw = page.evaluate(
                """() => {
                  const b = window.__bench;
                  return {
                    frames: b.frames, longTasks: b.longTasks, fetches: b.fetches,
                    samples: b.samples, started: b.started, stopped: b.stopped,
                    longTaskSupported: b.longTaskSupported,
                    cards: document.querySelectorAll('ul.grid > li.card').length,
                  };
                }"""
            )
            context.close()
        finally:
            browser.close()
    summary = summarise(raw, size, head, ended, thumbnails, errors, args)
    summary["cpu"] = cpu
    summary["retained_mb"] = (retained_before / 2**20, retained_after / 2**20)
    summary["loaded_before"] = loaded_before
    summary["tasks"] = tasks
    return summary


def summarise(
    raw: dict[str, Any],
    size: int,
    head: str,
    ended: bool,
    thumbnails: dict[str, int],
    errors: list[str],
    args: argparse.Namespace,
) -> dict[str, Any]:
    started, stopped = float(raw["started"]), float(raw["stopped"])
    seconds = (stopped - started) / 1000
    frames = [float(f) for f in raw["frames"]]
    tasks = [(float(s), float(d)) for s, d in raw["longTasks"] if started <= s <= stopped]
    pages = [
        f
        for f in raw["fetches"]
        if f["cursor"] and f["recording"] and f["answered"] is not None and f["status"] == 200
    ]
    answered = [f["answered"] - f["requested"] for f in pages]
    painted = [f["painted"] - f["requested"] for f in pages if f["painted"] is not None]
    samples = raw["samples"]
    blank_ms, longest, run = 0.0, 0.0, 0.0
    for before, now in itertools.pairwise(samples):
        if now["gap"] > BLANK_PX:
            step = now["t"] - before["t"]
            blank_ms += step
            run += step
            longest = max(longest, run)
        else:
            run = 0.0
    heaps = [s["heap"] for s in samples if s["heap"]]
    thirds: list[dict[str, float]] = []
    for part in range(3):
        low = started + (stopped - started) * part / 3
        high = started + (stopped - started) * (part + 1) / 3
        in_part = [d for s, d in tasks if low <= s < high]
        thirds.append(
            {
                "long_task_ms_per_s": sum(in_part) / ((high - low) / 1000),
                "long_task_max": max(in_part, default=0),
            }
        )
    loaded = 60 * (1 + len([f for f in raw["fetches"] if f["cursor"] and f["status"] == 200]))
    return {
        "size": size,
        "head": head,
        "seconds": seconds,
        "ended": ended,
        "scrolled_px": sum(abs(b["y"] - a["y"]) for a, b in itertools.pairwise(samples)),
        "pages": len(pages),
        "loaded": min(size, loaded),
        "frames": len(frames),
        "frame_p50": quantile(frames, 0.5),
        "frame_p99": quantile(frames, 0.99),
        "frame_max": max(frames, default=float("nan")),
        "frames_over_50": sum(1 for f in frames if f > 50),
        "long_tasks": len(tasks),
        "long_task_ms": sum(d for _, d in tasks),
        "long_task_max": max((d for _, d in tasks), default=0.0),
        "long_tasks_over_100": sum(1 for _, d in tasks if d > 100),
        "long_task_supported": raw["longTaskSupported"],
        "thirds": thirds,
        "answer_p50": quantile(answered, 0.5),
        "answer_p99": quantile(answered, 0.99),
        "painted_p50": quantile(painted, 0.5),
        "painted_p99": quantile(painted, 0.99),
        "painted_max": max(painted, default=float("nan")),
        "cards_max": max((s["cards"] for s in samples), default=0),
        "nodes_max": max((s["nodes"] for s in samples), default=0),
        "nodes_first": samples[0]["nodes"] if samples else 0,
        "heap_first_mb": heaps[0] / 2**20 if heaps else float("nan"),
        "heap_last_mb": heaps[-1] / 2**20 if heaps else float("nan"),
        "heap_max_mb": max(heaps) / 2**20 if heaps else float("nan"),
        "blank_ms": blank_ms,
        "blank_longest_ms": longest,
        "blank_share": blank_ms / (stopped - started) if stopped > started else float("nan"),
        "thumbnails": thumbnails,
        "errors": errors,
        "speed": args.speed,
    }


# --- the run ---


def retained_per_asset(run: dict[str, Any]) -> float:
    """kB of heap kept (after a full GC) per asset loaded while scrolling."""
    loaded: int = min(run["size"], run["loaded"]) - min(run["size"], run["loaded_before"])
    if loaded <= 0:
        return float("nan")
    return float(run["retained_mb"][1] - run["retained_mb"][0]) * 1024 / loaded


def short(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def report(runs: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    out = ["### The UI scrolling 100,000 assets (issue 10): `bench/ui_scroll.py`\n"]
    out.append(f"    {meta['command']}\n")
    out.append(
        f"{meta['date']}, commit {meta['commit']}, {meta['machine']}, {meta['cpus']} cores"
        f" (load {meta['load_start']} -> {meta['load_end']}); Chromium {meta['chromium']} headless"
        f" (software rendering), {VIEWPORT['width']}x{VIEWPORT['height']}; the system as"
        " `make run` starts it (SQLite, MAM_AUTH=off, thumbnails limited to"
        f" {meta.get('thumbnail_rate') or 'the default MAM_THUMBNAIL_RATE'} a client)."
        " The window scrolled at"
        f" {fmt(meta['speed'])} px/s for {fmt(meta['seconds'])} s (at the library's end, back up to the top and down again).\n"
    )
    rows = [
        ("library (the grid's head)", lambda r: r["head"]),
        (
            "scrolled",
            lambda r: (
                f"{fmt(r['seconds'], 1)} s, {fmt(r['scrolled_px'])} px"
                + (" (to the end and back)" if r["ended"] else "")
            ),
        ),
        ("pages read by cursor / assets loaded", lambda r: f"{r['pages']} / {fmt(r['loaded'])}"),
        (
            "frames / p50 / p99 / max frame gap",
            lambda r: (
                f"{fmt(r['frames'])} / {fmt(r['frame_p50'], 1)} / {fmt(r['frame_p99'], 1)} / {fmt(r['frame_max'])} ms"
            ),
        ),
        ("frames over 50 ms", lambda r: fmt(r["frames_over_50"])),
        (
            "Chromium's CPU, cores: renderer (the page's main thread and its helpers) / all",
            lambda r: f"{fmt(r['cpu'].get('renderer'), 2)} / {fmt(sum(r['cpu'].values()), 2)}",
        ),
        (
            "long tasks: count / total / longest",
            lambda r: (
                f"{r['long_tasks']} / {fmt(r['long_task_ms'])} ms / {fmt(r['long_task_max'])} ms"
            ),
        ),
        ("long tasks over 100 ms", lambda r: str(r["long_tasks_over_100"])),
        (
            "main thread, traced: seconds / busy / of which it ran (the rest: waiting for a core)",
            lambda r: (
                f"{fmt(r['tasks']['seconds'], 1)} s / {fmt(r['tasks']['wall_ms'])} ms"
                f" / {fmt(r['tasks']['cpu_ms'])} ms"
            ),
        ),
        (
            "traced tasks over 50 ms: count / wall / of which the thread ran",
            lambda r: (
                f"{r['tasks']['long']} / {fmt(r['tasks']['long_wall_ms'])} ms"
                f" / {fmt(r['tasks']['long_cpu_ms'])} ms"
            ),
        ),
        (
            "traced tasks that ran over 50 / over 100 ms of CPU; the most",
            lambda r: (
                f"{r['tasks']['cpu_over_50']} / {r['tasks']['cpu_over_100']};"
                f" {fmt(r['tasks']['cpu_max'])} ms"
            ),
        ),
        (
            "long-task ms per s, by third of the run",
            lambda r: " / ".join(fmt(t["long_task_ms_per_s"], 1) for t in r["thirds"]),
        ),
        (
            "page request -> answer p50 / p99",
            lambda r: f"{fmt(r['answer_p50'])} / {fmt(r['answer_p99'])} ms",
        ),
        (
            "page request -> its rows painted p50 / p99 / max",
            lambda r: (
                f"{fmt(r['painted_p50'])} / {fmt(r['painted_p99'])} / {fmt(r['painted_max'])} ms"
            ),
        ),
        (
            "most cards in the DOM / most elements",
            lambda r: (
                f"{r['cards_max']} / {fmt(r['nodes_max'])} (at the start {fmt(r['nodes_first'])})"
            ),
        ),
        (
            "JS heap while scrolling: start -> end (max)",
            lambda r: (
                f"{fmt(r['heap_first_mb'], 1)} -> {fmt(r['heap_last_mb'], 1)} MB ({fmt(r['heap_max_mb'], 1)})"
            ),
        ),
        (
            "JS heap kept after a full GC: before -> after; per asset loaded meanwhile",
            lambda r: (
                f"{fmt(r['retained_mb'][0], 1)} -> {fmt(r['retained_mb'][1], 1)} MB;"
                f" {fmt(retained_per_asset(r), 1)} kB"
            ),
        ),
        (
            f"blank screen (a stretch over {BLANK_PX} px without cards): total / longest",
            lambda r: (
                f"{fmt(r['blank_ms'])} ms ({r['blank_share']:.1%}) / {fmt(r['blank_longest_ms'])} ms"
            ),
        ),
        (
            "thumbnails fetched while scrolling, by status",
            lambda r: ", ".join(f"{k}: {v:,}" for k, v in sorted(r["thumbnails"].items())) or "-",
        ),
        ("page errors", lambda r: "; ".join(r["errors"])[:200] or "none"),
    ]
    out.append("| | " + " | ".join(short(r["size"]) for r in runs) + " |")
    out.append("|---|" + "---:|" * len(runs))
    for label, cell in rows:
        out.append(f"| {label} | " + " | ".join(cell(r) for r in runs) + " |")
    out.append("")
    if len(runs) > 1:
        base, big = runs[0], runs[-1]
        ratios = []
        for key, name in (
            ("frame_p99", "frame p99"),
            ("painted_p99", "request -> painted p99"),
            ("cards_max", "most cards in the DOM"),
            ("nodes_max", "most elements"),
        ):
            if base[key] and not math.isnan(float(base[key])):
                ratios.append(f"{name} {float(big[key]) / float(base[key]):.2f}x")
        out.append(f"{short(big['size'])} / {short(base['size'])}: " + ", ".join(ratios) + ".\n")
    return "\n".join(out)


def chromium_version() -> str:
    done = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, check=False)
    words = done.stdout.split()
    return words[1] if done.returncode == 0 and len(words) > 1 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--seconds", type=float, default=60.0, help="of scrolling per size (60)")
    parser.add_argument(
        "--trace-seconds", type=float, default=10.0, help="of tracing, mid-scroll (10)"
    )
    parser.add_argument("--speed", type=float, default=6000.0, help="px per second (6000)")
    parser.add_argument(
        "--thumbnail-rate",
        help="MAM_THUMBNAIL_RATE for the server (default: the server's own, as users get it)",
    )
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} not found (apt-get install chromium)")
    ensure_frontend_built()
    work = Path(tempfile.mkdtemp(prefix="mam-ui-scroll-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "MAM_DEBUG", "MAM_BIND", "MAM_ALLOWED_HOSTS", "PORT"}
    }
    env.update(
        {
            "MEDIA_PATH": str(work / "media"),
            "MAM_LOG_DIR": str(work / "logs"),
            "MAM_AUTH": "off",
            "MAM_REDIS_PREFIX": f"mamuiscroll{os.getpid()}",
            "MAM_RECONCILE_EVERY_SECONDS": "86400",  # the seeded pending rows are months old
            "MAM_STUCK_AFTER_SECONDS": str(10**8),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "mam.settings",
        }
    )
    if args.thumbnail_rate:
        env["MAM_THUMBNAIL_RATE"] = args.thumbnail_rate
    (work / "media").mkdir()
    bench_args = argparse.Namespace(launch="launcher", keep=args.keep)
    bench = api_load.Bench(bench_args, work, ROOT, env)
    commit = api_load.git("rev-parse", "--short", "HEAD")
    if api_load.git("status", "--porcelain", "--untracked-files=no", "--", "frontend/src"):
        commit += " (with uncommitted changes to frontend/src)"
    meta: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/ui_scroll.py", *sys.argv[1:]]),
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "chromium": chromium_version(),
        "load_start": f"{os.getloadavg()[0]:.1f}",
        "speed": args.speed,
        "seconds": args.seconds,
        "thumbnail_rate": args.thumbnail_rate,
    }
    runs: list[dict[str, Any]] = []
    try:
        bench.start_redis()
        db_env = bench.database_env("sqlite")
        thumbnail_dir = work / "sqlite" / "data" / "thumbnails"
        bench.python("manage.py", "migrate", "--no-input", "-v0", env=db_env)
        seeded_to = 0
        for size in sorted(args.sizes):
            if size > seeded_to:
                say(f"seeding {seeded_to:,} -> {size:,}")
                out = bench.python(
                    str(Path(api_load.__file__).resolve()),
                    *("--role", "seed", "--tree", str(ROOT)),
                    *("--start", str(seeded_to), "--end", str(size)),
                    *("--seed", str(args.seed), "--query", "lighthouse"),
                    env=db_env,
                )
                seeded = json.loads(out.strip().splitlines()[-1])
                linked = link_thumbnails(thumbnail_dir, seeded_to, size, args.seed, "lighthouse")
                say(f"seeded in {seeded['seconds']:.1f} s; {linked:,} thumbnails linked")
                seeded_to = size
            base_url = bench.start_server(db_env, os.cpu_count() or 1)
            say(f"{size:,}: scrolling at {args.speed:,.0f} px/s for up to {args.seconds:.0f} s")
            try:
                run = scroll_library(base_url, size, args)
            finally:
                bench.stop_server()
            say(
                f"{size:,}: {run['pages']} pages, frame p99 {run['frame_p99']:.1f} ms,"
                f" {run['long_tasks']} long tasks ({run['long_task_ms']:.0f} ms),"
                f" most cards {run['cards_max']}"
            )
            runs.append(run)
    finally:
        bench.cleanup()
    meta["load_end"] = f"{os.getloadavg()[0]:.1f}"
    if args.output:
        args.output.write_text(json.dumps({"meta": meta, "runs": runs}, indent=1))
    print(report(runs, meta))


if __name__ == "__main__":
    main()
