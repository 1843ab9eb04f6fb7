"""``paperfeed serve``: apply migrations, then serve the site with waitress."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web site (migrations are applied first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--threads", type=int, default=8, help="Worker threads (default 8).")
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply migrations on start.")

    def handle(self, *args, host: str, port: int, threads: int, no_migrate: bool, **options) -> None:
        from waitress import serve

        from paperfeed.wsgi import application

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        database = settings.DATABASES["default"]
        where = (
            f"SQLite at {database['NAME']}"
            if database["ENGINE"].endswith("sqlite3")
            else f"PostgreSQL database {database['NAME']} on {database.get('HOST') or 'local socket'}"
        )
        self.stdout.write(f"paperfeed is running at http://{host}:{port}/  (data: {where})")
        self.stdout.write("Press Ctrl-C to stop.")
        serve(application, host=host, port=port, threads=threads, ident="paperfeed")
