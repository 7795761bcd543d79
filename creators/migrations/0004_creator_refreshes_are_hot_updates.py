"""Let the tier and follower refreshes rewrite creators without touching an index.

The two indexes on refreshed columns go (nothing queries creators by tier or followers; the
Leads Pool filters the copies on each lead), and on PostgreSQL the table keeps half of each page
free so that a refresh's new row versions fit beside the old ones (heap-only tuple updates).
An existing table gets the free space when it is next rewritten: run `VACUUM FULL
creators_creator` (or pg_repack) once after this migration; see docs/operations.md.
"""

from django.db import migrations

FILLFACTOR = 50


def _alter_creator_table(apps, schema_editor, storage: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("creators", "Creator")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} {storage}")


def set_fillfactor(apps, schema_editor):
    _alter_creator_table(apps, schema_editor, f"SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    _alter_creator_table(apps, schema_editor, "RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("creators", "0003_creator_search_trigram")]

    operations = [
        migrations.RemoveIndex(model_name="creator", name="creator_tier_idx"),
        migrations.RemoveIndex(model_name="creator", name="creator_followers_idx"),
        migrations.RunPython(set_fillfactor, reset_fillfactor),
    ]
