"""How a file import writes in bulk: many rows per statement with constant columns written into it,
no look-ups into a table that was empty when the load began, papers numbered as SQLite would,
and lines that repeat a paper's previous line left out. Each gives what the plain way gives."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from django.db import connection, transaction

from paperfeed.ingest import file_parser, store
from paperfeed.ingest.arxiv_rows import PlainArxivRows
from paperfeed.ingest.deferred_indexes import _drop_secondary_indexes, restore_deferred_indexes
from paperfeed.ingest.file_parser import _Repeats, cyclic_gc_paused
from paperfeed.ingest.jsonl import JsonlFile
from paperfeed.ingest.shapes import cached_arxiv_id, parse_record
from paperfeed.ingest.store import batches, dialect, prepare
from paperfeed.papers.models import Authorship, Paper

from .fixture_files import ALL_FIXTURES
from .test_fast_path import database_snapshot, wipe

FIXTURES = Path(__file__).parent / "fixtures"


def arxiv_lines() -> list[dict]:
    path = FIXTURES / "arxiv_cs_2025_2026.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def authorship_rows(paper: Paper) -> list[tuple]:
    return list(
        Authorship.objects.filter(paper=paper)
        .order_by("position")
        .values_list("position", "name", "hidden", "status", "user_id")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 7, 1234])
def test_appended_rows_are_stored_exactly_however_many_and_whatever_repeats_across_them(count, monkeypatch):
    monkeypatch.setattr(dialect, "_SQLITE_ROWS_PER_INSERT", 500)  # 1234 rows: two full statements and a rest
    paper = Paper.objects.create(arxiv_id="2501.00001", title="T")
    rows = [
        (
            paper.pk,
            position,
            'O\'Brien, "Jr"' if position % 3 == 0 else f"Author {position}",  # quotes, in both forms
            position == 5,  # a boolean that is not the same in every row (when there are 6+)
            "claimed" if count == 1 else "",  # an empty string in every row of the larger batches
            None,  # NULL in every row
        )
        for position in range(count)
    ]
    with transaction.atomic():
        dialect.append_rows(
            dialect.quote(Authorship._meta.db_table),
            ("paper_id", "position", "name", "hidden", "status", "user_id"),
            rows,
        )
    assert authorship_rows(paper) == [row[1:] for row in rows]


@pytest.mark.django_db
def test_a_constant_that_only_looks_the_same_is_still_bound():
    paper = Paper.objects.create(arxiv_id="2501.00002", title="T")
    long_name = "x" * 300  # too long to write into the statement
    rows = [(paper.pk, position, long_name, False, "a'b", None) for position in range(3)]
    with transaction.atomic():
        dialect.append_rows(
            dialect.quote(Authorship._meta.db_table),
            ("paper_id", "position", "name", "hidden", "status", "user_id"),
            rows,
        )
    assert authorship_rows(paper) == [(p, long_name, False, "a'b", None) for p in range(3)]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite numbers new papers itself")
def test_new_papers_are_numbered_as_sqlite_would_never_reusing_an_id(ingest, write_jsonl):
    lines = arxiv_lines()
    assert not ingest(write_jsonl("a.jsonl", lines[:3])).failed
    last = Paper.objects.order_by("-pk").first().pk
    Paper.objects.filter(pk=last).delete()  # AUTOINCREMENT never hands its id out again
    assert not ingest(write_jsonl("b.jsonl", lines[3:6])).failed
    new_pks = sorted(
        Paper.objects.filter(arxiv_id__in=[line["id"] for line in lines[3:6]]).values_list("pk", flat=True)
    )
    assert new_pks == [last + 1, last + 2, last + 3]
    for paper in Paper.objects.all():
        assert authorship_rows(paper)  # the authorships point at their papers


@pytest.mark.django_db
def test_a_load_into_an_empty_table_looks_up_only_papers_it_wrote_or_names_twice(monkeypatch):
    records = [parse_record(line) for line in arxiv_lines()]
    items = [store.prepare_record(record) for record in records]
    again = items[0]  # the first paper once more, in a later batch
    twice = [items[5], items[5]]  # one paper twice in one batch
    looked_up: list[list[str]] = []
    real = batches._BatchWriter._load_papers

    def spy(self, ids):
        looked_up.append(sorted(ids))
        return real(self, ids)

    monkeypatch.setattr(batches._BatchWriter, "_load_papers", spy)
    stats = store.upsert_prepared([*items[:5], again, *twice, *items[6:]], batch_size=5)

    assert looked_up == [sorted([again[0], items[5][0]])]
    assert (stats.new, stats.updated, stats.unchanged) == (10, 0, 1)
    by_load = database_snapshot()

    wipe()
    monkeypatch.setattr(store, "FreshLoad", type("Never", (), {"begin": staticmethod(lambda: None)}))
    store.upsert_prepared([*items[:5], again, *twice, *items[6:]], batch_size=5)
    assert database_snapshot() == by_load


@pytest.mark.django_db
def test_a_paper_another_writer_inserted_into_the_empty_table_meanwhile_is_merged(monkeypatch):
    records = [parse_record(line) for line in arxiv_lines()]
    items = [store.prepare_record(record) for record in records]
    store.upsert_prepared(items[:1])
    Paper.objects.filter(arxiv_id=items[0][0]).update(
        title="Changed by the other writer", source_updated=None
    )
    # The load began when the table was empty; the other writer's paper came in since.
    monkeypatch.setattr(batches.FreshLoad, "begin", classmethod(lambda cls: cls()))

    stats = store.upsert_prepared(items, batch_size=4)

    assert (stats.new, stats.updated) == (9, 1)
    assert Paper.objects.count() == 10
    assert Paper.objects.get(arxiv_id=items[0][0]).title == records[0].title  # merged, not duplicated


@pytest.mark.django_db  # the INSERT form of a datetime is the connection's
@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda path: path.stem)
def test_a_prepared_record_gives_back_the_values_it_merges_exactly_as_the_record_gave_them(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        record = parse_record(json.loads(line))
        fields = prepare.record_fields(record)
        id_version = cached_arxiv_id(record.arxiv_id).version
        if id_version and (fields["version"] or 0) < id_version:
            fields["version"] = id_version  # "2411.01234v3" says version 3
        assert prepare.record_values(store.prepare_record(record)) == tuple(fields.values())


def test_a_line_that_repeats_the_papers_previous_line_is_spotted_and_no_other():
    items = [store.prepare_record(parse_record(line)) for line in arxiv_lines()]
    changed = store.prepare_record(parse_record({**arxiv_lines()[0], "title": "Another title"}))
    repeats = _Repeats(remembered=4)
    assert [repeats.seen(item) for item in items[:3]] == [False, False, False]
    assert repeats.seen(items[0])  # the same paper, the same rows
    assert not repeats.seen(changed)  # the same paper, other rows
    assert not repeats.seen(items[0])  # not the paper's previous line any more
    for item in items[3:]:  # enough other papers to forget the first one
        repeats.seen(item)
    assert not repeats.seen(items[0])


def test_a_plain_arxiv_line_repeating_its_papers_previous_line_but_for_the_ids_spelling_is_not_even_prepared(
    monkeypatch,
):
    prepared = []
    real_prepare = PlainArxivRows.prepare
    monkeypatch.setattr(
        PlainArxivRows,
        "prepare",
        lambda self, data, identity: prepared.append(data["id"]) or real_prepare(self, data, identity),
    )
    rows_of = file_parser._LineRows()
    first = {"id": "0704.0010", "title": "A paper", "authors": "Ann Lee, Bo Li", "abstract": "Text."}

    assert rows_of(dict(first))[0] == "0704.0010"
    assert rows_of({**first, "id": "704.001"}) is None  # the id as a float spreadsheet wrote it
    assert rows_of({**first, "id": 704.001}) is None  # as a JSON number
    assert prepared == ["0704.0010"]
    assert rows_of({**first, "id": "704.001", "title": "Another title"}) is not None  # other rows
    assert rows_of({**first, "id": "0704.0010v2"}) is not None  # another version: other rows
    assert rows_of(dict(first)) is not None  # not the paper's previous line any more
    assert prepared == ["0704.0010", "704.001", "0704.0010v2", "0704.0010"]


@pytest.mark.django_db
def test_repeated_lines_are_left_out_and_the_import_is_what_merging_every_line_gives(ingest, write_jsonl):
    lines = arxiv_lines()
    first = lines[0]
    changed = {**first, "title": "A changed title", "listed": "2030-01-01"}
    # The paper, a repeat of it, another version of it, then the first again.
    file_lines = [first, lines[1], dict(first), lines[2], changed, lines[3], first, *lines[4:]]
    groups = list(file_parser.parse_groups(JsonlFile(write_jsonl("r.jsonl", file_lines))))
    assert sum(group.repeated for group in groups) == 1
    assert sum(len(group.items) for group in groups) == len(file_lines) - 1

    run = ingest(write_jsonl("r.jsonl", file_lines))
    assert not run.failed, run.stderr
    assert run.stdout.rstrip().endswith(", 1 repeated line skipped")
    by_file = database_snapshot()
    wipe()
    store.upsert_records([parse_record(line) for line in file_lines], batch_size=1)  # one line at a time
    assert database_snapshot() == by_file
    assert Paper.objects.get(arxiv_id=first["id"]).title == "A changed title"


def test_the_cycle_collector_is_paused_for_an_import_and_restored_after():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyboardInterrupt), cyclic_gc_paused():
        raise KeyboardInterrupt
    assert gc.isenabled()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite defers its indexes")
def test_building_the_deferred_indexes_leaves_the_page_cache_setting_as_it_was():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -4321")
    dropped = _drop_secondary_indexes()
    assert dropped
    assert restore_deferred_indexes() == dropped
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -4321
