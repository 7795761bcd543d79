"""Creator handles are unique whatever their case, as the feed import compares them.

Before adding the constraint, the migration looks for handles that differ only in case and
stops with the list if there are any (an admin merges or renames those creators first); the
demo data and the feed import never made such pairs.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_case_duplicates(apps, schema_editor):
    Creator = apps.get_model("creators", "Creator")
    clashes = list(
        Creator.objects.annotate(key=Lower("handle"))
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("key", flat=True)[:20]
    )
    if clashes:
        raise RuntimeError(
            "Creator handles that differ only in case must be merged or renamed before this "
            f"migration: {', '.join(clashes)}"
        )


class Migration(migrations.Migration):
    dependencies = [("creators", "0007_partner_collaborating_creators")]

    operations = [
        migrations.RunPython(refuse_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="creator",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("handle"), name="creator_handle_unique_ci"
            ),
        ),
    ]
