"""bench/search/search_bench.py end to end on a tiny dump: it imports, embeds, builds once, then reuses.

The benchmark is a script outside the installed package; here it runs in this process against
the test database, and once on its own to show it sets Django up by itself.
"""

from __future__ import annotations

import importlib
import json
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paperfeed.papers.models import Paper

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench" / "search"
TOPICS = ["lattice cryptography", "protein folding", "speech recognition", "graph neural networks"]


@pytest.fixture
def dump_dir(tmp_path):
    """A 24-paper stand-in for the recent arXiv dump, under its real file name."""
    folder = tmp_path / "data"
    folder.mkdir()
    with lzma.open(folder / "arxiv_cs_2025_2026.jsonl.xz", "wt", encoding="utf-8") as handle:
        for n in range(24):
            topic = TOPICS[n % len(TOPICS)]
            record = {
                "id": f"2503.{n + 10000:05d}",
                "title": f"Study {n} of {topic}",
                "authors": ["Ada Lovelace"],
                "abstract": f"We study {topic} with method number {n}.",
                "categories": ["cs.LG"],
                "comment": None,
                "listed": "2025-03-18",
            }
            handle.write(json.dumps(record) + "\n")
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps({"id": str(i), "query": t}) + "\n" for i, t in enumerate(TOPICS)))
    return folder, queries


@pytest.fixture
def search_bench(monkeypatch):
    """The script as a module (its neighbour bench_corpus importable, as when it runs)."""
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    return importlib.import_module("search_bench")


def bench(search_bench, capsys, folder, queries, workdir, *extra) -> str:
    search_bench.main(
        ["--data", str(folder), "--workdir", str(workdir), "--queries", str(queries), "--count", "6", *extra]
    )
    return capsys.readouterr().out


@pytest.mark.django_db
def test_bench_builds_an_index_once_and_prints_latencies_per_mode_and_stage(
    search_bench, capsys, dump_dir, tmp_path
):
    folder, queries = dump_dir
    workdir = tmp_path / "work"
    first = bench(search_bench, capsys, folder, queries, workdir, "--embed-seconds", "600")
    assert Paper.objects.count() == 24
    assert "vectors:       24 real embeddings; 0 stand-ins" in first
    assert "in this run" in first
    for row in ("query embedding alone", "keyword", "dense (incl. embed)", "hybrid (incl. embed)"):
        assert row in first
    assert "hybrid by stage, ms" in first and "  vector search" in first and "  highlight" in first
    second = bench(search_bench, capsys, folder, queries, workdir)
    assert "earlier, reused" in second
    assert "vectors:       24 real embeddings" in second


@pytest.mark.django_db
def test_bench_refuses_to_invent_vectors_without_enough_real_ones(search_bench, capsys, dump_dir, tmp_path):
    folder, queries = dump_dir
    with pytest.raises(SystemExit, match="real embeddings; run with --embed-seconds first"):
        bench(search_bench, capsys, folder, queries, tmp_path / "work")


def test_the_bench_runs_as_a_script_that_sets_django_up_itself(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env["PAPERFEED_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, str(BENCH_DIR / "search_bench.py"), "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "--embed-seconds" in done.stdout
