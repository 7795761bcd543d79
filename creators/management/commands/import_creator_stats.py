import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from creators.services import creator_stats_import, stats_csv_parse


class Command(BaseCommand):
    help = (
        "Import the creator-stats feed from a CSV (header handle,date,live_gmv_usd,followers; "
        "optional live_sessions,average_viewers,top_category). Unknown creators are created; "
        "a bad row rejects the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")

    def handle(self, *args, path, **options):
        started = time.monotonic()
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text") from exc
        try:
            rows = stats_csv_parse(text)
        except ValidationError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
            raise CommandError(
                f"Nothing imported from {path}; {len(errors)} errors:\n" + "\n".join(errors)
            ) from exc
        result = creator_stats_import(rows=rows)
        self.stdout.write(
            f"Imported {result.rows} rows: {result.rows_created} new, "
            f"{result.rows_updated} changed, {result.rows_unchanged} unchanged; "
            f"{result.creators_created} new creators in {time.monotonic() - started:.2f}s."
        )
