from core.commands import JobCommand
from leads.services import authorizations_expire


class Command(JobCommand):
    help = (
        "Mark data authorizations past their expiry (AUTHORIZATION_DAYS after the request), "
        "notify each seller and creator once, and erase the licensed data of every ended "
        "authorization; running this twice is harmless."
    )

    def handle(self, *args, **options):
        run = authorizations_expire()
        self.stdout.write(
            f"Authorization expiry: {run.rows_changed} lead{'s' if run.rows_changed != 1 else ''} "
            f"marked expired in {run.duration_s:.2f}s (job run {run.pk})."
        )
