"""Audio waveform benchmark: the waveform command MAM runs (processing.waveform) on a long
recording, against the same showwavespic without the mono 8 kHz resampling and without the
large frames, and against a bare decode of the file; wall time and peak memory of each ffmpeg
run, alternating so the machine's load falls on all alike.

Run: .venv/bin/python bench/waveform.py [--minutes 60] [--rounds 3]
Prints a Markdown section for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")

from assets.jobs.processing.waveform import WAVEFORM_SIZE, waveform_command
from mam.config import Config


def _run(args: list[str]) -> tuple[float, float, bytes]:
    """(seconds, peak resident MB, stdout) of one ffmpeg run."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.monotonic() - started
        if process.returncode != 0:
            raise SystemExit(
                f"{args[0]} failed: {process.stderr.read().decode() if process.stderr else ''}"
            )
        out.seek(0)
        data = out.read()
    return elapsed, usage.ru_maxrss / 1024, data


def _variant(command: list[str], graph: str) -> list[str]:
    """MAM's command with another filter graph."""
    at = command.index("-filter_complex") + 1
    return [*command[:at], graph, *command[at + 1 :]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        song = Path(tmp) / "long.mp3"
        subprocess.run(
            [
                Config.FFMPEG_BINARY, "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                f"sine=frequency=440:duration={options.minutes * 60}", "-ac", "2",
                "-c:a", "libmp3lame", "-b:a", "128k", str(song),
            ],
            check=True,
        )  # fmt: skip
        mam = waveform_command(song, "mp3", Config.FFMPEG_BINARY)
        width, height = WAVEFORM_SIZE
        draw = f"showwavespic=s={width}x{height}:colors=0x2563eb:draw=full:filter=peak[wave]"
        commands = {
            "MAM (mono 8 kHz, 2-tap resampler, 65,536-sample frames)": mam,
            "mono 8 kHz, the default 32-tap resampler": _variant(
                mam,
                "[0:a:0]aformat=channel_layouts=mono,aresample=8000,"
                f"asetnsamples=n=65536:p=0,{draw}",
            ),
            "mono 8 kHz, the decoder's frames": _variant(
                mam,
                "[0:a:0]aformat=channel_layouts=mono,aresample=8000:filter_size=2:phase_shift=0,"
                f"{draw}",
            ),
            "as decoded (44.1 kHz stereo)": _variant(mam, f"[0:a:0]{draw}"),
            "bare decode, no picture": [
                Config.FFMPEG_BINARY, "-hide_banner", "-loglevel", "error", "-nostdin",
                "-threads", "1", "-f", "mp3", "-i", str(song), "-f", "null", "-",
            ],
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in commands}
        memory: dict[str, float] = {}
        pictures: dict[str, bytes] = {}
        for _ in range(options.rounds):
            for name, args in commands.items():
                seconds, peak, data = _run(args)
                times[name].append(seconds)
                memory[name] = max(memory.get(name, 0.0), peak)
                pictures[name] = data
    baseline = statistics.median(times["bare decode, no picture"])
    same = {name: pictures[name] == pictures[next(iter(commands))] for name in list(commands)[:4]}
    print(
        f"### Audio waveforms ({options.minutes:g} min 128 kbit/s stereo MP3, {options.rounds} rounds)"
    )
    print()
    print("| command | median s | ratio to bare decode | peak MB | same picture as MAM's |")
    print("|---|---|---|---|---|")
    for name in commands:
        median = statistics.median(times[name])
        picture = ("yes" if same[name] else "no") if name in same else "-"
        print(
            f"| {name} | {median:.2f} | {median / baseline:.2f}x | {memory[name]:.0f} | {picture} |"
        )


if __name__ == "__main__":
    main()
