from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_jobrun_abandoned_and_skipped"),
    ]

    operations = [
        migrations.AlterField(
            model_name="jobrun",
            name="job",
            field=models.CharField(
                choices=[
                    ("refresh_tiers", "Tier refresh"),
                    ("refresh_followers", "Follower refresh"),
                    ("expire_authorizations", "Authorization expiry"),
                    ("import_creator_stats", "Creator-stats import"),
                    ("remind_expiring_authorizations", "Expiring-authorization reminders"),
                    ("send_expiry_digest", "Expiry digest email"),
                    ("escalate_unanswered_requests", "Unanswered-request escalation"),
                    ("remind_due_tasks", "Due-task reminders"),
                ],
                max_length=32,
            ),
        ),
    ]
