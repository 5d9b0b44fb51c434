"""`manage.py reprocess [--failed | --all | --missing-renditions | ID...]`: run metadata and
thumbnails again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet

from accounts import audit
from accounts.models import AuditAction
from assets import selectors, services
from assets.jobs.renditions import lacks_renditions
from assets.management.progress import Progress
from assets.models import Asset, AssetStatus

BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "Re-runs processing for the failed assets (--failed), every asset (--all), the ready "
        "assets lacking a rendition this version makes (--missing-renditions), or IDs."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--failed", action="store_true", help="every asset in `failed`")
        parser.add_argument("--all", action="store_true", help="every asset")
        parser.add_argument(
            "--missing-renditions",
            action="store_true",
            help="ready assets with a failed, outdated or lost rendition, or processed before "
            "this version made blurhashes and perceptual hashes",
        )
        parser.add_argument("ids", nargs="*", type=int, metavar="ID", help="asset ids")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = options["ids"] or []
        chosen = [options["failed"], options["all"], options["missing_renditions"], bool(ids)]
        if sum(map(bool, chosen)) != 1:
            raise CommandError(
                "give exactly one of --failed, --all, --missing-renditions or asset IDs",
                returncode=2,
            )
        lacking = bool(options["missing_renditions"])
        if options["failed"]:
            assets: QuerySet[Asset] = selectors.failed_assets()
        elif options["all"]:
            assets = selectors.all_assets_by_id()
        elif lacking:
            assets = selectors.all_assets_by_id().filter(status=AssetStatus.READY)
        else:
            assets = selectors.all_assets_by_id().filter(pk__in=ids)
        progress = Progress(
            total=assets.count(),
            unit="assets",
            stream=cast(IO[str], self.stderr._out),
            label="reprocess",
        )
        queued, found = 0, set[int]()
        try:
            # Batches, so a huge library is never held in memory at once (the found ids are
            # kept, but only when IDs were given on the command line).
            batch: list[Asset] = []
            for asset in assets.iterator(chunk_size=BATCH_SIZE):
                if lacking and lacks_renditions(asset) is None:
                    progress.advance()
                    continue
                batch.append(asset)
                if len(batch) >= BATCH_SIZE:
                    queued += self._reprocess(batch, progress, found if ids else None)
                    batch = []
            queued += self._reprocess(batch, progress, found if ids else None)
        finally:
            progress.close()
        missing = sorted(set(ids) - found) if ids else []
        for asset_id in missing:
            self.stdout.write(f"not found: asset {asset_id}")
        self.stdout.write(f"reprocess: queued {queued}, not found {len(missing)}")
        if missing:
            raise CommandError(f"{len(missing)} asset id(s) not found", returncode=1)

    @staticmethod
    def _reprocess(batch: list[Asset], progress: Progress, found: set[int] | None) -> int:
        if not batch:
            return 0
        done = services.reprocess_assets(batch)
        audit.record_many(
            "reprocess",
            AuditAction.REPROCESS,
            [a.pk for a in done],
            actor_name=audit.operator_name(),
        )
        if found is not None:
            found.update(a.pk for a in done)
        progress.advance(len(done))
        return len(done)
