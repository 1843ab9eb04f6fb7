"""Read JSON Lines files (plain, ``.gz`` or ``.xz``) as numbered raw lines.

Decompression runs beside the parsing: ``.xz`` files are decoded by an ``xz`` process where
the command exists (xz decoding alone costs a third of an import's CPU time, and in a
process of its own it never waits for this one's GIL), otherwise, and for ``.gz``, by
``lzma``/``zlib`` in a background thread (they release the GIL while they work).

A compressed file cut short gives every byte that could be decoded before the cut, then raises
(``EOFError``): an import keeps every complete line of a truncated download.
"""

from __future__ import annotations

import contextlib
import fcntl
import lzma
import os
import queue
import shutil
import subprocess
import threading
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

CHUNK_BYTES = 1 << 20
# Compressed bytes read at a time by the decoders of this module.
_COMPRESSED_READ = 1 << 18
_TRUNCATED = "Compressed file ended before the end-of-stream marker was reached"
_QUEUED_CHUNKS = 16
_END = object()
T = TypeVar("T")
# Linux: let the xz process run up to a chunk ahead of the reader before a write blocks.
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


def _gzip_chunks(raw: BinaryIO) -> Iterator[bytes]:
    """Decode the .gz file ``raw`` (any number of members) in chunks of at most ``CHUNK_BYTES``.

    Unlike ``GzipFile.read``, which drops what it decoded in a call that meets the end of a
    truncated file, every decodable byte is given before ``EOFError`` is raised.
    """
    decoder = zlib.decompressobj(wbits=31)
    started = False  # the current member has had input
    pending = b""
    while True:
        if not pending:
            pending = raw.read(_COMPRESSED_READ)
            if not pending:
                break
        if not started and not pending.strip(b"\0"):
            pending = b""  # zero padding after the last member
            continue
        started = True
        if chunk := decoder.decompress(pending, CHUNK_BYTES):
            yield chunk
        pending = decoder.unconsumed_tail
        if decoder.eof:
            pending = decoder.unused_data + pending
            decoder = zlib.decompressobj(wbits=31)
            started = False
    if started:
        if rest := decoder.flush():
            yield rest
        raise EOFError(_TRUNCATED)


def _lzma_chunks(raw: BinaryIO) -> Iterator[bytes]:
    """:func:`_gzip_chunks` for .xz files (any number of streams), where the ``xz`` program is missing."""
    decoder = lzma.LZMADecompressor()
    started = False  # the current stream has had input
    pending = b""
    while True:
        if decoder.needs_input and not pending:
            pending = raw.read(_COMPRESSED_READ)
            if not pending:
                break
        if not started and not pending.strip(b"\0"):
            pending = b""  # stream padding
            continue
        started = True
        chunk = decoder.decompress(pending, CHUNK_BYTES)  # (takes all its input)
        pending = b""
        if chunk:
            yield chunk
        if decoder.eof:
            pending = decoder.unused_data
            decoder = lzma.LZMADecompressor()
            started = False
    if started:
        raise EOFError(_TRUNCATED)


def in_background(items: Iterable[T], queued: int = _QUEUED_CHUNKS) -> Iterator[T]:
    """Yield from ``items``, produced ahead by a helper thread (at most ``queued`` waiting).

    Useful when producing releases the GIL (decompression) or when consuming does (SQLite
    and PostgreSQL calls): the two then run on different cores. An exception in the helper
    is re-raised here; closing the generator stops the helper.
    """
    pending: queue.Queue = queue.Queue(maxsize=queued)
    stop = threading.Event()

    def pump() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                pending.put(item)
        except BaseException as error:  # handed to the consuming thread, which re-raises it
            pending.put(_Failure(error))
        pending.put(_END)

    thread = threading.Thread(target=pump, name="ingest-prefetch", daemon=True)
    thread.start()
    try:
        while (item := pending.get()) is not _END:
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        # Unblock the helper if it waits on a full queue, then let it finish.
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                pending.get(timeout=0.05)
        thread.join()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _read_chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def widen_pipe(fd: int, size: int = CHUNK_BYTES) -> None:
    """Let a pipe hold ``size`` bytes (Linux; 64 KiB by default), so that its writer can run a
    chunk ahead of its reader rather than switching with it every 64 KiB."""
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, _F_SETPIPE_SZ, size)


def xz_command() -> str | None:
    """The ``xz`` program to decode .xz files with, if there is one."""
    return shutil.which("xz")


def _xz_chunks(raw: BinaryIO, xz: str) -> Iterator[bytes]:
    """Decode ``raw`` (an open .xz file, read by the xz process from its current offset, which
    the two share, so ``raw.tell()`` shows xz's progress) into chunks of JSON Lines.

    Raises like :class:`lzma.LZMAFile` would: ``EOFError`` for a truncated file, ``LZMAError``
    for one xz cannot decode, after the chunks that could be read.
    """
    process = subprocess.Popen(
        [xz, "--decompress", "--stdout", "--quiet"], stdin=raw, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        widen_pipe(process.stdout.fileno())
        while chunk := process.stdout.read(CHUNK_BYTES):
            yield chunk
        problem = process.stderr.read().decode(errors="replace").strip()
        if process.wait() != 0:
            problem = problem.removeprefix("xz: (stdin): ") or f"xz exited with status {process.returncode}"
            raise EOFError(problem) if "end of input" in problem else lzma.LZMAError(problem)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()


class JsonlFile:
    """One input file: its numbered lines, its size and how much of it has been read."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.size = self.path.stat().st_size  # raises FileNotFoundError early, before any import
        self._raw: BinaryIO | None = None

    @property
    def bytes_read(self) -> int:
        """Bytes of the (compressed) file read so far, for progress and ETA."""
        raw = self._raw
        try:
            return raw.tell() if raw is not None and not raw.closed else self.size
        except (OSError, ValueError):
            return 0

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """Yield ``(line_number, line)`` for every non-blank line, numbered from 1, newline removed.

        A compressed file that is truncated or corrupt raises (``EOFError``, ``lzma.LZMAError``,
        ``zlib.error``) after the complete lines that could be read.
        """
        for first, block in self.blocks():
            for number, line in enumerate(block, first):
                if line.strip():
                    yield number, line

    def blocks(self) -> Iterator[tuple[int, list[bytes]]]:
        """Yield ``(number of the first line, lines)`` for the file's lines, newline removed, blank
        ones included, a chunk of the file at a time (cheaper per line than :meth:`lines`);
        raises like it."""
        suffix = self.name.lower().rsplit(".", 1)[-1]
        xz = xz_command() if suffix == "xz" else None
        with open(self.path, "rb") as raw:
            self._raw = raw
            first = 1
            tail = b""
            if suffix == "gz":
                chunks = _gzip_chunks(raw)
            elif suffix == "xz":
                chunks = _xz_chunks(raw, xz) if xz else _lzma_chunks(raw)
            else:
                chunks = _read_chunks(raw)
            for chunk in in_background(chunks):
                lines = (tail + chunk).split(b"\n")
                tail = lines.pop()
                if lines:
                    yield first, lines
                    first += len(lines)
            if tail:
                yield first, [tail]
