"""Build the recommendation development set from real arXiv metadata (no user logs needed).

A *reader* is an author with many papers in ``arxiv_1990_2019.jsonl.xz``. Their papers before the
test period are their library (what they liked); each of their papers first listed in a test week
is a positive among *all* corpus papers first listed that week. Authors are removed from the
corpus written for indexing, so only a paper's content can match it to its reader.

Writes, into ``--out`` (default: next to this script):

* ``readers.jsonl``: {"reader", "library": [arXiv ids], "cases": [{"week": "2019-W37",
  "positives": [arXiv ids]}]} (readers are numbered; their names are not kept);
* ``corpus_ids.txt``: the arXiv ids of the corpus, one a line;

and, with ``--write-corpus FILE``, the corpus records for ``paperfeed ingest file`` (authors
anonymised, ``listed`` = the day v1 was submitted).

The corpus is every paper with a computer-science (or stat.ML) category first listed in the test
period, the readers' libraries, and a fixed random sample of earlier papers of the same fields
up to ``--corpus-size`` (the background a model draws its sampled negatives from; with 1,000
readers their libraries alone are 12,000 earlier papers, so the default adds none).

Usage: python bench/recommend/build_devset.py [--readers 1000] [--corpus-size 0]
           [--write-corpus /tmp/rec14/corpus.jsonl]
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1].parent / "shared" / "data" / "arxiv_1990_2019.jsonl.xz"

FIRST_DAY = "2017-01-01"  # libraries and background come from here on
TEST_START = date(2019, 11, 25)  # a Monday: test weeks are whole ISO weeks
TEST_END = date(2019, 12, 22)
MIN_LIBRARY = 8  # earlier papers a reader needs
MIN_POSITIVES = 1  # papers in the test period a reader needs
MAX_LIBRARY = 50  # the most recent earlier papers make the library
# Names shared by many people (e.g. "Wei Wang") make one "author" of several readers.
MAX_PAPERS = 60
SEED = 14


def repaired(arxiv_id: str) -> str:
    """The id a float turned into "1905.0589699999998" stood for (as paperfeed's import repairs it)."""
    match = re.fullmatch(r"(\d{4})\.(\d{6,})", arxiv_id)
    if not match:
        return arxiv_id
    width = 5 if match.group(1) >= "1501" else 4
    return f"{match.group(1)}.{round(float('0.' + match.group(2)) * 10**width):0{width}d}"


def in_field(categories: list[str]) -> bool:
    return any(c.startswith("cs.") or c == "stat.ML" for c in categories)


def names(authors: str) -> list[str]:
    return [n.strip() for n in re.split(r",| and ", authors or "") if n.strip()]


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def read(path: Path) -> list[dict]:
    kept: dict[str, dict] = {}
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            created = record.get("created") or ""
            if created >= FIRST_DAY and in_field(record.get("categories") or []):
                # Some ids went through a float ("1905.0589699999998"); a paper may be there twice.
                record["id"] = repaired(record["id"])
                kept[record["id"]] = record
    return list(kept.values())


def build(records: list[dict], reader_count: int, corpus_size: int) -> tuple[list[dict], list[dict]]:
    by_author: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        for name in set(names(record["authors"])):
            by_author[name].append(record)
    test_start, test_end = TEST_START.isoformat(), TEST_END.isoformat()
    eligible = []
    for name, papers in by_author.items():
        if len(papers) > MAX_PAPERS or len(name.split()) < 2:
            continue
        before = [p for p in papers if p["created"] < test_start]
        during = [p for p in papers if test_start <= p["created"] <= test_end]
        if len(before) >= MIN_LIBRARY and len(during) >= MIN_POSITIVES:
            eligible.append((name, before, during))
    eligible.sort(key=lambda item: item[0])
    rng = random.Random(SEED)
    chosen = rng.sample(eligible, min(reader_count, len(eligible)))
    readers = []
    corpus: dict[str, dict] = {}
    for record in records:
        if test_start <= record["created"] <= test_end:
            corpus[record["id"]] = record
    for number, (_, before, during) in enumerate(chosen, start=1):
        library = sorted(before, key=lambda p: p["created"], reverse=True)[:MAX_LIBRARY]
        weeks: dict[str, list[str]] = defaultdict(list)
        for paper in during:
            weeks[week_of(date.fromisoformat(paper["created"][:10]))].append(paper["id"])
        for paper in library:
            corpus[paper["id"]] = paper
        readers.append(
            {
                "reader": f"r{number:03d}",
                "library": [p["id"] for p in library],
                "cases": [{"week": w, "positives": sorted(ids)} for w, ids in sorted(weeks.items())],
            }
        )
    background = [r for r in records if r["created"] < test_start and r["id"] not in corpus]
    rng.shuffle(background)
    for record in background[: max(0, corpus_size - len(corpus))]:
        corpus[record["id"]] = record
    return readers, sorted(corpus.values(), key=lambda r: r["id"])


def anonymised(record: dict) -> dict:
    return {
        "id": record["id"],
        "title": record["title"],
        "authors": [],
        "abstract": record["abstract"],
        "categories": record["categories"],
        "listed": record["created"][:10],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--corpus-size", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--write-corpus", type=Path, help="also write the anonymised corpus JSONL here")
    args = parser.parse_args()
    records = read(DATA)
    readers, corpus = build(records, args.readers, args.corpus_size)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "readers.jsonl", "w", encoding="utf-8") as handle:
        for reader in readers:
            handle.write(json.dumps(reader) + "\n")
    (args.out / "corpus_ids.txt").write_text("".join(f"{r['id']}\n" for r in corpus), encoding="utf-8")
    if args.write_corpus:
        with open(args.write_corpus, "w", encoding="utf-8") as handle:
            for record in corpus:
                handle.write(json.dumps(anonymised(record), ensure_ascii=False) + "\n")
    cases = sum(len(r["cases"]) for r in readers)
    positives = sum(len(c["positives"]) for r in readers for c in r["cases"])
    print(f"{len(readers)} readers, {cases} reader-weeks, {positives} positives, {len(corpus):,} papers")


if __name__ == "__main__":
    main()
