"""Measure each lever of the recommendation model on the development set, in memory.

Loads the corpus's vectors and tf-idf rows once, then scores every case (reader-week) with each
variant: the embedding classifier alone, tf-idf classifiers alone, and their fusions. Prints
nDCG@10, recall@10 and MRR per variant on two halves of the readers (``A``: even-numbered, where
weights may be chosen; ``B``: odd-numbered, which only confirms) and on all, with a paired
bootstrap of each variant against the tf-idf SVM baseline.

Usage (data directory of the development set):
    PAPERFEED_DATA_DIR=/tmp/rec14/data python bench/recommend/levers.py [--readers FILE] [--svm-cache FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
HALF_LIVES = (None, 365)  # days: recency of the library's positives (--dump)


def ndcg_recall_mrr(order: list[int], relevant: set[int]) -> tuple[float, float, float]:
    gains = [1.0 if pk in relevant else 0.0 for pk in order[:10]]
    dcg = sum(g / np.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(len(relevant), 10)))
    first = next((i for i, pk in enumerate(order[:100]) if pk in relevant), None)
    return dcg / ideal, sum(gains) / len(relevant), 0.0 if first is None else 1.0 / (first + 1)


def bootstrap(diff: np.ndarray, rounds: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean difference, its 95% interval, over cases resampled with replacement."""
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(len(diff), size=(rounds, len(diff)))].mean(axis=1)
    return float(diff.mean()), float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def zscore(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=Path, default=HERE / "readers.jsonl")
    parser.add_argument(
        "--svm-cache",
        type=Path,
        default=Path("/tmp/rec14/svm_ranked.json"),
        help="the SVM's rankings: written here, or read (also a file of eval recommend --save-rankings)",
    )
    parser.add_argument("--only", help="comma-separated variants")
    parser.add_argument("--limit", type=int, help="the first this many cases only (a quick check)")
    parser.add_argument(
        "--dump", type=Path, help="write every case's part scores here (npz) for combine.py, and stop"
    )
    args = parser.parse_args()
    import django

    django.setup()
    from paperfeed.papers.models import Paper
    from paperfeed.recommend import evaluation, model
    from paperfeed.recommend.candidates import BACKGROUND_SAMPLE, window_ids
    from paperfeed.recommend.lexicon import Lexicon, paper_text
    from paperfeed.recommend.vectors import choose_space

    sys.path.insert(0, str(HERE))
    import variants

    started = time.perf_counter()
    cases, _ = evaluation.read_cases(args.readers)
    cases = cases[: args.limit]
    rows = list(Paper.objects.visible().values_list("pk", "title", "abstract").order_by("pk"))
    pks = np.array([r[0] for r in rows], dtype=np.int64)
    row_of = {int(pk): i for i, pk in enumerate(pks)}
    space = choose_space()
    got, dense = space.matrix(pks.tolist())
    assert len(got) == len(pks), "every paper needs a vector"
    published = dict(Paper.objects.values_list("pk", "published"))
    day = {pk: (when.date().toordinal() if when else 0) for pk, when in published.items()}
    lexicon = Lexicon.fit(paper_text(t, a) for _, t, a in rows)
    words = lexicon.vectorise(paper_text(t, a) for _, t, a in rows).tocsr()
    print(
        f"{len(cases)} cases, {len(pks):,} papers, {lexicon.size:,} terms, "
        f"loaded in {time.perf_counter() - started:.0f} s"
    )

    if args.svm_cache.exists():
        svm_ranked = json.loads(args.svm_cache.read_text())
        svm_ranked = svm_ranked.get("tfidf-svm", svm_ranked)  # eval recommend --save-rankings
    else:
        rank = evaluation.tfidf_svm_ranker()
        svm_ranked = {}
    windows: dict = {}
    dumped: dict[str, list[np.ndarray]] = {}
    table: dict[str, list[tuple[float, float, float]]] = {}
    readers = []
    chosen = args.only.split(",") if args.only else None
    for n, case in enumerate(cases):
        key = (case.start, case.end)
        if key not in windows:
            windows[key] = window_ids(case.start, case.end)
        liked = set(case.liked)
        candidates = [pk for pk in windows[key] if pk not in liked]
        ident = evaluation.case_key(case)
        if ident not in svm_ranked:
            svm_ranked[ident] = rank(case, candidates)
        readers.append(case.reader)
        table.setdefault("tfidf-svm (baseline)", []).append(ndcg_recall_mrr(svm_ranked[ident], case.relevant))
        pool = pks[~np.isin(pks, np.fromiter(liked, dtype=np.int64))]
        rng = np.random.default_rng(n)
        background = np.sort(rng.choice(pool, size=min(BACKGROUND_SAMPLE, len(pool)), replace=False))
        data = variants.CaseData(
            dense_pos=dense[[row_of[pk] for pk in case.liked]],
            dense_bg=dense[[row_of[int(pk)] for pk in background]],
            dense_cand=dense[[row_of[pk] for pk in candidates]],
            words_pos=words[[row_of[pk] for pk in case.liked]],
            words_bg=words[[row_of[int(pk)] for pk in background]],
            words_cand=words[[row_of[pk] for pk in candidates]],
        )
        if args.dump:
            days = np.array([day[pk] for pk in case.liked], dtype=np.float64)
            found = variants.parts(data, days.max() - days, HALF_LIVES)
            for name, values in found.items():
                dumped.setdefault(name, []).append(values)
            dumped.setdefault("relevant", []).append(np.isin(candidates, list(case.relevant)))
            dumped.setdefault("pks", []).append(np.array(candidates, dtype=np.int64))
            dumped.setdefault("svm", []).append(np.array(ndcg_recall_mrr(svm_ranked[ident], case.relevant)))
        for name, scorer in variants.VARIANTS.items():
            if args.dump:
                break
            if chosen and name not in chosen:
                continue
            scores = scorer(data)
            order = [candidates[i] for i in np.argsort(-scores, kind="stable")[:100]]
            table.setdefault(name, []).append(ndcg_recall_mrr(order, case.relevant))
        if n % 200 == 199:
            print(f"  {n + 1} cases, {time.perf_counter() - started:.0f} s", flush=True)
    if not args.svm_cache.exists():
        args.svm_cache.write_text(json.dumps(svm_ranked))
    if args.dump:
        sizes = np.array([len(r) for r in dumped["relevant"]])
        np.savez(
            args.dump,
            sizes=sizes,
            readers=np.array(readers),
            library=np.array([len(c.liked) for c in cases]),
            **{name: np.concatenate(values) for name, values in dumped.items() if name != "svm"},
            svm=np.stack(dumped["svm"]),
        )
        print(f"wrote {args.dump}")
        return
    half = np.array([int(r[1:]) % 2 for r in readers])
    base = np.array(table["tfidf-svm (baseline)"])
    print(
        f"{'variant':<34} {'nDCG A':>7} {'nDCG B':>7} {'nDCG':>7} {'R@10':>7} {'MRR':>7}"
        "  vs SVM nDCG (95% CI)"
    )
    for name, values in table.items():
        v = np.array(values)
        a, b = v[half == 0, 0].mean(), v[half == 1, 0].mean()
        mean, low, high = bootstrap(v[:, 0] - base[:, 0])
        print(
            f"{name:<34} {a:>7.4f} {b:>7.4f} {v[:, 0].mean():>7.4f} {v[:, 1].mean():>7.4f}"
            f" {v[:, 2].mean():>7.4f}  {mean:+.4f} [{low:+.4f}, {high:+.4f}]"
        )
    _ = model


if __name__ == "__main__":
    sys.exit(main())
