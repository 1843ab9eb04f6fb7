"""``paperfeed ingest file``. (Being built.)"""

from argparse import ArgumentParser


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+")


def run(command, **options) -> None:
    raise NotImplementedError
