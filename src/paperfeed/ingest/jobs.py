"""The worker's daily arXiv harvest (see core/schedule.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.core.management.base import CommandParser

from paperfeed.core.schedule import Job, JobRun, register, setting


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--no-ingest", action="store_true", help="Leave out the arXiv harvest.")
    parser.add_argument(
        "--ingest-days",
        type=int,
        default=setting("PAPERFEED_INGEST_DAYS"),
        help="Days back the daily harvest starts from (default 3).",
    )


def harvest(run: JobRun) -> None:
    """Harvest arXiv from a few days back (``PAPERFEED_INGEST_SET``, default cs)."""
    since = (datetime.now(UTC) - timedelta(days=run.options["ingest_days"])).date()
    arguments = ["ingest", "arxiv", "--from", since.isoformat()]
    arxiv_set = setting("PAPERFEED_INGEST_SET").strip()
    if arxiv_set:
        arguments += ["--set", arxiv_set]
    call_command(*arguments, stdout=run.stdout, stderr=run.stderr)


register(
    Job(
        name="ingest",
        run=harvest,
        at_setting="PAPERFEED_INGEST_AT",
        add_arguments=add_arguments,
        enabled=lambda options: not options["no_ingest"],
    )
)
