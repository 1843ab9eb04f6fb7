"""`paperfeed index rebuild|status|catch-up`: look after the search index."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from paperfeed.core.schema import migrate_if_needed
from paperfeed.search import sync


class Command(BaseCommand):
    help = "Rebuild the search index, bring it up to date, or show what it holds and what is stale."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{rebuild,status,catch-up,topics}")
        sub.add_parser(
            "rebuild", help="Build a fresh index of every visible paper (the old one serves until done)."
        )
        sub.add_parser("status", help="Counts, the model, the watermark and what is stale.")
        sub.add_parser("catch-up", help="Index papers changed since the last run; drop hidden ones.")
        topics = sub.add_parser(
            "topics", help="Infer categories and extract key phrases for the papers that need them."
        )
        topics.add_argument(
            "--redo", action="store_true", help="Redo every paper without source categories or keywords."
        )

    def _progress(self, what: str = "embedded"):
        started = time.monotonic()
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 2 or done == total:
                last[0] = now
                rate = done / max(now - started, 1e-9)
                sys.stderr.write(f"\r  {what} {done:,}/{total:,} ({rate:,.0f}/s)")
                if done == total:
                    sys.stderr.write("\n")
                sys.stderr.flush()

        return report

    def handle(self, *args, action: str, **options) -> None:
        # A normal step: plain text, not the error style Django gives stderr.
        migrate_if_needed(lambda message: self.stderr.write(message, style_func=str))
        if action == "status":
            self._status()
            return
        started = time.monotonic()
        if action == "topics":
            self._topics(redo=options["redo"])
            return
        try:
            if action == "rebuild":
                result = sync.rebuild(progress=self._progress())
            else:
                result = sync.catch_up(progress=self._progress())
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not update the search index: {error}") from error
        took = time.monotonic() - started
        verb = "Rebuilt the index with" if result.rebuilt else "Indexed"
        self.stdout.write(f"{verb} {result.indexed:,} papers, removed {result.removed:,} ({took:.1f} s).")
        self._topics(redo=False)

    def _topics(self, redo: bool) -> None:
        """Inferred categories and key phrases for the papers that need them (see topics_step)."""
        from paperfeed.search.backends import get_backend
        from paperfeed.search.topics_step import update

        bars: dict[str, object] = {}

        def progress(what: str, done: int, total: int) -> None:
            bars.setdefault(what, self._progress(what))(done, total)

        started = time.monotonic()
        result = update(get_backend(), progress, redo=redo)
        took = time.monotonic() - started
        if result.skipped_reason:
            self.stdout.write(f"Topics: {result.skipped_reason}.")
        source = "the bundled model, fitted on" if result.prior else "from"
        self.stdout.write(
            f"Topics: inferred categories for {result.categorised:,} papers "
            f"({source} {result.labelled:,} with arXiv categories), key phrases for {result.phrased:,} "
            f"({took:.1f} s)."
        )

    def _status(self) -> None:
        st = sync.status()
        lines = [
            f"backend:          {st.backend} ({st.location})",
            f"model:            {st.model or '(no index yet)'}",
            f"documents:        {st.documents:,} (vectors: {st.vectors:,})",
            f"visible papers:   {st.visible_papers:,}",
            f"watermark:        {st.watermark.isoformat() if st.watermark else '-'}",
            f"stale:            {st.stale:,} papers changed since the watermark",
            f"hidden in index:  {st.hidden_in_index:,}",
            f"gone from db:     {st.missing_from_db:,}",
        ]
        if st.backend == "local":
            lines.append(f"vector segments:  {st.segments:,} (folded into the base as they grow)")
        if st.interrupted:
            lines.append(f"interrupted:      {st.interrupted}")
        self.stdout.write("\n".join(lines))
        if st.model is None:
            self.stdout.write("To do: run `paperfeed index rebuild`.")
        elif not st.model.startswith(st.configured_model.rsplit(":", 1)[0]):
            self.stdout.write(
                f"To do: the configured model is {st.configured_model}; run `paperfeed index rebuild`."
            )
        elif st.stale or st.hidden_in_index or st.interrupted:
            redo = f" (it redoes the {st.stale:,} papers changed since the watermark)" if st.stale else ""
            self.stdout.write(f"To do: run `paperfeed index catch-up`{redo}.")
        else:
            self.stdout.write("Up to date.")
