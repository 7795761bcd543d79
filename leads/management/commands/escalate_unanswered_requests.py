from core.commands import JobCommand
from leads.services.escalation import unanswered_requests_escalate


class Command(JobCommand):
    help = (
        "Notify sellers once when an unanswered collaboration request enters the last 25% of "
        "its response window, and once when its deadline passes: the lead's owner, or every "
        "staff user when it has none. Running it twice is harmless."
    )

    def handle(self, *args, **options):
        run = unanswered_requests_escalate()
        self.stdout.write(
            f"Unanswered-request escalation: {run.rows_changed} request notice"
            f"{'s' if run.rows_changed != 1 else ''} ({run.detail or '0 notifications'}) "
            f"in {run.duration_s:.2f}s (job run {run.pk})."
        )
