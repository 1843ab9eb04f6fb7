"""``paperfeed settings``: every setting, the value this process would use, and what it does."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from paperfeed.core import config


class Command(BaseCommand):
    help = "List every setting (environment variable) with its value here and its meaning."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--markdown",
            action="store_true",
            help="Print the README's configuration table (defaults, not this environment's values).",
        )

    def handle(self, *args, markdown: bool, **options) -> None:
        if markdown:
            self.stdout.write(config.markdown_table(), ending="")
            return
        for setting in config.SETTINGS:
            name = setting.name
            if config.is_set(name):
                line = f"{name} = {config.shown_value(name)}"
            elif config.value(name) is None:  # the code that uses it decides (the README says how)
                line = f"{name} unset (default: {setting.default_text()})"
            else:
                line = f"{name} = {config.shown_value(name)}  (default)"
            self.stdout.write(line)
            self.stdout.write(f"    {setting.help}")
