"""/authors/<name>: every paper of that name, its co-authors and categories, a feed; linked from
every card and paper page. Same-name collisions are said plainly and other spellings never merged."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils.html import escape


def on(year: int) -> datetime:
    return datetime(year, 3, 1, tzinfo=UTC)


@pytest.fixture
def shannon(make_paper):
    """Three papers naming Claude Shannon (one with Hedy Lamarr twice), and one by someone else."""
    return [
        make_paper(
            "Channel Capacity",
            authors=("Claude Shannon", "Hedy Lamarr"),
            published=on(2021),
            upvotes=7,
            categories="cs.IT math.PR",
        ),
        make_paper(
            "Switching Circuits",
            authors=("Claude Shannon",),
            published=on(2023),
            upvotes=2,
            categories="cs.IT",
        ),
        make_paper(
            "Juggling Theorems",
            authors=("Hedy Lamarr", "claude shannon"),
            published=on(2022),
            categories="math.CO",
        ),
        make_paper("Unrelated Work", authors=("Ada Lovelace",), published=on(2024)),
    ]


def titles_in_order(html: str, papers) -> list[str]:
    found = [(html.index(f'id="title-{p.pk}"'), p.title) for p in papers if f'id="title-{p.pk}"' in html]
    return [title for _, title in sorted(found)]


def test_the_page_lists_every_paper_of_the_name_newest_first_with_upvotes(client, shannon):
    response = client.get("/authors/Claude Shannon")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Papers by authors named “Claude Shannon”" in html
    assert titles_in_order(html, shannon) == ["Switching Circuits", "Juggling Theorems", "Channel Capacity"]
    assert "3 papers" in html
    counts = re.findall(r"data-upvote-count>(\d+)<", html)
    assert counts == ["2", "0", "7"]  # each card shows its upvotes


def test_the_page_shows_frequent_co_authors_linked_categories_and_the_atom_feed(client, shannon):
    html = client.get("/authors/Claude Shannon").content.decode()
    co_authors = html[html.index('class="author-co-authors"') :]
    co_authors = co_authors[: co_authors.index("</ul>")]
    assert '<a href="/authors/Hedy%20Lamarr">Hedy Lamarr</a> <span class="muted">2</span>' in co_authors
    assert "Ada Lovelace" not in co_authors and "Claude Shannon" not in co_authors
    categories = html[html.index('class="author-categories"') :]
    assert categories.index("cs.IT") < categories.index("math.PR")  # most papers first
    feed = reverse("feeds:author_atom") + "?name=Claude%20Shannon"
    assert f'href="{feed}"' in html
    assert client.get(feed).status_code == 200


def test_every_author_name_on_a_paper_page_and_on_cards_links_to_the_author_page(
    client, shannon, make_listing
):
    paper_page = client.get(shannon[0].get_absolute_url()).content.decode()
    for name in ("Claude Shannon", "Hedy Lamarr"):
        assert f'href="/authors/{name.replace(" ", "%20")}">{name}</a>' in paper_page
    make_listing(shannon[0])
    feed = client.get("/").content.decode()
    assert '<a href="/authors/Claude%20Shannon">Claude Shannon</a>' in feed


@pytest.mark.parametrize(
    "name",
    ["AC/DC Collective", "Seán O'Brien", "Jean-Luc Godard", "何恺明", "Who? #1 & 100% sure", "Ça/va/../x"],
)
def test_names_with_slashes_apostrophes_accents_cjk_and_url_characters_link_to_their_own_page(
    client, make_paper, name
):
    paper = make_paper("A Paper With An Unusual Author", authors=(name,))
    paper_page = client.get(paper.get_absolute_url()).content.decode()
    start = paper_page.index('class="author-link" href="') + len('class="author-link" href="')
    link = unescape(paper_page[start : paper_page.index('"', start)])
    assert unquote(link) == f"/authors/{name}"
    response = client.get(link)
    assert response.status_code == 200
    assert f'<h1 id="author-heading">{escape(name)}</h1>' in response.content.decode()


def test_case_does_not_matter_but_the_usual_spelling_is_shown(client, shannon):
    html = client.get("/authors/CLAUDE SHANNON").content.decode()
    assert '<h1 id="author-heading">Claude Shannon</h1>' in html
    assert titles_in_order(html, shannon) == ["Switching Circuits", "Juggling Theorems", "Channel Capacity"]


def test_other_spellings_are_listed_apart_and_never_merged(client, make_paper):
    accented = make_paper("Word Vectors", authors=("Tomáš Mikolov",))
    plain = make_paper("Recurrent Language Models", authors=("Tomas Mikolov",))
    html = client.get("/authors/Tomáš Mikolov").content.decode()
    assert titles_in_order(html, [accented, plain]) == ["Word Vectors"]
    spellings = html[html.index('class="author-spellings"') :]
    assert '<a href="/authors/Tomas%20Mikolov">Tomas Mikolov</a>' in spellings
    assert "Not merged: they may or may not be the same person." in html
    other = client.get("/authors/Tomas Mikolov").content.decode()
    assert titles_in_order(other, [accented, plain]) == ["Recurrent Language Models"]


def test_an_unknown_name_is_a_404_that_says_so_and_offers_a_search(client, shannon):
    response = client.get("/authors/Nobody Atall")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No papers by “Nobody Atall”" in html
    assert 'href="/search?q=Nobody%20Atall"' in html


def test_an_unknown_spelling_points_to_the_spellings_the_papers_use(client, make_paper):
    make_paper("Word Vectors", authors=("Tomáš Mikolov",))
    response = client.get("/authors/Tomas Mikolov")
    assert response.status_code == 404
    assert '<a href="/authors/Tom%C3%A1%C5%A1%20Mikolov">Tomáš Mikolov</a>' in response.content.decode()


def test_hidden_authorships_and_hidden_papers_never_count(client, shannon):
    from paperfeed.papers.models import Authorship

    shannon[1].hidden = True
    shannon[1].save()
    Authorship.objects.filter(paper=shannon[2], name="claude shannon").update(hidden=True)
    html = client.get("/authors/Claude Shannon").content.decode()
    assert titles_in_order(html, shannon) == ["Channel Capacity"]
    assert "1 paper<" in html
    assert "Switching Circuits" not in html and "Juggling Theorems" not in html
    Authorship.objects.filter(name="Hedy Lamarr").update(hidden=True)
    assert client.get("/authors/Hedy Lamarr").status_code == 404


def test_papers_without_source_categories_count_under_their_inferred_ones_marked_so(client, make_paper):
    make_paper("Seeing Things", authors=("Fei-Fei Li",), categories="", inferred_categories="cs.CV")
    make_paper("Seeing More", authors=("Fei-Fei Li",), categories="cs.CV cs.AI")
    html = client.get("/authors/Fei-Fei Li").content.decode()
    categories = html[html.index('class="author-categories"') :]
    categories = categories[: categories.index("</ul>")]
    assert '>cs.CV</a> <span class="muted">2 (1 inferred)</span>' in categories
    assert '>cs.AI</a> <span class="muted">1</span>' in categories
