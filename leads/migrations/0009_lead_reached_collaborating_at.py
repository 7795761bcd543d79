"""Lead.reached_collaborating_at, filled from each lead's history in two set-based updates."""

from django.db import migrations, models
from django.db.models import Exists, Min, OuterRef, Subquery


def fill_from_history(apps, schema_editor):
    Lead = apps.get_model("leads", "Lead")
    LeadEvent = apps.get_model("leads", "LeadEvent")
    moves = LeadEvent.objects.filter(
        lead=OuterRef("pk"), kind="status_changed", to_status="collaborating"
    )
    first_move = moves.order_by().values("lead").annotate(first=Min("created_at")).values("first")
    Lead.objects.filter(Exists(moves)).update(reached_collaborating_at=Subquery(first_move))
    # Collaborating with no recorded move (set before history was kept): since its last change.
    Lead.objects.filter(status="collaborating", reached_collaborating_at__isnull=True).update(
        reached_collaborating_at=models.F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0008_event_collaborated_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="lead",
            name="reached_collaborating_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_from_history, migrations.RunPython.noop, elidable=True),
    ]
