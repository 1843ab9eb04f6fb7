"""``paperfeed serve``: apply migrations, then serve the site with gunicorn.

Several worker processes, each with a few threads: Python runs one thread at a time per
process, so one process cannot use more than one core. Static files are served by
whitenoise inside the application, so gunicorn needs no other configuration.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """Two processes per core: one can run Python while another waits on the database or the network."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(2, 2 * cores)


class GunicornServer(BaseApplication):
    """gunicorn serving an already loaded WSGI application, with options given in code."""

    def __init__(self, application, server_options: dict) -> None:
        self.application = application
        self.server_options = server_options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.server_options.items():
            self.cfg.set(name, value)

    def load(self):
        return self.application


class Command(BaseCommand):
    help = "Run the web site (migrations are applied first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("PAPERFEED_WEB_WORKERS") or default_workers()),
            help="Worker processes (default: PAPERFEED_WEB_WORKERS, else two per CPU core).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("PAPERFEED_WEB_THREADS") or 4),
            help="Threads per worker process (default: PAPERFEED_WEB_THREADS, else 4).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply migrations on start.")

    def handle(
        self, *args, host: str, port: int, workers: int, threads: int, no_migrate: bool, **options
    ) -> None:
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        from paperfeed.wsgi import application

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        # Worker processes are forked from this one: each must open its own database connections.
        connections.close_all()
        database = settings.DATABASES["default"]
        where = (
            f"SQLite at {database['NAME']}"
            if database["ENGINE"].endswith("sqlite3")
            else f"PostgreSQL database {database['NAME']} on {database.get('HOST') or 'local socket'}"
        )
        self.stdout.write(f"paperfeed is running at http://{host}:{port}/  (data: {where})")
        self.stdout.write(f"{workers} worker processes × {threads} threads. Press Ctrl-C to stop.")
        self.stdout.flush()
        server_options = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "graceful_timeout": 10,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "paperfeed",
        }
        GunicornServer(application, server_options).run()
