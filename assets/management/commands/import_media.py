"""`manage.py import_media [PATH...]`: register every supported file below the given folders."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError

from assets.ingest.bulk_import import (
    ImportPathError,
    Outcome,
    count_files,
    import_media,
    resolve_import_root,
)
from assets.management.progress import Progress


class Command(BaseCommand):
    help = (
        "Registers every supported file below PATH (default: the whole media folder), "
        "skipping those already registered. Exit status 1 when a file was rejected, "
        "2 for a PATH outside the media folder."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="folders or files, relative to MEDIA_PATH or absolute inside it",
        )
        parser.add_argument(
            "--exclude",
            action="append",
            default=[],
            metavar="GLOB",
            help="skip files and folders whose name or relative path matches (repeatable)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be added; change nothing"
        )
        parser.add_argument(
            "--no-process",
            action="store_true",
            help="register without enqueueing processing (run `reprocess --all` later)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            roots = [resolve_import_root(raw) for raw in options["paths"] or ["."]]
        except ImportPathError as exc:
            raise CommandError(str(exc), returncode=2) from None
        excludes: list[str] = options["exclude"]
        dry_run: bool = options["dry_run"]
        # The wrapped streams: tqdm draws its bar with \r, which OutputWrapper would break.
        err, out = cast(IO[str], self.stderr._out), cast(IO[str], self.stdout._out)
        progress = Progress(
            total=count_files(roots, excludes), unit="files", stream=err, label="import"
        )

        def notify(outcome: Outcome, relative: str, reason: str | None) -> None:
            progress.advance()
            if outcome is Outcome.REJECTED:
                progress.note(f"rejected: {relative}: {reason}", out)

        try:
            report = import_media(
                roots,
                excludes=excludes,
                dry_run=dry_run,
                process=not options["no_process"],
                notify=notify,
            )
        finally:
            progress.close()
        self.stdout.write(("dry run: " if dry_run else "") + report.summary(dry_run=dry_run))
        rejected = report[Outcome.REJECTED]
        if rejected:
            raise CommandError(
                f"{rejected} supported file(s) rejected; see the list above", returncode=1
            )
