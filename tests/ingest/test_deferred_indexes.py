"""On SQLite a load into empty paper tables builds the plain indexes once, at the end, identical to
the migrations' (also after Ctrl-C, and at the next ingest after a killed load)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from paperfeed.ingest.deferred_indexes import SAVED_TABLE, _drop_secondary_indexes
from paperfeed.ingest.store import batches
from paperfeed.papers.models import Paper

FIXTURES = Path(__file__).parent / "fixtures"
ARXIV = FIXTURES / "arxiv_1990_2019.jsonl"
HF = FIXTURES / "hf_daily_papers.jsonl"

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite defers its indexes")


def schema() -> set[tuple[str, str, str | None]]:
    """Every index and table of the database (name, type, SQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, type, sql FROM sqlite_master WHERE type IN ('index', 'table')")
        return set(cursor.fetchall())


def index_names() -> set[str]:
    return {name for name, kind, _ in schema() if kind == "index"}


def indexes_seen_while_writing(monkeypatch) -> list[set[str]]:
    """Record the index names present each time a batch writes its authorships."""
    seen: list[set[str]] = []
    real = batches._BatchWriter._write_authorships

    def spy(self, by_paper):
        seen.append(index_names())
        return real(self, by_paper)

    monkeypatch.setattr(batches._BatchWriter, "_write_authorships", spy)
    return seen


@pytest.mark.django_db
def test_a_load_into_empty_tables_writes_without_the_plain_indexes_and_rebuilds_them_identically(
    ingest, monkeypatch
):
    before = schema()
    plain = {"papers_authorship_name_lower", "search_paper_title_lower"}
    assert plain <= index_names()
    seen = indexes_seen_while_writing(monkeypatch)

    run = ingest(ARXIV, batch_size=3)

    assert not run.failed and Paper.objects.count() > 3
    assert len(seen) > 1
    in_load_order = {"papers_pape_modifie_570e64_idx", "papers_pape_publish_609360_idx"}
    in_load_order |= {name for name, kind, sql in before if kind == "index" and sql and " WHERE " in sql}
    for names in seen:
        assert not names & plain
        assert "sqlite_autoindex_papers_paper_1" in names  # arxiv_id UNIQUE stays for the merge
        assert "sqlite_autoindex_papers_authorship_1" in names  # (paper_id, position) stays
        assert in_load_order <= names  # appended to in order: as cheap kept as built at the end
    assert schema() == before  # same indexes, same SQL, and no saved statements left over


@pytest.mark.django_db
def test_a_load_into_tables_that_hold_papers_keeps_every_index(ingest, monkeypatch):
    assert not ingest(HF).failed
    before = schema()
    seen = indexes_seen_while_writing(monkeypatch)

    assert not ingest(ARXIV, batch_size=3).failed

    assert seen and all(names == index_names() for names in seen)
    assert schema() == before


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_during_a_load_still_rebuilds_the_indexes(ingest, monkeypatch):
    before = schema()
    writes = {"n": 0}
    real = batches._BatchWriter._write_authorships

    def interrupt_in_second_batch(self, by_paper):
        writes["n"] += 1
        if writes["n"] == 2:
            raise KeyboardInterrupt
        return real(self, by_paper)

    monkeypatch.setattr(batches._BatchWriter, "_write_authorships", interrupt_in_second_batch)
    with pytest.raises(KeyboardInterrupt):
        ingest(HF, batch_size=5)

    assert Paper.objects.count() == 5
    assert schema() == before


@pytest.mark.django_db
def test_strict_rollback_still_rebuilds_the_indexes(ingest, write_jsonl, fixture_lines):
    before = schema()
    path = write_jsonl("strict.jsonl", [*fixture_lines("arxiv_1990_2019.jsonl"), "{not json"])
    run = ingest(path, strict=True)
    assert run.failed and Paper.objects.count() == 0
    assert schema() == before


@pytest.mark.django_db
def test_the_next_ingest_rebuilds_indexes_a_killed_load_left_dropped(ingest, monkeypatch):
    before = schema()
    dropped = _drop_secondary_indexes()  # what a load killed before its end leaves behind
    assert dropped and SAVED_TABLE in {name for name, _, _ in schema()}
    assert not set(dropped) & index_names()
    # The tables are not empty for this load, so it must write with the indexes restored first.
    Paper.objects.create(arxiv_id="9901.00001", title="Already here")
    seen = indexes_seen_while_writing(monkeypatch)

    assert not ingest(ARXIV).failed

    assert seen and all(set(dropped) <= names for names in seen)
    assert schema() == before


@pytest.mark.django_db
def test_migrate_and_so_serve_rebuild_indexes_a_load_killed_during_its_index_build_left_out():
    before = schema()
    dropped = _drop_secondary_indexes()  # a kill -9 during the final build leaves them so
    assert dropped and not set(dropped) & index_names()
    out = io.StringIO()

    call_command("migrate", interactive=False, stdout=out)  # (what `paperfeed serve` runs on start)

    assert schema() == before
    assert f"Rebuilt the indexes an interrupted import had left out: {', '.join(dropped)}." in out.getvalue()


def test_paperfeed_migrate_rebuilds_them_in_a_real_data_directory(tmp_path):
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)

    def paperfeed(*argv: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "paperfeed", *argv], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done

    def indexes() -> set[str]:
        with sqlite3.connect(tmp_path / "data" / "paperfeed.sqlite3") as database:
            return {
                name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            }

    paperfeed("migrate")
    before = indexes()
    drop = "from paperfeed.ingest.deferred_indexes import _drop_secondary_indexes as d; print(','.join(d()))"
    dropped = set(paperfeed("shell", "-c", drop).stdout.strip().splitlines()[-1].split(","))
    assert dropped and before - indexes() == dropped

    paperfeed("migrate")

    assert indexes() == before
