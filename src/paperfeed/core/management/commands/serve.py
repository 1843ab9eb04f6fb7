"""``paperfeed serve``: apply migrations, then serve the site with gunicorn.

Several worker processes, each with a few threads: Python runs one thread at a time per
process, so one process cannot use more than one core. Static files are served by
whitenoise inside the application, so gunicorn needs no other configuration. Where gunicorn
is not installed (or on Windows, where it does not run) the site is served by waitress in one
process instead.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from paperfeed.core import config
from paperfeed.core.schema import refuse_newer_database
from paperfeed.core.site_url import allowed_hosts, served_at


class Command(BaseCommand):
    help = "Run the web site (migrations are applied first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument(
            "--workers",
            type=int,
            default=config.value("PAPERFEED_WEB_WORKERS"),
            help="Worker processes (default: PAPERFEED_WEB_WORKERS, else one per CPU core, at least 2).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=config.value("PAPERFEED_WEB_THREADS"),
            help="Threads per worker process (default: PAPERFEED_WEB_THREADS, else 4).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply migrations on start.")

    def handle(
        self, *args, host: str, port: int, workers: int, threads: int, no_migrate: bool, **options
    ) -> None:
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        from paperfeed.wsgi import application

        refuse_newer_database()  # before migrate, which would run a newer schema's data as if known
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        check_apps()
        # Worker processes are forked from this one: each must open its own database connections.
        connections.close_all()
        database = settings.DATABASES["default"]
        where = (
            f"SQLite at {database['NAME']}"
            if database["ENGINE"].endswith("sqlite3")
            else f"PostgreSQL database {database['NAME']} on {database.get('HOST') or 'local socket'}"
        )
        address_implied = not config.is_set("PAPERFEED_BASE_URL")
        if address_implied:
            # Links and the hosts answered to follow the address served on (--host, --port); set
            # before the workers are forked, so each of them has it.
            settings.BASE_URL = served_at(host, port)
            settings.ALLOWED_HOSTS = allowed_hosts(
                settings.BASE_URL, config.value("PAPERFEED_ALLOWED_HOSTS"), settings.DEBUG
            )
        self.stdout.write(f"paperfeed is running at {settings.BASE_URL}/  (data: {where})")
        if address_implied:
            self.stdout.write(
                "Links in pages, feeds and mails use this address; set PAPERFEED_BASE_URL to the one"
                " people open the site with (README, Running in production)."
            )
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
            # gunicorn believes X-Forwarded-Proto from 127.0.0.1 unless told otherwise: the same
            # proxies as the site (PAPERFEED_TRUSTED_PROXIES, client_address.py), and only them.
            "forwarded_allow_ips": ",".join(settings.TRUSTED_PROXIES),
            # Each worker loads the search model and opens the index as it starts (not the master
            # before forking), so the first search does not wait for them.
            "post_worker_init": lambda worker: warm_up_apps(),
        }
        if not serve_with_gunicorn(application, server_options):
            from waitress import serve

            self.stderr.write("gunicorn is not installed: serving with waitress in one process instead.")
            warm_up_apps()
            serve(application, host=host, port=port, threads=workers * threads, ident="paperfeed")


def check_apps() -> None:
    """What the apps need to serve (search: its query model's files), before any worker starts."""
    from django.core.exceptions import ImproperlyConfigured

    from paperfeed.core import warm_up

    try:
        warm_up.check_all()
    except ImproperlyConfigured as error:
        raise CommandError(f"The site cannot start: {error}.") from None


def warm_up_apps() -> None:
    """Start what the apps registered to load before visitors come (search's model and index)."""
    from paperfeed.core import warm_up

    one_blas_thread()
    warm_up.run_all()


def one_blas_thread() -> None:
    """Numpy's BLAS runs one thread in each web process: there is a process per core already,
    and the small matrix products of a request (recommendations) lose more to BLAS threads
    waiting on busy cores than they gain (a reader's refit took seconds instead of tenths)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # installed with scikit-learn; without it BLAS keeps its default
        return
    threadpool_limits(limits=1, user_api="blas")


def serve_with_gunicorn(application, options: dict) -> bool:
    """Run gunicorn until it is stopped; False when gunicorn is not available here."""
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        return False

    class GunicornServer(BaseApplication):
        """gunicorn serving an already loaded WSGI application, with options given in code."""

        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return application

    GunicornServer().run()
    return True
