"""The worker's search index job: papers imported with --no-index become searchable, a slice of
vectors per round; nothing happens when the index is current; never two updates at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.db import connections
from test_sync import TOPICS, half_embedded  # noqa: F401 (a fixture: a vector stage cut short)

from paperfeed.core.schedule import JobRun, registered
from paperfeed.papers.models import Paper
from paperfeed.search import sync, update_lock
from paperfeed.search.backends import index_dir
from paperfeed.search.public import search_papers
from testkit import REPO_ROOT

HF_FIXTURE = REPO_ROOT / "tests" / "ingest" / "fixtures" / "hf_daily_papers.jsonl"


@pytest.fixture(autouse=True)
def jobs(monkeypatch):
    """search/jobs.py, imported as the worker does (every app's jobs, in their order: not first by
    an import here at collection), with the job due to look for work (the clock is per process)."""
    registered()
    from paperfeed.search import jobs

    monkeypatch.setitem(jobs._clock, "next_check", 0.0)
    return jobs


def run_job(once: bool = False) -> tuple[str, str]:
    from paperfeed.search import jobs

    out, err = StringIO(), StringIO()
    jobs.catch_up_index(JobRun(options={"once": once}, stdout=OutputWrapper(out), stderr=OutputWrapper(err)))
    return out.getvalue(), err.getvalue()


def next_round() -> tuple[str, str]:
    from paperfeed.search import jobs

    jobs._clock["next_check"] = 0.0  # as if the minute between looks had passed
    return run_job()


@pytest.fixture
def four_papers(search_backend, make_search_paper):
    return [make_search_paper(title, abstract) for title, abstract in TOPICS]


def test_papers_imported_without_an_index_become_searchable(search_backend):
    call_command("ingest", "file", str(HF_FIXTURE), "--no-index", stdout=StringIO(), stderr=StringIO())
    visible = Paper.objects.filter(hidden=False).count()
    assert visible and sync.work_waiting()

    out, err = run_job()

    assert err == ""
    assert f"Search index: Rebuilt the index with {visible:,} papers for keywords in " in out
    assert f"vectors for {visible:,} in " in out
    status = sync.status()
    assert status.up_to_date and (status.documents, status.vectors) == (visible, visible)
    paper = Paper.objects.filter(hidden=False).order_by("pk").first()
    hits, _ = search_papers(paper.title, mode="dense")
    assert paper in [hit.paper for hit in hits[:3]]


def test_nothing_happens_when_the_index_is_current(four_papers, monkeypatch, jobs):
    sync.catch_up()
    assert not sync.work_waiting()

    def no_catch_up(*args, **kwargs):
        raise AssertionError("the job ran a catch-up with nothing to do")

    monkeypatch.setattr(jobs, "call_command", no_catch_up)
    assert run_job() == ("", "")
    assert run_job(once=True) == ("", "")


def test_between_looks_the_job_does_not_even_ask(four_papers, monkeypatch):
    sync.catch_up()
    assert run_job() == ("", "")
    monkeypatch.setattr(sync, "work_waiting", lambda: pytest.fail("looked again within the minute"))
    assert run_job() == ("", "")


def test_a_vector_stage_cut_short_is_resumed_where_it_stopped(half_embedded):  # noqa: F811
    assert sync.status().vectors_pending == 2

    out, _ = run_job()

    assert "Indexed 0 papers for keywords" in out and "vectors for 2 in " in out
    assert sync.status().up_to_date
    assert next_round() == ("", "")


def test_a_large_import_is_embedded_a_slice_per_round(four_papers, monkeypatch, jobs):
    monkeypatch.setattr(sync, "VECTOR_BATCH_FIRST", 2)
    monkeypatch.setattr(jobs, "SLICE_SECONDS", 0.0)  # one batch per round

    out, _ = run_job()  # the first catch-up builds the index (live at once, filled in place)
    assert "Rebuilt the index with 4 papers for keywords" in out and "vectors for 2 in " in out
    assert "Search index: 2 papers still wait for vectors" in out
    status = sync.status()
    assert (status.documents, status.vectors, status.vectors_pending) == (4, 2, 2)
    hits, _ = search_papers("protein folding transformers")  # found by its words meanwhile
    assert hits[0].paper == four_papers[3]

    out, _ = next_round()  # the next round continues where this one stopped
    assert "Indexed 0 papers for keywords" in out and "vectors for 2 in " in out
    assert "still wait" not in out
    assert sync.status().up_to_date
    assert next_round() == ("", "")


def test_once_runs_the_whole_catch_up(four_papers, monkeypatch, jobs):
    monkeypatch.setattr(sync, "VECTOR_BATCH_FIRST", 2)
    monkeypatch.setattr(jobs, "SLICE_SECONDS", 0.0)
    out, _ = run_job(once=True)
    assert "vectors for 4 in " in out
    assert sync.status().up_to_date


@contextmanager
def update_held_elsewhere(backend: str) -> Iterator[threading.Event]:
    """Another process's hold of the update lock (a separate lock file handle or database session),
    released when the event yielded is set or the block ends."""
    release = threading.Event()
    if backend == "postgres":
        other = connections.create_connection("default")
        other.ensure_connection()
        raw = other.connection  # psycopg's own: usable from the releasing thread
        raw.execute("SELECT pg_advisory_lock(%s)", [update_lock.ADVISORY_KEY])

        def unlock() -> None:
            raw.execute("SELECT pg_advisory_unlock(%s)", [update_lock.ADVISORY_KEY])
    else:
        import fcntl

        index_dir().mkdir(parents=True, exist_ok=True)
        handle = open(index_dir() / update_lock.LOCK_FILE, "w")  # noqa: SIM115 - closed below
        fcntl.flock(handle, fcntl.LOCK_EX)

        def unlock() -> None:
            fcntl.flock(handle, fcntl.LOCK_UN)

    releaser = threading.Thread(target=lambda: (release.wait(), unlock()))
    releaser.start()
    try:
        yield release
    finally:
        release.set()
        releaser.join()
        if backend == "postgres":
            other.close()
        else:
            handle.close()


def test_the_job_leaves_the_index_to_an_update_under_way(four_papers, search_backend):
    with update_held_elsewhere(search_backend):
        assert run_job() == ("", "")
        assert sync.status().model is None  # untouched
    out, _ = next_round()
    assert "Rebuilt the index with 4 papers for keywords" in out
    assert sync.status().up_to_date


def test_index_catch_up_waits_for_an_update_under_way_and_says_so(four_papers, search_backend):
    err = StringIO()
    with update_held_elsewhere(search_backend) as release:
        threading.Timer(1.0, release.set).start()
        call_command("index", "catch-up", stdout=StringIO(), stderr=err)
    assert "is updating the search index: waiting for it to finish" in err.getvalue()
    assert sync.status().up_to_date


def test_the_worker_runs_it_unless_told_not_to(four_papers):
    out = StringIO()
    call_command("worker", "--once", "--no-ingest", "--no-index", stdout=out, stderr=StringIO())
    assert "Search index" not in out.getvalue() and sync.status().model is None
    call_command("worker", "--once", "--no-ingest", stdout=out, stderr=StringIO())
    assert "Search index: Rebuilt the index with 4 papers for keywords" in out.getvalue()
