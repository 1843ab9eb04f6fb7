"""What the query parser makes of what people type."""

from datetime import date

import pytest

from paperfeed.search.errors import QueryError
from paperfeed.search.query import parse_query


def test_words_phrases_and_filters_are_separated():
    parsed = parse_query('diffusion "latent space" author:"Ada Lovelace" cat:cs.CV has:code year:2024')
    assert parsed.words == ["diffusion"]
    assert parsed.phrases == [["latent", "space"]]
    assert parsed.authors == ["Ada Lovelace"]
    assert parsed.categories == ["cs.CV"]
    assert parsed.has_code
    assert (parsed.after, parsed.before) == (date(2024, 1, 1), date(2024, 12, 31))
    assert parsed.text == "diffusion latent space"


def test_engine_operators_become_plain_lowercase_words():
    parsed = parse_query("cats OR dogs NEAR mice* x^2")
    assert parsed.words == ["cats", "or", "dogs", "near", "mice", "x", "2"]
    assert not parsed.has_filters


def test_a_word_after_a_minus_is_left_out_and_a_lone_minus_is_nothing():
    parsed = parse_query("graph networks -molecules - --")
    assert parsed.words == ["graph", "networks"]
    assert parsed.excluded == ["molecules"]
    assert "molecules" not in parsed.text  # nor is it what the query means
    assert parse_query("state-of-the-art -3 degrees").words == ["state", "of", "the", "art", "3", "degrees"]


def test_an_unbalanced_quote_closes_at_the_end():
    parsed = parse_query('graph "neural networks')
    assert parsed.words == ["graph"]
    assert parsed.phrases == [["neural", "networks"]]


def test_links_and_prefixed_ids_are_text_not_filters():
    assert parse_query("https://arxiv.org/abs/2401.00001v2").text == "https://arxiv.org/abs/2401.00001v2"
    assert parse_query("arXiv:2401.00001").text == "arXiv:2401.00001"
    assert parse_query("doi:10.1000/xyz").text == "doi:10.1000/xyz"


def test_month_dates_and_narrowing_ranges():
    parsed = parse_query("x after:2024-03 after:2024-05-02 before:2024-12-01 year:2024")
    assert parsed.after == date(2024, 5, 2)
    assert parsed.before == date(2024, 12, 1)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("cat:cs;LG", "not an arXiv category"),
        ("year:1850", "not a year"),
        ("before:2024-02-30", "not a real date"),
        ('author:"  "', "needs a value"),
        ("Venue:x", "Unknown filter “venue:”"),
    ],
)
def test_bad_filters_are_explained(query, message):
    with pytest.raises(QueryError, match=message):
        parse_query(query)


def test_the_length_limit_counts_the_trimmed_query():
    assert parse_query("  " + "a" * 250 + "  ").words == ["a" * 250]
    with pytest.raises(QueryError, match="250 characters"):
        parse_query("a" * 251)


def test_a_word_ending_in_a_colon_is_text_so_titles_with_colons_parse():
    parsed = parse_query("Mamba: Linear-Time Sequence Modeling")
    assert parsed.text == "Mamba: Linear-Time Sequence Modeling"
    assert parsed.words[:2] == ["mamba", "linear"]
    assert not parsed.has_filters
