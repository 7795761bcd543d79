from django.core.management.base import BaseCommand

from leads.services import authorizations_expire


class Command(BaseCommand):
    help = "Mark data authorizations past their 7 days and notify each seller once."

    def handle(self, *args, **options):
        run = authorizations_expire()
        self.stdout.write(
            f"Authorization expiry: {run.rows_changed} leads marked expired "
            f"in {run.duration_s:.2f}s."
        )
