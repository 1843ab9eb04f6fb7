"""Navigational and nonsense query classes of the search development set (see build_devset.py).

Each builder takes the corpus as :class:`Doc` rows and its own seeded ``random.Random`` and
returns ``(queries, qrels)``: queries are {"id", "query", "kind", "variant"} and qrels
``(query-id, arxiv-id, relevance)``. Answers are computed from the corpus itself, so a query
is only asked when its answer is unambiguous in this corpus (titles and DOIs shared by two
papers, and initials or accent-free spellings that would stand for two names, are skipped).
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Doc:
    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    doi: str = ""
    text: str = ""  # title and abstract, for the vocabulary that nonsense must avoid


Queries = list[dict]
Qrels = list[tuple[str, str, int]]

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def folded(text: str) -> str:
    """``text`` without accents ("Müller" -> "Muller"); letters with no ASCII form are kept."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def title_key(text: str) -> str:
    return " ".join(WORD.findall(folded(text).lower()))


def _query(qid: str, text: str, kind: str, variant: str) -> dict:
    return {"id": qid, "query": text, "kind": kind, "variant": variant}


# --- author names -----------------------------------------------------------------------------


def _spellings(name: str) -> dict[str, str]:
    """How people type ``name``: as written, without accents, "Surname, Given", "K. He"."""
    parts = name.split()
    out = {"plain": name}
    if folded(name) != name and folded(name).isascii():
        out["no-accents"] = folded(name)
    if len(parts) >= 2 and all(p.replace("-", "").replace(".", "").isalpha() for p in parts):
        out["surname-first"] = f"{parts[-1]}, {' '.join(parts[:-1])}"
        if len(parts[0].rstrip(".")) > 1:
            out["initials"] = f"{parts[0][0]}. {parts[-1]}"
    return out


def author_queries(docs: list[Doc], rng: random.Random, count: int = 150) -> tuple[Queries, Qrels]:
    papers: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        for name in doc.authors:
            papers[name].add(doc.arxiv_id)
    # Which names each spelling could stand for: a spelling shared by two names is not asked.
    meanings: dict[str, set[str]] = defaultdict(set)
    for name in papers:
        for spelling in _spellings(name).values():
            meanings[spelling.lower()].add(name)
    prolific = sorted(name for name, ids in papers.items() if len(ids) >= 3 and len(name) >= 4)
    # Few names have accents: the plain spellings, asked last, make up what the others lack.
    shares = [("no-accents", 0.2), ("surname-first", 0.2), ("initials", 0.2), ("plain", 0.4)]
    queries: Queries = []
    qrels: Qrels = []
    used: set[str] = set()
    for variant, share in shares:
        wanted = round(count * share) if variant != "plain" else count - len(queries)
        candidates = [n for n in prolific if n not in used]
        rng.shuffle(candidates)
        for name in candidates:
            if wanted == 0:
                break
            spelling = _spellings(name).get(variant)
            if spelling is None or meanings[spelling.lower()] != {name}:
                continue
            used.add(name)
            wanted -= 1
            qid = f"au-{len(queries) + 1}"
            queries.append(_query(qid, spelling, "author", variant))
            qrels += [(qid, arxiv_id, 1) for arxiv_id in sorted(papers[name])]
    return queries, qrels


# --- arXiv ids and DOIs -----------------------------------------------------------------------

ID_FORMS = [
    ("bare", "{id}"),
    ("version", "{id}v{v}"),
    ("abs-url", "https://arxiv.org/abs/{id}"),
    ("abs-url-version", "https://arxiv.org/abs/{id}v{v}"),
    ("pdf-url", "https://arxiv.org/pdf/{id}"),
    ("pdf-url-version", "http://arxiv.org/pdf/{id}v{v}.pdf"),
    ("prefix", "arXiv:{id}"),
    ("prefix-version", "arXiv:{id}v{v}"),
]
DOI_FORMS = [
    ("bare", "{doi}"),
    ("doi-org-url", "https://doi.org/{doi}"),
    ("dx-url", "http://dx.doi.org/{doi}"),
    ("prefix", "doi:{doi}"),
]


def id_queries(docs: list[Doc], rng: random.Random, per_form: int = 15) -> tuple[Queries, Qrels]:
    chosen = rng.sample(docs, per_form * len(ID_FORMS))
    queries: Queries = []
    qrels: Qrels = []
    for number, doc in enumerate(chosen):
        variant, form = ID_FORMS[number % len(ID_FORMS)]
        qid = f"id-{number + 1}"
        queries.append(_query(qid, form.format(id=doc.arxiv_id, v=rng.randint(1, 4)), "id", variant))
        qrels.append((qid, doc.arxiv_id, 1))
    return queries, qrels


def doi_queries(docs: list[Doc], rng: random.Random, per_form: int = 25) -> tuple[Queries, Qrels]:
    shared = Counter(doc.doi.lower() for doc in docs if doc.doi)
    usable = [doc for doc in docs if DOI.match(doc.doi) and shared[doc.doi.lower()] == 1]
    chosen = rng.sample(usable, min(len(usable), per_form * len(DOI_FORMS)))
    queries: Queries = []
    qrels: Qrels = []
    for number, doc in enumerate(chosen):
        variant, form = DOI_FORMS[number % len(DOI_FORMS)]
        qid = f"doi-{number + 1}"
        queries.append(_query(qid, form.format(doi=doc.doi), "doi", variant))
        qrels.append((qid, doc.arxiv_id, 1))
    return queries, qrels


# --- titles -----------------------------------------------------------------------------------


def _typo(title: str, rng: random.Random) -> str:
    words = title.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long_words:
        return ""
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(1, len(word) - 2)
    how = rng.choice(["drop", "swap", "replace"])
    if how == "drop":
        word = word[:at] + word[at + 1 :]
    elif how == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        word = word[:at] + rng.choice([c for c in string.ascii_lowercase if c != word[at]]) + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def title_queries(docs: list[Doc], rng: random.Random, per_form: int = 30) -> tuple[Queries, Qrels]:
    keys = Counter(title_key(doc.title) for doc in docs)
    heads = Counter(title_key(doc.title.split(":")[0]) for doc in docs)
    forms = {
        "exact": lambda t: t,
        "lower-case": lambda t: t.lower(),
        "no-punctuation": lambda t: " ".join(WORD.findall(t)),
        "no-subtitle": lambda t: t.split(":")[0].strip() if ":" in t else "",
        "typo": lambda t: _typo(t, rng),
    }
    queries: Queries = []
    qrels: Qrels = []
    pool = [d for d in docs if keys[title_key(d.title)] == 1 and len(d.title.split()) >= 3]
    rng.shuffle(pool)
    used: set[str] = set()
    for variant, form in forms.items():
        made = 0
        for doc in pool:
            if made == per_form:
                break
            if doc.arxiv_id in used:
                continue
            text = form(doc.title)
            if not text or (variant != "exact" and text == doc.title):
                continue  # nothing to perturb in this title
            key = title_key(text)
            if variant == "no-subtitle" and (len(key) < 4 or heads[key] + keys[key] > 1):
                continue  # the part before ":" names more than this paper
            used.add(doc.arxiv_id)
            made += 1
            qid = f"title-{len(queries) + 1}"
            queries.append(_query(qid, text[:250], "title", variant))
            qrels.append((qid, doc.arxiv_id, 1))
    return queries, qrels


# --- nonsense ---------------------------------------------------------------------------------

CONSONANTS = "bcdfghjklmnprstvwxz"
VOWELS = "aeiou"


def _made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 3))) + (
        rng.choice(CONSONANTS) if rng.random() < 0.5 else ""
    )


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 10)))


def nonsense_queries(docs: list[Doc], rng: random.Random, count: int = 60) -> tuple[Queries, Qrels]:
    """Random letter strings and made-up words, none of which appears in the corpus."""
    vocabulary = {w for doc in docs for w in WORD.findall((doc.title + " " + doc.text).lower())}
    queries: Queries = []
    while len(queries) < count:
        variant = "letters" if len(queries) % 2 == 0 else "made-up-words"
        make = _letters if variant == "letters" else _made_up_word
        words = [make(rng) for _ in range(rng.randint(1, 3))]
        if any(w in vocabulary for w in words):
            continue
        queries.append(_query(f"nonsense-{len(queries) + 1}", " ".join(words), "nonsense", variant))
    return queries, []
