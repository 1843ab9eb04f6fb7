"""``paperfeed backup DEST``: a consistent snapshot of the data directory while the site runs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from paperfeed.core.backup import BackupError, backup

PG_DUMP = 'pg_dump --format=custom --file=paperfeed.dump "$DATABASE_URL"'


class Command(BaseCommand):
    help = "Back up the database and secret key into a new directory, while the site runs."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", help="A directory to create (or an empty one).")

    def handle(self, *args, destination: str, **options) -> None:
        database = settings.DATABASES["default"]
        if not database["ENGINE"].endswith("sqlite3"):
            raise CommandError(
                "The database is PostgreSQL: back it up with PostgreSQL's own tools, e.g.\n"
                f"    {PG_DUMP}\n"
                "and keep PAPERFEED_SECRET_KEY (or the data directory's secret_key file) with it"
                " (README, Backups)."
            )
        try:
            written = backup(Path(database["NAME"]), Path(settings.DATA_DIR), Path(destination).resolve())
        except BackupError as error:
            raise CommandError(str(error)) from None
        key = "and the secret key" if written.with_secret_key else "(the secret key is PAPERFEED_SECRET_KEY)"
        self.stdout.write(
            f"Backed up the database ({written.size / 1e6:,.1f} MB) {key} to {written.path}. The search"
            " index is left out: `paperfeed index rebuild` makes it again after a restore."
        )
