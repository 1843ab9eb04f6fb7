"""Turn a JSON Lines file into prepared records, in a separate process where the OS allows it.

Reading an import file costs more CPU than writing it: decompression, JSON decoding, shape
detection and normalisation are all Python or C work that holds this process's GIL. A
forked child process does all of that and hands the writer ready rows
(:data:`~paperfeed.ingest.store.Prepared`, plain tuples that pickle cheaply), so parsing and
database writes run on different cores. Where ``fork`` is not available, a thread does it.

The writer receives :class:`ParsedGroup` objects in file order: the prepared records of a
few hundred lines, the lines rejected among them (``(line number, reason)``), what was left out
of the lines imported (``notes``, same form) and how much of the compressed file has been read
(for progress and ETA).

No line can stop the import: one that cannot be read for any reason is rejected with its number.
A file cut short (a truncated ``.gz`` or ``.xz``) gives every complete line before the cut.
"""

from __future__ import annotations

import contextlib
import gc
import lzma
import multiprocessing
import os
import pickle
import signal
import traceback
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import orjson

from paperfeed.ingest.arxiv_rows import Identity, PlainArxivRows
from paperfeed.ingest.jsonl import JsonlFile, in_background, widen_pipe
from paperfeed.ingest.records import RecordError
from paperfeed.ingest.safe_values import may_hold_unsafe_text, safe_record
from paperfeed.ingest.shapes import parse_record
from paperfeed.ingest.store import Prepared, prepare_record
from paperfeed.papers.arxiv_ids import InvalidArxivId

# Lines per group sent to the writer: large enough that pickling and queueing are cheap per
# record, small enough that the writer never waits long for the first rows.
GROUP_LINES = 2000
# Groups parsed ahead of the writer (bounds memory: about 2 MB of rows per group).
_QUEUED_GROUPS = 8


@dataclass
class ParsedGroup:
    items: list[Prepared] = field(default_factory=list)
    rejected: list[tuple[int | str, str]] = field(default_factory=list)
    # (line number, what was left out of that line's record to import it)
    notes: list[tuple[int, str]] = field(default_factory=list)
    bytes_read: int = 0
    # Lines left out because they repeat the paper's previous line exactly (see _Repeats).
    repeated: int = 0


class _Repeats:
    """Spots a line that prepares to exactly what the previous line of the same paper did.

    Writing such a line again changes nothing (merging a record into the state it produced
    is a no-op, field by field, for authors and listings too), so it is left out. arXiv dumps
    hold many: a paper listed once under its id and again under the float-mangled form of the
    id, a few lines apart. Such a plain arXiv line is known before it is prepared: its rows
    depend on its id only through the id's :data:`~paperfeed.ingest.arxiv_rows.Identity`.
    Only the last few thousand papers are remembered.
    """

    def __init__(self, remembered: int = 4096) -> None:
        self.remembered = remembered
        # arXiv id -> (the rows of its last line, and for a plain arXiv line its identity and data)
        self.current: dict[str, tuple[Prepared, Identity | None, dict | None]] = {}
        self.previous: dict[str, tuple[Prepared, Identity | None, dict | None]] = {}

    def _last(self, arxiv_id: str) -> tuple[Prepared, Identity | None, dict | None] | None:
        last = self.current.get(arxiv_id)
        return last if last is not None else self.previous.get(arxiv_id)

    def repeats_line(self, identity: Identity, data: dict) -> bool:
        """Is this plain arXiv line its paper's previous line, but for how the id is written?"""
        last = self._last(identity[0])
        if last is None or last[1] != identity:
            return False
        previous_data = last[2]
        raw_id = data["id"]
        data["id"] = previous_data["id"]
        try:
            return data == previous_data
        finally:
            data["id"] = raw_id

    def seen(self, item: Prepared, identity: Identity | None = None, data: dict | None = None) -> bool:
        """Does ``item`` repeat its paper's previous line? If not, it is remembered (with the
        ``identity`` and ``data`` of a plain arXiv line, for :meth:`repeats_line`)."""
        arxiv_id = item[0]
        last = self._last(arxiv_id)
        if last is not None and last[0] == item:
            return True
        self.current[arxiv_id] = (item, identity, data)
        if len(self.current) >= self.remembered:
            self.previous, self.current = self.current, {}
        return False


class _LineRows:
    """The prepared rows of each decoded line of a file, ``None`` for a line that repeats its
    paper's previous one (see :class:`_Repeats`); raises for a bad line."""

    def __init__(self) -> None:
        self.plain_arxiv = PlainArxivRows()
        self.repeats = _Repeats()
        # What was left out of the last line's record (read and reset by the caller).
        self.notes: list[str] = []

    def __call__(self, data: object, unsafe: bool = False) -> Prepared | None:
        """``unsafe``: the line may hold text feeds cannot carry (see ``may_hold_unsafe_text``)."""
        # Plain arXiv lines go straight to rows; the rest (bad lines, and the rare line whose
        # text needs cleaning) the general way.
        identity = None if unsafe else self.plain_arxiv.identity(data)
        if identity is not None and self.repeats.repeats_line(identity, data):
            return None
        item = self.plain_arxiv.prepare(data, identity) if identity is not None else None
        if item is None:
            # (Usernames are checked as written: one with a control character is left out.)
            record = parse_record(data)
            item = prepare_record(safe_record(record) if unsafe else record)
            self.notes = record.notes
            identity = None
        return None if self.repeats.seen(item, identity, data if identity is not None else None) else item


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a bulk import.

    An import allocates millions of tuples, none of them in reference cycles; the collector
    would still walk the live ones again and again (about a tenth of the CPU time). Memory
    freed by reference counting is unaffected.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ParserFailed(RuntimeError):
    """The parsing process failed unexpectedly (not a bad line: a bug or a crash)."""


def parse_groups(source: JsonlFile, group_lines: int = GROUP_LINES) -> Iterator[ParsedGroup]:
    """Parse ``source`` here, group by group (what the child process runs)."""
    loads = orjson.loads
    unsafe = may_hold_unsafe_text
    rows_of = _LineRows()
    group = ParsedGroup()
    lines = 0
    number = 0
    try:
        for first, block in source.blocks():
            for number, line in enumerate(block, first):
                try:
                    item = rows_of(loads(line), unsafe(line))
                    if item is None:
                        group.repeated += 1
                    else:
                        group.items.append(item)
                    if rows_of.notes:
                        if item is not None:
                            group.notes.extend((number, note) for note in rows_of.notes)
                        rows_of.notes = []
                except orjson.JSONDecodeError as error:
                    if not line.strip():
                        continue  # a blank line (looked at only here: good lines are never blank)
                    group.rejected.append((number, f"broken JSON: {error}"))
                except (RecordError, InvalidArxivId) as error:
                    group.rejected.append((number, str(error)))
                except Exception as error:  # noqa: BLE001 - one odd line never stops an import
                    group.rejected.append((number, f"cannot be read ({type(error).__name__}: {error})"))
                lines += 1
                if lines >= group_lines:
                    group.bytes_read = source.bytes_read
                    yield group
                    group = ParsedGroup()
                    lines = 0
    except (EOFError, lzma.LZMAError, zlib.error, OSError) as error:
        group.rejected.append(
            (
                number + 1,
                f"the file is truncated or corrupt after line {number:,} ({error}); "
                f"the {number:,} complete lines before were read",
            )
        )
    group.bytes_read = source.size
    yield group


def parsed_groups(source: JsonlFile) -> Iterator[ParsedGroup]:
    """The file's groups, parsed ahead by a child process (or a thread without ``fork``)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from in_background(parse_groups(source), queued=_QUEUED_GROUPS)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    widen_pipe(receiver.fileno())
    child = context.Process(
        target=_child_main, args=(source, sender, receiver), name="ingest-parser", daemon=True
    )
    child.start()
    sender.close()
    try:
        # A thread drains the pipe so the child keeps parsing while this process writes.
        yield from in_background(_receive(receiver, child), queued=_QUEUED_GROUPS)
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _receive(receiver: Connection, child: multiprocessing.process.BaseProcess) -> Iterator[ParsedGroup]:
    while True:
        try:
            payload = receiver.recv_bytes()
        except EOFError:
            child.join()
            code = child.exitcode
            raise ParserFailed(f"the parsing process ended unexpectedly (exit code {code})") from None
        message = pickle.loads(payload)
        if message is None:
            return
        if isinstance(message, str):
            raise ParserFailed(f"the parsing process failed:\n{message}")
        yield message


def _child_main(source: JsonlFile, sender: Connection, receiver: Connection) -> None:
    # The writer's end, inherited by fork: closed, so that should the writer die (even by
    # SIGKILL) the pipe has no reader left and sending fails, rather than blocking forever.
    receiver.close()
    # Ctrl-C reaches the whole process group: the writer handles it and ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # see cyclic_gc_paused; this process ends with the file
    try:
        for group in parse_groups(source):
            sender.send_bytes(pickle.dumps(group, protocol=pickle.HIGHEST_PROTOCOL))
        sender.send_bytes(pickle.dumps(None))
    except BrokenPipeError:
        pass  # the writer stopped reading (interrupted or failed): nothing left to do
    except BaseException:  # reported to the writer, which raises it
        with contextlib.suppress(OSError):
            sender.send_bytes(pickle.dumps(traceback.format_exc()))
    finally:
        sender.close()
        os._exit(0)
