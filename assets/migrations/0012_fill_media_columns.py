"""The media columns (0010) filled for the assets processed before the worker wrote them,
and the indexes the list's filters on them read (assets.api.filters).

The rules are a frozen copy of assets.library.media_columns as it was: a migration must
keep doing what it did when that module changes. Rows are read by id in batches and written
a batch at a time, never one save per row (a library may hold 100,000 assets).
"""

import math

import django.db.models.functions.text
from django.db import migrations, models

BATCH = 1000
MAX_PIXELS_EDGE = 2_147_483_647
COLUMNS = ("width", "height", "duration", "has_audio", "camera")


def _edge(value):
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_PIXELS_EDGE else None


def _seconds(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def columns_of(metadata):
    """What assets.library.media_columns.media_columns gave when this was written."""
    if not isinstance(metadata, dict):
        metadata = {}
    width, height = _edge(metadata.get("width")), _edge(metadata.get("height"))
    has_audio = metadata.get("has_audio")
    camera = metadata.get("camera")
    return {
        "width": width,
        "height": height,
        "duration": _seconds(metadata.get("duration")),
        "has_audio": has_audio if isinstance(has_audio, bool) else None,
        "camera": camera.strip()[:120] if isinstance(camera, str) else "",
    }


def fill(apps, schema_editor):
    """BATCH rows read by id, their columns written by one executemany of an UPDATE by primary
    key (bulk_update's CASE per column costs SQLite minutes at 100,000 rows)."""
    Asset = apps.get_model("assets", "Asset")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(name)} = %s" for name in COLUMNS)
    update = f"UPDATE {quote(Asset._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"
    rows = Asset.objects.using(connection.alias).order_by("id")
    last = 0
    while batch := list(rows.filter(id__gt=last).values_list("id", "media_metadata")[:BATCH]):
        last = batch[-1][0]
        changed = []
        for pk, metadata in batch:
            columns = columns_of(metadata)
            if any(columns[name] not in (None, "") for name in COLUMNS):
                changed.append([*(columns[name] for name in COLUMNS), pk])
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany(update, changed)


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0011_perceptual_hash'),
    ]

    operations = [
        # Before the indexes: built once over the filled columns, not kept up row by row.
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='asset',
            name='duration',
            field=models.FloatField(blank=True, help_text='seconds (a video or an animation)', null=True),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(django.db.models.functions.text.Lower('camera'), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='asset_camera_idx'),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['camera'], name='asset_camera_name_idx'),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['has_audio', '-created_at', '-id'], name='asset_audio_idx'),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['width', 'height', 'id'], name='asset_width_idx'),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['height', 'id'], name='asset_height_idx'),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['duration', 'id'], name='asset_duration_idx'),
        ),
    ]
