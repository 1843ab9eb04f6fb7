"""`paperfeed eval recommend`: the metrics, the paired comparison, and the command on a tiny set."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from paperfeed.recommend.evaluation import Case, Scores, compare
from recommend.conftest import WEEK_START


def case(reader: str) -> Case:
    return Case(reader, [1], date(2026, 1, 5), date(2026, 1, 11), {1})


def test_scores_count_a_hit_at_the_top_and_one_at_the_second_place():
    scores = Scores()
    scores.add([7, 1, 8], {1})
    scores.add([1, 7], {1})

    ndcg, recall, mrr = scores.row()
    assert mrr == pytest.approx((0.5 + 1.0) / 2) and recall == 1.0
    assert ndcg == pytest.approx((1 / 1.5849625 + 1.0) / 2)


def test_a_ranker_better_on_every_reader_has_an_interval_above_zero():
    cases = [case(f"r{i}") for i in range(30)]
    better, worse = Scores(ndcg10=[0.6 + 0.01 * (i % 3) for i in range(30)]), Scores(ndcg10=[0.5] * 30)

    comparison = compare(cases, better, worse)

    assert comparison.low > 0 and comparison.wins == 30 and comparison.losses == 0
    assert compare(cases, worse, worse).ties == 30


def test_a_difference_from_one_reader_only_is_not_called_certain():
    cases = [case("r1")] * 5 + [case(f"r{i}") for i in range(2, 27)]
    first = Scores(ndcg10=[1.0] * 5 + [0.5] * 25)

    comparison = compare(cases, first, Scores(ndcg10=[0.5] * 30))

    assert comparison.difference > 0 and comparison.low == 0.0  # most resamples leave r1 out or in once


@pytest.mark.django_db
def test_the_command_prints_the_table_and_the_comparison(indexed, make_user, tmp_path):
    old = [p.arxiv_id for p in indexed["robots"]["old"]]
    new = [p.arxiv_id for p in indexed["robots"]["new"]]
    week = f"{WEEK_START.isocalendar()[0]}-W{WEEK_START.isocalendar()[1]:02d}"
    readers = tmp_path / "readers.jsonl"
    readers.write_text(
        json.dumps({"reader": "r001", "library": old, "cases": [{"week": week, "positives": new}]})
    )
    out = StringIO()

    # The tf-idf SVM's arxiv-sanity settings need a corpus of hundreds of papers (max_df 0.1).
    call_command(
        "eval",
        "recommend",
        "--readers",
        str(readers),
        "--rankers",
        "centroid,model",
        "--no-feedback",
        stdout=out,
    )

    text = out.getvalue()
    assert "1 reader-weeks of 1 readers" in text
    for ranker in ("centroid", "model"):
        assert f"\n{ranker} " in text
    assert "model - centroid: nDCG@10" in text
