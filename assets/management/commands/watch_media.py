"""`manage.py watch_media`: register, reprocess or mark missing what changes under MEDIA_PATH,
until stopped (assets.ingest.watch). One is active per installation; others stand by.
SIGTERM or Ctrl-C stops it after the step under way."""

from __future__ import annotations

import signal
import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assets.ingest.watch import Watcher
from mam.config import Config
from mam.system_log import log_startup


class Command(BaseCommand):
    help = (
        "Watches MEDIA_PATH: new files are registered once their size stays the same for "
        "MAM_WATCH_SETTLE_SECONDS, rewritten ones processed again, vanished ones marked "
        "missing; the whole tree is rescanned every MAM_WATCH_RESCAN_SECONDS. Only one "
        "watcher per installation is active (a lock in Redis); a second one stands by. "
        "Idles when MAM_WATCH=off."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="rescan once, act on what settled, and exit (for cron on a network mount)",
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=None,
            metavar="SECONDS",
            help=f"size-stability wait (default MAM_WATCH_SETTLE_SECONDS, "
            f"{Config.WATCH_SETTLE_SECONDS})",
        )
        parser.add_argument(
            "--rescan-every",
            type=float,
            default=None,
            metavar="SECONDS",
            help=f"default MAM_WATCH_RESCAN_SECONDS, {Config.WATCH_RESCAN_SECONDS}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def request_stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self._handle(options, lambda: stopping)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _handle(self, options: dict[str, Any], should_stop: Callable[[], bool]) -> None:
        if Config.WATCH is False:
            # Idle rather than exit: a supervisor (docker-compose's restart policy, systemd's
            # Restart=always) would only start it again, and again.
            self.stdout.write("MAM_WATCH=off: not watching (idle until stopped)")
            self.stdout.flush()
            while not should_stop():
                time.sleep(0.2)
            return
        settle = options["settle"]
        rescan_every = options["rescan_every"]
        for name, value in (("--settle", settle), ("--rescan-every", rescan_every)):
            if value is not None and value < 0:
                raise CommandError(f"{name} must be 0 or more")
        watcher = Watcher(
            settle=Config.WATCH_SETTLE_SECONDS if settle is None else settle,
            rescan_every=Config.WATCH_RESCAN_SECONDS if rescan_every is None else rescan_every,
        )
        if options["once"]:
            self._once(watcher)
            return
        log_startup("watcher")
        self.stdout.write(
            f"watching {watcher.root} (settle {watcher.settle:g} s, rescan every "
            f"{watcher.rescan_every:g} s); Ctrl-C stops"
        )
        self.stdout.flush()
        watcher.run(should_stop)
        self.stdout.write("watcher stopped")

    def _once(self, watcher: Watcher) -> None:
        """A rescan, then steps while files settle; what is still being written when nothing
        has settled for a while is left for the next run."""
        watcher.rescan()
        watcher.next_rescan = float("inf")  # this one pass only
        patience = 2 * watcher.settle + 1
        deadline = time.monotonic() + patience
        total = {"registered": 0, "changed": 0, "moved": 0, "missing": 0, "found": 0}
        while watcher.pending and time.monotonic() < deadline:
            report = watcher.step()
            for key in total:
                total[key] += getattr(report, key)
            if report:
                deadline = time.monotonic() + patience
            else:
                time.sleep(0.1)
        left = f"; {len(watcher.pending)} still changing" if watcher.pending else ""
        self.stdout.write(", ".join(f"{key} {value}" for key, value in total.items()) + left)
