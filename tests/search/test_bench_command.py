"""`paperfeed bench search` end to end on a tiny dump: it imports, embeds, builds once, then reuses."""

from __future__ import annotations

import json
import lzma
from io import StringIO

import pytest
from django.core.management import call_command

from paperfeed.papers.models import Paper

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


def bench(folder, queries, workdir, *extra) -> str:
    out = StringIO()
    call_command(
        "bench", "search", "--data", str(folder), "--workdir", str(workdir), "--queries", str(queries),
        "--count", "6", *extra, stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


@pytest.mark.django_db
def test_bench_builds_an_index_once_and_prints_latencies_per_mode_and_stage(dump_dir, tmp_path):
    folder, queries = dump_dir
    workdir = tmp_path / "work"
    first = bench(folder, queries, workdir, "--embed-seconds", "600")
    assert Paper.objects.count() == 24
    assert "vectors:       24 real embeddings; 0 stand-ins" in first
    assert "in this run" in first
    for row in ("query embedding alone", "keyword", "dense (incl. embed)", "hybrid (incl. embed)"):
        assert row in first
    assert "hybrid by stage, ms" in first and "  vector search" in first and "  highlight" in first
    second = bench(folder, queries, workdir)
    assert "earlier, reused" in second
    assert "vectors:       24 real embeddings" in second


@pytest.mark.django_db
def test_bench_refuses_to_invent_vectors_without_enough_real_ones(dump_dir, tmp_path):
    folder, queries = dump_dir
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="real embeddings; run with --embed-seconds first"):
        bench(folder, queries, tmp_path / "work")
