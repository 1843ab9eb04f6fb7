"""Queries that name one paper: an arXiv id or link (any version), a DOI, or its title.

Ids and DOIs, and a title typed exactly, are looked up in the database, never the search
index, so they work before the index is built and for papers it has not caught up with yet.
The title lookup compares ``lower(title)`` (an expression index added by this app's migration
keeps it a single index probe at any size). A title typed nearly exactly (other case or
punctuation, without its subtitle, a small typo) is recognised among the few papers the
keyword index puts first for its words: see :func:`title_tier`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Paper
from paperfeed.search import rows
from paperfeed.search.rows import visible_pks_where

_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
# Titles are at least two words; a single word is a keyword search, not a title.
MIN_TITLE_WORDS = 2
MAX_TITLE_MATCHES = 5
# A typo is forgiven only in titles this long or longer: a short query that is one letter away
# from a short title ("graph neural network") is a topic, not that paper.
MIN_FUZZY_CHARS = 25
# A title without its subtitle names the paper when it is this many words or more, or when it
# looks like a name (LLaVA-NeXT, DeepSeek-R1, SAM 2): "Graph Neural Networks" alone is a topic
# even if one paper's title starts with it.
MIN_MAIN_TITLE_WORDS = 4
_NAME_LIKE = re.compile(r"\d|[a-z][A-Z]|\b[A-Z]{2,}|\w-\w")
# Edits forgiven: one, plus one per this many characters of the title (two in 50 characters).
CHARS_PER_EDIT = 25
# The main title ends where a subtitle starts: at a colon, or a dash between spaces.
_SUBTITLE = re.compile(r":|\s[-–—]\s|\s-{2}\s")


@dataclass
class Named:
    """The papers a query names, best first; ``unique`` when it names exactly one paper."""

    pks: list[int] = field(default_factory=list)
    by: str = ""  # "arxiv", "doi" or "title"

    @property
    def unique(self) -> bool:
        return len(self.pks) == 1


def exact_matches(raw: str) -> list[int]:
    """Pks of visible papers that ``raw`` names exactly by arXiv id/URL, DOI or whole title."""
    return named_exactly(raw).pks


def named_exactly(raw: str) -> Named:
    """The papers ``raw`` names by arXiv id/URL, DOI or whole title (ignoring case)."""
    text = " ".join(raw.split())
    try:
        arxiv = parse_arxiv_id(text)
    except InvalidArxivId:
        arxiv = None
    if arxiv is not None:
        return Named(visible_pks_where("arxiv_id = %s", [arxiv.id]), "arxiv")
    doi = _DOI.match(text)
    if doi:
        found = Paper.objects.filter(doi__iexact=doi.group(1), hidden=False).values_list("pk", flat=True)
        return Named(list(found), "doi")
    return Named(title_matches(text), "title")


def looks_like_identifier(raw: str) -> bool:
    """Whether ``raw`` is an arXiv id, arXiv link or DOI (whether or not a paper has it)."""
    text = " ".join(raw.split())
    try:
        parse_arxiv_id(text)
        return True
    except InvalidArxivId:
        return bool(_DOI.match(text))


def title_matches(text: str) -> list[int]:
    """Visible papers whose title is ``text`` ignoring case (newest first when several share it)."""
    text = " ".join(text.split())
    if len(text.split()) < MIN_TITLE_WORDS:
        return []
    # Written as the index's expression, so the database answers with one index probe.
    return visible_pks_where(
        "lower(title) = lower(%s)", [text], order="published DESC, id DESC", limit=MAX_TITLE_MATCHES
    )


def normalized_title(text: str) -> str:
    """Lowercase words without punctuation or accents: what two spellings of a title share."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", plain))


def main_title(title: str) -> str:
    """The title without its subtitle ("Mamba" for "Mamba: Linear-Time Sequence Modeling")."""
    return _SUBTITLE.split(title, maxsplit=1)[0]


def may_be_title(text: str) -> bool:
    """Whether ``text`` could be a title: two words or more, or one that looks like a name."""
    return len(normalized_title(text).split()) >= MIN_TITLE_WORDS or bool(_NAME_LIKE.search(text))


def names_a_paper(text: str) -> bool:
    """Whether ``text``, a title without its subtitle, is specific enough to name one paper."""
    return len(normalized_title(text).split()) >= MIN_MAIN_TITLE_WORDS or bool(_NAME_LIKE.search(text))


def title_tier(wanted: str, title: str, *, main_ok: bool = True) -> int | None:
    """How nearly the normalized query ``wanted`` is ``title``: 0 exactly, 1 its main title
    (when ``main_ok``), 2 within a few typos; None when it is not that title."""
    key = normalized_title(title)
    if key == wanted:
        return 0
    if main_ok and normalized_title(main_title(title)) == wanted:
        return 1
    if len(wanted) >= MIN_FUZZY_CHARS:
        allowed = 1 + len(wanted) // CHARS_PER_EDIT
        if Levenshtein.distance(wanted, key, score_cutoff=allowed) <= allowed:
            return 2
    return None


def nearly_titled(text: str, candidates: list[int]) -> list[int]:
    """Those of ``candidates`` whose title ``text`` nearly is, in the best tier found (ties keep
    the candidates' order)."""
    wanted = normalized_title(text)
    if not may_be_title(text) or not candidates:
        return []
    titles = rows.titles(list(dict.fromkeys(candidates)))
    main_ok = names_a_paper(text)
    tiers = {
        pk: title_tier(wanted, titles[pk], main_ok=main_ok)
        for pk in dict.fromkeys(candidates)
        if pk in titles
    }
    found = {pk: tier for pk, tier in tiers.items() if tier is not None}
    if not found:
        return []
    best = min(found.values())
    return [pk for pk, tier in found.items() if tier == best]
