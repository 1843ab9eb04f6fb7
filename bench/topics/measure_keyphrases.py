"""Compare key-phrase extractors against Hugging Face's ai_keywords on HF papers.

    python3 bench/topics/measure_keyphrases.py [--papers 250] [--embedded]

A phrase counts as found when it matches a reference keyword after lower-casing and dropping a
plural "s" (exact), or when they share most of their words (loose: token F1 >= 0.5). Prints
precision and recall of the top 8 phrases, and papers per second (on whatever load the machine has).
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hf_daily_papers.jsonl.xz"


def norm(phrase: str) -> tuple[str, ...]:
    words = phrase.lower().replace("-", " ").split()
    return tuple(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def loose(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    common = len(set(a) & set(b))
    return common > 0 and 2 * common / (len(set(a)) + len(set(b))) >= 0.5


def score(found: list[str], gold: list[str]) -> tuple[float, float, float, float]:
    f, g = [norm(p) for p in found], [norm(p) for p in gold]
    exact_p = sum(x in g for x in f) / max(len(f), 1)
    exact_r = sum(x in f for x in g) / max(len(g), 1)
    loose_p = sum(any(loose(x, y) for y in g) for x in f) / max(len(f), 1)
    loose_r = sum(any(loose(y, x) for x in f) for y in g) / max(len(g), 1)
    return exact_p, exact_r, loose_p, loose_r


def papers(count: int) -> list[tuple[str, str, list[str]]]:
    out = []
    with lzma.open(DATA, "rt") as handle:
        for number, line in enumerate(handle):
            if number % 25:
                continue
            paper = json.loads(line)["paper"]
            if paper.get("ai_keywords"):
                out.append((paper["title"], paper.get("summary", ""), paper["ai_keywords"]))
            if len(out) >= count:
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=250)
    parser.add_argument("--only", help="comma-separated extractors to run")
    parser.add_argument("--embedded", action="store_true", help="also measure the KeyBERT-style extractor")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")
    import django

    django.setup()
    from paperfeed.search import keyphrases

    sample = papers(args.papers)
    counts = keyphrases.PhraseCounts()  # document frequencies over the sample itself
    for title, abstract, _ in sample:
        counts.add(title, abstract)
    runs = {"statistical": lambda t, a: keyphrases.extract(t, a, counts)}
    try:
        import yake
    except ImportError:
        print("(yake is not installed: pip install yake to measure it too)")
    else:
        extractor = yake.KeywordExtractor(lan="en", n=3, top=keyphrases.PHRASES, dedup_lim=0.7)
        runs["yake"] = lambda t, a: [k for k, _ in extractor.extract_keywords(keyphrases.text_of(t, a))]
    if args.embedded:
        from paperfeed.search.embedding import document_text, get_embedder

        embedder = get_embedder()

        def embedded(title: str, abstract: str) -> list[str]:
            vector = embedder.encode_documents([document_text(title, abstract)])[0]
            return keyphrases.extract_embedded(title, abstract, vector, embedder.encode_documents)

        runs["keybert-style"] = embedded
    print(f"{len(sample)} HF papers, top {keyphrases.PHRASES} phrases against ai_keywords")
    print("extractor       exact P  exact R  loose P  loose R  papers/s")
    for name, run in runs.items():
        if args.only and name not in args.only.split(","):
            continue
        started = time.perf_counter()
        totals = [0.0, 0.0, 0.0, 0.0]
        for title, abstract, gold in sample:
            for i, value in enumerate(score(run(title, abstract), gold)):
                totals[i] += value
        rate = len(sample) / (time.perf_counter() - started)
        means = [t / len(sample) for t in totals]
        print(f"{name:15} " + "  ".join(f"{m:7.3f}" for m in means) + f"  {rate:8.1f}")


if __name__ == "__main__":
    main()
