"""The fast path for papers new to the database, and the parsing process of ``ingest file``.

New papers are inserted directly instead of being merged into an empty row; these tests hold
the two paths to the same result, and check mixed files, interruptions and fall-backs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from paperfeed.accounts.models import User
from paperfeed.community.models import Vote
from paperfeed.ingest import file_parser, store
from paperfeed.ingest.shapes import parse_record
from paperfeed.ingest.store import batches
from paperfeed.papers.models import Authorship, Listing, Paper

from .fixture_files import ALL_FIXTURES, FIXTURES

# Columns that differ between two imports by nature (keys and clocks).
_VOLATILE = {"id", "created_at", "modified_at"}


def fixture_records() -> list:
    return [
        parse_record(json.loads(line))
        for path in ALL_FIXTURES
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def database_snapshot() -> dict:
    """Every row an import writes, keyed by what identifies it rather than by pk."""
    papers = {
        row["arxiv_id"]: {k: v for k, v in row.items() if k not in _VOLATILE}
        for row in Paper.objects.values()
    }
    authors = sorted(
        Authorship.objects.values_list(
            "paper__arxiv_id", "position", "name", "hidden", "status", "user__username"
        )
    )
    listings = sorted(
        Listing.objects.values_list(
            "paper__arxiv_id", "date", "submitted_at", "submitted_by__username", "imported", "hidden"
        )
    )
    users = sorted(User.objects.values_list("username", "fullname", "avatar_url", "imported"))
    return {"papers": papers, "authors": authors, "listings": listings, "users": users}


class _MergeOnlyWriter(batches._BatchWriter):
    def __init__(self, now: datetime, fast_path: bool = True, **options) -> None:
        super().__init__(now, fast_path=False)


def wipe() -> None:
    Paper.objects.all().delete()
    User.objects.all().delete()


@pytest.mark.django_db
def test_new_papers_get_exactly_the_rows_the_merge_path_gives(monkeypatch):
    records = fixture_records()
    fast = store.upsert_records(records, batch_size=7)
    assert fast.new == 32 and fast.rejected == 0
    by_fast_path = database_snapshot()

    wipe()
    monkeypatch.setattr(batches, "_BatchWriter", _MergeOnlyWriter)
    merged = store.upsert_records(records, batch_size=7)
    assert (merged.new, merged.updated, merged.unchanged) == (fast.new, fast.updated, fast.unchanged)
    assert database_snapshot() == by_fast_path
    # The fixtures exercise what the fast path must carry over: claimed authors, submitters,
    # listings, JSON fields, versions and dates.
    assert any(row[5] for row in by_fast_path["authors"])
    assert any(row[3] for row in by_fast_path["listings"])
    assert any(p["ai_keywords"] and p["organization"] for p in by_fast_path["papers"].values())
    assert any(p["version"] for p in by_fast_path["papers"].values())


@pytest.mark.django_db
def test_a_file_of_new_and_stored_papers_inserts_the_new_and_merges_the_stored(
    ingest, write_jsonl, fixture_lines
):
    lines = [json.loads(line) for line in fixture_lines("arxiv_cs_2025_2026.jsonl")]
    assert not ingest(write_jsonl("first.jsonl", lines[:4])).failed
    stored = Paper.objects.get(arxiv_id=lines[0]["id"])
    voter = User.objects.create_user("reader", password="x")
    Vote.objects.create(user=voter, paper=stored)
    Paper.objects.filter(pk=stored.pk).update(upvotes=1)
    listed_here = datetime(2025, 3, 20, tzinfo=UTC)
    Listing.objects.create(paper=stored, date=listed_here.date(), submitted_at=listed_here)

    newer = {**lines[1], "title": "A newer title", "listed": "2026-01-01"}
    twice = [lines[5], {**lines[5], "id": lines[5]["id"] + "v2", "listed": "2026-01-02"}]
    run = ingest(write_jsonl("mixed.jsonl", [lines[0], newer, *lines[2:5], *twice, *lines[6:]]))
    assert not run.failed, run.stderr
    assert "6 new, 1 updated, 3 unchanged, 0 rejected" in run.stdout
    assert Paper.objects.count() == 10

    stored.refresh_from_db()
    assert (stored.upvotes, stored.local_upvotes) == (1, 1)
    assert not stored.listing.imported
    assert Paper.objects.get(arxiv_id=lines[1]["id"]).title == "A newer title"
    assert Paper.objects.get(arxiv_id=lines[5]["id"]).version == 2
    for line in lines:
        paper = Paper.objects.get(arxiv_id=line["id"])
        names = list(paper.authorships.order_by("position").values_list("name", flat=True))
        assert names == [" ".join(name.split()) for name in line["authors"]]

    again = ingest(write_jsonl("mixed.jsonl", [lines[0], newer, *lines[2:5], *twice, *lines[6:]]))
    assert "0 new, 0 updated, 10 unchanged" in again.stdout


@pytest.mark.django_db(transaction=True)
def test_an_interruption_while_inserting_new_papers_leaves_whole_batches_and_a_rerun_completes(
    ingest, monkeypatch
):
    calls = {"n": 0}
    real = batches._BatchWriter._insert_new_papers

    def crash_in_second_batch(self, items):
        calls["n"] += 1
        pks = real(self, items)
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C after the second batch's papers were sent
        return pks

    monkeypatch.setattr(batches._BatchWriter, "_insert_new_papers", crash_in_second_batch)
    path = FIXTURES / "arxiv_cs_2025_2026.jsonl"
    with pytest.raises(KeyboardInterrupt):
        ingest(path, batch_size=4)
    assert Paper.objects.count() == 4
    assert all(paper.authorships.exists() for paper in Paper.objects.all())

    monkeypatch.setattr(batches._BatchWriter, "_insert_new_papers", real)
    run = ingest(path, batch_size=4)
    assert not run.failed
    assert "6 new, 0 updated, 4 unchanged" in run.stdout
    assert Paper.objects.count() == 10


@pytest.mark.django_db
def test_a_paper_inserted_by_another_writer_meanwhile_makes_the_batch_merge_instead(
    monkeypatch, fixture_lines
):
    records = [parse_record(json.loads(line)) for line in fixture_lines("arxiv_cs_2025_2026.jsonl")]
    store.upsert_records(records[:1])
    before = database_snapshot()
    # As if the paper had not been there when the batch looked, then appeared before the insert.
    real = batches._BatchWriter._load_papers
    looks = {"n": 0}

    def blind_first_look(self, ids):
        looks["n"] += 1
        return {} if looks["n"] == 1 else real(self, ids)

    monkeypatch.setattr(batches._BatchWriter, "_load_papers", blind_first_look)
    stats = store.upsert_records(records)
    assert looks["n"] == 2  # the fast path failed on the duplicate and the batch was merged
    assert (stats.new, stats.updated, stats.unchanged) == (9, 0, 1)
    assert Paper.objects.count() == 10
    assert database_snapshot()["papers"][records[0].arxiv_id] == before["papers"][records[0].arxiv_id]
    assert Authorship.objects.filter(paper__arxiv_id=records[0].arxiv_id).count() == len(records[0].authors)


@pytest.mark.django_db
def test_a_failure_of_the_parsing_process_stops_the_import_with_its_reason(ingest, monkeypatch):
    def broken(self):
        raise ZeroDivisionError("a bug in a parser")
        yield

    monkeypatch.setattr(file_parser.JsonlFile, "blocks", broken)
    with pytest.raises(file_parser.ParserFailed, match="ZeroDivisionError: a bug in a parser"):
        ingest(FIXTURES / "arxiv_cs_2025_2026.jsonl")
    assert Paper.objects.count() == 0


@pytest.mark.django_db
def test_a_line_that_trips_an_unforeseen_error_is_rejected_with_its_number_and_the_import_goes_on(
    ingest, write_jsonl, monkeypatch
):
    real = file_parser.parse_record

    def broken_on_one_paper(data):
        if data.get("id") == "2503.10001":
            raise ZeroDivisionError("a bug in a parser")
        return real(data)

    monkeypatch.setattr(file_parser, "parse_record", broken_on_one_paper)
    monkeypatch.setattr(file_parser.PlainArxivRows, "prepare", lambda self, data, identity: None)
    lines = [{"id": f"2503.{10000 + n}", "title": f"Paper {n}"} for n in range(3)]

    run = ingest(write_jsonl("three.jsonl", lines))

    assert run.failed
    assert "three.jsonl:2: cannot be read (ZeroDivisionError: a bug in a parser)" in run.stderr
    assert sorted(Paper.objects.values_list("arxiv_id", flat=True)) == ["2503.10000", "2503.10002"]


def test_parsed_groups_keep_file_order_and_line_numbers(write_jsonl):
    from paperfeed.ingest.jsonl import JsonlFile

    lines = [{"id": f"2503.{10000 + n}", "title": f"Paper {n}"} for n in range(1200)]
    lines[700] = "{broken"
    groups = list(file_parser.parsed_groups(JsonlFile(write_jsonl("many.jsonl.xz", lines))))
    ids = [item[0] for group in groups for item in group.items]
    assert ids == [line["id"] for line in lines if isinstance(line, dict)]
    assert [reject for group in groups for reject in group.rejected][0][0] == 701
    assert groups[-1].bytes_read == Path(write_jsonl("many.jsonl.xz", lines)).stat().st_size


_WRITER_THAT_STOPS_READING = """
import multiprocessing, sys, time
import django
django.setup()
from paperfeed.ingest.file_parser import parsed_groups
from paperfeed.ingest.jsonl import JsonlFile
groups = parsed_groups(JsonlFile(sys.argv[1]))
next(groups)
print(multiprocessing.active_children()[0].pid, flush=True)
time.sleep(120)
"""


def test_the_parsing_process_ends_when_the_writer_is_killed(write_jsonl, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    lines = [{"id": f"2503.{n:05d}", "title": f"Paper {n}"} for n in range(60000)]
    path = write_jsonl("many.jsonl", lines)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "paperfeed.settings", "PAPERFEED_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-c", _WRITER_THAT_STOPS_READING, str(path)]
    writer = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    parser_pid = int(writer.stdout.readline())
    time.sleep(1)  # the parser has filled what the writer buffers and waits on the pipe
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _is_running(parser_pid):
        time.sleep(0.1)
    outlived = _is_running(parser_pid)
    if outlived:
        os.kill(parser_pid, signal.SIGKILL)  # leave no orphan behind
    assert not outlived, "the parsing process outlived its killed writer"


def _is_running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False
