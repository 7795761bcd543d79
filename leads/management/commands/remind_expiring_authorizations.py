from core.commands import JobCommand
from leads.services import expiring_authorizations_remind


class Command(JobCommand):
    help = (
        "Notify sellers once per collaboration request when 24 hours or less of its data "
        "authorization remain: the lead's owner, or every staff user when it has none. "
        "Running it twice is harmless."
    )

    def handle(self, *args, **options):
        run = expiring_authorizations_remind()
        self.stdout.write(
            f"Expiring-authorization reminders: {run.rows_changed} request"
            f"{'s' if run.rows_changed != 1 else ''} due ({run.detail or '0 notifications'}) "
            f"in {run.duration_s:.2f}s (job run {run.pk})."
        )
