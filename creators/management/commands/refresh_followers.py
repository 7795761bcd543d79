from django.core.management.base import BaseCommand

from creators.services import followers_refresh


class Command(BaseCommand):
    help = "Copy each creator's newest follower figure from the creator-stats feed (daily job)."

    def handle(self, *args, **options):
        run = followers_refresh()
        self.stdout.write(
            f"Follower refresh (job run #{run.pk}): {run.rows_changed} creators changed "
            f"in {run.duration_s:.2f}s."
        )
