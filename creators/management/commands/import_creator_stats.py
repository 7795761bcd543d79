from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from creators.services import creator_stats_import, stats_csv_parse


class Command(BaseCommand):
    help = (
        "Import the creator-stats feed from a CSV (handle,date,live_gmv_usd,followers). "
        "A bad row rejects the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
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
            messages = [m for ms in exc.message_dict.values() for m in ms]
            raise CommandError("Nothing imported; fix these rows:\n" + "\n".join(messages)) from exc
        result = creator_stats_import(rows=rows)
        self.stdout.write(
            f"Imported {result.rows} rows: {result.rows_created} new, "
            f"{result.rows_updated} changed, {result.rows_unchanged} unchanged; "
            f"{result.creators_created} new creators."
        )
