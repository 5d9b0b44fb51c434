"""Collection names join what search finds: each asset's `collection_names`, filled from the
memberships there are, and the full-text index made again for the new document."""

from django.db import migrations, models

from assets.library import index

# Frozen, as 0005's document: later changes to index.DOCUMENT do not change this migration.
DOCUMENT = index.Document(
    words=("title", "tag_names", "collection_names"),
    paths=("file_path",),
    metadata=("camera", "lens", "codec", "audio_codec"),
)
BEFORE = index.Document(
    words=("title", "tag_names"),
    paths=("file_path",),
    metadata=("camera", "lens", "codec", "audio_codec"),
)
BATCH = 1000


def fill_names(apps, schema_editor):
    Asset = apps.get_model("assets", "Asset")
    Membership = apps.get_model("assets", "CollectionMembership")
    names = {}
    rows = (
        Membership.objects.order_by("asset_id", "collection__name", "collection_id")
        .values_list("asset_id", "collection__name")
        .iterator(chunk_size=BATCH)
    )
    for asset_id, name in rows:
        names.setdefault(asset_id, []).append(name)
    pending = [Asset(pk=i, collection_names="\n".join(n)) for i, n in names.items()]
    for start in range(0, len(pending), BATCH):
        Asset.objects.bulk_update(pending[start : start + BATCH], ["collection_names"])


def rebuild(apps, schema_editor):
    index.rebuild(schema_editor.connection, DOCUMENT)


def rebuild_before(apps, schema_editor):
    index.rebuild(schema_editor.connection, BEFORE)


class Migration(migrations.Migration):

    dependencies = [
        ("assets", "0012_fill_media_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="asset",
            name="collection_names",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
        migrations.RunPython(rebuild, rebuild_before),
    ]
