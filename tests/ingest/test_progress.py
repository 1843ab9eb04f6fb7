"""Progress output: a bar with count, rate and ETA on a terminal, a plain summary line always."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from paperfeed.ingest.progress import FileProgress, format_summary
from paperfeed.ingest.store import UpsertStats

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_summary_line_states_counts_time_and_rate():
    stats = UpsertStats(new=9_000, updated=800, unchanged=77)
    line = format_summary("hf_daily_papers.jsonl.xz", stats, rejected=3, seconds=12.3)
    assert line == (
        "imported 9,877 papers from hf_daily_papers.jsonl.xz in 12.3 s (803/s): "
        "9,000 new, 800 updated, 77 unchanged, 3 rejected"
    )


def test_the_summary_line_counts_repeated_lines_that_were_skipped():
    stats = UpsertStats(new=10)
    line = format_summary("a.jsonl", stats, rejected=0, seconds=1.0, repeated=4)
    assert line.endswith("10 new, 0 updated, 0 unchanged, 0 rejected, 4 repeated lines skipped")


def test_a_live_bar_shows_bytes_papers_and_rate():
    out = io.StringIO()
    progress = FileProgress("x.jsonl.xz", 1000, lambda: 500, out, live=True)
    progress.on_batch(UpsertStats(new=2_000), 2_000)
    progress.close()
    text = out.getvalue()
    assert "x.jsonl.xz" in text and "2,000 papers" in text and "/s" in text and "100%" in text
    assert progress.stats.new == 2_000


def test_without_a_terminal_nothing_is_drawn():
    out = io.StringIO()
    progress = FileProgress("x.jsonl", 1000, lambda: 500, out, live=False)
    progress.on_batch(UpsertStats(new=5), 5)
    progress.close()
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_the_command_prints_only_summaries_when_stderr_is_not_a_terminal(ingest):
    run = ingest(FIXTURES / "kaggle_arxiv_snapshot.jsonl")
    assert run.stderr == ""
    assert run.stdout.startswith("imported 3 papers from kaggle_arxiv_snapshot.jsonl in ")
