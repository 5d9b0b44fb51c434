"""Progress for long commands: a tqdm bar (rate, ETA) on a terminal, plain lines otherwise."""

from __future__ import annotations

import time
from typing import IO, Any

from tqdm import tqdm

PLAIN_EVERY_SECONDS = 5.0


class Progress:
    """Counts work done; on a TTY draws a bar, else prints a line every few seconds."""

    def __init__(self, *, total: int | None, unit: str, stream: IO[str], label: str) -> None:
        self.total, self.unit, self.stream, self.label = total, unit, stream, label
        self.done = 0
        self.started = self._last_line = time.monotonic()
        isatty = getattr(stream, "isatty", None)
        self.bar: Any = (
            tqdm(total=total, unit=f" {unit}", desc=label, file=stream, dynamic_ncols=True)
            if isatty is not None and isatty()
            else None
        )

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self._last_line >= PLAIN_EVERY_SECONDS:
            self._last_line = now
            self.stream.write(self._line(now) + "\n")
            self.stream.flush()

    def note(self, message: str, stream: IO[str]) -> None:
        """A line of its own on `stream`, printed without breaking the bar."""
        if self.bar is not None:
            self.bar.write(message, file=stream)
        else:
            stream.write(message + "\n")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total:
            left = max(self.total - self.done, 0)
            eta = f", ETA {left / rate:.0f}s" if rate > 0 else ""
            pct = 100 * self.done / self.total
            return (
                f"{self.label}: {self.done}/{self.total} {self.unit} ({pct:.0f}%), "
                f"{rate:.0f} {self.unit}/s{eta}"
            )
        return f"{self.label}: {self.done} {self.unit}, {rate:.0f} {self.unit}/s"
