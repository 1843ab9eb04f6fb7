"""bench/search/search_bench.py: building apart from timing, the topics step, navigational rows,
feedback's share, and the PostgreSQL backend (when DATABASE_URL names a PostgreSQL database)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from test_search_bench import bench, dump_dir, search_bench  # noqa: F401 (fixtures)

from paperfeed.papers.models import Paper


@pytest.fixture
def kinds(tmp_path):
    """Queries with their kinds: an arXiv id of the dump, an author, two topics."""
    path = tmp_path / "kinds.jsonl"
    rows = [
        {"id": "1", "query": "2503.10001", "kind": "id"},
        {"id": "2", "query": "Ada Lovelace", "kind": "author"},
        {"id": "3", "query": "protein folding", "kind": "keywords"},
        {"id": "4", "query": "how machines understand spoken words", "kind": "topic"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.mark.django_db
def test_build_only_times_nothing_and_the_topics_step_reports_papers_per_second(
    search_bench,  # noqa: F811
    capsys,
    dump_dir,  # noqa: F811
    kinds,
    tmp_path,
):
    folder, _ = dump_dir
    workdir = tmp_path / "work"
    built = bench(
        search_bench, capsys, folder, kinds, workdir, "--embed-seconds", "600", "--build-only", "--topics"
    )
    assert "--build-only: nothing timed" in built
    assert "latency ms" not in built
    assert "topics step:" in built and "key phrases for 24" in built and "papers/s" in built
    assert Paper.objects.exclude(keyphrases=[]).count() == 24
    timed = bench(search_bench, capsys, folder, kinds, workdir)
    assert "earlier, reused" in timed
    assert "topics step:   " in timed  # kept with the index
    assert "hybrid: arXiv ids" in timed and "(1 of 1 found papers)" in timed
    assert "hybrid: author names" in timed
    assert "feedback:" in timed
    # The bench's backend follows the database, as the site's does.
    assert f"backend:       {'postgres' if connection.vendor == 'postgresql' else 'local'}" in timed


@pytest.mark.django_db(transaction=True)
def test_the_bench_builds_and_times_the_postgres_backend(
    search_bench,  # noqa: F811
    capsys,
    dump_dir,  # noqa: F811
    kinds,
    tmp_path,
):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend needs DATABASE_URL to name a PostgreSQL database")
    folder, _ = dump_dir
    out = bench(
        search_bench,
        capsys,
        folder,
        kinds,
        tmp_path / "work",
        "--embed-seconds",
        "600",
        "--backend",
        "postgres",
        "--pg-bulk",
    )
    assert "backend:       postgres" in out
    assert "vectors:       24 real embeddings; 0 stand-ins" in out
    assert "four tables" in out
    assert "hnsw index" in out and "gin index" in out and "ANALYZE" in out
    assert "hybrid by stage, ms" in out and "(1 of 1 found papers)" in out
