"""Imports that meet a cut file or a full disk: keep what is whole, say what happened, leave nothing behind.

A ``.gz`` or ``.xz`` cut short imports every complete line before the cut and says after which
line it ends. A disk that fills up stops the import with a plain message (no traceback); the
next start gives the space of the write-ahead log back, and the same command then finishes.
"""

from __future__ import annotations

import gzip
import json
import lzma
import os
import random
import shutil
import sqlite3
import string
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.db import connection

from paperfeed.ingest import jsonl
from paperfeed.papers.models import Paper

from .hostile_lines import arxiv_record


def distinct_lines(count: int) -> bytes:
    """``count`` JSON lines of distinct papers whose text compresses no better than real abstracts."""
    rng = random.Random(11)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))) for _ in range(5000)]
    lines = []
    for n in range(count):
        abstract = " ".join(rng.choices(words, k=90))
        record = arxiv_record(f"2402.{n:05d}", title=" ".join(rng.choices(words, k=8)), abstract=abstract)
        lines.append(json.dumps(record).encode() + b"\n")
    return b"".join(lines)


def complete_lines_before_the_cut(cut: bytes, suffix: str) -> int:
    """How many whole lines a reference decoder gets out of the cut file."""
    decoder = zlib.decompressobj(wbits=31) if suffix == "gz" else lzma.LZMADecompressor()
    decoded = decoder.decompress(cut)
    return decoded.count(b"\n")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("suffix", "xz_program"), [("gz", False), ("xz", True), ("xz", False)], ids=["gz", "xz", "xz-python"]
)
def test_a_cut_compressed_file_imports_every_complete_line_and_says_where_it_ends(
    ingest, tmp_path, monkeypatch, suffix, xz_program
):
    if xz_program and jsonl.xz_command() is None:
        pytest.skip("the xz program is not installed")
    if not xz_program:
        monkeypatch.setattr(jsonl, "xz_command", lambda: None)
    text = distinct_lines(3000)  # about 2 MB: the cut falls beyond the first read chunks
    whole = gzip.compress(text) if suffix == "gz" else lzma.compress(text)
    cut = whole[: len(whole) * 7 // 10]
    path = tmp_path / f"cut.jsonl.{suffix}"
    path.write_bytes(cut)
    complete = complete_lines_before_the_cut(cut, suffix)
    assert 1000 < complete < 3000

    run = ingest(path)

    assert run.failed and "1 line(s) rejected" in str(run.error)
    assert f"{path}:{complete + 1}: the file is truncated or corrupt after line {complete:,}" in run.stderr
    imported = sorted(Paper.objects.values_list("arxiv_id", flat=True))
    assert imported == [f"2402.{n:05d}" for n in range(complete)]


# --- a full disk --------------------------------------------------------------------------------

_MOUNT_MB = 24
_LEFT_FREE_MB = 4


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB filesystem of its own (tmpfs; mounting it needs root, which CI has)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={_MOUNT_MB}m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def paperfeed(data_dir: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "paperfeed", *argv], env=env, capture_output=True, text=True)


def fill(disk: Path, leave_bytes: int) -> Path:
    """Write a ballast file that leaves ``leave_bytes`` free on ``disk``."""
    stats = os.statvfs(disk)
    ballast = disk / "ballast"
    ballast.write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - leave_bytes))
    return ballast


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the full disk holds a SQLite data directory")
def test_a_full_disk_stops_the_import_with_a_plain_message_and_the_next_run_finishes(small_disk, tmp_path):
    data_dir = small_disk / "data"
    assert paperfeed(data_dir, "migrate").returncode == 0
    dump = tmp_path / "papers.jsonl"
    dump.write_bytes(distinct_lines(8000))  # about 5.5 MB of text: more than the disk has left
    ballast = fill(small_disk, _LEFT_FREE_MB << 20)

    full = paperfeed(data_dir, "ingest", "file", str(dump), "--no-index")

    assert full.returncode != 0
    assert "the disk is full" in full.stderr and "run the same command again" in full.stderr
    assert "Traceback" not in full.stderr
    database = data_dir / "paperfeed.sqlite3"
    wal = Path(f"{database}-wal")
    # A reader that stays open (a running site) keeps SQLite from deleting the log on close.
    reader = sqlite3.connect(database)
    try:
        reader.execute("SELECT count(*) FROM sqlite_master").fetchall()
        assert wal.stat().st_size > 1 << 20  # what the failed import left behind

        ballast.unlink()
        started = paperfeed(data_dir, "migrate")

        assert started.returncode == 0, started.stderr
        assert "Copied a leftover write-ahead log into the database" in started.stdout
        assert wal.stat().st_size == 0
    finally:
        reader.close()

    again = paperfeed(data_dir, "ingest", "file", str(dump), "--no-index")

    assert again.returncode == 0, again.stderr
    with sqlite3.connect(database) as check:
        assert check.execute("SELECT count(*) FROM papers_paper").fetchone() == (8000,)
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {name for (name,) in check.execute("SELECT name FROM sqlite_master")}
    assert "ingest_deferred_index" not in tables and "papers_authorship_name_lower" in tables
