"""``paperfeed worker``: scheduled work in one long-running process.

The work is what the apps register in their ``jobs.py`` (see core/schedule.py): the daily arXiv
harvest (ingest, ``PAPERFEED_INGEST_AT``, default 05:00 UTC), the digest sends (digests,
``PAPERFEED_DIGEST_AT``, default 07:00) and, on every round between them, the papers members
submitted that the database lacked (community), the search index's catch-up for papers imported
with ``--no-index`` or by other paths (search: a slice of vectors per round, resumed on the next;
``--no-index`` leaves it out) and the mail of due notifications (digests). A job that fails is
logged and tried again at its next slot; sends are exactly-once, so a rerun after a crash is
always safe.
"""

from __future__ import annotations

import signal
import time
import traceback
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandParser

from paperfeed.core.schedule import Job, JobRun, next_at, registered

ROUND_SECONDS = 5.0


class Command(BaseCommand):
    help = (
        "Run scheduled work: arXiv harvest, digests, submitted papers, the search index's catch-up"
        " and notification mail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job now, once, then exit.")
        for job in registered():
            if job.add_arguments is not None:
                job.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        jobs = registered()
        clocks = {job.name: job.clock() for job in jobs if job.at_setting}  # refuses a bad time first
        for job in jobs:
            if job.check is not None:
                job.check()
        self.run = JobRun(options=options, stdout=self.stdout, stderr=self.stderr)
        every_round = [job for job in jobs if not job.at_setting and job.enabled(options)]
        daily = [job for job in jobs if job.at_setting and job.enabled(options)]
        if options["once"]:
            self.run_rounds(every_round)
            for job in daily:
                self.run_job(job)
            return
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        due = {job.name: next_at(datetime.now(UTC), *clocks[job.name]) for job in daily}
        self.stdout.write(
            "Worker started: " + ", ".join(f"{n} at {t:%Y-%m-%d %H:%M} UTC" for n, t in due.items())
        )
        while not self.stopping:
            self.run_rounds(every_round)
            now = datetime.now(UTC)
            for job in daily:
                if now >= due[job.name]:
                    self.run_job(job)
                    due[job.name] = next_at(datetime.now(UTC), *clocks[job.name])
            wait = min(((t - now).total_seconds() for t in due.values()), default=ROUND_SECONDS)
            time.sleep(min(ROUND_SECONDS, max(1.0, wait)))
        self.stdout.write("Worker stopped.")

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def run_job(self, job: Job) -> None:
        started = time.monotonic()
        self.stdout.write(f"[{datetime.now(UTC):%Y-%m-%d %H:%M:%S}] {job.name}: starting")
        try:
            job.run(self.run)
        except Exception:  # noqa: BLE001 - one failed job must not stop the worker
            self.stderr.write(f"{job.name} failed:\n{traceback.format_exc()}")
        else:
            self.stdout.write(f"{job.name}: done in {time.monotonic() - started:.1f}s")

    def run_rounds(self, jobs: list[Job]) -> None:
        """The jobs of every round say nothing unless they did something; a failure waits for the next."""
        for job in jobs:
            try:
                job.run(self.run)
            except Exception:  # noqa: BLE001 - retried on the next round
                self.stderr.write(f"{job.name} failed:\n{traceback.format_exc()}")
