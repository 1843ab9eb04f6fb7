"""``paperfeed ingest file|arxiv|arxiv-id``: load papers from dumps or from arXiv."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from paperfeed.core.schema import migrate_if_needed
from paperfeed.ingest import cli_arxiv, cli_file
from paperfeed.ingest.upkeep import disk_full_message, is_disk_full, repair_after_interruption


class Command(BaseCommand):
    help = "Load papers: from JSONL dumps (file), arXiv OAI-PMH (arxiv) or the arXiv API (arxiv-id)."
    # Django's system checks import every URLconf and view (half a second), which a loader
    # never uses; `paperfeed serve` and `paperfeed check` still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="source", required=True, metavar="{file,arxiv,arxiv-id}")
        cli_file.add_arguments(
            subcommands.add_parser(
                "file",
                help="Import .jsonl/.jsonl.gz/.jsonl.xz files (HF, arXiv or Kaggle shape).",
                called_from_command_line=True,
            )
        )
        cli_arxiv.add_harvest_arguments(
            subcommands.add_parser(
                "arxiv",
                help="Harvest arXiv's OAI-PMH interface incrementally.",
                called_from_command_line=True,
            )
        )
        cli_arxiv.add_lookup_arguments(
            subcommands.add_parser(
                "arxiv-id",
                help="Look papers up by id with the arXiv API.",
                called_from_command_line=True,
            )
        )

        for subparser in subcommands.choices.values():
            subparser.add_argument(
                "--no-index",
                action="store_true",
                help="Do not bring the search index up to date afterwards (paperfeed index catch-up does).",
            )

    def handle(self, *args, source: str, no_index: bool = False, **options) -> None:
        try:
            self._import(source, no_index, **options)
        except (DatabaseError, OSError) as error:
            if not is_disk_full(error):
                raise
            raise CommandError(disk_full_message()) from None

    def _import(self, source: str, no_index: bool, **options) -> None:
        runners = {"file": cli_file.run, "arxiv": cli_arxiv.run_harvest, "arxiv-id": cli_arxiv.run_lookup}
        index = settings.SEARCH_INDEX_ON_INGEST and not no_index
        migrate_if_needed(self._say)
        # A load killed before it rebuilt the indexes it dropped, or a full disk, left repairs to us.
        repair_after_interruption(self._say)
        try:
            runners[source](self, **options)
        except CommandError:
            # Rejected lines or ids: what was imported is still made searchable.
            if index:
                self._catch_up_index()
            raise
        if index:
            self._catch_up_index()

    def _say(self, message: str) -> None:
        """A step of normal work, on stderr beside the progress, in plain text (not the error style)."""
        self.stderr.write(message, style_func=str)

    def _catch_up_index(self) -> None:
        """New and changed papers become searchable now, incrementally (not a rebuild)."""
        self._say("Updating the search index…")
        call_command("index", "catch-up", stdout=self.stdout, stderr=self.stderr)
