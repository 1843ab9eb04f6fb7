"""PostgreSQL's BM25: word statistics kept in step with the index, and keyword ranking like the
local index's (search/backends/postgres_terms.py)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from paperfeed.papers.models import Paper
from paperfeed.search import sync
from paperfeed.search.backends import get_backend
from paperfeed.search.backends.postgres_terms import LENGTH_COLUMNS, fieldnorm
from paperfeed.search.query import parse_query


@pytest.fixture
def postgres_corpus(corpus):
    if get_backend().name != "postgres":
        pytest.skip("PostgreSQL's own word statistics")
    return corpus


def stored_statistics() -> tuple[set, set]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme, field, df FROM search_terms WHERE df > 0")
        terms = set(cursor.fetchall())
        cursor.execute("SELECT field, docs, tokens FROM search_lengths")
        lengths = set(cursor.fetchall())
    return terms, lengths


def counted_afresh() -> tuple[set, set]:
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT u.lexeme, w::"char", count(DISTINCT d.paper_id) FROM search_document d,'
            " unnest(d.tsv) u, unnest(u.weights) w GROUP BY 1, 2"
        )
        terms = set(cursor.fetchall())
        cursor.execute(
            "SELECT f, count(*), sum(CASE f WHEN 'A' THEN tokens_a WHEN 'B' THEN tokens_b ELSE tokens_c END)"
            " FROM search_document d, (VALUES ('A'::\"char\"), ('B'), ('C')) v(f) GROUP BY 1"
        )
        lengths = set(cursor.fetchall())
    return terms, lengths


def test_word_statistics_follow_changes_and_removals(postgres_corpus, make_search_paper):
    assert stored_statistics() == counted_afresh()
    Paper.objects.filter(pk=postgres_corpus["sorting"].pk).update(
        title="Cache-oblivious merging", modified_at=timezone.now()
    )
    make_search_paper("Quantum error correction codes", "Surface codes protect qubits.")
    sync.catch_up()
    get_backend().delete([postgres_corpus["speech"].pk])
    assert stored_statistics() == counted_afresh()
    shares = get_backend().word_shares(["sorting", "merging", "qubits", "speech"])
    assert shares["sorting"] == pytest.approx(1 / 8)  # its abstract still says "sorting"
    assert shares["merging"] == pytest.approx(1 / 8) and shares["speech"] == 0.0


def test_an_index_from_before_the_statistics_gets_them_at_catch_up(postgres_corpus):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE search_terms, search_lengths")
    assert get_backend().keyword(parse_query("sorting"), None, 5)  # still answers, unweighted
    assert "no word statistics" in sync.status().interrupted
    sync.catch_up()  # nothing changed since: it adds the statistics all the same
    assert stored_statistics() == counted_afresh()
    Paper.objects.filter(pk=postgres_corpus["rl"].pk).update(upvotes=61, modified_at=timezone.now())
    sync.catch_up()
    assert stored_statistics() == counted_afresh()


@pytest.mark.parametrize(
    "query",
    [
        "machine unlearning language models",
        "neural networks for molecules",
        "image synthesis diffusion model",
        "speech recognition noise",
        "learning",
        "Lovelace model",
    ],
)
def test_keyword_ranking_is_the_local_indexs(postgres_corpus, settings, query):
    parsed = parse_query(query)
    on_postgres = [pk for pk, _ in get_backend().keyword(parsed, None, 8)]
    settings.SEARCH_BACKEND = "local"
    sync.rebuild()
    on_local = [pk for pk, _ in get_backend().keyword(parsed, None, 8)]
    assert on_postgres[:3] == on_local[:3]
    assert set(on_postgres) == set(on_local)


def test_fieldnorm_is_tantivys_one_byte_length():
    # Values of tantivy's FIELD_NORMS_TABLE and lengths between them (rounded down onto it).
    table = {0: 0, 1: 1, 39: 39, 40: 40, 41: 40, 42: 42, 59: 56, 60: 60, 63: 60, 152: 152}
    table |= {160: 152, 167: 152, 168: 168, 190: 184, 311: 280, 312: 312, 1100: 1048, 1176: 1176}
    assert {length: fieldnorm(length) for length in table} == table


def test_field_lengths_are_the_local_indexs_tokens(postgres_corpus, make_search_paper):
    # Stop words count; "LLaDA2.0-mini" is three tokens to tantivy, and its words are found.
    paper = make_search_paper("The LLaDA2.0-mini model", "It is a model of the state-of-the-art.")
    sync.catch_up()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tokens_a, tokens_b, tokens_c FROM search_document WHERE paper_id = %s", [paper.pk]
        )
        assert cursor.fetchone() == (5, 10, 2)
    assert [pk for pk, _ in get_backend().keyword(parse_query("llada2 mini"), None, 3)][:1] == [paper.pk]


def test_an_index_from_before_token_counts_is_migrated_then_counted_again_at_catch_up(postgres_corpus):
    # An index as the code before token counts left it: no length columns, lengths in lexemes.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE search_document " + ", ".join(f"DROP COLUMN {c}" for c in LENGTH_COLUMNS))
        cursor.execute("ALTER TABLE search_lengths RENAME COLUMN tokens TO lexemes")
    migration = importlib.import_module("paperfeed.search.migrations.0003_postgres_token_lengths")
    migration.add_lengths(None, SimpleNamespace(connection=connection))
    assert "no word statistics" in sync.status().interrupted
    assert get_backend().keyword(parse_query("sorting"), None, 5)  # still answers, unweighted
    sync.catch_up()
    assert sync.status().interrupted is None
    assert stored_statistics() == counted_afresh()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_document WHERE tokens_a IS NULL OR norm_c IS NULL")
        assert cursor.fetchone()[0] == 0
