"""``paperfeed ingest arxiv`` (OAI-PMH harvest) and ``paperfeed ingest arxiv-id`` (API lookup)."""

from __future__ import annotations

import re
from argparse import ArgumentParser
from datetime import date

from django.core.management.base import CommandError
from tqdm import tqdm

from paperfeed.core.progress import is_terminal, raw_stream, terminal_shape
from paperfeed.ingest import arxiv_api
from paperfeed.ingest.arxiv_harvest import HarvestFailed, HarvestReport, HarvestWindow, PageDone, harvest
from paperfeed.ingest.store import upsert_records
from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Paper

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # date.fromisoformat alone also takes 20250318 and 2025-W12

MAX_SKIPPED_SHOWN = 20

# --- paperfeed ingest arxiv -------------------------------------------------------------------


def add_harvest_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="from_date", required=True, metavar="YYYY-MM-DD", help="First datestamp to harvest."
    )
    parser.add_argument(
        "--until", dest="until_date", metavar="YYYY-MM-DD", help="Last datestamp to harvest (default: today)."
    )
    parser.add_argument(
        "--set",
        dest="set_spec",
        default="",
        metavar="SET",
        help="OAI-PMH set, e.g. cs, math, physics:hep-th.",
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="Harvest the window from its first page again, even if it was completed or is half done.",
    )


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        if not _DAY.match(value.strip()):
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-03-18.") from None


def run_harvest(command, **options) -> None:
    from_date = parse_day(options["from_date"], "--from")
    until_date = parse_day(options.get("until_date"), "--until")
    try:
        window = HarvestWindow(from_date, until_date, (options.get("set_spec") or "").strip())
    except ValueError as exc:
        raise CommandError(str(exc)) from None

    progress = _HarvestProgress(raw_stream(command.stderr))
    try:
        report = harvest(
            window, restart=options.get("restart", False), on_page=progress.page, warn=progress.warn
        )
    except HarvestFailed as exc:
        raise CommandError(str(exc)) from None
    finally:
        progress.close()
    for arxiv_id, reason in report.skipped[:MAX_SKIPPED_SHOWN]:
        command.stderr.write(f"skipped {arxiv_id}: {reason}")
    if len(report.skipped) > MAX_SKIPPED_SHOWN:
        command.stderr.write(f"... and {len(report.skipped) - MAX_SKIPPED_SHOWN} more skipped records")
    command.stdout.write(summarise_harvest(report))


class _HarvestProgress:
    """A progress bar (records, rate, ETA) on stderr, drawn once the first page has arrived."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.bar: tqdm | None = None

    def _bar(self) -> tqdm:
        if self.bar is None:
            # Off a terminal no bar: the summary line at the end says what was done.
            self.bar = tqdm(
                desc="arXiv OAI-PMH",
                unit=" rec",
                file=self.stream,
                **terminal_shape(),
                disable=not is_terminal(self.stream),
            )
        return self.bar

    def page(self, done: PageDone) -> None:
        bar = self._bar()
        if done.complete_list_size and bar.total != done.complete_list_size:
            bar.total = done.complete_list_size
        bar.update(done.records)
        bar.set_postfix_str(f"page {done.page}")

    def warn(self, message: str) -> None:
        tqdm.write(message, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def summarise_harvest(report: HarvestReport) -> str:
    window = report.window
    what = f"set {window.set_spec}" if window.set_spec else "all sets"
    span = f"{window.from_date} to {report.until_date}"
    if report.already_completed:
        return (
            f"arXiv OAI-PMH {what}, {span}: already harvested ({report.records_seen} records); "
            "nothing to do. Pass --restart to harvest it again."
        )
    stats = report.written
    rate = report.records / report.elapsed_seconds if report.elapsed_seconds > 0 else 0.0
    resumed = " (resumed from checkpoint)" if report.resumed else ""
    return (
        f"arXiv OAI-PMH {what}, {span}{resumed}: {report.pages} page(s), {report.records} records "
        f"({stats.new} new, {stats.updated} updated, {stats.unchanged} unchanged), "
        f"{report.deleted} deleted skipped, {len(report.skipped)} invalid skipped, "
        f"in {report.elapsed_seconds:.1f} s ({rate:.0f} records/s)."
    )


# --- paperfeed ingest arxiv-id ----------------------------------------------------------------


def add_lookup_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "ids",
        nargs="+",
        metavar="ID",
        help="arXiv ids or links: 2411.01234, 2411.01234v2, hep-th/9901001, https://arxiv.org/abs/...",
    )


def run_lookup(command, **options) -> None:
    ids: list[str] = options["ids"]
    problems = []
    for text in ids:
        try:
            parse_arxiv_id(text)
        except InvalidArxivId as exc:
            problems.append(str(exc))
    if problems:
        for problem in problems:
            command.stderr.write(problem)
        raise CommandError(f"{len(problems)} of {len(ids)} id(s) are not arXiv ids; nothing was looked up.")

    try:
        lookup = arxiv_api.lookup_papers(ids)
    except arxiv_api.ArxivAPIError as exc:
        raise CommandError(str(exc)) from None

    wanted = [record.arxiv_id for record in lookup.records]
    known_before = set(Paper.objects.filter(arxiv_id__in=wanted).values_list("arxiv_id", flat=True))
    stats = upsert_records(lookup.records)
    pks = dict(Paper.objects.filter(arxiv_id__in=wanted).values_list("arxiv_id", "id"))
    changed = set(stats.changed_ids)
    refused = dict(stats.errors)
    for record in lookup.records:
        label = f"{record.arxiv_id}v{record.version}" if record.version else record.arxiv_id
        if record.arxiv_id in refused:
            command.stderr.write(f"not stored   {label}: {refused[record.arxiv_id]}")
        elif record.arxiv_id not in known_before:
            command.stdout.write(f"added        {label}  {record.title}")
        elif pks.get(record.arxiv_id) in changed:
            command.stdout.write(f"updated      {label}  {record.title}")
        else:
            command.stdout.write(f"up to date   {label}  {record.title}")
    for arxiv_id in lookup.not_found:
        command.stderr.write(f"not found    {arxiv_id}: arXiv has no paper with this id")
    for arxiv_id, reason in lookup.rejected.items():
        command.stderr.write(f"rejected     {arxiv_id}: {reason}")
    failed = len(lookup.not_found) + len(lookup.rejected) + len(refused)
    if failed:
        raise CommandError(f"{failed} of {len(ids)} id(s) could not be added.")
