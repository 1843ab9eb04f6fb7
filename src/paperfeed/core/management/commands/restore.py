"""``paperfeed restore SRC``: bring back a backup made by ``paperfeed backup``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from paperfeed.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `paperfeed backup` into the data directory (checks it first)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="The directory `paperfeed backup` wrote.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a data directory that already holds a site (its database is kept beside it).",
        )

    def handle(self, *args, source: str, force: bool, **options) -> None:
        database = settings.DATABASES["default"]
        if not database["ENGINE"].endswith("sqlite3"):
            raise CommandError(
                "The database is PostgreSQL: restore a pg_dump with pg_restore (README, Backups)."
            )
        try:
            done = restore(
                Path(source).resolve(), Path(database["NAME"]), Path(settings.DATA_DIR), force=force
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        except (OSError, sqlite3.Error) as error:
            raise CommandError(f"could not restore into {settings.DATA_DIR}: {error}") from None
        for line in done:
            self.stdout.write(line[0].upper() + line[1:] + ".")
