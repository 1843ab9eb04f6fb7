"""``paperfeed ingest file PATH...``: import papers from JSON Lines dumps (plain, .gz, .xz).

Each line is parsed on its own (see :mod:`paperfeed.ingest.shapes`); a bad line is reported
on stderr as ``file:line: reason``, skipped and counted, and the command fails at the end if
any line was rejected. With ``--strict`` everything runs in one transaction that is rolled
back if any line is bad, so nothing is imported. Without it each batch commits on its own,
so an interrupted import is continued by running the same command again.
"""

from __future__ import annotations

import gzip
import lzma
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import nullcontext

import orjson
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from paperfeed.ingest.jsonl import JsonlFile, in_background
from paperfeed.ingest.progress import FileProgress, format_summary
from paperfeed.ingest.records import PaperRecord, RecordError
from paperfeed.ingest.shapes import parse_record
from paperfeed.ingest.store import DEFAULT_BATCH_SIZE, UpsertStats, upsert_records

# Rejected lines printed per file; the rest are counted in the summary.
MAX_REPORTED_LINES = 200
# Records handed over from the parsing thread at a time (a queue operation per record costs too much).
_GROUP = 500


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
        default=DEFAULT_BATCH_SIZE,
        help=f"Records per transaction (default {DEFAULT_BATCH_SIZE}).",
    )


class _FileImport:
    """Reads one file, reports its bad lines, and feeds the good records to the store."""

    def __init__(self, command: BaseCommand, source: JsonlFile) -> None:
        self.command = command
        self.source = source
        self.rejected = 0

    def reject(self, line: int | str, reason: str) -> None:
        self.rejected += 1
        if self.rejected <= MAX_REPORTED_LINES:
            self.command.stderr.write(f"{self.source.path}:{line}: {reason}")

    def records(self) -> Iterator[PaperRecord]:
        """The file's good records, parsed by a helper thread while this one writes to the database."""
        for group in in_background(self._parsed_groups(), queued=8):
            yield from group

    def _parsed_groups(self) -> Iterator[list[PaperRecord]]:
        loads = orjson.loads
        group: list[PaperRecord] = []
        try:
            for number, line in self.source.lines():
                try:
                    data = loads(line)
                except orjson.JSONDecodeError as error:
                    self.reject(number, f"broken JSON: {error}")
                    continue
                try:
                    group.append(parse_record(data))
                except RecordError as error:
                    self.reject(number, str(error))
                    continue
                if len(group) >= _GROUP:
                    yield group
                    group = []
        except (EOFError, lzma.LZMAError, gzip.BadGzipFile, OSError) as error:
            self.reject("end", f"the file is truncated or corrupt ({error}); lines up to here were read")
        if group:
            yield group


def run(command: BaseCommand, *, paths: list[str], strict: bool = False, batch_size: int, **_) -> None:
    if batch_size < 1:
        raise CommandError("--batch-size must be at least 1.")
    try:
        sources = [JsonlFile(path) for path in paths]
    except OSError as error:
        raise CommandError(f"cannot read {error.filename}: {error.strerror}") from None

    live = command.stderr.isatty()
    total = UpsertStats()
    total_rejected = 0
    try:
        with transaction.atomic() if strict else nullcontext():
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
    progress = FileProgress(source.name, source.size, lambda: source.bytes_read, command.stderr._out, live)
    try:
        stats = upsert_records(
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
    command.stdout.write(format_summary(source.name, stats, reading.rejected, progress.seconds))
    total.add(stats)
    return reading.rejected
