"""captured_at: when each asset was taken, from its metadata or else its file's mtime; the
list orders and filters by it (assets.library.dates)."""

from datetime import UTC, datetime

import django.utils.timezone
from django.db import migrations, models

BATCH = 1000


def _captured(metadata, mtime_ns):
    raw = (metadata or {}).get("captured_at")
    if isinstance(raw, str):
        try:
            taken = datetime.fromisoformat(raw)
        except ValueError:
            taken = None
        if taken is not None and 1826 <= taken.year <= 2200:
            return taken if taken.tzinfo else taken.replace(tzinfo=UTC)
    return datetime.fromtimestamp((mtime_ns or 0) / 1e9, tz=UTC)


def fill(apps, schema_editor):
    Asset = apps.get_model("assets", "Asset")
    last = 0
    while True:
        batch = list(
            Asset.objects.filter(id__gt=last)
            .order_by("id")
            .only("id", "media_metadata", "file_mtime_ns")[:BATCH]
        )
        if not batch:
            return
        for asset in batch:
            asset.captured_at = _captured(asset.media_metadata, asset.file_mtime_ns)
        Asset.objects.bulk_update(batch, ["captured_at"])
        last = batch[-1].id


class Migration(migrations.Migration):

    dependencies = [
        ("assets", "0007_collections"),
    ]

    operations = [
        migrations.AddField(
            model_name="asset",
            name="captured_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="asset",
            name="captured_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="asset",
            index=models.Index(fields=["-captured_at", "-id"], name="asset_captured_idx"),
        ),
    ]
