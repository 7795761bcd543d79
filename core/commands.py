"""Management commands that run one job."""

from django.core.management.base import BaseCommand, CommandError

from .jobs import JobAlreadyRunning


class JobCommand(BaseCommand):
    """A command that runs a job: a run already in progress is a one-line error (exit 1), not a
    traceback. The skipped run is recorded like a worker's (core.jobs)."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except JobAlreadyRunning as exc:
            raise CommandError(f"{exc} Nothing was done; the running one does the work.") from None
