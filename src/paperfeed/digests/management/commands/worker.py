"""``paperfeed worker``: scheduled work in one long-running process.

Every day at ``PAPERFEED_INGEST_AT`` (UTC, default 05:00) it harvests arXiv for the last few days;
at ``PAPERFEED_DIGEST_AT`` (default 07:00) it sends the daily digests (weekdays) and, on
``PAPERFEED_WEEKLY_DAY`` (default Monday), the weekly ones. A job that fails is logged and tried
again at its next slot; sends are exactly-once, so a rerun after a crash is always safe.
Between jobs it fetches papers that members submitted and the database lacked from arXiv
(every few seconds; web processes do the same unless ``PAPERFEED_ARXIV_FETCH_IN_WEB`` is off).
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from paperfeed.community import fetches
from paperfeed.digests.management.commands.digest import send_digests

FETCH_EVERY_SECONDS = 5.0
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def clock_time(name: str, default: str) -> tuple[int, int]:
    value = os.environ.get(name, default)
    try:
        hour, minute = (int(part) for part in value.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise CommandError(f"{name}={value!r} is not a time of day; use HH:MM, e.g. 07:00") from None
    return hour, minute


def next_at(now: datetime, hour: int, minute: int) -> datetime:
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


class Command(BaseCommand):
    help = "Run scheduled work: the daily arXiv harvest and the digest sends."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job now, once, then exit.")
        parser.add_argument("--no-ingest", action="store_true", help="Leave out the arXiv harvest.")
        parser.add_argument(
            "--ingest-days",
            type=int,
            default=int(os.environ.get("PAPERFEED_INGEST_DAYS", "3")),
            help="Days back the daily harvest starts from (default 3).",
        )

    def handle(self, *args, **options) -> None:
        self.ingest_at = clock_time("PAPERFEED_INGEST_AT", "05:00")
        self.digest_at = clock_time("PAPERFEED_DIGEST_AT", "07:00")
        weekly_day = os.environ.get("PAPERFEED_WEEKLY_DAY", "monday").strip().lower()
        if weekly_day not in WEEKDAYS:
            raise CommandError(f"PAPERFEED_WEEKLY_DAY={weekly_day!r} is not a day name; use e.g. monday")
        self.weekly_day = WEEKDAYS.index(weekly_day)
        self.options = options
        if options["once"]:
            self.fetch_submissions()
            if not options["no_ingest"]:
                self.run_job("ingest", self.ingest)
            self.run_job("digests", self.digests)
            return
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        jobs = [("digests", self.digest_at, self.digests)]
        if not options["no_ingest"]:
            jobs.insert(0, ("ingest", self.ingest_at, self.ingest))
        due = {name: next_at(datetime.now(UTC), *at) for name, at, _ in jobs}
        self.stdout.write(
            "Worker started: " + ", ".join(f"{n} at {t:%Y-%m-%d %H:%M} UTC" for n, t in due.items())
        )
        while not self.stopping:
            self.fetch_submissions()
            now = datetime.now(UTC)
            for name, at, job in jobs:
                if now >= due[name]:
                    self.run_job(name, job)
                    due[name] = next_at(datetime.now(UTC), *at)
            wait = min((t - now).total_seconds() for t in due.values())
            time.sleep(min(FETCH_EVERY_SECONDS, max(1.0, wait)))
        self.stdout.write("Worker stopped.")

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def run_job(self, name: str, job) -> None:
        started = time.monotonic()
        self.stdout.write(f"[{datetime.now(UTC):%Y-%m-%d %H:%M:%S}] {name}: starting")
        try:
            job()
        except Exception:  # noqa: BLE001 - one failed job must not stop the worker
            self.stderr.write(f"{name} failed:\n{traceback.format_exc()}")
        else:
            self.stdout.write(f"{name}: done in {time.monotonic() - started:.1f}s")

    def fetch_submissions(self) -> None:
        """Finish submissions waiting for arXiv; quiet when there are none."""
        try:
            finished = fetches.drain()
        except Exception:  # noqa: BLE001 - retried on the next round
            self.stderr.write(f"fetching submitted papers failed:\n{traceback.format_exc()}")
            return
        if finished:
            self.stdout.write(f"Fetched {finished} submitted paper(s) from arXiv.")

    def ingest(self) -> None:
        since = (datetime.now(UTC) - timedelta(days=self.options["ingest_days"])).date()
        arguments = ["ingest", "arxiv", "--from", since.isoformat()]
        arxiv_set = os.environ.get("PAPERFEED_INGEST_SET", "cs").strip()
        if arxiv_set:
            arguments += ["--set", arxiv_set]
        call_command(*arguments, stdout=self.stdout, stderr=self.stderr)

    def digests(self) -> None:
        now = datetime.now(UTC)
        frequencies = []
        # Daily digests go out on weekdays only (a manual --once run sends whatever is due).
        if now.weekday() < 5 or self.options["once"]:
            frequencies.append("daily")
        if now.weekday() == self.weekly_day or self.options["once"]:
            frequencies.append("weekly")
        for frequency in frequencies:
            summary = send_digests(frequency, progress_to=None)
            for line in summary.lines():
                self.stdout.write(line)
            if summary.failure():
                self.stderr.write(summary.failure())
