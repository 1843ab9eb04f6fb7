"""`paperfeed eval search|related` on judged queries over the test corpus."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from paperfeed.search.evaluation import evaluate_classes

MODES = ("hybrid", "keyword", "dense")


def run(*args) -> str:
    out = StringIO()
    call_command("eval", *args, stdout=out)
    return out.getvalue()


def related_rows(output: str) -> dict[tuple[str, str], list[float]]:
    table = {}
    for line in output.splitlines()[1:]:
        group, mode, n, *scores = line.split()
        table[(group, mode)] = [int(n)] + [float(s) for s in scores]
    return table


def search_table(output: str) -> tuple[list[str], dict[tuple[str, str], dict[str, float | str]]]:
    """The columns, and (class, metric) -> {"n": queries, column: figure or "-"}."""
    lines = output.splitlines()
    columns = lines[0].split()[3:]
    table = {}
    for line in lines[1:]:
        if line.startswith(("last-hybrid:", "hybrid figures written")):
            continue
        group, n, metric, *cells = line.split()
        figures = {c: (v if v == "-" else float(v)) for c, v in zip(columns, cells, strict=True)}
        table[(group, metric)] = {"n": int(n)} | figures
    return columns, table


@pytest.fixture
def qrels(corpus, tmp_path):
    """Two judged groups: forgetting what was learned, and molecules/proteins."""
    path = tmp_path / "qrels.tsv"
    lines = [f"forget 0 {corpus[k].arxiv_id} 1" for k in ("unlearning", "forgetting")]
    lines += [f"bio 0 {corpus[k].arxiv_id} 1" for k in ("protein", "graphs")]
    lines += [f"single 0 {corpus['speech'].arxiv_id} 1"]  # one paper: not a related-papers case
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def dev_set(corpus, tmp_path):
    """One query of each class over the test corpus, with its judgments."""
    queries = [
        ("forget", "erasing facts from a trained model", "topic"),
        ("au-1", "Grace Hopper", "author"),
        ("id-1", f"https://arxiv.org/abs/{corpus['speech'].arxiv_id}v2", "id"),
        ("title-1", corpus["protein"].title, "title"),
        ("nonsense-1", "xqzvbnm flurbo glark", "nonsense"),
    ]
    judged = [("forget", corpus[k].arxiv_id) for k in ("unlearning", "forgetting")]
    judged += [("au-1", corpus["unlearning"].arxiv_id), ("id-1", corpus["speech"].arxiv_id)]
    judged += [("title-1", corpus["protein"].arxiv_id)]
    query_file, qrels_file = tmp_path / "queries.jsonl", tmp_path / "qrels.tsv"
    query_file.write_text("".join(json.dumps({"id": i, "query": q, "kind": k}) + "\n" for i, q, k in queries))
    qrels_file.write_text("".join(f"{qid} 0 {doc} 1\n" for qid, doc in judged))
    return query_file, qrels_file


def test_each_query_class_is_judged_by_its_own_metric():
    queries = [
        {"id": "a", "query": "name", "kind": "author"},
        {"id": "t", "query": "title", "kind": "title"},
        {"id": "n", "query": "gibberish", "kind": "nonsense"},
        {"id": "n2", "query": "more gibberish", "kind": "nonsense"},
        {"id": "k", "query": "words", "kind": "keywords"},
    ]
    qrels = {"a": {"p1": 1, "p2": 1}, "t": {"p3": 1}, "k": {"p4": 1}}
    answers = {
        "name": (["p1", "x", "p2"], 3),  # one of the first two is the author's: R-precision 0.5
        "title": (["x", "p3"], 2),  # the paper second: top-1 0, MRR 0.5
        "gibberish": ([], 0),  # nothing: answered empty
        "more gibberish": (["x"], 1),
        "words": (["p4"], 1),
    }
    scores = evaluate_classes(queries, qrels, answers.__getitem__)
    assert scores["author"].mean() == {"R-prec": 0.5, "R@100": 1.0, "MRR": 1.0}
    assert scores["title"].mean() == {"top-1": 0.0, "MRR": 0.5}
    assert scores["nonsense"].mean() == {"empty": 0.5} and scores["nonsense"].queries == 2
    assert scores["keywords"].mean()["nDCG@10"] == 1.0
    assert scores["topical"].queries == 1  # keywords, summary and topic together


def test_eval_search_prints_one_table_of_classes_by_mode(dev_set):
    queries, qrels = dev_set
    # (no last-hybrid column: the repository's own baseline is left out)
    args = ("--queries", str(queries), "--qrels", str(qrels), "--baseline", "none")
    columns, table = search_table(run("search", *args))
    assert columns == list(MODES)
    assert list(dict.fromkeys(group for group, _ in table)) == [
        "author",
        "id",
        "title",
        "nonsense",
        "topic",
        "topical",
    ]
    assert {metric for group, metric in table if group == "author"} == {"R-prec", "R@100", "MRR"}
    assert ("nonsense", "empty") in table and ("topic", "nDCG@10") in table
    assert all(row["n"] == 1 for row in table.values())
    # An arXiv link and an exact title find their paper first; nothing has these letters.
    assert table[("id", "top-1")]["hybrid"] == 1.0 and table[("id", "top-1")]["keyword"] == 1.0
    assert table[("title", "top-1")]["hybrid"] == 1.0
    assert table[("nonsense", "empty")]["keyword"] == 1.0
    assert table[("author", "R@100")]["keyword"] == 1.0  # her one paper is among the results


def test_eval_search_prints_last_turns_hybrid_figures_beside_the_live_ones(dev_set, tmp_path):
    queries, qrels = dev_set
    saved = tmp_path / "baseline.json"
    first = run("search", "--queries", str(queries), "--qrels", str(qrels), "--save-baseline", str(saved))
    stored = json.loads(saved.read_text())
    assert stored["mode"] == "hybrid" and stored["corpus_papers"] == 8 and stored["commit"]
    assert stored["classes"]["id"] == {"n": 1, "top-1": 1.0, "MRR": 1.0}

    again = run("search", "--queries", str(queries), "--qrels", str(qrels), "--baseline", str(saved))
    columns, table = search_table(again)
    assert columns == [*MODES, "last-hybrid"]
    assert all(row["last-hybrid"] == row["hybrid"] for row in table.values())
    assert f"commit {stored['commit']}" in again.splitlines()[-1]
    assert search_table(first)[1].keys() == table.keys()


def test_eval_search_refuses_a_baseline_it_cannot_read_and_saving_without_hybrid(dev_set, tmp_path):
    queries, qrels = dev_set
    broken = tmp_path / "broken.json"
    broken.write_text('{"commit": "abc"}')
    with pytest.raises(CommandError, match="not a baseline"):
        run("search", "--queries", str(queries), "--qrels", str(qrels), "--baseline", str(broken))
    with pytest.raises(CommandError, match="include hybrid"):
        run(
            "search",
            "--queries",
            str(queries),
            "--qrels",
            str(qrels),
            "--modes",
            "dense",
            "--save-baseline",
            "x",
        )


def test_eval_related_uses_each_judged_paper_as_the_query_for_its_group(qrels):
    table = related_rows(run("related", "--qrels", str(qrels)))
    assert set(table) == {("related", m) for m in ("related", "hybrid", "keyword", "dense")}
    n, ndcg10, recall100, mrr = table[("related", "related")]
    assert n == 4
    assert recall100 == 1.0  # eight papers: every neighbour is within the first 100
    assert mrr >= 0.5 and 0 < ndcg10 <= 1


def test_eval_related_with_queries_takes_only_topic_groups(dev_set):
    queries, qrels = dev_set  # a topic of two papers and an author of five
    table = related_rows(
        run("related", "--queries", str(queries), "--qrels", str(qrels), "--modes", "related")
    )
    assert table[("related", "related")][0] == 2


def test_eval_refuses_unknown_modes_and_papers_missing_from_the_database(qrels, tmp_path):
    with pytest.raises(CommandError, match="Unknown mode"):
        run("related", "--qrels", str(qrels), "--modes", "magic")
    stray = tmp_path / "stray.tsv"
    stray.write_text("g 0 2501.99998 1\ng 0 2501.99999 1\n")
    with pytest.raises(CommandError, match="not in the database"):
        run("related", "--qrels", str(stray))
