"""`paperfeed eval recommend`: recommendation quality on the development set of readers, beside
search's `eval search|related|...` (this command extends search's, so both live under one verb).

Prints nDCG@10, recall@10 and MRR for today's centroid, an arxiv-sanity tf-idf SVM and the model,
then a "not interested" simulation: a reader dismisses the papers of their top 10 that are not
theirs, and the table shows where those papers' near neighbours and the reader's own papers went.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import CommandError

from paperfeed.recommend import evaluation, feedback
from paperfeed.recommend.vectors import choose_space
from paperfeed.search.management.commands.eval import Command as SearchEvalCommand

DEV_READERS = Path(__file__).resolve().parents[5] / "bench" / "recommend" / "readers.jsonl"


class Command(SearchEvalCommand):
    help = SearchEvalCommand.help + " `eval recommend`: recommendations on a development set of readers."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        what = next(action for action in parser._actions if action.dest == "what")
        what.choices = [*what.choices, "recommend"]
        parser.add_argument("--readers", type=Path, help=f"recommend: readers JSONL (default {DEV_READERS})")
        parser.add_argument(
            "--rankers",
            help=f"recommend: comma-separated, from {', '.join(evaluation.RANKERS)} (default all)",
        )
        parser.add_argument(
            "--no-feedback", action="store_true", help="recommend: skip the not-interested simulation"
        )
        parser.add_argument(
            "--save-rankings",
            type=Path,
            help="recommend: write each ranker's ranking of each case (JSON) here",
        )

    def handle(self, *args, what: str, **options):
        if what != "recommend":
            return super().handle(*args, what=what, **options)
        path = options.get("readers") or DEV_READERS
        if not path.exists():
            raise CommandError(f"No readers file at {path}: build one with bench/recommend/build_devset.py.")
        chosen = [r.strip() for r in (options.get("rankers") or ",".join(evaluation.RANKERS)).split(",")]
        unknown = set(chosen) - set(evaluation.RANKERS)
        if unknown:
            raise CommandError(
                f"Unknown ranker(s) {', '.join(sorted(unknown))}; choose from {evaluation.RANKERS}."
            )
        cases, missing = evaluation.read_cases(path)
        if not cases:
            raise CommandError(f"None of the readers' papers are in the database (e.g. {missing[:1]}).")
        space = choose_space()
        from paperfeed.papers.models import Paper

        self.stdout.write(
            f"{len(cases)} reader-weeks of {len({c.reader for c in cases})} readers; corpus "
            f"{Paper.objects.visible().count():,} papers; vectors: {space.name}"
            + (f"; {len(missing)} dev-set papers missing" if missing else "")
        )
        rankers = {}
        for name in chosen:
            started = time.perf_counter()
            if name == "centroid":
                rankers[name] = evaluation.centroid_ranker(space)
            elif name == "tfidf-svm":
                try:
                    rankers[name] = evaluation.tfidf_svm_ranker()
                except ImportError:
                    raise CommandError(
                        "tfidf-svm needs scikit-learn: pip install 'paperfeed[bench]'."
                    ) from None
                self.stdout.write(f"  (tf-idf fitted in {time.perf_counter() - started:.1f} s)")
            else:
                rankers[name] = evaluation.model_ranker
        rankings: dict[str, dict[str, list[int]]] = {}
        results = evaluation.evaluate(cases, rankers, rankings)
        if options.get("save_rankings"):
            options["save_rankings"].write_text(json.dumps(rankings), encoding="utf-8")
        self.stdout.write(f"{'ranker':<10} {'n':>5} {'nDCG@10':>8} {'R@10':>7} {'MRR':>7} {'ms/case':>8}")
        for name, scores in results.items():
            ndcg, recall, mrr = scores.row()
            per_case = 1000 * scores.seconds / len(cases)
            self.stdout.write(
                f"{name:<10} {len(cases):>5} {ndcg:>8.4f} {recall:>7.4f} {mrr:>7.4f} {per_case:>8.1f}"
            )
        if "model" in results:
            for other in ("tfidf-svm", "centroid"):
                if other in results:
                    comparison = evaluation.compare(cases, results["model"], results[other])
                    self.stdout.write(comparison.line("model", other))
        if "model" in chosen and not options.get("no_feedback"):
            self.stdout.write("")
            self.stdout.write(feedback.simulate(cases, space).table())
