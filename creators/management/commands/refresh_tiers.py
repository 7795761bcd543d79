import datetime as dt

from django.core.management.base import CommandError

from core.commands import JobCommand
from creators.services import tiers_refresh


class Command(JobCommand):
    help = "Recompute every creator's tier from LIVE GMV dated D-30 … D-1 (D = --as-of)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", help="Refresh date D (YYYY-MM-DD); default today in the business time zone."
        )

    def handle(self, *args, as_of=None, **options):
        date = None
        if as_of is not None:
            try:
                if len(as_of) != 10:  # fromisoformat also takes 20261202 and week dates
                    raise ValueError(as_of)
                date = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of must be YYYY-MM-DD, not {as_of!r}") from exc
        run = tiers_refresh(as_of=date)
        self.stdout.write(
            f"Tier refresh as of {run.as_of} (job run #{run.pk}): "
            f"{run.rows_changed} creators changed in {run.duration_s:.2f}s."
        )
