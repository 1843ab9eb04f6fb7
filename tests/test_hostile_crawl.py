"""A hostile-input crawl of every route: no answer is a server error, and none shows a traceback.

The routes come from the URL resolver, so a route added later is crawled without touching this
file. Each path parameter is filled with a sample that names something real (so the view runs)
and then, one at a time, with each hostile value; query strings and form bodies carry the hostile
values too. Requests go through the Django test client with CSRF checks on, anonymously and
signed in; POSTs are sent both without a CSRF token (refused) and with one. The site holds hostile
records of its own: a title with U+0001, a submitter whose username has a "/", a hidden author.

Bounded: about five thousand requests, under a minute on an idle core.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

LONG = "x" * 3000
HOSTILE = [
    "\x00",
    "a\x01b",
    "a/b",
    "..",
    "9" * 30,
    "-1",
    "' OR '1'='1' --",
    '<script>alert("x")</script>',
    "ünïcødé ☃ 😀 \u202e",
    LONG,
    "%",
    "",
    "before:9999-12-31 after:0001-01-01",
]
DATES = ["9999-12-31", "0001-01-01", "9999-W52", "0001-W01", "9999-12", "0001-01", "2025-02-30", "2025-W54"]
# Parameters that name a period get the boundary dates too.
DATE_PARAMETERS = {"day", "week", "month", "date"}
# Parameters pages and the API read; a route ignores the ones it does not know. week and month
# exclude date (and each other) in the API: they get requests of their own.
QUERY_NAMES = [
    "q", "name", "cat", "sort", "page", "p", "limit", "tab", "next", "submitter", "category",
    "after", "before", "code", "date", "id", "token", "email", "frequency", "action",
]  # fmt: skip
ALONE = {"week": ["9999-W52", "0001-W01", "a\x01b"], "month": ["9999-12", "0001-01", "a\x01b"]}
FORM_NAMES = [
    "body", "title", "description", "is_public", "arxiv_id", "id", "paper", "name", "email",
    "frequency", "action", "next", "q", "login", "password", "password1", "password2", "remember",
    "username", "key", "for_you_count", "categories", "topics", "kind", "value", "query",
]  # fmt: skip
FORM_VALUES = ["\x00", "a\x01b", "9" * 30, "<script>", LONG, ""]
# Signed out (and on admin pages, which send both clients to the admin login) a few values do.
FEW = ["a/b", "\x00", "9" * 30, "<script>"]
CSRF_SECRET = "k" * 32
Request = tuple[str, str, dict | None]  # method, URL, form data
TRACEBACK = re.compile(rb"Traceback \(most recent call last\)|File \"/")


def _routes(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, text)
        else:
            yield text, pattern


_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _named_groups(regex: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each top-level (?P<name>...) group, parentheses balanced."""
    groups = []
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, index = 0, match.start()
        while index < len(regex):
            char = regex[index]
            if char == "\\":
                index += 2
                continue
            depth += char == "("
            depth -= char == ")"
            index += 1
            if depth == 0:
                break
        groups.append((match.start(), index, match.group(1)))
    return groups


def _template(route: str) -> tuple[str, list[str]] | None:
    """A route as a format string with one slot per parameter, or None for regex we cannot fill."""
    names: list[str] = []
    if "(?P<" in route or route.startswith("^") or "^" in route:
        pieces, last = [], 0
        for start, end, name in _named_groups(route):
            pieces.append(route[last:start].replace("{", "{{").replace("}", "}}"))
            pieces.append(f"{{{len(names)}}}")
            names.append(name)
            last = end
        pieces.append(route[last:])
        text = "".join(pieces).replace("^", "").replace("\\Z", "").replace("$", "").replace("\\.", ".")
        if re.search(r"[()\[\]*+?|\\]", text):
            return None
        return text, names
    text = route.replace("{", "{{").replace("}", "}}")

    def slot(match: re.Match) -> str:
        names.append(match.group("name"))
        return f"{{{len(names) - 1}}}"

    return _PARAM.sub(slot, text), names


def _in_path(value: str) -> str:
    return quote(value, safe="/")


@pytest.fixture
def hostile_site(make_paper, make_user, settings, tmp_path):
    """Papers, a collection, a comment and users, some of them hostile; arXiv on a closed port."""
    from django.contrib.auth import get_user_model

    from paperfeed.community.models import Collection, Comment
    from paperfeed.papers.models import Authorship
    from paperfeed.search import sync

    # Sign-in and re-authentication forms hash the hostile passwords: a fast hasher keeps the
    # crawl's time for the routes (these tests are not about password storage).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ARXIV_API_URL = "http://127.0.0.1:9/api/query"
    settings.ARXIV_TIMEOUT_SECONDS = 1
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_BACKEND = "local"
    today = datetime.now(UTC).date()
    member = make_user("member")
    odd = get_user_model().objects.create(username="slash/name")
    paper = make_paper("A title with \x01 in it", arxiv_id="2502.00001", listed_on=today, submitted_by=odd)
    Authorship.objects.create(paper=paper, position=9, name="Hidden Author", hidden=True)
    make_paper(
        "Markup <b>bold</b>",
        arxiv_id="2502.00002",
        abstract='<script>alert("x")</script>',
        listed_on=today - timedelta(days=1),
    )
    make_paper("An old preprint", arxiv_id="hep-th/9901001")
    collection = Collection.objects.create(owner=member, title="Reading list", is_public=True)
    comment = Comment.objects.create(paper=paper, author=member, body="A first comment")
    sync.rebuild()
    samples = {
        "arxiv_id": "2502.00001",
        "pk": str(collection.pk),
        "comments/pk": str(comment.pk),  # a route's first segment picks its own sample
        "username": "slash/name",
        "day": today.isoformat(),
        "week": f"{today.isocalendar()[0]}-W{today.isocalendar()[1]:02d}",
        "month": today.strftime("%Y-%m"),
        "category": "cs.LG",
        "token": "x",
        "app_label": "papers",
        "object_id": "1",
        "content_type_id": "1",
    }
    return member, samples


def _clients(member) -> dict[str, Client]:
    anonymous = Client(enforce_csrf_checks=True)
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(member)
    for client in (anonymous, signed_in):
        client.raise_request_exception = False  # a crash is a 500 answer, collected below
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET  # what a page would have set
    return {"anonymous": anonymous, "signed in": signed_in}


def _requests(route: str, samples: dict[str, str], thorough: bool) -> Iterator[Request]:
    """One route's GETs, and POSTs with hostile form data (all of them when ``thorough``)."""
    text, names = _template(route)
    thorough = thorough and not route.startswith("admin/")
    section = route.split("/", 1)[0]
    valid = [samples.get(f"{section}/{name}", samples.get(name, "1")) for name in names]
    paths = ["/" + text.format(*map(_in_path, valid))]
    for index, name in enumerate(names):
        values = (HOSTILE + DATES if name in DATE_PARAMETERS else HOSTILE) if thorough else FEW[:1]
        for value in values:
            filled = list(valid)
            filled[index] = value
            paths.append("/" + text.format(*map(_in_path, filled)))
    for path in paths:
        yield "GET", path, None
    base = paths[0]
    for value in HOSTILE + DATES if thorough else FEW:
        yield "GET", f"{base}?{urlencode({name: value for name in QUERY_NAMES})}", None
    for name, values in ALONE.items() if thorough else ():
        for value in values:
            yield "GET", f"{base}?{urlencode({name: value})}", None
    for path in paths[:2]:
        yield "POST", path, None  # no CSRF token
    for value in FORM_VALUES if thorough else FEW[:1]:
        yield "POST", base, {name: value for name in FORM_NAMES}


def _last(route: str) -> bool:
    # Deleting or signing out first would leave later requests nothing to act on.
    return any(word in route for word in ("delete", "revoke", "logout", "remove"))


def test_no_route_answers_a_server_error_to_hostile_input(hostile_site):
    member, samples = hostile_site
    routes = sorted({route for route, _ in _routes(get_resolver().url_patterns)}, key=lambda r: (_last(r), r))
    assert len(routes) > 50, "the crawl should find every route of the site"
    unfilled = [route for route in routes if _template(route) is None]
    assert not unfilled, f"the crawl cannot fill these routes' parameters: {unfilled}"
    failures: list[str] = []
    sent = 0
    for route in routes:
        clients = _clients(member)  # fresh sessions: a sign-out on one route does not carry over
        for who, client in clients.items():
            for method, url, form in _requests(route, samples, thorough=who == "signed in"):
                if method == "GET":
                    response = client.get(url)
                else:
                    data = form and {**form, "csrfmiddlewaretoken": CSRF_SECRET}
                    response = client.post(url, data or {})
                sent += 1
                if response.status_code >= 500 or TRACEBACK.search(response.content):
                    failures.append(f"{who} {method} {url[:120]!r} -> {response.status_code}")
    assert sent > 1000
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:40])
