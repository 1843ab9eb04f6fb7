"""The worker's rounds finish submissions waiting for arXiv (see core/schedule.py)."""

from __future__ import annotations

from paperfeed.community import fetches
from paperfeed.core.schedule import Job, JobRun, register


def fetch_submissions(run: JobRun) -> None:
    """Fetch papers members submitted that the database lacked; quiet when there are none."""
    finished = fetches.drain()
    if finished:
        run.stdout.write(f"Fetched {finished} submitted paper(s) from arXiv.")


register(Job(name="fetching submitted papers", run=fetch_submissions))
