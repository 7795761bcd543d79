from core.commands import JobCommand
from leads.services.expiry import licensed_data_purge_run


class Command(JobCommand):
    help = (
        "Erase the licensed data of every authorization that has ended (requests and leads). "
        "expire_authorizations does this on every run too; running it twice is harmless."
    )

    def handle(self, *args, **options):
        run = licensed_data_purge_run()
        self.stdout.write(
            f"Licensed data erased from {run.rows_changed} request"
            f"{'s' if run.rows_changed != 1 else ''} in {run.duration_s:.2f}s (job run {run.pk})."
        )
