"""``paperfeed digest send --period daily|weekly [--dry-run] [--limit N]``: send the digests due now.

Exits with status 1 and a one-line reason when any due digest could not be sent.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from paperfeed.digests.models import Frequency
from paperfeed.digests.send import DigestSender


def parse_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--at {value!r} is not a date or time; use e.g. 2026-11-20 or 2026-11-20T07:00"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class Command(BaseCommand):
    help = "Email digests: send the ones due for a period (each subscriber once per period)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="{send}")
        send = subcommands.add_parser("send", help="Send the digests due now.", called_from_command_line=True)
        send.add_argument(
            "--period", required=True, choices=Frequency.values, help="daily (weekdays) or weekly."
        )
        send.add_argument(
            "--dry-run", action="store_true", help="Compose and count, send nothing, log nothing."
        )
        send.add_argument("--limit", type=int, metavar="N", help="Handle at most N subscribers in this run.")
        send.add_argument(
            "--rate", type=float, metavar="MAILS_PER_S", help="Mails per second (default: setting)."
        )
        send.add_argument(
            "--batch-size", type=int, metavar="N", help="Subscribers per batch (default: setting)."
        )
        send.add_argument(
            "--at",
            metavar="WHEN",
            help="Send the period due at this UTC moment instead of now (catch-up runs).",
        )
        send.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, action: str, **options) -> None:
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit must be 0 or more.")
        if options["rate"] is not None and options["rate"] < 0:
            raise CommandError("--rate must be 0 (no limit) or more.")
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        at = parse_moment(options["at"]) if options["at"] else None
        summary = send_digests(
            options["period"],
            at=at,
            dry_run=options["dry_run"],
            limit=options["limit"],
            rate=options["rate"],
            batch_size=options["batch_size"],
            progress_to=None if options["no_progress"] else self.stderr,
        )
        for line in summary.lines():
            self.stdout.write(line)
        # Cron and systemd see a run that left mail unsent (server down, refusals) as a failure.
        if not options["dry_run"] and summary.failure():
            raise CommandError(summary.failure())


def send_digests(frequency: str, *, progress_to=None, **options):
    sender = DigestSender(frequency, **options)
    due = sender.due_subscription_ids()
    stream = getattr(progress_to, "_out", progress_to) or sys.stderr
    with tqdm(
        total=len(due),
        desc=f"digests {sender.period.key}",
        unit=" mail",
        file=stream,
        disable=progress_to is None,
        mininterval=0.5,
        dynamic_ncols=True,
    ) as bar:
        sender.progress = bar.update
        return sender.run()
