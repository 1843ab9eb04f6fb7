"""`paperfeed eval search|related`: retrieval quality on judged queries, per search mode.

``search`` runs each query through ``search_papers`` (what the site and the API call, a page of
100) and prints one table: a row per query class and metric, a column per mode, and the hybrid
figures of an earlier run (``--baseline``, written by ``--save-baseline``) beside them.

``related`` judges related papers the same way, with a paper's own title and abstract as the
query: every paper judged relevant to a query that has several is a case, and the other papers
judged relevant to that query are what should come back (with ``--queries``, only the groups of
``topic`` queries: an author's papers are not "related"). Modes for ``related``: ``related``
(what paper pages show: the nearest stored vectors), and ``hybrid``, ``keyword``, ``dense`` (a
search with the title and abstract as its text).

Without ``--queries`` and ``--qrels`` the development set in ``bench/search`` is used when the
command runs from the repository.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

import paperfeed
from paperfeed.papers.models import Paper
from paperfeed.search.embedding import document_text
from paperfeed.search.errors import QueryError
from paperfeed.search.evaluation import (
    CLASS_METRICS,
    ClassScores,
    evaluate_cases,
    evaluate_classes,
    read_qrels,
    read_queries,
    related_cases,
)
from paperfeed.search.query import ParsedQuery, words_of
from paperfeed.search.service import MODES, find_related, ranked_pks

RELATED_MODES = ("related",) + MODES
DEPTH = 100
DEV_SET = Path("bench/search")
DEV_QUERIES, DEV_QRELS = DEV_SET / "dev_queries.jsonl", DEV_SET / "dev_qrels.tsv"
DEV_BASELINE = DEV_SET / "baseline_hybrid.json"
ROW_ORDER = list(CLASS_METRICS) + ["topical"]


class Command(BaseCommand):
    help = "Evaluate search (per query class) or related papers on judged queries, per mode."

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["search", "related", "categories"], help="what to evaluate")
        parser.add_argument(
            "--truth",
            type=Path,
            help="categories: arxiv_id<TAB>primary other ... of held-out papers "
            "(default bench/search/dev_categories.tsv; without it a tenth of the labelled papers)",
        )
        parser.add_argument(
            "--queries", type=Path, help=f'JSONL {{"id", "query", "kind"}} (default {DEV_QUERIES})'
        )
        parser.add_argument(
            "--qrels", type=Path, help=f"TREC qrels: query-id 0 arxiv-id relevance (default {DEV_QRELS})"
        )
        parser.add_argument("--modes", help="comma-separated, default all")
        parser.add_argument(
            "--baseline",
            type=Path,
            help=f"hybrid figures of an earlier run to show (default {DEV_BASELINE}; none: no column)",
        )
        parser.add_argument("--save-baseline", type=Path, help="write this run's hybrid figures here (JSON)")

    def handle(
        self, *args, what: str, queries: Path | None, qrels: Path | None, modes: str | None, **options
    ):
        if what == "categories":  # inferred categories against arXiv's (search/topics_eval.py)
            _eval_categories(self, options.get("truth"))
            return
        allowed = RELATED_MODES if what == "related" else MODES
        chosen = [m.strip() for m in (modes or ",".join(allowed)).split(",") if m.strip()]
        unknown = set(chosen) - set(allowed)
        if unknown:
            raise CommandError(
                f"Unknown mode(s) {', '.join(sorted(unknown))}; choose from {', '.join(allowed)}."
            )
        if qrels is None:
            if not DEV_QRELS.exists():
                raise CommandError(f"Give --qrels (there is no {DEV_QRELS} here).")
            qrels, queries = DEV_QRELS, queries or DEV_QUERIES
        if what == "search" and queries is None:
            raise CommandError("eval search needs --queries")
        try:
            query_list = read_queries(queries) if queries else []
            judgments = read_qrels(qrels)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if what == "related":
            if queries:
                topics = {q["id"] for q in query_list if q["kind"] == "topic"}
                judgments = {qid: judged for qid, judged in judgments.items() if qid in topics}
            self._related(judgments, chosen)
            return
        save = options.get("save_baseline")
        if save and "hybrid" not in chosen:
            raise CommandError("--save-baseline keeps the hybrid figures: include hybrid in --modes.")
        baseline = self._baseline(options.get("baseline"))
        results = {mode: evaluate_classes(query_list, judgments, self._searcher(mode)) for mode in chosen}
        self._table(results, chosen, baseline)
        if save:
            self._save(save, results["hybrid"], queries)

    def _searcher(self, mode: str):
        from paperfeed.search.public import search_papers

        def search(text: str) -> tuple[list[str], int]:
            try:
                hits, total = search_papers(text[:250], limit=DEPTH, mode=mode)
            except QueryError:
                return [], 0
            return [hit.paper.arxiv_id for hit in hits], total

        return search

    def _baseline(self, path: Path | None) -> dict | None:
        if path == Path("none"):
            return None
        if path is None:
            if not DEV_BASELINE.exists():
                return None
            path = DEV_BASELINE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["classes"].items()
        except (OSError, ValueError, KeyError, AttributeError, TypeError) as error:
            raise CommandError(f"{path}: not a baseline written by --save-baseline ({error})") from error
        return data

    def _table(
        self, results: dict[str, dict[str, ClassScores]], modes: list[str], baseline: dict | None
    ) -> None:
        heads = modes + (["last-hybrid"] if baseline else [])
        self.stdout.write(f"{'class':<10} {'n':>4}  {'metric':<8}" + "".join(f" {h:>11}" for h in heads))
        present = {group for scores in results.values() for group in scores}
        for group in ROW_ORDER + sorted(present - set(ROW_ORDER)):
            if group not in present:
                continue
            first = next(scores[group] for scores in results.values() if group in scores)
            means = {mode: results[mode][group].mean() for mode in modes if group in results[mode]}
            old = baseline["classes"].get(group, {}) if baseline else {}
            for metric in first.metrics:
                cells = [f"{means[m][metric]:.4f}" if m in means else "-" for m in modes]
                if baseline:
                    cells.append(f"{old[metric]:.4f}" if isinstance(old.get(metric), int | float) else "-")
                self.stdout.write(
                    f"{group:<10} {first.queries:>4}  {metric:<8}" + "".join(f" {c:>11}" for c in cells)
                )
        if baseline:
            self.stdout.write(
                f"last-hybrid: commit {baseline.get('commit', '?')}, measured {baseline.get('measured', '?')}"
            )

    def _save(self, path: Path, scores: dict[str, ClassScores], queries: Path) -> None:
        data = {
            "commit": _source_commit(),
            "measured": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "corpus_papers": Paper.objects.count(),
            "queries": str(queries),
            "mode": "hybrid",
            "classes": {group: {"n": s.queries} | s.mean() for group, s in scores.items()},
        }
        try:
            path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from error
        self.stdout.write(f"hybrid figures written to {path}")

    def _related(self, judgments: dict[str, dict[str, int]], chosen: list[str]) -> None:
        self.stdout.write(f"{'queries':<10} {'mode':<8} {'n':>5} {'nDCG@10':>8} {'R@100':>7} {'MRR':>7}")
        cases = related_cases(judgments)
        papers = {p.arxiv_id: p for p in Paper.objects.filter(arxiv_id__in={doc for doc, _ in cases})}
        missing = sorted({doc for doc, _ in cases} - set(papers))
        if missing:
            raise CommandError(f"{len(missing)} judged papers are not in the database, e.g. {missing[0]}")
        arxiv_of = dict(Paper.objects.values_list("pk", "arxiv_id"))

        def ranker(mode: str):
            def rank(doc: str) -> list[str]:
                paper = papers[doc]
                if mode == "related":
                    found = find_related([paper], DEPTH)
                    return [p.arxiv_id for p in found]
                # The paper's own text as the query; the length limit is for people typing.
                text = document_text(paper.title, paper.abstract)
                parsed = ParsedQuery(raw=text, text=text, words=words_of(text))
                order, _ = ranked_pks(parsed, mode)
                return [arxiv_of[pk] for pk in order[: DEPTH + 1] if pk in arxiv_of and pk != paper.pk]

            return rank

        for mode in chosen:
            scores = evaluate_cases(cases, ranker(mode))
            self.stdout.write(
                f"{'related':<10} {mode:<8} {scores.queries:>5} {scores.ndcg10:>8.4f} "
                f"{scores.recall100:>7.4f} {scores.mrr:>7.4f}"
            )


def _source_commit() -> str:
    """The commit of the paperfeed source this run used (the package's own checkout)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(paperfeed.__file__).parent,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def _eval_categories(command: BaseCommand, truth: Path | None) -> None:
    from paperfeed.search.topics_eval import evaluate

    default = DEV_SET / "dev_categories.tsv"
    if truth is None and default.exists():
        truth = default
    if truth is not None and not truth.exists():
        raise CommandError(f"No truth file at {truth}.")
    try:
        command.stdout.write(evaluate(truth).table())
    except ValueError as error:
        raise CommandError(str(error)) from error
