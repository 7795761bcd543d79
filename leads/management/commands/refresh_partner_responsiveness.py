from core.commands import JobCommand
from leads.services.responsiveness import partner_responsiveness_refresh


class Command(JobCommand):
    help = (
        "Recompute every partner's responsiveness over the last 90 days of collaboration "
        "requests: the share answered and the median hours to a first response (null under "
        "10 requests). One set-based statement; running it twice is harmless."
    )

    def handle(self, *args, **options):
        run = partner_responsiveness_refresh()
        self.stdout.write(
            f"Partner responsiveness: {run.rows_changed} partner"
            f"{'s' if run.rows_changed != 1 else ''} changed in {run.duration_s:.2f}s "
            f"(job run {run.pk})."
        )
