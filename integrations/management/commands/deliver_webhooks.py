from core.commands import JobCommand
from integrations.services import webhooks_deliver


class Command(JobCommand):
    help = (
        "Fan committed outbox events out to the partners' webhook endpoints and send every "
        "delivery that is due (in order per endpoint, retried with backoff). With --seconds, "
        "keep polling for new events that long. Running it twice is harmless."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seconds",
            type=float,
            default=0,
            help="Keep polling for new events this long (default: stop when nothing is due).",
        )

    def handle(self, *args, **options):
        run = webhooks_deliver(seconds=options["seconds"])
        sent = run.sent
        self.stdout.write(
            f"Webhooks: {run.events} event{'s' if run.events != 1 else ''} dispatched, "
            f"{sent.attempted} attempt{'s' if sent.attempted != 1 else ''} "
            f"({sent.succeeded} delivered, {sent.failed} failed), "
            f"{sent.disabled} endpoint{'s' if sent.disabled != 1 else ''} disabled."
        )
