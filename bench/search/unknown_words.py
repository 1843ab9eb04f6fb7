"""Queries of words the corpus does not know: made up, or real words with one typo. How near
their nearest paper is, and whether they pass search's spelling test (search/ranking.py).

    PAPERFEED_DATA_DIR=/tmp/dev13 python bench/search/unknown_words.py --made-up 400 --typos 200

Made-up queries come from the dev set's own generator (``dev_classes.py``) with another seed;
typo'd words are the dev set's keyword-query words of six letters or more, one letter dropped,
swapped or replaced, kept when the corpus does not hold the result. For each group it prints
how many queries know no word, how many of those have their nearest paper at
``DENSE_MIN_BEST`` or nearer, and how many of those pass the spelling test: every word read
whole by the model, or a near spelling of a word of the nearest papers. ``--write FILE`` writes
the queries as ``{"id", "query", "kind"}`` lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")

import django  # noqa: E402

django.setup()

from dev_classes import WORD, _letters, _made_up_word  # noqa: E402

from paperfeed.papers.models import Paper  # noqa: E402
from paperfeed.search.backends import get_backend  # noqa: E402
from paperfeed.search.embedding import get_embedder  # noqa: E402
from paperfeed.search.query import parse_query  # noqa: E402
from paperfeed.search.ranking import DENSE_MIN_BEST  # noqa: E402
from paperfeed.search.stopwords import content_words  # noqa: E402
from paperfeed.search.suggest import NEIGHBOURS, corrections, reads_whole  # noqa: E402

HERE = Path(__file__).resolve().parent


def typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 2)
    how = rng.choice(["drop", "swap", "replace"])
    if how == "drop":
        return word[:at] + word[at + 1 :]
    if how == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + rng.choice([c for c in string.ascii_lowercase if c != word[at]]) + word[at + 1 :]


def queries(made_up: int, typos: int, rng: random.Random, vocabulary: set[str]) -> list[dict]:
    found: list[dict] = []
    while len(found) < made_up:
        make = _letters if len(found) % 2 == 0 else _made_up_word
        words = [make(rng) for _ in range(rng.randint(1, 3))]
        if not any(w in vocabulary for w in words):
            found.append({"id": f"made-up-{len(found) + 1}", "query": " ".join(words), "kind": "made-up"})
    lines = (HERE / "dev_queries.jsonl").read_text().splitlines()
    keyword_words = sorted(
        {
            w.lower()
            for q in map(json.loads, lines)
            if q["kind"] == "keywords"
            for w in q["query"].split()
            if w.isalpha() and len(w) >= 6
        }
    )
    rng.shuffle(keyword_words)
    for word in keyword_words[:typos]:
        typed = typo(word, rng)
        if typed not in vocabulary:
            found.append({"id": f"typo-{word}", "query": typed, "kind": "typo"})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--made-up", type=int, default=400)
    parser.add_argument("--typos", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    vocabulary = {
        w
        for title, abstract in Paper.objects.values_list("title", "abstract")
        for w in WORD.findall(f"{title} {abstract}".lower())
    }
    asked = queries(args.made_up, args.typos, random.Random(args.seed), vocabulary)
    if args.write:
        args.write.write_text("".join(json.dumps(q) + "\n" for q in asked))
    backend, embedder = get_backend(), get_embedder()
    counts: dict[str, list[int]] = {}
    nearest_of: dict[str, list[float]] = {}
    for query in asked:
        words = content_words(parse_query(query["query"]).words)
        shares = backend.word_shares(words)
        row = counts.setdefault(query["kind"], [0, 0, 0, 0])
        row[0] += 1
        if any(shares.get(w) for w in words):
            continue
        row[1] += 1
        nearest = backend.dense(embedder.encode_query(query["query"]), None, NEIGHBOURS)
        nearest_of.setdefault(query["kind"], []).append(nearest[0][1] if nearest else 0.0)
        if not nearest or nearest[0][1] < DENSE_MIN_BEST:
            continue
        row[2] += 1
        strange = [w for w in words if not reads_whole(w)]
        corrected = corrections(strange, [pk for pk, _ in nearest]) if strange else {}
        row[3] += all(w in corrected for w in strange)
    print(f"corpus {len(vocabulary):,} distinct words; nearest paper counts from {DENSE_MIN_BEST}")
    print("kind        queries  no word known  nearest >= floor  pass the spelling test  highest nearest")
    for kind, (total, unknown, near, passing) in counts.items():
        top = max(nearest_of.get(kind, [0.0]))
        print(f"{kind:10s} {total:8d} {unknown:14d} {near:17d} {passing:23d} {top:16.3f}")


if __name__ == "__main__":
    sys.exit(main())
