"""Full-text search (assets.library.index): SQLite's FTS5 table and its triggers, or
PostgreSQL's generated tsvector column and its GIN index; the model only reads SQLite's."""

import django.db.models.deletion
from django.db import migrations, models

import assets.models
from assets.library import index


# What the index held when this migration was written (frozen: a later migration that
# changes it calls index.rebuild with its own).
DOCUMENT = index.Document(
    words=("title",), paths=("file_path",), metadata=("camera", "lens", "codec", "audio_codec")
)


def install(apps, schema_editor):
    index.install(schema_editor.connection, DOCUMENT)


def remove(apps, schema_editor):
    index.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0003_list_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='AssetSearchEntry',
            fields=[
                ('asset', models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_entry', serialize=False, to='assets.asset')),
                ('document', assets.models.SearchDocumentField()),
                ('rank', models.FloatField()),
            ],
            options={
                'db_table': 'assets_search',
                'managed': False,
            },
        ),
        migrations.RunPython(install, remove),
    ]
