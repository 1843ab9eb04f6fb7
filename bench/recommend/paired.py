"""The eval table and paired differences from saved rankings, without ranking again.

Reads rankings as ``paperfeed eval recommend --save-rankings`` writes them ({ranker: {case:
[pks]}}) or as levers.py caches the SVM's ({case: [pks]}, named by ``name=path``), and prints
nDCG@10, recall@10 and MRR for each, then each ranker against each other named in ``--against``
with evaluation.compare (a bootstrap over readers).

Usage:
    PAPERFEED_DATA_DIR=/tmp/rec14/data python bench/recommend/paired.py \
        /tmp/rec14/rankings_before.json tfidf-svm=/tmp/rec14/svm_ranked.json \
        after=/tmp/rec14/rankings_after.json:model --against tfidf-svm,centroid
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")

HERE = Path(__file__).resolve().parent


def load(spec: str) -> dict[str, dict[str, list[int]]]:
    """``path``, ``name=path`` (a file of one ranker) or ``name=path:ranker`` (one of a file's)."""
    name, _, rest = spec.rpartition("=")
    path, _, ranker = rest.partition(":")
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if ranker:
        return {name or ranker: data[ranker]}
    if name:
        return {name: data.get(name, data) if isinstance(next(iter(data.values())), dict) else data}
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rankings", nargs="+")
    parser.add_argument("--readers", type=Path, default=HERE / "readers.jsonl")
    parser.add_argument("--against", default="tfidf-svm,centroid")
    args = parser.parse_args()
    import django

    django.setup()
    from paperfeed.recommend import evaluation

    cases, _ = evaluation.read_cases(args.readers)
    rankings: dict[str, dict[str, list[int]]] = {}
    for spec in args.rankings:
        rankings.update(load(spec))
    scores = {}
    print(f"{'ranker':<14} {'n':>5} {'nDCG@10':>8} {'R@10':>7} {'MRR':>7}")
    for name, ranked in rankings.items():
        scores[name] = evaluation.Scores()
        for case in cases:
            scores[name].add(ranked[evaluation.case_key(case)], case.relevant)
        ndcg, recall, mrr = scores[name].row()
        print(f"{name:<14} {len(cases):>5} {ndcg:>8.4f} {recall:>7.4f} {mrr:>7.4f}")
    baselines = args.against.split(",")
    for name in scores:
        for other in baselines:
            if other != name and other in scores and name not in baselines:
                print(evaluation.compare(cases, scores[name], scores[other]).line(name, other))


if __name__ == "__main__":
    sys.exit(main())
