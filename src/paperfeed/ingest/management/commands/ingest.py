"""``paperfeed ingest file|arxiv|arxiv-id``: load papers from dumps or from arXiv."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from paperfeed.ingest import cli_arxiv, cli_file


class Command(BaseCommand):
    help = "Load papers: from JSONL dumps (file), arXiv OAI-PMH (arxiv) or the arXiv API (arxiv-id)."

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

    def handle(self, *args, source: str, **options) -> None:
        runners = {"file": cli_file.run, "arxiv": cli_arxiv.run_harvest, "arxiv-id": cli_arxiv.run_lookup}
        runners[source](self, **options)
