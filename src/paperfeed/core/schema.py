"""Bring the database up to date before a command that reads or writes papers.

``paperfeed serve`` always migrates on start. The loaders and the index command do it only when
migrations are pending (asking costs a few milliseconds), so that ``paperfeed ingest file ...``
works in a fresh data directory, and after an upgrade, without running ``paperfeed migrate`` first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> int:
    """How many migrations the database has not had yet."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def migrate_if_needed(say: Callable[[str], None]) -> None:
    """Apply the pending migrations, if any, telling ``say`` first."""
    pending = pending_migrations()
    if pending:
        say(f"Setting up the database: applying {pending} migration{'s' if pending != 1 else ''}…")
        call_command("migrate", interactive=False, verbosity=0)
