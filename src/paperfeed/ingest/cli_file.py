"""``paperfeed ingest file PATH...``: import papers from JSON Lines dumps (plain, .gz, .xz).

Each line is parsed on its own (see :mod:`paperfeed.ingest.shapes`); a bad line is reported
on stderr as ``file:line: reason``, skipped and counted, and the command fails at the end if
any line was rejected. A line imported without part of it (an account whose username sign-up
would refuse) is reported as ``file:line: note: ...``. With ``--strict`` everything runs in
one transaction that is rolled back if any line is bad, so nothing is imported. Without it
each batch commits on its own, so an interrupted import is continued by running the same
command again.

Reading, decompressing and parsing run in a forked process (:mod:`paperfeed.ingest.file_parser`)
while this one writes to the database, so the two use different cores.
"""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import nullcontext
from itertools import chain

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from paperfeed.ingest.deferred_indexes import deferred_secondary_indexes
from paperfeed.ingest.file_parser import cyclic_gc_paused, parsed_groups
from paperfeed.ingest.jsonl import JsonlFile
from paperfeed.ingest.progress import FileProgress, format_summary
from paperfeed.ingest.store import Prepared, UpsertStats, upsert_prepared

# Rejected lines printed per file; the rest are counted in the summary.
MAX_REPORTED_LINES = 200
# Records per transaction of a file import: each transaction rewrites the pages of the arXiv id
# index it touches (the ids of a file come in no useful order), so fewer, larger ones write
# much less; 10,000 records are under a second of work, all an interruption can lose.
FILE_BATCH_SIZE = 10_000
# SQLite settings for this connection during an import: a page cache (KiB) that keeps the
# index pages in memory, and a write-ahead log that is copied into the database every 64 MB
# rather than every 1000 pages (each checkpoint rewrites the same index pages and syncs the
# file). Not more: what the log holds when the import ends is copied while nothing else runs.
_SQLITE_CACHE_KIB = 131072
_SQLITE_CHECKPOINT_BYTES = 64 << 20


class _StrictRollback(Exception):
    """Raised inside the --strict transaction to undo it."""


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".jsonl, .jsonl.gz or .jsonl.xz files")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="Import nothing unless every line of every file is good (one transaction).",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=FILE_BATCH_SIZE,
        help=f"Records per transaction (default {FILE_BATCH_SIZE:,}).",
    )


class _FileImport:
    """Reads one file, reports its bad lines, and feeds the good records to the store."""

    def __init__(self, command: BaseCommand, source: JsonlFile) -> None:
        self.command = command
        self.source = source
        self.rejected = 0
        self.noted = 0  # notes on lines imported without part of them
        self.repeated = 0  # lines that repeated their paper's previous line (left out)
        self.bytes_read = 0  # of the compressed file, as far as parsing has got

    def reject(self, line: int | str, reason: str) -> None:
        self.rejected += 1
        if self.rejected <= MAX_REPORTED_LINES:
            self.command.stderr.write(f"{self.source.path}:{line}: {reason}")

    def note(self, line: int, note: str) -> None:
        self.noted += 1
        if self.noted <= MAX_REPORTED_LINES:
            self.command.stderr.write(f"{self.source.path}:{line}: note: {note}")

    def records(self) -> Iterator[Prepared]:
        """The file's good records, prepared by a child process while this one writes to the database."""
        return chain.from_iterable(self._parsed_items())  # (no Python step per record)

    def _parsed_items(self) -> Iterator[list[Prepared]]:
        for group in parsed_groups(self.source):
            for line, reason in group.rejected:
                self.reject(line, reason)
            for line, note in group.notes:
                self.note(line, note)
            self.bytes_read = group.bytes_read
            self.repeated += group.repeated
            yield group.items


def run(command: BaseCommand, *, paths: list[str], strict: bool = False, batch_size: int, **_) -> None:
    if batch_size < 1:
        raise CommandError("--batch-size must be at least 1.")
    try:
        sources = [JsonlFile(path) for path in paths]
    except OSError as error:
        raise CommandError(f"cannot read {error.filename}: {error.strerror}") from None

    live = command.stderr.isatty()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
            cursor.execute("PRAGMA page_size")
            pages = _SQLITE_CHECKPOINT_BYTES // cursor.fetchone()[0]
            cursor.execute(f"PRAGMA wal_autocheckpoint = {pages}")
    total = UpsertStats()
    total_rejected = 0
    try:
        # Into empty tables, SQLite builds the secondary indexes once at the end (even on Ctrl-C).
        with (
            cyclic_gc_paused(),
            deferred_secondary_indexes(),
            transaction.atomic() if strict else nullcontext(),
        ):
            for source in sources:
                total_rejected += _import_file(command, source, batch_size, live, total)
            if strict and total_rejected:
                raise _StrictRollback
    except _StrictRollback:
        raise CommandError(
            f"--strict: {total_rejected:,} line(s) rejected, nothing was imported (fix the lines above)."
        ) from None
    except KeyboardInterrupt:
        command.stderr.write(
            "interrupted: every batch written so far is complete; run the same command again to continue."
        )
        raise

    if len(sources) > 1:
        command.stdout.write(
            f"total: {total.written:,} papers: {total.new:,} new, {total.updated:,} updated, "
            f"{total.unchanged:,} unchanged, {total_rejected:,} rejected"
        )
    if total_rejected:
        raise CommandError(f"{total_rejected:,} line(s) rejected (see above); the good lines were imported.")


def _import_file(
    command: BaseCommand, source: JsonlFile, batch_size: int, live: bool, total: UpsertStats
) -> int:
    """Import one file; print its summary; return how many lines were rejected."""
    reading = _FileImport(command, source)
    progress = FileProgress(source.name, source.size, lambda: reading.bytes_read, command.stderr._out, live)
    try:
        stats = upsert_prepared(
            reading.records(), batch_size=batch_size, on_batch=progress.on_batch, collect_ids=False
        )
    finally:
        progress.close()
    for arxiv_id, reason in stats.errors:
        reading.reject("?", f"{arxiv_id}: {reason}")
    if reading.rejected > MAX_REPORTED_LINES:
        command.stderr.write(
            f"{source.path}: ... {reading.rejected - MAX_REPORTED_LINES:,} more rejected lines"
        )
    if reading.noted > MAX_REPORTED_LINES:
        command.stderr.write(f"{source.path}: ... {reading.noted - MAX_REPORTED_LINES:,} more notes")
    command.stdout.write(
        format_summary(source.name, stats, reading.rejected, progress.seconds, repeated=reading.repeated)
    )
    total.add(stats)
    return reading.rejected
