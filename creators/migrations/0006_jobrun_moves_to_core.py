from django.db import migrations


class Migration(migrations.Migration):
    """JobRun moved to the ground layer (`core`); its table stays as it is."""

    dependencies = [("creators", "0005_stats_imported_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="JobRun")],
            database_operations=[],
        )
    ]
