from decimal import Decimal

from django.db import migrations

# Only Silver's $1,000 comes from the source; the rest are editable defaults.
DEFAULTS = {
    1: Decimal("100.00"),
    2: Decimal("1000.00"),
    3: Decimal("5000.00"),
    4: Decimal("10000.00"),
    5: Decimal("25000.00"),
    6: Decimal("50000.00"),
    7: Decimal("100000.00"),
    8: Decimal("250000.00"),
}


def add_defaults(apps, schema_editor):
    TierThreshold = apps.get_model("creators", "TierThreshold")
    for tier, minimum in DEFAULTS.items():
        TierThreshold.objects.get_or_create(tier=tier, defaults={"min_live_gmv_usd": minimum})


class Migration(migrations.Migration):
    dependencies = [("creators", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
