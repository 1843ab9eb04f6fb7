"""`paperfeed index rebuild|status|catch-up|topics|model`: look after the search index.

Only these commands derive embedding model files (``index model`` alone, or ``rebuild`` and
``catch-up`` before they embed); a web process refuses to (``embedding_onnx.onnx_file``).
``rebuild`` and ``catch-up`` wait while another process updates the index (``update_lock``).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from paperfeed.core.progress import Bar, is_terminal, raw_stream
from paperfeed.core.schema import migrate_if_needed
from paperfeed.search import sync
from paperfeed.search.embedding_onnx import deriving_allowed
from paperfeed.search.update_lock import updating_alone


class Command(BaseCommand):
    help = "Rebuild the search index, bring it up to date, or show what it holds and what is stale."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{rebuild,status,catch-up,topics,model}"
        )
        sub.add_parser(
            "rebuild", help="Build a fresh index of every visible paper (the old one serves until done)."
        )
        sub.add_parser("status", help="Counts, the model, the watermark and what is stale.")
        catch_up = sub.add_parser(
            "catch-up", help="Index papers changed since the last run; drop hidden ones."
        )
        catch_up.add_argument(
            "--stop-after",
            type=float,
            metavar="SECONDS",
            help="Start no new batch of vectors after this many seconds; the next catch-up continues.",
        )
        topics = sub.add_parser(
            "topics", help="Infer categories and extract key phrases for the papers that need them."
        )
        topics.add_argument(
            "--redo", action="store_true", help="Redo every paper without source categories or keywords."
        )
        sub.add_parser(
            "model",
            help="Derive the ONNX files the configured embedding runtimes need and check they run"
            " (the default model's int8 file ships with paperfeed; others need the torch extra).",
        )

    def _progress(self) -> _Bars:
        return _Bars(self.stderr)

    def handle(self, *args, action: str, **options) -> None:
        # A normal step: plain text, not the error style Django gives stderr.
        migrate_if_needed(lambda message: self.stderr.write(message, style_func=str))
        if action == "status":
            self._status()
            return
        with deriving_allowed():
            if action == "model":
                self._model()
                return
            with updating_alone(on_wait=self._say_waiting):  # topics write to the index too
                self._handle(action, **options)

    def _say_waiting(self) -> None:
        self.stderr.write(
            "Another process (`paperfeed worker`, an import) is updating the search index:"
            " waiting for it to finish…",
            style_func=str,
        )

    def _handle(self, action: str, **options) -> None:
        started = time.monotonic()
        if action == "topics":
            self._topics(redo=options["redo"])
            return
        bars = self._progress()
        _quiet_model_loading()
        seconds = options.get("stop_after")
        try:
            if action == "rebuild":
                result = sync.rebuild(progress=bars)
            else:
                result = sync.catch_up(progress=bars, until=None if seconds is None else started + seconds)
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not update the search index: {error}") from error
        finally:
            bars.close()
        self.stdout.write(_summary(result, time.monotonic() - started))
        if result.left:
            self.stdout.write(f"{result.left:,} papers still wait for vectors: the next catch-up continues.")
            return  # topics come from the vectors: they follow once all are written
        self._topics(redo=False)

    def _model(self) -> None:
        from paperfeed.search.embedding import (
            EmbeddingUnavailable,
            get_embedder,
            model_location,
            query_runtime_name,
            runtime_name,
        )

        documents = runtime_name()
        try:
            embedder = get_embedder()
            embedder.encode_documents(["A paper title. Its abstract."])
        except EmbeddingUnavailable as error:
            raise CommandError(f"The embedding model cannot run: {error}.") from None
        self.stdout.write(
            f"Embedding model {model_location()}: documents run on {documents}, queries on"
            f" {query_runtime_name(documents)}; {embedder.name}. Ready."
        )

    def _topics(self, redo: bool) -> None:
        """Inferred categories and key phrases for the papers that need them (see topics_step)."""
        from paperfeed.search.backends import get_backend
        from paperfeed.search.topics_step import update

        bars = self._progress()
        started = time.monotonic()
        try:
            result = update(get_backend(), bars, redo=redo)
        finally:
            bars.close()
        took = time.monotonic() - started
        if result.skipped_reason:
            self.stdout.write(f"Topics: {result.skipped_reason}.")
        if result.changed:
            changed = f"{result.changed:,} papers changed their title or abstract since"
            self.stdout.write(f"Topics: {changed}: their topics are done again.")
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
            f"vectors pending:  {st.vectors_pending:,} papers searchable by keyword only so far",
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
        elif st.stale or st.vectors_pending or st.hidden_in_index or st.interrupted:
            parts = [f"it redoes the {st.stale:,} papers changed since the watermark"] if st.stale else []
            if st.vectors_pending:
                parts.append(f"it embeds the {st.vectors_pending:,} papers without vectors")
            redo = f" ({'; '.join(parts)})" if parts else ""
            self.stdout.write(f"To do: run `paperfeed index catch-up`{redo}.")
        else:
            self.stdout.write("Up to date.")


# Said on a terminal before the long stage: the site need not wait for it.
VECTORS_FOLLOW = (
    "  Keyword search finds these papers now; meaning-based search joins as their vectors are"
    " written (Ctrl-C stops; `paperfeed index catch-up` continues)."
)


class _Bars:
    """One progress bar per stage ("keywords", "vectors", "categories", ...), drawn on a terminal."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.bars: dict[str, Bar] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.bars:
            for earlier in self.bars.values():
                earlier.close()  # one stage at a time: the next bar goes below the last
            if stage == "vectors" and total and is_terminal(self.stream):
                # To the file itself: nested wrappers (ingest's call_command) would style it as an error.
                raw_stream(self.stream).write(VECTORS_FOLLOW + "\n")
            self.bars[stage] = Bar(f"  {stage}", total, self.stream)
        self.bars[stage].update_to(done)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _summary(result: sync.SyncResult, took: float) -> str:
    """One line: 'Indexed 9,877 papers for keywords in 3.1 s, vectors for 9,877 in 150.2 s (65.8/s); ...'."""
    verb = "Rebuilt the index with" if result.rebuilt else "Indexed"
    vector_seconds = result.seconds.get("vectors", 0.0)
    rate = f" ({result.embedded / vector_seconds:,.1f}/s)" if result.embedded and vector_seconds else ""
    return (
        f"{verb} {result.indexed:,} papers for keywords in {result.seconds.get('keywords', 0.0):.1f} s, "
        f"vectors for {result.embedded:,} in {vector_seconds:.1f} s{rate}; "
        f"removed {result.removed:,} ({took:.1f} s)."
    )


def _quiet_model_loading() -> None:
    """No "Loading weights" bar from transformers: noise off a terminal, and on one it breaks ours."""
    try:  # only with the torch extra; the shipped model loads without transformers
        from transformers.utils import logging as transformers_logging
    except ImportError:
        return
    transformers_logging.disable_progress_bar()
