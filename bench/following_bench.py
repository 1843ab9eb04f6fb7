"""Following speed: the Following tab and a digest's "From what you follow" on SQLite.

Builds once, in a scratch data directory (default /tmp/following-bench; reused when it is there):
PAPERS papers over 450 days, four authors each from 40,000 names, categories from 40 (the
first holds about a fifth of the papers, as cs.LG does), and one member who follows 10 authors,
a large and two small categories, and a public collection of 300 papers. Followed searches are
left out: they cost what a keyword search costs (see bench/search).

Then prints, with the machine's load average:

* tab: ``GET /following`` pages 1 and 5 through Django's test client, signed in (p50/p95);
* digest: ``new_in`` for a daily and a weekly window (p50/p95).

Usage: python bench/following_bench.py [--workdir /tmp/following-bench] [--papers 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NAMES = 40_000
CATEGORIES = 40
DAYS = 450
LAST_DAY = datetime(2026, 6, 30, 12, tzinfo=UTC)


# The scratch data directory and the p50/p95 line are those of the For you bench.
sys.path.insert(0, str(Path(__file__).resolve().parent / "recommend"))
from for_you_bench import percentiles, setup  # noqa: E402


def category(rng: random.Random) -> str:
    # cat0 about a fifth of the papers, the others falling off.
    return f"cat{min(CATEGORIES - 1, int(rng.paretovariate(0.9)) - 1)}.XX"


def build(papers: int, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model

    from paperfeed.community.following.models import Follow, Kind
    from paperfeed.community.models import Collection, CollectionItem
    from paperfeed.papers.models import Authorship, Paper

    if Paper.objects.count() >= papers:
        return
    started = time.monotonic()
    batch = 5_000
    for first in range(0, papers, batch):
        rows = [
            Paper(
                arxiv_id=f"{2401 + number // 100_000}.{number % 100_000:05d}",
                title=f"Paper {number}",
                abstract="words " * 40,
                categories=category(rng),
                published=LAST_DAY - timedelta(days=DAYS * number / papers),
            )
            for number in range(first, min(papers, first + batch))
        ]
        Paper.objects.bulk_create(rows)
        ids = Paper.objects.filter(arxiv_id__in=[p.arxiv_id for p in rows]).values_list("pk", flat=True)
        Authorship.objects.bulk_create(
            Authorship(paper_id=pk, position=position, name=f"Author {rng.randrange(NAMES)}")
            for pk in ids
            for position in range(4)
        )
    member = get_user_model().objects.create_user("bench-follower", "bench@example.org", "x")
    curator = get_user_model().objects.create_user("bench-curator", "curator@example.org", "x")
    collection = Collection.objects.create(owner=curator, title="Bench picks")
    picked = rng.sample(list(Paper.objects.values_list("pk", flat=True)), 300)
    CollectionItem.objects.bulk_create(CollectionItem(collection=collection, paper_id=pk) for pk in picked)
    follows = [
        Follow(user=member, kind=Kind.AUTHOR, value=f"Author {n}", key=f"author {n}") for n in range(10)
    ]
    follows += [
        Follow(user=member, kind=Kind.CATEGORY, value=c, key=c) for c in ("cat0.XX", "cat20.XX", "cat30.XX")
    ]
    follows.append(
        Follow(
            user=member,
            kind=Kind.COLLECTION,
            value=str(collection.pk),
            key=str(collection.pk),
            collection=collection,
        )
    )
    Follow.objects.bulk_create(follows)
    print(f"built {papers:,} papers in {time.monotonic() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/following-bench"))
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup(args.workdir)
    build(args.papers, random.Random(7))

    from django.contrib.auth import get_user_model
    from django.test import Client

    from paperfeed.community.following.feed import followed, new_in
    from paperfeed.papers.models import Paper

    member = get_user_model().objects.get(username="bench-follower")
    client = Client()
    client.force_login(member)
    total = Paper.objects.count()
    matched = followed(member).papers.count()
    print(f"{total:,} papers; the member's follows match {matched:,}; load average {os.getloadavg()}")
    for page in (1, 5):
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(f"/following?page={page}")
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        print(f"tab page {page}:     {percentiles(samples)}")
    for label, days in (("daily", 1), ("weekly", 7)):
        end = LAST_DAY
        start = end - timedelta(days=days)
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            picks = new_in(member, start, end, limit=10)
            samples.append(time.perf_counter() - started)
        print(f"digest {label:6}:  {percentiles(samples)}   ({len(picks)} papers)")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    sys.exit(main())
