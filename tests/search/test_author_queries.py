"""A person's name typed plainly into the search box: the author card on top, their papers first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils.html import escape

HE_PAPERS = [
    (
        "Deep Residual Learning for Image Recognition",
        "Residual networks ease the training of very deep nets.",
    ),
    (
        "Masked Autoencoders Are Scalable Vision Learners",
        "Masking random image patches and reconstructing them.",
    ),
    (
        "Momentum Contrast for Visual Representation Learning",
        "A dynamic dictionary with a queue for contrast.",
    ),
]


@pytest.fixture
def people(corpus, make_search_paper):
    """The shared corpus plus papers by people whose names are hard to type, indexed."""
    from paperfeed.search import sync

    made = {"corpus": corpus}
    made["he"] = [
        make_search_paper(
            title,
            abstract,
            authors=("Ross Girshick", "Kaiming He"),
            categories="cs.CV",
            published=datetime(2020 + i, 1, 1, tzinfo=UTC),
        )
        for i, (title, abstract) in enumerate(HE_PAPERS)
    ]
    # Another paper that talks about him without being his.
    made["about_he"] = make_search_paper(
        "Revisiting Kaiming Initialization",
        "He et al. proposed an initialization; we study he init at depth.",
    )
    made["mikolov"] = make_search_paper(
        "Efficient Estimation of Word Representations",
        "Word vectors.",
        authors=("Tomáš Mikolov",),
        categories="cs.CL",
    )
    made["obrien"] = make_search_paper("Irish Speech Corpora", "Speech data.", authors=("Seán O'Brien",))
    made["godard"] = make_search_paper("Montage and Meaning", "Film cuts.", authors=("Jean-Luc Godard",))
    made["new"] = make_search_paper("Old Methods", "Known ones.", authors=("Alexander New", "Aiden Low"))
    made["maaten"] = make_search_paper("Visualizing Data", "Maps.", authors=("Laurens van der Maaten",))
    made["cjk"] = make_search_paper("Residual Learning Revisited", "Deeper nets.", authors=("何恺明",))
    sync.catch_up()
    return made


def result_pks(html: str, papers) -> list[int]:
    """The pks of ``papers`` in the order the page shows them."""
    found = [(html.index(f'id="title-{p.pk}"'), p.pk) for p in papers if f'id="title-{p.pk}"' in html]
    return [pk for _, pk in sorted(found)]


def all_papers(people) -> list:
    return [
        *people["corpus"].values(),
        *people["he"],
        *(people[k] for k in ("about_he", "mikolov", "obrien", "godard", "new", "maaten", "cjk")),
    ]


def test_a_plain_name_shows_the_author_card_and_puts_their_papers_first(client, people):
    response = client.get("/search", {"q": "Kaiming He"})
    assert response.status_code == 200
    html = response.content.decode()
    card = html[html.index('class="card author-card"') :]
    card = card[: card.index("</aside>")]
    assert '<a href="/authors/Kaiming%20He">Kaiming He</a>' in card
    assert "3 papers" in card
    assert "cs.CV" in card  # his main category
    shown = result_pks(html, all_papers(people))
    assert set(shown[:3]) == {p.pk for p in people["he"]}


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("kaiming he", "Kaiming He"),
        ("KAIMING HE", "Kaiming He"),
        ("He, Kaiming", "Kaiming He"),
        ("K. He", "Kaiming He"),
        ("He Kaiming", "Kaiming He"),
        ("He, K.", "Kaiming He"),
        ("L. van der Maaten", "Laurens van der Maaten"),
        ("van der Maaten, Laurens", "Laurens van der Maaten"),
        ("Tomas Mikolov", "Tomáš Mikolov"),
        ("Mikolov, Tomáš", "Tomáš Mikolov"),
        ("Sean OBrien", "Seán O'Brien"),
        ("seán o’brien", "Seán O'Brien"),
        ("jean luc godard", "Jean-Luc Godard"),
        ("何恺明", "何恺明"),
    ],
)
def test_names_are_recognised_whatever_the_accents_case_order_initials_or_script(client, people, query, who):
    from paperfeed.search.authors import recognize

    intent = recognize(query)
    assert intent is not None and intent.name == who
    html = client.get("/search", {"q": query}).content.decode()
    assert "author-card" in html
    assert f">{escape(who)}</a>" in html


def test_a_name_with_topic_words_puts_their_matching_papers_first(client, people):
    html = client.get("/search", {"q": "Kaiming He residual"}).content.decode()
    shown = result_pks(html, all_papers(people))
    assert shown[0] == people["he"][0].pk  # his paper on residual learning, before 何恺明's
    assert "Their papers on “residual” come first." in html


@pytest.mark.parametrize(
    "query",
    [
        "graph neural networks",
        "message passing",
        "speech recognition under noise",
        "A new benchmark called Prism",  # not A. New
        "Teaching LLMs a Low-Resource Language",  # not A. Low
    ],
)
def test_ordinary_topic_words_are_not_taken_for_a_name(client, people, query):
    from paperfeed.search.authors import recognize

    assert recognize(query) is None
    html = client.get("/search", {"q": query}).content.decode()
    assert "author-card" not in html


def test_hidden_authorships_and_hidden_papers_never_make_someone_an_author(client, people, make_search_paper):
    from paperfeed.papers.models import Authorship
    from paperfeed.search.authors import recognize

    Authorship.objects.filter(name="Jean-Luc Godard").update(hidden=True)
    people["obrien"].hidden = True
    people["obrien"].save()
    assert recognize("Jean-Luc Godard") is None
    assert recognize("Sean O'Brien") is None
    assert "author-card" not in client.get("/search", {"q": "Jean-Luc Godard"}).content.decode()


def test_the_api_search_puts_the_authors_papers_first(client, people):
    response = client.get("/api/papers/search", {"q": "kaiming he"})
    assert response.status_code == 200
    first = [item["paper"]["id"] for item in response.json()[:3]]
    assert sorted(first) == sorted(p.arxiv_id for p in people["he"])


def test_recognising_a_name_is_one_database_query_served_by_the_name_key_index(
    people, django_assert_num_queries
):
    """A few milliseconds at any size: one query for every run of words, whose name lookups
    (whole names and the prefix of initials) an index on the folded name serves."""
    from paperfeed.papers.models import Authorship
    from paperfeed.search.authors import prefix_q, recognize

    with django_assert_num_queries(1):
        recognize("Kaiming He residual networks for images")
    assert Authorship.objects.filter(name_key="").count() == 0  # every authorship has its key
    if connection.vendor == "postgresql":
        # Pattern operators: one index serves both equality and a LIKE 'prefix%' (the planner's
        # choice on a table of a few rows says nothing, so the index itself is checked).
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'papers_authorship_name_key'")
            assert "(name_key varchar_pattern_ops)" in cursor.fetchone()[0]
        return
    lookups = (
        Authorship.objects.filter(name_key__in=["he kaiming"]),
        Authorship.objects.filter(prefix_q("he k")),
    )
    for lookup in lookups:
        sql, params = lookup.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "papers_authorship_name_key" in plan


def test_initials_take_a_short_index_range_too(people, django_assert_num_queries):
    from paperfeed.search.authors import recognize

    with django_assert_num_queries(3):  # whole names, the names in the range, their papers
        intent = recognize("K. He masked autoencoders")
    assert intent.name == "Kaiming He"
    assert intent.topic_words == ["masked", "autoencoders"]


def test_initials_that_fit_many_people_name_nobody_in_particular(people, make_search_paper):
    from paperfeed.search.authors import recognize

    for given in ("Kai", "Kun", "Ke", "Kang", "Kevin"):
        make_search_paper(f"A Paper by {given} He", "Text.", authors=(f"{given} He",))
    assert recognize("K. He") is None  # six people: Kaiming, Kai, Kun, Ke, Kang and Kevin He
    assert recognize("Kun He").name == "Kun He"


@pytest.mark.parametrize(
    "query",
    [
        "-",
        '"Kaiming He',
        "Kaiming He'",
        " ".join("abcdefghijklmnopqrstuvwxyz" * 5)[:250],
        "x" * 250,
        "O'",
        "-- ,",
    ],
)
def test_odd_input_is_answered_without_error_in_one_query(
    client, people, query, django_assert_max_num_queries
):
    from paperfeed.search.authors import recognize

    with django_assert_max_num_queries(1):
        intent = recognize(query)
    assert intent is None or intent.name == "Kaiming He"
    assert client.get("/search", {"q": query}).status_code in (200, 302, 400)
