"""The ``paperfeed`` command: every operator verb is a Django management command.

``paperfeed --help`` lists paperfeed's own verbs and the few of Django's an operator needs; all of
Django's stay reachable, directly or as ``paperfeed django <verb>`` (``paperfeed django help``
lists them). Only the verbs that set a site up may create a missing data directory.
"""

from __future__ import annotations

import os
import sys

# Verbs that may create the data directory when it is missing; any other verb leaves it alone.
CREATES_DATA_DIR = {"serve", "migrate", "ingest", "restore"}
# Django's own verbs an operator of paperfeed uses, listed beside paperfeed's.
DJANGO_VERBS_SHOWN = ("migrate", "createsuperuser", "changepassword", "check", "shell", "dbshell")
HELP_WORDS = {"help", "--help", "-h"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["django"]:
        args = args[1:]  # Django's own command line, every verb listed by its help
    elif not args or (len(args) == 1 and args[0] in HELP_WORDS):
        _run(["help"], show_help=True)
        return
    verb = next((arg for arg in args if not arg.startswith("-")), None)
    _run(args, creates_data_dir=verb in CREATES_DATA_DIR)


def _run(args: list[str], *, creates_data_dir: bool = False, show_help: bool = False) -> None:
    from django.core.exceptions import ImproperlyConfigured
    from django.db import OperationalError

    from paperfeed.core import datadir

    if not creates_data_dir:
        datadir.only_existing()
    try:
        if show_help:
            print(usage())
            return
        from django.core.management import execute_from_command_line

        execute_from_command_line(["paperfeed", *args])
    except ImproperlyConfigured as error:
        # A setting the operator gave is wrong: say which and how to fix it, without a traceback.
        sys.exit(f"paperfeed: configuration error: {error}")
    except OperationalError:
        missing = _missing_sqlite_data_dir()
        if missing is None:
            raise
        sys.exit(
            f"paperfeed: there is no data directory at {missing}. Run this command where the site's data"
            " directory is, or set PAPERFEED_DATA_DIR to it; `paperfeed migrate` (or `serve`, or"
            " `ingest`) sets up a new one."
        )


def _missing_sqlite_data_dir() -> str | None:
    """The data directory, when the database is SQLite in it and it does not exist; else None."""
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") or settings.DATA_DIR.is_dir():
        return None
    return str(settings.DATA_DIR)


def usage() -> str:
    """paperfeed's verbs with their one-line help, then the Django verbs an operator uses."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    commands = get_commands()

    def line(name: str) -> str:
        summary = (load_command_class(commands[name], name).help or "").strip()
        return f"  {name:<16} {summary.split('. ')[0].splitlines()[0] if summary else ''}"

    own = sorted(name for name, app in commands.items() if app.startswith("paperfeed"))
    django_verbs = [name for name in DJANGO_VERBS_SHOWN if name in commands]
    return "\n".join(
        [
            "usage: paperfeed <verb> [options]    (paperfeed help <verb> for a verb's options)",
            "",
            "paperfeed's verbs:",
            *(line(name) for name in own),
            "",
            "Django's verbs an operator uses:",
            *(line(name) for name in django_verbs),
            "",
            "Every other Django verb: paperfeed django <verb> (paperfeed django help lists them).",
        ]
    )


if __name__ == "__main__":
    main()
