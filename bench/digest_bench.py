"""Benchmark composing and sending every digest of a period to a loopback SMTP server.

Builds a fresh database with recent real arXiv papers (../shared/data), a daily feed with upvotes,
N users who each upvoted papers in one field, and a confirmed subscription per user; then runs the
real ``paperfeed digest send`` in a child process against an SMTP server in another child process,
and prints wall time, mails/s and the sender's peak RSS. A second run checks that nothing is sent
twice.

    python bench/digest_bench.py                       # 10,000 subscribers on SQLite
    python bench/digest_bench.py --subscribers 2000 --period weekly
    python bench/digest_bench.py --postgres            # on an embedded PostgreSQL server
"""

from __future__ import annotations

import argparse
import contextlib
import json
import lzma
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "arxiv_cs_2025_2026.jsonl.xz"
LAST_DAY = date(2026, 7, 1)  # the last day listed in the data file
SEND_AT = "2026-07-01T07:00"

SMTP_SINK = r"""
import asyncio, signal, sys, threading
from aiosmtpd.controller import Controller

class Count:
    def __init__(self):
        self.messages = 0
        self.recipients = set()
        self.duplicates = 0
    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        for rcpt in envelope.rcpt_tos:
            if rcpt in self.recipients:
                self.duplicates += 1
            self.recipients.add(rcpt)
        return "250 OK"

handler = Count()
controller = Controller(handler, hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
done.wait()
controller.stop()
import resource
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
print(f"{handler.messages} {len(handler.recipients)} {handler.duplicates} {cpu:.1f}", flush=True)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_papers(days: int) -> list[dict]:
    first = LAST_DAY - timedelta(days=days)
    papers = []
    with lzma.open(DATA, "rt") as lines:
        for line in lines:
            record = json.loads(line)
            if date.fromisoformat(record["listed"]) >= first:
                papers.append(record)
    return papers


def build_database(subscribers: int, likes_per_user: int, seed: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from paperfeed.community.models import Vote
    from paperfeed.digests.models import Subscription
    from paperfeed.papers.models import Authorship, Listing, Paper

    rng = random.Random(seed)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    records = load_papers(days=45)
    papers = [
        Paper(
            arxiv_id=r["id"],
            title=r["title"],
            abstract=r["abstract"],
            categories=" ".join(r["categories"]),
            published=datetime.combine(date.fromisoformat(r["listed"]), datetime.min.time(), tzinfo=UTC)
            + timedelta(hours=6),
        )
        for r in records
    ]
    Paper.objects.bulk_create(papers, batch_size=2000)
    pk_of = dict(Paper.objects.values_list("arxiv_id", "pk"))
    Authorship.objects.bulk_create(
        (
            Authorship(paper_id=pk_of[r["id"]], position=i, name=name[:300])
            for r in records
            for i, name in enumerate(r["authors"][:20])
        ),
        batch_size=5000,
    )
    # The daily feed: 60 papers on each of the last two days, with upvotes.
    listed = []
    for day in (LAST_DAY - timedelta(days=1), LAST_DAY):
        todays = [r for r in records if r["listed"] == day.isoformat()]
        for n, r in enumerate(rng.sample(todays, min(60, len(todays)))):
            upvotes = int(rng.paretovariate(1.2) * 3)
            Paper.objects.filter(pk=pk_of[r["id"]]).update(upvotes=upvotes, imported_upvotes=upvotes)
            at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8, minutes=n)
            listed.append(Listing(paper_id=pk_of[r["id"]], date=day, submitted_at=at))
    Listing.objects.bulk_create(listed)
    # Readers: each upvoted a handful of older papers of one primary category.
    older: dict[str, list[int]] = {}
    for r in records:
        if date.fromisoformat(r["listed"]) < LAST_DAY - timedelta(days=2):
            older.setdefault(r["categories"][0], []).append(pk_of[r["id"]])
    fields = [c for c, pks in older.items() if len(pks) >= 30]
    User = get_user_model()
    User.objects.bulk_create(
        (
            User(username=f"reader{n:05d}", email=f"reader{n:05d}@example.org", password="!")
            for n in range(subscribers)
        ),
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith="reader").values_list("pk", flat=True))
    Vote.objects.bulk_create(
        (
            Vote(user_id=user, paper_id=paper)
            for user in users
            for paper in rng.sample(older[rng.choice(fields)], likes_per_user)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    Subscription.objects.bulk_create(
        (
            Subscription(email=f"reader{n:05d}@example.org", user_id=user, confirmed_at=now)
            for n, user in enumerate(users)
        ),
        batch_size=2000,
    )
    return {
        "papers": len(papers),
        "listed": len(listed),
        "users": len(users),
        "votes": Vote.objects.count(),
        "setup_s": time.monotonic() - started,
    }


def send(env: dict, period: str, senders: int = 1) -> dict:
    """Run ``senders`` copies of the real command at once; return wall and CPU seconds, peak RSS, output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    command = ["digest", "send", "--period", period, "--at", SEND_AT, "--no-progress"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "paperfeed", *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(senders)
    ]
    outputs = [process.communicate() for process in processes]
    elapsed = time.monotonic() - started
    if any(process.returncode for process in processes):
        sys.exit(f"digest send failed: {outputs}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "elapsed": elapsed,
        "cpu": cpu,
        "peak_mib": after.ru_maxrss / 1024,
        "output": " | ".join(out.strip() for out, _ in outputs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--likes", type=int, default=8, help="Upvotes per reader (their profile).")
    parser.add_argument("--period", choices=["daily", "weekly"], default="daily")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--postgres", action="store_true", help="Use an embedded PostgreSQL server.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--senders", type=int, default=1, help="Sender processes run at once (they share the work safely)."
    )
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is missing (see ../shared/data/README.md)")

    workdir = Path(tempfile.mkdtemp(prefix="paperfeed-digest-bench-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PAPERFEED_DATA_DIR=str(workdir),
        PAPERFEED_SMTP_URL=f"smtp://127.0.0.1:{port}",
        PAPERFEED_BASE_URL="https://papers.example.org",
        PAPERFEED_DIGEST_BATCH=str(args.batch_size),
        DJANGO_SETTINGS_MODULE="paperfeed.settings",
    )
    with contextlib.ExitStack() as stack:
        if args.postgres:
            from paperfeed.core.devdb import postgres

            env["DATABASE_URL"] = stack.enter_context(postgres())
        os.environ.update(env)
        print(f"Building: {args.subscribers} subscribers, {args.likes} upvotes each ...", flush=True)
        built = build_database(args.subscribers, args.likes, args.seed)
        print(
            f"  {built['papers']} papers, {built['listed']} on the feed, {built['users']} users, "
            f"{built['votes']} votes in {built['setup_s']:.1f}s",
            flush=True,
        )
        sink = subprocess.Popen(
            [sys.executable, "-c", SMTP_SINK, str(port)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert sink.stdout.readline().strip() == "ready"
        try:
            first = send(env, args.period, args.senders)
            again = send(env, args.period)
        finally:
            sink.terminate()
            counts = sink.communicate(timeout=30)[0].split()
        messages, recipients, duplicates = (int(c) for c in counts[-4:-1])
        sink_cpu = float(counts[-1])
    database = "PostgreSQL" if args.postgres else "SQLite"
    load = os.getloadavg()[0]
    print(f"\n{database}, {os.cpu_count()} CPUs (load average {load:.1f}), period {args.period}")
    print(f"  senders:  {args.senders} process(es) at once")
    print(f"  sender:   {first['output']}")
    rate = args.subscribers / first["elapsed"]
    print(f"  wall:     {first['elapsed']:.1f}s for {args.subscribers} subscribers ({rate:.0f} mails/s)")
    print(f"  CPU:      senders {first['cpu']:.1f}s, SMTP server {sink_cpu:.1f}s")
    print(f"  peak RSS: {first['peak_mib']:.0f} MiB (largest sending process)")
    print(f"  SMTP:     {messages} mails to {recipients} addresses, {duplicates} duplicates")
    print(f"  rerun:    {again['elapsed']:.1f}s: {again['output']}")


if __name__ == "__main__":
    main()
