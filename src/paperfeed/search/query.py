"""Parse what people type into the search box: free text, quoted phrases and field filters.

Recognised filters: ``author:"Name"`` (or ``author:Name``), ``cat:cs.LG``, ``after:2025-01-01``,
``before:2025-06-30``, ``year:2024``, ``has:code``, and ``-word`` to leave out papers containing
a word. Everything else is free text; characters that
mean something to a search engine never reach one, because backends only ever receive the
plain words and phrases held in :class:`ParsedQuery`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from paperfeed.search.errors import QueryError
from paperfeed.search.stopwords import content_words

MAX_QUERY_LENGTH = 250
FILTER_NAMES = ("author", "cat", "after", "before", "year", "has")

# A token is a filter (name:"value" or name:value), a quoted phrase, or a bare run of non-space.
_TOKEN = re.compile(
    r'(?P<filter>(?P<name>[A-Za-z_]+):(?:"(?P<qvalue>[^"]*)"|(?P<value>[^\s"]*)))'
    r'|"(?P<phrase>[^"]*)"'
    r"|(?P<word>\S+)"
)
# Words are runs of letters and digits; dots inside (cs.LG, 2.5) and hyphens stay in the raw
# text shown back, but the engine sees only the alphanumeric pieces.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CATEGORY = re.compile(r"^[A-Za-z][A-Za-z\-]*(?:\.[A-Za-z\-]+)?$")


@dataclass
class ParsedQuery:
    raw: str
    text: str = ""  # the free text (filters removed), as typed, for embedding and exact lookups
    words: list[str] = field(default_factory=list)  # lowercase alphanumeric words outside phrases
    phrases: list[list[str]] = field(default_factory=list)  # each a list of lowercase words
    excluded: list[str] = field(default_factory=list)  # words typed as -word: no result contains them
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    after: date | None = None
    before: date | None = None
    has_code: bool = False

    @property
    def has_filters(self) -> bool:
        return bool(self.authors or self.categories or self.after or self.before or self.has_code)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def highlight_terms(self) -> list[str]:
        """The words to mark in results: the words searched for (stop words only when nothing else
        is), and every word of a quoted phrase."""
        return content_words(self.words) + [w for phrase in self.phrases for w in phrase]


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _parse_date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{2}", value):
        try:
            return date.fromisoformat(value + "-01")
        except ValueError:
            pass
    raise QueryError(f"“{name}:{value}” is not a real date. Use a form like {name}:2025-01-31.")


def _parse_year(value: str) -> tuple[date, date]:
    if not re.fullmatch(r"\d{4}", value) or not 1900 <= int(value) <= 2100:
        raise QueryError(f"“year:{value}” is not a year. Use a form like year:2024.")
    return date(int(value), 1, 1), date(int(value), 12, 31)


def parse_query(raw: str) -> ParsedQuery:
    """Split ``raw`` into text and filters; raise :class:`QueryError` with a message for people."""
    raw = (raw or "").strip()
    if not raw:
        raise QueryError("Type a few words, an author, a category or an arXiv id to search.")
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(f"Queries are limited to {MAX_QUERY_LENGTH} characters.")
    # An unbalanced quote is read as if closed at the end.
    raw_for_tokens = raw + '"' if raw.count('"') % 2 else raw
    parsed = ParsedQuery(raw=raw)
    text_parts: list[str] = []
    for match in _TOKEN.finditer(raw_for_tokens):
        if match.group("filter"):
            name = match.group("name").lower()
            value = (
                match.group("qvalue") if match.group("qvalue") is not None else match.group("value")
            ) or ""
            value = value.strip()
            if name not in FILTER_NAMES:
                # Things like "http://..." or "arXiv:2401.00001" are text, not filters, and so is
                # a word ending in a colon, as in the title "Mamba: Linear-Time Sequence Modeling".
                if name in {"http", "https", "arxiv", "doi"} or not match.group(0).split(":", 1)[1]:
                    text_parts.append(match.group(0))
                    parsed.words += words_of(match.group(0))
                    continue
                known = ", ".join(f"{n}:" for n in FILTER_NAMES)
                raise QueryError(f"Unknown filter “{name}:”. Filters are {known}.")
            if not value:
                raise QueryError(f"The filter “{name}:” needs a value, e.g. {_example(name)}.")
            apply_filter(parsed, name, value)
        elif match.group("phrase") is not None:
            phrase = words_of(match.group("phrase"))
            text_parts.append(f'"{match.group("phrase")}"')
            if len(phrase) == 1:
                parsed.words += phrase
            elif phrase:
                parsed.phrases.append(phrase)
        elif _is_exclusion(match.group("word")):
            # "-word" leaves out papers with that word; a lone "-" or "--" is nothing at all.
            parsed.excluded += words_of(match.group("word"))
        else:
            word = match.group("word")
            text_parts.append(word)
            # Engine operators typed as words are just words; lowercase keeps them inert.
            parsed.words += words_of(word)
    if parsed.after and parsed.before and parsed.after > parsed.before:
        raise QueryError(
            f"The date range is empty: after {parsed.after.isoformat()} is later than "
            f"before {parsed.before.isoformat()}."
        )
    parsed.text = " ".join(text_parts).replace('"', " ").strip()
    parsed.text = re.sub(r"\s+", " ", parsed.text)
    return parsed


def without_filters(raw: str) -> list[tuple[str, str]]:
    """For each filter typed into ``raw``: (the filter as typed, ``raw`` without it)."""
    raw_for_tokens = raw + '"' if raw.count('"') % 2 else raw
    found = []
    for match in _TOKEN.finditer(raw_for_tokens):
        if match.group("filter") and match.group("name").lower() in FILTER_NAMES:
            rest = raw_for_tokens[: match.start()] + raw_for_tokens[match.end() :]
            found.append((match.group(0), " ".join(rest.split())))
    return found


def _is_exclusion(word: str) -> bool:
    return word.startswith("-") and bool(_WORD.match(word, 1)) and not word[1:2].isdigit()


def _example(name: str) -> str:
    return {
        "author": 'author:"Ada Lovelace"',
        "cat": "cat:cs.LG",
        "after": "after:2025-01-01",
        "before": "before:2025-12-31",
        "year": "year:2024",
        "has": "has:code",
    }[name]


def apply_filter(parsed: ParsedQuery, name: str, value: str) -> None:
    if name == "author":
        if not words_of(value):
            raise QueryError(f'“author:{value}” names no one. Use a form like author:"Ada Lovelace".')
        parsed.authors.append(" ".join(value.split()))
    elif name == "cat":
        if not _CATEGORY.match(value):
            raise QueryError(f"“cat:{value}” is not an arXiv category. Use a form like cat:cs.LG.")
        parsed.categories.append(value)
    elif name == "after":
        day = _parse_date(name, value)
        parsed.after = max(parsed.after, day) if parsed.after else day
    elif name == "before":
        day = _parse_date(name, value)
        parsed.before = min(parsed.before, day) if parsed.before else day
    elif name == "year":
        start, end = _parse_year(value)
        parsed.after = max(parsed.after, start) if parsed.after else start
        parsed.before = min(parsed.before, end) if parsed.before else end
    elif name == "has":
        if value.lower() != "code":
            raise QueryError(f"“has:{value}” is not a filter. The only one is has:code.")
        parsed.has_code = True
