"""`paperfeed eval search|related`: retrieval quality on judged queries, per search mode.

``search`` runs each judged query. ``related`` judges related papers the same way, with a
paper's own title and abstract as the query: every paper judged relevant to a query that has
several is a case, and the other papers judged relevant to that query are what should come back.
Modes for ``related``: ``related`` (what paper pages show: the nearest stored vectors), and
``hybrid``, ``keyword``, ``dense`` (a search with the title and abstract as its text).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from paperfeed.papers.models import Paper
from paperfeed.search.embedding import document_text
from paperfeed.search.errors import QueryError
from paperfeed.search.evaluation import evaluate, evaluate_cases, read_qrels, read_queries, related_cases
from paperfeed.search.query import ParsedQuery, parse_query, words_of
from paperfeed.search.service import MODES, find_related, ranked_pks

RELATED_MODES = ("related",) + MODES
DEPTH = 100


class Command(BaseCommand):
    help = "Evaluate search or related papers on judged queries: nDCG@10, recall@100 and MRR per mode."

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["search", "related"], help="what to evaluate")
        parser.add_argument("--queries", type=Path, help='JSONL lines {"id", "query", "kind"} (search)')
        parser.add_argument(
            "--qrels", type=Path, required=True, help="TREC qrels: query-id 0 arxiv-id relevance"
        )
        parser.add_argument("--modes", help="comma-separated, default all")
        parser.add_argument("--by-kind", action="store_true", help="also show scores per query kind")

    def handle(
        self, *args, what: str, queries: Path | None, qrels: Path, modes: str | None, by_kind: bool, **o
    ):
        allowed = RELATED_MODES if what == "related" else MODES
        chosen = [m.strip() for m in (modes or ",".join(allowed)).split(",") if m.strip()]
        unknown = set(chosen) - set(allowed)
        if unknown:
            raise CommandError(
                f"Unknown mode(s) {', '.join(sorted(unknown))}; choose from {', '.join(allowed)}."
            )
        if what == "search" and queries is None:
            raise CommandError("eval search needs --queries")
        try:
            query_list = read_queries(queries) if queries else []
            judgments = read_qrels(qrels)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{'queries':<10} {'mode':<8} {'n':>5} {'nDCG@10':>8} {'R@100':>7} {'MRR':>7}")
        if what == "related":
            self._related(judgments, chosen)
            return
        arxiv_of = dict(Paper.objects.values_list("pk", "arxiv_id"))

        def ranker(mode: str):
            def rank(text: str) -> list[str]:
                try:
                    order, _ = ranked_pks(parse_query(text[:250]), mode)
                except QueryError:
                    return []
                return [arxiv_of[pk] for pk in order[:DEPTH] if pk in arxiv_of]

            return rank

        groups = {"all": query_list}
        if by_kind:
            for query in query_list:
                groups.setdefault(query["kind"] or "-", []).append(query)
        for group, members in groups.items():
            for mode in chosen:
                self._row(group, mode, evaluate(members, judgments, ranker(mode)))

    def _related(self, judgments: dict[str, dict[str, int]], chosen: list[str]) -> None:
        cases = related_cases(judgments)
        papers = {p.arxiv_id: p for p in Paper.objects.filter(arxiv_id__in={doc for doc, _ in cases})}
        missing = sorted({doc for doc, _ in cases} - set(papers))
        if missing:
            raise CommandError(f"{len(missing)} judged papers are not in the database, e.g. {missing[0]}")
        cases = [(doc, judged) for doc, judged in cases]
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
            self._row("related", mode, evaluate_cases(cases, ranker(mode)))

    def _row(self, group: str, mode: str, scores) -> None:
        self.stdout.write(
            f"{group:<10} {mode:<8} {scores.queries:>5} {scores.ndcg10:>8.4f} "
            f"{scores.recall100:>7.4f} {scores.mrr:>7.4f}"
        )
