"""`paperfeed eval search|related` on judged queries over the test corpus."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> str:
    out = StringIO()
    call_command("eval", *args, stdout=out)
    return out.getvalue()


def rows(output: str) -> dict[tuple[str, str], list[float]]:
    table = {}
    for line in output.splitlines()[1:]:
        group, mode, n, *scores = line.split()
        table[(group, mode)] = [int(n)] + [float(s) for s in scores]
    return table


@pytest.fixture
def qrels(corpus, tmp_path):
    """Two judged groups: forgetting what was learned, and molecules/proteins."""
    path = tmp_path / "qrels.tsv"
    lines = [f"forget 0 {corpus[k].arxiv_id} 1" for k in ("unlearning", "forgetting")]
    lines += [f"bio 0 {corpus[k].arxiv_id} 1" for k in ("protein", "graphs")]
    lines += [f"single 0 {corpus['speech'].arxiv_id} 1"]  # one paper: not a related-papers case
    path.write_text("\n".join(lines) + "\n")
    return path


def test_eval_related_uses_each_judged_paper_as_the_query_for_its_group(qrels):
    table = rows(run("related", "--qrels", str(qrels)))
    assert set(table) == {("related", m) for m in ("related", "hybrid", "keyword", "dense")}
    n, ndcg10, recall100, mrr = table[("related", "related")]
    assert n == 4
    assert recall100 == 1.0  # eight papers: every neighbour is within the first 100
    assert mrr >= 0.5 and 0 < ndcg10 <= 1


def test_eval_search_scores_judged_queries_per_mode(qrels, tmp_path):
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"id": "forget", "query": "erasing facts from a trained model", "kind": "topic"}\n')
    table = rows(run("search", "--queries", str(queries), "--qrels", str(qrels), "--modes", "hybrid,dense"))
    assert set(table) == {("all", "hybrid"), ("all", "dense")}
    assert table[("all", "dense")][0] == 1 and table[("all", "dense")][2] == 1.0


def test_eval_refuses_unknown_modes_and_papers_missing_from_the_database(qrels, tmp_path):
    with pytest.raises(CommandError, match="Unknown mode"):
        run("related", "--qrels", str(qrels), "--modes", "magic")
    stray = tmp_path / "stray.tsv"
    stray.write_text("g 0 2501.99998 1\ng 0 2501.99999 1\n")
    with pytest.raises(CommandError, match="not in the database"):
        run("related", "--qrels", str(stray))
