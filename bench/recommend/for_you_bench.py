"""For you speed: a reader with 1,000 signals over 75k papers (stand-in vectors), on SQLite.

Builds once, in a scratch data directory (default /tmp/rec14/bench; reused when it is there):
75,000 papers spread over 15 months like the arXiv cs dump, a local search index whose vectors
are stand-ins (each paper near one of 300 topic centres, unit length, MiniLM's 384 dimensions:
what matters for speed is the number and size of vectors, not what they mean), and one reader
with 1,000 signals (upvotes, saves, library entries and "not interested", over six topics)
plus 200 impressions.

Then prints, with the machine's load average:

* refit: a fit from scratch (signals read, corpus sample drawn, classifier and centroids fitted);
* answer: ``recommend_for`` for today, this week and this month with a fitted model (p50/p95);
* page: ``GET /for-you/?window=...`` through Django's test client, signed in (p50/p95).

Usage: python bench/recommend/for_you_bench.py [--workdir /tmp/rec14/bench] [--runs 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# One BLAS thread, as in a web worker: the matrices here are small, and on busy cores BLAS threads
# waiting for each other cost more than they save (a refit took seconds instead of tenths).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

PAPERS = 75_000
DAYS = 450
TOPICS = 300
DIM = 384
SIGNALS = {"upvoted": 500, "saved": 300, "imported": 180, "dismissed": 20}
IMPRESSIONS = 200
LIKED_TOPICS = 6  # about 1,500 papers to draw the reader's positives from
LAST_DAY = datetime(2026, 6, 30, 12, tzinfo=UTC)
# Stand-in text: an abstract's length in words, drawn from its topic's words and the field's.
ABSTRACT_WORDS = 160
TOPIC_WORDS = 80
COMMON_WORDS = 3000


def percentiles(samples: list[float]) -> str:
    values = sorted(s * 1000 for s in samples)
    pick = lambda q: values[min(len(values) - 1, int(round(q * (len(values) - 1))))]  # noqa: E731
    return f"p50 {pick(0.5):7.1f} ms   p95 {pick(0.95):7.1f} ms   mean {statistics.mean(values):7.1f} ms"


def setup(workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["PAPERFEED_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def stand_in_text(rng: np.random.Generator, topic: int, words: int) -> str:
    """Words of a paper's topic and of the whole field, as many as an abstract has: tokenising
    and scoring them costs what real abstracts cost."""
    own = rng.integers(TOPIC_WORDS, size=words)
    common = rng.integers(COMMON_WORDS, size=words)
    mine = rng.random(words) < 0.3
    return " ".join(f"t{topic}w{a}" if m else f"common{b}" for a, b, m in zip(own, common, mine, strict=True))


def build(rng: np.random.Generator) -> None:
    from paperfeed.papers.models import Paper
    from paperfeed.search.backends import get_backend
    from paperfeed.search.documents import IndexDocument

    if Paper.objects.count() >= PAPERS:
        return
    started = time.perf_counter()
    topic_of = rng.integers(TOPICS, size=PAPERS)
    papers = [
        Paper(
            arxiv_id=f"25{n // 100000:02d}.{n % 100000:05d}",
            title=stand_in_text(rng, topic_of[n], 10),
            abstract=stand_in_text(rng, topic_of[n], ABSTRACT_WORDS),
            categories="cs.LG",
            published=LAST_DAY - timedelta(days=float(rng.uniform(0, DAYS))),
        )
        for n in range(PAPERS)
    ]
    Paper.objects.bulk_create(papers, batch_size=2000)
    pks = np.array(sorted(Paper.objects.values_list("pk", flat=True)), dtype=np.int64)
    centres = rng.normal(size=(TOPICS, DIM)).astype(np.float32)
    vectors = centres[topic_of] + 0.9 * rng.normal(size=(PAPERS, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    backend = get_backend()
    builder = backend.begin_rebuild("stand-in:384", DIM)
    for start in range(0, PAPERS, 5000):
        chunk = pks[start : start + 5000]
        docs = [
            IndexDocument(int(pk), f"Paper {pk}", "stand-in", [], ["cs.LG"], LAST_DAY, False) for pk in chunk
        ]
        builder.live.write(docs, vectors[start : start + 5000], [], fresh=True)
    backend.commit_rebuild(builder)
    np.save(Path(os.environ["PAPERFEED_DATA_DIR"]) / "topics.npy", topic_of)
    print(f"built {PAPERS:,} papers and their index in {time.perf_counter() - started:.0f} s")


def reader(rng: np.random.Generator):
    from paperfeed.accounts.models import User
    from paperfeed.community.models import (
        Collection,
        CollectionItem,
        Impression,
        LibraryEntry,
        NotInterested,
        Vote,
    )

    User.objects.filter(username="bench-reader").delete()  # made afresh: the signals are known
    user = User.objects.create_user("bench-reader", "bench@example.org", "x")
    topic_of = np.load(Path(os.environ["PAPERFEED_DATA_DIR"]) / "topics.npy")
    pks = np.array(sorted(user._meta.apps.get_model("papers", "Paper").objects.values_list("pk", flat=True)))
    liked_topics = rng.choice(TOPICS, size=LIKED_TOPICS, replace=False)
    pool = rng.permutation(pks[np.isin(topic_of, liked_topics)])
    others = rng.permutation(pks[~np.isin(topic_of, liked_topics)])
    taken = iter(pool.tolist())
    Vote.objects.bulk_create(Vote(user=user, paper_id=next(taken)) for _ in range(SIGNALS["upvoted"]))
    collection = Collection.objects.create(owner=user, title="Saved", is_public=False)
    CollectionItem.objects.bulk_create(
        CollectionItem(collection=collection, paper_id=next(taken)) for _ in range(SIGNALS["saved"])
    )
    LibraryEntry.objects.bulk_create(
        LibraryEntry(user=user, paper_id=next(taken), source="bibtex") for _ in range(SIGNALS["imported"])
    )
    NotInterested.objects.bulk_create(
        NotInterested(user=user, paper_id=int(pk)) for pk in others[: SIGNALS["dismissed"]]
    )
    Impression.objects.bulk_create(
        Impression(user=user, paper_id=int(pk), shown_count=3) for pk in others[100 : 100 + IMPRESSIONS]
    )
    return user


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/rec14/bench"))
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args(argv)
    setup(args.workdir)
    rng = np.random.default_rng(14)
    build(rng)
    user = reader(rng)

    from django.test import Client
    from django.test.utils import setup_test_environment

    from paperfeed.recommend import service
    from paperfeed.recommend.models import ReaderModel

    setup_test_environment()
    day = LAST_DAY.date()
    windows = {
        "today": (day, day),
        "week": (day - timedelta(days=6), day),
        "month": (day - timedelta(days=29), day),
    }
    from paperfeed.recommend import lexicon

    started = time.perf_counter()
    lexicon.current.forget()
    size = lexicon.current.get().size
    print(f"lexicon read or fitted ({size:,} terms): {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    lexicon.warm_up()
    print(
        f"web process warm-up (newest {lexicon.WARM_PAPERS:,} papers' words): "
        f"{time.perf_counter() - started:.1f} s"
    )
    refits = []
    for _ in range(5):
        ReaderModel.objects.filter(user=user).delete()
        service._kept.clear()  # the process's copy of fitted models too: a refit from scratch
        started = time.perf_counter()
        service.recommend_for(user, *windows["today"], 30)
        refits.append(time.perf_counter() - started)
    row = ReaderModel.objects.get(user=user)
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"reader: {row.positives:,} positives, {row.negatives} dismissed, {IMPRESSIONS} impressions")
    print(f"refit (signals, sample, fit, first answer): {percentiles(refits)}")
    print(f"  of which the fit itself: {row.fit_seconds * 1000:.0f} ms")
    for name, (start, end) in windows.items():
        from paperfeed.recommend.candidates import window_ids

        count = len(window_ids(start, end))
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            service.recommend_for(user, start, end, 30)
            samples.append(time.perf_counter() - started)
        print(f"recommend_for {name:<6} ({count:>5,} candidates): {percentiles(samples)}")
    lexicon.current.rows.clear()
    started = time.perf_counter()
    service.recommend_for(user, *windows["month"], 30)
    print(
        "recommend_for month, no word vectors cached (a process without warm-up): "
        f"{time.perf_counter() - started:.2f} s"
    )
    client = Client()
    client.force_login(user)
    for name in windows:
        samples = []
        for _ in range(max(args.runs // 2, 10)):
            started = time.perf_counter()
            response = client.get(f"/for-you/?window={name}")
            samples.append(time.perf_counter() - started)
        print(f"GET /for-you/?window={name:<6} ({response.status_code}): {percentiles(samples)}")
    print(f"BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
