import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from creators.services import tiers_refresh


class Command(BaseCommand):
    help = "Recompute every creator's tier from LIVE GMV dated D-30 … D-1 (D = --as-of)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Refresh date D (YYYY-MM-DD); default today.")

    def handle(self, *args, as_of=None, **options):
        date = None
        if as_of:
            try:
                date = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of must be YYYY-MM-DD, not {as_of!r}") from exc
        run = tiers_refresh(as_of=date)
        self.stdout.write(
            f"Tier refresh as of {run.as_of}: {run.rows_changed} creators changed "
            f"in {run.duration_s:.2f}s."
        )
