"""The ``paperfeed`` command: every operator verb is a Django management command."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["paperfeed", *argv])
    args[0] = "paperfeed"
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as error:
        # A setting the operator gave is wrong: say which and how to fix it, without a traceback.
        sys.exit(f"paperfeed: configuration error: {error}")


if __name__ == "__main__":
    main()
