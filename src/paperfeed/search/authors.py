"""A person's name typed plainly into the search box: whose it is, and their papers first.

The query's words are read in short runs (two to four words, or one word written in Chinese,
Japanese or Korean characters), and each run is looked up as an author name in both orders
("Kaiming He", "He Kaiming") and with initials ("K. He"), through the folded, indexed
``Authorship.name_key`` (:mod:`paperfeed.papers.author_names`): one index probe for all the runs,
and, for initials, the names in a short range of the index (read from the index alone), so
recognising a name costs a few milliseconds at any size. A run only counts when some visible
paper has an author of that name, so ordinary topic words ("graph neural networks") are never
taken for a person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Q

from paperfeed.papers.author_names import dotted_words, given_first_words, key_of_words, name_words
from paperfeed.papers.models import Authorship
from paperfeed.search.stopwords import STOP_WORDS

MAX_RUN = 4  # words in a name
MAX_INITIAL_RUNS = 6  # runs of initials looked up (each is one index range)
MAX_NAMES_FOR_INITIALS = 5  # initials that fit more names than this name nobody in particular
MAX_KEYS_READ = 200  # names read from the index for the runs of initials
MAX_PINNED = 1000  # an author's papers put first, at most
MAX_TOPIC_CHECK = 500  # an author's papers whose text is checked for the query's topic words
_TOPICS = ("paper__categories", "paper__inferred_categories")  # the source's, else inferred ones
_FIRST_KEPT = 0x2E80  # see author_names: CJK characters are kept as written


@dataclass(frozen=True)
class Run:
    """A run of the query's words read as a name: exact keys, or a prefix for initials."""

    start: int
    end: int
    keys: tuple[str, ...] = ()
    prefix: str = ""  # "he k" for "K. He"
    initials: tuple[str, ...] = ()  # every initial typed, checked against the given names
    particles: tuple[str, ...] = ()  # words typed between the initials and the surname ("van der")

    def __len__(self) -> int:
        return self.end - self.start


@dataclass
class AuthorIntent:
    """The author a query names: every spelling of the name found, and their visible papers."""

    spellings: list[tuple[str, int]]  # (name as written, number of its visible papers), most first
    papers: dict[int, tuple[str, datetime | None, str]]  # pk → (spelling, published, topic categories)
    topic_words: list[str] = field(default_factory=list)  # the query's other words

    @property
    def name(self) -> str:
        return self.spellings[0][0]

    def newest_first(self) -> list[int]:
        def published(pk: int) -> tuple:
            day = self.papers[pk][1]
            return (day is not None, day or datetime.min, pk)

        return sorted(self.papers, key=published, reverse=True)

    def main_categories(self, count: int = 3) -> list[str]:
        counts = Counter(cat for _, _, cats in self.papers.values() for cat in cats.split())
        return [cat for cat, _ in counts.most_common(count)]


def _is_cjk(word: str) -> bool:
    return len(word) >= 2 and any(ord(ch) >= _FIRST_KEPT for ch in word)


def _readings(
    start: int, end: int, given_first: list[str], dotted: set[str] = frozenset(), whole: bool = True
) -> list[Run]:
    """``given_first`` (a name's words, given names first) as a whole name, and as initials with
    a surname when it starts with single letters ("K. He", "L. van der Maaten").

    Initials are letters typed with a full stop (``dotted``), or, when the ``whole`` query is the
    name, any letter but "a" and "i": so "A new benchmark" is not a paper search for A. New.
    """
    runs = [Run(start, end, keys=(key_of_words(given_first),))]
    initials = 0
    while initials < len(given_first) and _initial(given_first[initials], dotted, whole):
        initials += 1
    surname = given_first[-1]
    common = surname in STOP_WORDS and not all(word in dotted for word in given_first[:initials])
    if 0 < initials < len(given_first) and len(surname) > 1 and not common:
        runs.append(
            Run(
                start,
                end,
                prefix=f"{surname} {given_first[0]}",
                initials=tuple(given_first[:initials]),
                particles=tuple(given_first[initials:-1]),
            )
        )
    return runs


def _initial(word: str, dotted: set[str], whole: bool) -> bool:
    if len(word) != 1 or not word.isalpha():
        return False
    return word in dotted or (whole and word not in STOP_WORDS)


def _runs(words: list[str], dots: list[bool]) -> list[Run]:
    runs: list[Run] = []
    dotted = {word for word, dot in zip(words, dots, strict=True) if dot and len(word) == 1}
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + MAX_RUN) + 1):
            part = words[start:end]
            if len(part) == 1:
                if _is_cjk(part[0]):
                    runs.append(Run(start, end, keys=(part[0],)))
                continue
            if all(word in STOP_WORDS or word.isdigit() for word in part):
                continue
            # Given names first ("Kaiming He", "K. He"), or the surname first ("He Kaiming", "He K.").
            whole = (start, end) == (0, len(words))
            runs += _readings(start, end, part, dotted, whole)
            runs += _readings(start, end, part[1:] + part[:1], dotted, whole)
    return runs


def _key_matches(run: Run, key: str) -> bool:
    if run.keys:
        return key in run.keys
    given = key.split()[1:]
    if run.particles and tuple(given[-len(run.particles) :]) != run.particles:
        return False
    return len(given) >= len(run.initials) and all(
        name.startswith(initial) for name, initial in zip(given, run.initials, strict=False)
    )


def prefix_q(prefix: str) -> Q:
    """Authorships whose ``name_key`` starts with ``prefix`` (an index range on either database)."""
    if connection.vendor == "postgresql":
        return Q(name_key__startswith=prefix)  # LIKE 'p%', served by the index's pattern operators
    # SQLite compares keys byte by byte: the names that start with ``prefix`` followed by
    # letters, digits or spaces sort between these two.
    return Q(name_key__gte=prefix, name_key__lt=prefix + "\x7f")


def recognize(text: str) -> AuthorIntent | None:
    """The author ``text`` names, or None when none of its runs of words is an author's name."""
    words = name_words(text)
    runs = _runs(words, dotted_words(text))
    if text.count(",") == 1:
        # "He, Kaiming": the whole query is one name written surname first.
        surname_first = given_first_words(text)
        if 2 <= len(surname_first) <= MAX_RUN:
            runs[:0] = _readings(0, len(words), surname_first, {w for w in surname_first if len(w) == 1})
    if not runs:
        return None
    rows = _rows({key for run in runs for key in run.keys})
    # The longest run that names someone wins; whole names before initials, then most papers.
    best, best_rows = None, []
    for run in runs:
        found = [row for row in rows if _key_matches(run, row[0])]
        if found and (best is None or _rank(run, found) > _rank(best, best_rows)):
            best, best_rows = run, found
    initials = [run for run in runs if run.prefix and (best is None or len(run) > len(best))]
    if initials:
        run, keys = _initials_named(initials)
        if run is not None:
            best, best_rows = run, _rows(keys)
    if best is None or not best_rows:
        return None
    return _intent(text, words, best, best_rows)


def _rows(keys: set[str]) -> list[tuple]:
    """(key, name, paper pk, published, categories, inferred categories) of the visible
    authorships of these keys on visible papers."""
    if not keys:
        return []
    return list(
        Authorship.objects.visible()
        .filter(name_key__in=keys, paper__hidden=False)
        .order_by()  # no sort: the rows are grouped here
        .values_list("name_key", "name", "paper_id", "paper__published", *_TOPICS)
    )


def _initials_named(runs: list[Run]) -> tuple[Run | None, set[str]]:
    """The longest run of initials that stands for a few names ("K. He": Kaiming He), and their
    keys. The keys are read from the index alone; initials shared by many people ("H. Chen"
    at a large site) name nobody in particular, and their thousands of papers are not read."""
    runs = sorted(runs, key=len, reverse=True)[:MAX_INITIAL_RUNS]
    wanted = Q()
    for run in runs:
        wanted |= prefix_q(run.prefix)
    keys = list(
        Authorship.objects.filter(wanted)
        .order_by()
        .values_list("name_key", flat=True)
        .distinct()[:MAX_KEYS_READ]
    )
    for run in runs:
        named = {key for key in keys if _key_matches(run, key)}
        if 0 < len(named) <= MAX_NAMES_FOR_INITIALS:
            return run, named
    return None, set()


def _rank(run: Run, rows: list) -> tuple:
    return (len(run), bool(run.keys), len({row[2] for row in rows}))


def _intent(text: str, words: list[str], run: Run, rows: list) -> AuthorIntent:
    typed = " ".join(text.split()).lower()
    counts = Counter(name for name, _ in {(row[1], row[2]) for row in rows})
    papers: dict[int, tuple[str, datetime | None, str]] = {}
    for _, name, paper_id, published, categories, inferred in rows:
        # A paper's topics: its source's categories, else those inferred for it.
        papers.setdefault(paper_id, (name, published, categories or inferred or ""))
    # The spelling typed (whatever its case) first; then the most papers.
    spellings = sorted(counts.items(), key=lambda item: (item[0].lower() != typed, -item[1], item[0]))
    outside = words[: run.start] + words[run.end :]
    topic = [word for word in outside if word not in STOP_WORDS]
    return AuthorIntent(spellings=spellings, papers=papers, topic_words=topic)


def author_first(text: str, ranked: list[int], besides: list[int] = ()) -> list[int]:
    """The papers of the author ``text`` names to put first (leaving out ``besides``, already
    first), given the search's own order ``ranked``.

    A name alone: all their papers, the spelling typed first, each spelling's papers in the
    search's order and then newest first. A name with topic words ("Kaiming He residual"): their
    papers that hold those words, those holding the most first. Empty when no author is named.
    """
    intent = recognize(text) if text else None
    if intent is None:
        return []
    for pk in besides:
        intent.papers.pop(pk, None)
    position = {pk: rank for rank, pk in enumerate(ranked)}
    newest = {pk: rank for rank, pk in enumerate(intent.newest_first())}
    spelling_rank = {name: rank for rank, (name, _) in enumerate(intent.spellings)}

    def order(pk: int) -> tuple:
        return (spelling_rank[intent.papers[pk][0]], position.get(pk, len(position)), newest[pk])

    if not intent.topic_words:
        return sorted(intent.papers, key=order)[:MAX_PINNED]
    held = _topic_counts(intent.newest_first()[:MAX_TOPIC_CHECK], intent.topic_words)
    matching = [pk for pk, count in held.items() if count]
    return sorted(matching, key=lambda pk: (-held[pk], *order(pk)))[:MAX_PINNED]


def _topic_counts(pks: list[int], topic_words: list[str]) -> dict[int, int]:
    """How many of ``topic_words`` each paper's title or abstract holds (a word's ending may differ:
    "network" finds "networks")."""
    from paperfeed.papers.models import Paper

    stems = [word[: max(4, len(word) - 2)] for word in topic_words]
    counts = {}
    for pk, title, abstract in Paper.objects.filter(pk__in=pks).values_list("pk", "title", "abstract"):
        spaced = " " + " ".join(name_words(f"{title} {abstract}"))
        counts[pk] = sum(1 for stem in stems if f" {stem}" in spaced)
    return counts
