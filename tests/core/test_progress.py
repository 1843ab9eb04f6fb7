"""Long work shows a bar with percentage, rate and ETA on a terminal, and only a summary line when
its output goes to a pipe or a file."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from django.core.management.base import OutputWrapper

from core.test_cli import RED, on_a_terminal
from paperfeed.core.progress import Bar, is_terminal, raw_stream

HF_FIXTURE = Path(__file__).resolve().parents[1] / "ingest" / "fixtures" / "hf_daily_papers.jsonl"


def test_a_bar_on_a_terminal_shows_percentage_rate_and_eta():
    controller, terminal = pty.openpty()
    try:
        with os.fdopen(terminal, "w", closefd=False) as stream:
            assert is_terminal(OutputWrapper(OutputWrapper(stream)))
            bar = Bar("  vectors", 200, OutputWrapper(stream), unit=" papers")
            bar.update_to(50)
            bar.update_to(200)
            bar.close()
            stream.flush()
        drawn = os.read(controller, 65536).decode()
    finally:
        os.close(controller)
        os.close(terminal)
    assert "vectors: 100%" in drawn
    assert "200/200" in drawn
    assert "papers/s" in drawn  # the rate
    assert "<00:00" in drawn  # elapsed<remaining: the ETA


def test_no_bar_is_drawn_into_a_pipe_or_a_file():
    out = io.StringIO()
    bar = Bar("  vectors", 200, OutputWrapper(out))
    bar.update_to(200)
    bar.close()
    assert out.getvalue() == ""
    assert bar.done == 200


def test_the_raw_stream_is_found_under_nested_output_wrappers():
    out = io.StringIO()
    assert raw_stream(OutputWrapper(OutputWrapper(out))) is out


def test_ingest_and_index_on_a_terminal_draw_bars_and_plain_steps(tmp_path):
    shown = on_a_terminal("ingest", "file", str(HF_FIXTURE), data_dir=tmp_path / "site")
    assert "hf_daily_papers.jsonl: 100%" in shown  # the import's bar
    assert "keywords: 100%" in shown and "vectors: 100%" in shown  # the index's bars
    assert "papers/s" in shown
    said = shown.index("Keyword search finds these papers now")
    assert RED not in shown[said - 20 : said]
    assert "Loading weights" not in shown
    step = shown.index("Updating the search index")
    assert RED not in shown[step - 20 : step]
    assert "imported 12 papers from hf_daily_papers.jsonl" in shown
    assert "with 12 papers for keywords in" in shown


def test_ingest_and_index_into_a_pipe_print_summary_lines_only(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PAPERFEED_DATA_DIR"] = str(tmp_path / "site")
    done = subprocess.run(
        [sys.executable, "-m", "paperfeed", "ingest", "file", str(HF_FIXTURE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "%|" not in done.stderr and "%|" not in done.stdout
    summaries = [
        line for line in done.stdout.splitlines() if line.startswith(("imported ", "Rebuilt", "Indexed"))
    ]
    assert len(summaries) == 2, done.stdout
    assert "vectors for " in summaries[1] and "/s)" in summaries[1]
    assert "Keyword search finds" not in done.stdout + done.stderr


def test_the_arxiv_harvest_draws_a_bar_with_percentage_on_a_terminal_only():
    from paperfeed.ingest.arxiv_harvest import PageDone
    from paperfeed.ingest.cli_arxiv import _HarvestProgress

    page = PageDone(page=1, records=100, harvested=100, complete_list_size=400, elapsed_seconds=1.0)
    controller, terminal = pty.openpty()
    try:
        with os.fdopen(terminal, "w", closefd=False) as stream:
            progress = _HarvestProgress(stream)
            progress.page(page)
            progress.close()
            stream.flush()
        drawn = os.read(controller, 65536).decode()
    finally:
        os.close(controller)
        os.close(terminal)
    assert "arXiv OAI-PMH:  25%" in drawn and "100/400" in drawn
    piped = io.StringIO()
    progress = _HarvestProgress(piped)
    progress.page(page)
    progress.close()
    assert piped.getvalue() == ""
