"""Trigram indexes so a search by name or handle ("contains") uses an index on PostgreSQL.

Django's `icontains` compares UPPER(column) LIKE UPPER(%term%), so the indexes are on
UPPER(...). SQLite has no pg_trgm; there the migration does nothing.
"""

from django.db import migrations

INDEXES = {
    "creator_handle_trgm": "handle",
    "creator_display_name_trgm": "display_name",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON creators_creator "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("creators", "0002_default_tier_thresholds")]

    operations = [migrations.RunPython(forwards, backwards)]
