"""``/authors/<name>``: every paper listing an author of that name, and the card search shows.

A name is all the site knows of an author, so the page is about the name: "papers by authors
named X". Names that differ only in case are the same spelling; names spelled differently
("Tomáš Mikolov", "Tomas Mikolov") are listed as other spellings, each with its own page, and
never merged. Hidden papers and hidden authorships never count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Value
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from paperfeed.community.shown import show_papers
from paperfeed.papers.author_names import name_key
from paperfeed.papers.models import Authorship, Paper
from paperfeed.search.authors import AuthorIntent, recognize

PAGE_SIZE = 50
CO_AUTHORS = 20
MAX_NAME_LENGTH = 300  # Authorship.name holds at most this


def author_url(name: str) -> str:
    """The author page of ``name`` (reverse() percent-encodes it; a "/" in it is kept and read back)."""
    return reverse("papers:author", args=[name])


@dataclass
class Spelling:
    name: str
    papers: int

    @property
    def url(self) -> str:
        return author_url(self.name)


def author_card(text: str, intent: AuthorIntent | None = None) -> dict | None:
    """What the search page shows above the results when ``text`` names an author, or None."""
    intent = intent or recognize(text)
    if intent is None:
        return None
    spellings = [Spelling(name, count) for name, count in intent.spellings]
    return {
        "main": spellings[0],
        "others": spellings[1:6],
        "categories": intent.main_categories(),
        "topic_words": intent.topic_words,
    }


def _named(name: str):
    """Visible authorships of ``name`` whatever its case (through the index on lower(name))."""
    return Authorship.objects.visible().alias(name_lower=Lower("name")).filter(name_lower=Lower(Value(name)))


def author(request: HttpRequest, name: str) -> HttpResponse:
    name = " ".join(name.split())[:MAX_NAME_LENGTH]
    papers = Paper.objects.visible().filter(pk__in=_named(name).values("paper_id"))
    total = papers.count()
    if not total:
        return _unknown(request, name)
    shown_name = _usual_spelling(name)
    page = Paginator(papers.order_by("-published", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "name": shown_name,
        "total": total,
        "page": page,
        "cards": show_papers(page.object_list, request.user),
        "co_authors": _co_authors(name, papers),
        "categories": _categories(papers),
        "other_spellings": _other_spellings(name),
    }
    return render(request, "authors/detail.html", context)


def _categories(papers) -> list[tuple[str, int, int]]:
    """(category, papers, of which inferred) for the most frequent categories: a paper counts
    under its source's categories, or under those inferred for it when the source gave none."""
    counts: Counter = Counter()
    inferred: Counter = Counter()
    for source, guessed in papers.values_list("categories", "inferred_categories"):
        for category in (source or guessed).split():
            counts[category] += 1
            inferred[category] += not source
    return [(category, count, inferred[category]) for category, count in counts.most_common(8)]


def _usual_spelling(name: str) -> str:
    """The way the papers most often write ``name`` (its case may differ from the URL's)."""
    spelled = (
        _named(name).filter(paper__hidden=False).values("name").annotate(n=Count("id")).order_by("-n", "name")
    )
    return spelled[0]["name"] if spelled else name


def _co_authors(name: str, papers) -> list[Spelling]:
    rows = (
        Authorship.objects.visible()
        .filter(paper_id__in=papers.values("pk"))
        .alias(name_lower=Lower("name"))
        .exclude(name_lower=name.lower())
        .values("name")
        .annotate(n=Count("paper_id", distinct=True))
        .order_by("-n", "name")[:CO_AUTHORS]
    )
    return [Spelling(row["name"], row["n"]) for row in rows]


def _other_spellings(name: str) -> list[Spelling]:
    """Names that fold to the same key but are spelled differently (accents, order, hyphens)."""
    key = name_key(name)
    if not key:
        return []
    rows = (
        Authorship.objects.visible()
        .filter(name_key=key, paper__hidden=False)
        .alias(name_lower=Lower("name"))
        .exclude(name_lower=name.lower())
        .values("name")
        .annotate(n=Count("paper_id", distinct=True))
        .order_by("-n", "name")[:10]
    )
    spellings: dict[str, Spelling] = {}
    for row in rows:  # "tomas mikolov" and "Tomas Mikolov" are one spelling
        spellings.setdefault(row["name"].lower(), Spelling(row["name"], row["n"]))
    return list(spellings.values())


def _unknown(request: HttpRequest, name: str) -> HttpResponse:
    context = {"name": name, "other_spellings": _other_spellings(name) if name else []}
    return render(request, "authors/unknown.html", context, status=404)
