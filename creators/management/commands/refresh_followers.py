from core.commands import JobCommand
from creators.services import followers_refresh


class Command(JobCommand):
    help = (
        "Copy each creator's newest follower figure from the creator-stats feed (daily job). "
        "Reads the feed rows imported since the last run; --full rereads the whole feed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="Reread every creator's feed, not only rows imported since the last run.",
        )

    def handle(self, *args, **options):
        run = followers_refresh(full=options["full"])
        self.stdout.write(
            f"Follower refresh (job run #{run.pk}): {run.rows_changed} creators changed "
            f"in {run.duration_s:.2f}s."
        )
