"""Bring the database up to date before a command that reads or writes papers.

``paperfeed serve`` always migrates on start. The loaders and the index command do it only when
migrations are pending (asking costs a few milliseconds), so that ``paperfeed ingest file ...``
works in a fresh data directory, and after an upgrade, without running ``paperfeed migrate`` first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


def pending_migrations() -> int:
    """How many migrations the database has not had yet."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def unknown_migrations() -> list[str]:
    """Migrations the database has had that this version does not know: a newer version wrote it."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return sorted(
        f"{app}.{name}"
        for app, name in loader.applied_migrations
        if app in loader.migrated_apps and (app, name) not in loader.graph.nodes
    )


def refuse_newer_database() -> None:
    """Stop, saying so, when the database was written by a newer version of paperfeed."""
    unknown = unknown_migrations()
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise CommandError(
            f"this data directory was written by a newer paperfeed: its database has changes this"
            f" version does not know ({shown}). Run the newer paperfeed, or restore a backup made"
            " with this version (`paperfeed restore`). Nothing was changed."
        )


def migrate_if_needed(say: Callable[[str], None]) -> None:
    """Apply the pending migrations, if any, telling ``say`` first."""
    refuse_newer_database()
    pending = pending_migrations()
    if pending:
        say(f"Setting up the database: applying {pending} migration{'s' if pending != 1 else ''}…")
        call_command("migrate", interactive=False, verbosity=0)
