from core.commands import JobCommand
from leads.services import expiry_digest_send


class Command(JobCommand):
    help = (
        "Email each staff user, once per day, the data authorizations in their Leads Pool that "
        "expire within the next 48 hours. Running it twice the same day sends nothing twice."
    )

    def handle(self, *args, **options):
        run = expiry_digest_send()
        self.stdout.write(
            f"Expiry digest: {run.rows_changed} email{'s' if run.rows_changed != 1 else ''} "
            f"queued in {run.duration_s:.2f}s (job run {run.pk})."
        )
