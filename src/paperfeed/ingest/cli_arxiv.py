"""``paperfeed ingest arxiv`` and ``arxiv-id``. (Being built.)"""

from argparse import ArgumentParser


def add_harvest_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--from", dest="from_date")


def add_lookup_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+")


def run_harvest(command, **options) -> None:
    raise NotImplementedError


def run_lookup(command, **options) -> None:
    raise NotImplementedError
