"""`paperfeed eval search --queries Q.jsonl --qrels R.tsv`: retrieval quality per search mode."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from paperfeed.papers.models import Paper
from paperfeed.search.errors import QueryError
from paperfeed.search.evaluation import evaluate, read_qrels, read_queries
from paperfeed.search.query import parse_query
from paperfeed.search.service import MODES, ranked_pks


class Command(BaseCommand):
    help = "Evaluate search on judged queries: nDCG@10, recall@100 and MRR for hybrid, keyword and dense."

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["search"], help="what to evaluate")
        parser.add_argument("--queries", type=Path, required=True, help='JSONL lines {"id", "query"}')
        parser.add_argument(
            "--qrels", type=Path, required=True, help="TREC qrels: query-id 0 arxiv-id relevance"
        )
        parser.add_argument("--modes", default=",".join(MODES), help="comma-separated, default all")
        parser.add_argument("--by-kind", action="store_true", help="also show scores per query kind")

    def handle(self, *args, what: str, queries: Path, qrels: Path, modes: str, by_kind: bool, **options):
        try:
            query_list = read_queries(queries)
            judgments = read_qrels(qrels)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        chosen = [m.strip() for m in modes.split(",") if m.strip()]
        unknown = set(chosen) - set(MODES)
        if unknown:
            raise CommandError(
                f"Unknown mode(s) {', '.join(sorted(unknown))}; choose from {', '.join(MODES)}."
            )
        arxiv_of = dict(Paper.objects.values_list("pk", "arxiv_id"))

        def ranker(mode: str):
            def rank(text: str) -> list[str]:
                try:
                    order, _ = ranked_pks(parse_query(text[:250]), mode)
                except QueryError:
                    return []
                return [arxiv_of[pk] for pk in order[:100] if pk in arxiv_of]

            return rank

        groups = {"all": query_list}
        if by_kind:
            for query in query_list:
                groups.setdefault(query["kind"] or "-", []).append(query)
        self.stdout.write(f"{'queries':<10} {'mode':<8} {'n':>5} {'nDCG@10':>8} {'R@100':>7} {'MRR':>7}")
        for group, members in groups.items():
            for mode in chosen:
                scores = evaluate(members, judgments, ranker(mode))
                self.stdout.write(
                    f"{group:<10} {mode:<8} {scores.queries:>5} {scores.ndcg10:>8.4f} "
                    f"{scores.recall100:>7.4f} {scores.mrr:>7.4f}"
                )
