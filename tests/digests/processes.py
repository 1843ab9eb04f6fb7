"""Senders as separate `paperfeed` processes on one SQLite file, as cron or systemd would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SEED = """
import django
django.setup()
from datetime import UTC, datetime
from django.utils import timezone
from paperfeed.digests.models import Subscription
from paperfeed.papers.models import Listing, Paper
for n in range(3):
    paper = Paper.objects.create(arxiv_id=f"2511.0000{n}", title=f"Seeded paper {n}", upvotes=10 - n)
    moment = datetime(2026, 11, 19, 8, n, tzinfo=UTC)
    Listing.objects.create(paper=paper, date=moment.date(), submitted_at=moment)
Subscription.objects.bulk_create(
    Subscription(email=f"proc{n:03d}@example.org", confirmed_at=timezone.now()) for n in range(%d)
)
"""


def subscriber(n: int) -> str:
    return f"proc{n:03d}@example.org"


class SqliteSite:
    """A data directory with a migrated SQLite database, three trending papers and subscribers."""

    def __init__(self, data_dir: Path, smtp, subscribers: int, batch: int = 10) -> None:
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env.update(
            PAPERFEED_DATA_DIR=str(data_dir),
            PAPERFEED_SMTP_URL=f"smtp://{smtp.host}:{smtp.port}",
            PAPERFEED_BASE_URL="https://papers.example.org",
            PAPERFEED_DIGEST_BATCH=str(batch),
            DJANGO_SETTINGS_MODULE="paperfeed.settings",
        )
        assert self.paperfeed("migrate", "-v0").wait(300) == 0
        subprocess.run([sys.executable, "-c", SEED % subscribers], env=self.env, check=True, timeout=120)

    def paperfeed(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "paperfeed", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def sender(self) -> subprocess.Popen:
        return self.paperfeed(
            "digest", "send", "--period", "daily", "--at", "2026-11-20T07:00", "--no-progress"
        )
