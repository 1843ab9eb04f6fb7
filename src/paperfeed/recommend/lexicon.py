"""Words and word pairs of titles and abstracts as tf-idf vectors, with a vocabulary and inverse
document frequencies fitted once over the corpus and stored in the database (``StoredLexicon``:
every web process and machine scores with the same terms).

Sentence embeddings blur the exact names a reader follows (a method, a data set, an object of
study); these sparse vectors keep them, as arxiv-sanity's tf-idf does. The vocabulary is the
``MAX_TERMS`` most frequent unigrams and bigrams that occur in at least two papers and in at most
``MAX_DF`` of them; the lexicon is refitted when the corpus has grown by ``REFIT_GROWTH``.
Vectors of papers are cached in each process (a paper's text rarely changes), so a month's
candidates are tokenised once per process, not once per request.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import threading
import time
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.utils import timezone

from paperfeed.core import feed_version
from paperfeed.papers.models import Paper
from paperfeed.recommend.sparse_rows import SparseRows
from paperfeed.search.stopwords import STOP_WORDS

MAX_TERMS = 50_000
MAX_DF = 0.1  # a term in more than this share of papers says little about any of them
MIN_DF = 2
REFIT_GROWTH = 0.25  # refit when the corpus is this much larger than the one fitted on
SMALL_CORPUS = 2_000  # below this the lexicon is fitted in memory whenever the papers change
FIT_PAPERS = 40_000  # the newest papers a lexicon is fitted on
CHECK_EVERY = 60.0  # seconds between looks at a large corpus (its feed version, then its size)
KEEP_OLD = timedelta(days=1)  # older lexicons are deleted once a process has moved past them
WARM_PAPERS = 6_000  # the newest papers whose vectors a web process makes as it starts (a month)
CACHE_PAPERS = 50_000  # paper vectors kept per process (about 1 kB each)
logger = logging.getLogger(__name__)
_TOKEN = re.compile(r"[a-z_][a-z0-9_]+")
# Words of paper-speak that the stop list of search does not hold.
_STOP = STOP_WORDS | frozenset(
    """also using use used via based show shows shown propose proposed present presents paper
    results result approach method methods work new however well may can one two three""".split()  # noqa: SIM905
)


def tokens(text: str) -> list[str]:
    """Unigrams, then bigrams of neighbouring words once stop words are out (as scikit-learn does)."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in _TOKEN.findall(text) if w not in _STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def paper_text(title: str, abstract: str) -> str:
    return f"{title}. {abstract}"


@dataclass
class Lexicon:
    index: dict[str, int]
    idf: np.ndarray  # (terms,) float32
    papers: int  # the size of the corpus it was fitted for
    version: str  # changes with the terms and their weights

    @classmethod
    def fit(cls, texts: Iterable[str]) -> Lexicon:
        df: Counter[str] = Counter()
        papers = 0
        for text in texts:
            papers += 1
            df.update(set(tokens(text)))
        ceiling = max(MIN_DF, MAX_DF * papers) if papers >= 50 else papers  # a tiny site keeps all
        floor = MIN_DF if papers >= 50 else 1
        kept = [(n, t) for t, n in df.items() if floor <= n <= ceiling]
        kept.sort(key=lambda item: (-item[0], item[1]))
        kept = kept[:MAX_TERMS]
        terms = [t for _, t in kept]
        idf = np.array([math.log((1 + papers) / (1 + n)) + 1.0 for n, _ in kept], dtype=np.float32)
        return cls.build(terms, idf, papers)

    @classmethod
    def build(cls, terms: list[str], idf: np.ndarray, papers: int) -> Lexicon:
        digest = hashlib.sha256("\n".join(terms).encode())
        digest.update(idf.astype(np.float32).tobytes())
        return cls(
            {t: i for i, t in enumerate(terms)}, idf.astype(np.float32), papers, digest.hexdigest()[:12]
        )

    @property
    def size(self) -> int:
        return len(self.idf)

    def vectorise(self, texts: Iterable[str]) -> SparseRows:
        """Sublinear tf times idf, each row of unit length (an empty text is a zero row).

        Counted for the whole batch at once in numpy (a paper at a time cost three times more)."""
        get = self.index.get
        terms: list[int] = []
        lengths: list[int] = []
        for text in texts:
            found = [i for i in map(get, tokens(text)) if i is not None]
            terms += found
            lengths.append(len(found))
        n = len(lengths)
        docs = np.repeat(np.arange(n, dtype=np.int64), lengths)
        keys, counts = np.unique(docs * self.size + np.array(terms, dtype=np.int64), return_counts=True)
        rows, columns = keys // self.size, (keys % self.size).astype(np.int32)
        weights = (1.0 + np.log(counts.astype(np.float32))) * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights * weights, minlength=n)).astype(np.float32)
        weights /= norms[rows]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return SparseRows(indptr, columns, weights, self.size)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        terms = sorted(self.index, key=self.index.__getitem__)
        np.savez_compressed(buffer, terms=np.array(terms), idf=self.idf)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, papers: int) -> Lexicon:
        with np.load(io.BytesIO(bytes(data))) as arrays:
            return cls.build(arrays["terms"].tolist(), arrays["idf"], papers)


def _corpus_texts() -> Iterable[str]:
    """Titles and abstracts of the newest ``FIT_PAPERS`` visible papers (enough for the weights)."""
    rows = Paper.objects.visible().order_by("-pk").values_list("title", "abstract")[:FIT_PAPERS]
    return (paper_text(title, abstract) for title, abstract in rows.iterator(chunk_size=2000))


def _fits(fitted_for: int, papers: int) -> bool:
    """Whether a lexicon fitted for a corpus of ``fitted_for`` papers still serves one of ``papers``."""
    return fitted_for / 2 <= papers < (1 + REFIT_GROWTH) * fitted_for


class _Current:
    """The process's lexicon and its cache of paper vectors.

    Checked when the papers may have changed (the feed version, one small query): a small corpus
    (a new site, a test) is refitted in memory; a large one uses the newest stored lexicon, and
    is refitted and stored when the corpus has grown by ``REFIT_GROWTH``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lexicon: Lexicon | None = None
        self.key: str | None = None
        self.checked = 0.0
        self.rows: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def get(self) -> Lexicon:
        with self.lock:
            now = time.monotonic()
            large = self.lexicon is not None and self.lexicon.papers >= SMALL_CORPUS
            if large and now - self.checked < CHECK_EVERY:
                return self.lexicon  # a large corpus changes slowly: not looked at on every request
            key = feed_version.current()
            if self.lexicon is None or key != self.key or key is None:
                lexicon = self._fitting(Paper.objects.visible().count())
                if self.lexicon is None or lexicon.version != self.lexicon.version:
                    self.rows.clear()
                self.lexicon, self.key = lexicon, key
            self.checked = now
            return self.lexicon

    def _fitting(self, papers: int) -> Lexicon:
        if papers < SMALL_CORPUS:
            return Lexicon.fit(_corpus_texts())
        from paperfeed.recommend.models import StoredLexicon

        stored = StoredLexicon.objects.order_by("-pk").values_list("pk", "version", "papers").first()
        if stored is not None and _fits(stored[2], papers):
            if self.lexicon is not None and self.lexicon.version == stored[1]:
                return self.lexicon
            data = StoredLexicon.objects.values_list("data", flat=True).get(pk=stored[0])
            return Lexicon.from_bytes(data, stored[2])
        lexicon = Lexicon.fit(_corpus_texts())
        lexicon.papers = papers  # the corpus it serves, of which it read the newest FIT_PAPERS
        StoredLexicon.objects.create(version=lexicon.version, papers=papers, data=lexicon.to_bytes())
        StoredLexicon.objects.filter(fitted_at__lt=timezone.now() - KEEP_OLD).delete()
        return lexicon

    def matrix(self, pks: list[int]) -> SparseRows:
        """Rows of ``pks`` in order (a zero row for a paper that is not there)."""
        lexicon = self.get()
        with self.lock:
            missing = [pk for pk in dict.fromkeys(pks) if pk not in self.rows]
        if missing:
            texts = dict.fromkeys(missing, "")
            for pk, title, abstract in Paper.objects.filter(pk__in=missing).values_list(
                "pk", "title", "abstract"
            ):
                texts[pk] = paper_text(title, abstract)
            fresh = lexicon.vectorise(texts.values())
            with self.lock:
                for i, pk in enumerate(texts):
                    self.rows[pk] = fresh.row(i)
        with self.lock:
            rows = [self.rows[pk] for pk in pks]
            while len(self.rows) > CACHE_PAPERS:
                self.rows.popitem(last=False)  # the first made: older papers are asked for less
        return SparseRows.from_rows(rows, lexicon.size)

    def forget(self) -> None:
        with self.lock:
            self.lexicon, self.key, self.checked = None, None, 0.0
            self.rows.clear()


current = _Current()


def warm_up(papers: int = WARM_PAPERS) -> None:
    """The lexicon, and the vectors of the newest ``papers`` papers in this process's cache."""
    from django.db import connection

    try:
        newest = Paper.objects.visible().order_by("-published").values_list("pk", flat=True)[:papers]
        current.matrix(list(newest))
    except Exception:  # noqa: BLE001 - a warm-up that fails leaves the work to the first request
        logger.exception("Recommendations: warming up the lexicon failed")
    finally:
        connection.close()  # this thread's own connection
