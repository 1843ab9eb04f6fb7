"""Recognise the shape of one JSON record and turn it into a :class:`PaperRecord`.

Shapes (recognised per record, so one file may mix them):

* ``hf`` — an item of Hugging Face's ``/api/daily_papers``: top-level ``paper`` object.
* ``kaggle`` — the Kaggle arXiv metadata snapshot: ``versions``/``authors_parsed``/``update_date``,
  ``categories`` as one space-separated string, ``comments``, ``journal-ref``.
* ``arxiv`` — plain arXiv records: ``id``, ``title``, ``authors`` (list or one comma-separated
  string), ``categories`` (list), and ``listed`` (day announced) or ``created`` (v1 date).

The HF feed day: records collected before HF added ``paper.submittedOnDailyAt`` have the
submission time in the top-level ``publishedAt``; later records put the arXiv time there
and the submission time in ``paper.submittedOnDailyAt`` (whose UTC date always equals the
``_snapshot`` day in the data). So the listing is dated by the UTC date of
``paper.submittedOnDailyAt`` when present, else of the top-level ``publishedAt``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

from paperfeed.ingest.author_lists import split_authors
from paperfeed.ingest.records import AuthorRecord, ListingRecord, PaperRecord, RecordError, UserRecord
from paperfeed.ingest.safe_values import checked_datetime, checked_int
from paperfeed.ingest.usernames import username_problem
from paperfeed.papers.arxiv_ids import ArxivId, is_valid_arxiv_id, parse_arxiv_id

HF_BASE_URL = "https://huggingface.co"
# Authorship.status holds this many characters (HF's are like "claimed_verified").
_MAX_STATUS = 40


@lru_cache(maxsize=256)
def cached_arxiv_id(text: str) -> ArxivId:
    """:func:`parse_arxiv_id`, remembered for the last few ids: parsing a line checks its id and
    the store parses it again right after (an invalid id raises and is not remembered)."""
    return parse_arxiv_id(text)


def detect_shape(data: Any) -> str:
    """``"hf"``, ``"kaggle"`` or ``"arxiv"``; :class:`RecordError` for anything else."""
    if not isinstance(data, dict):
        raise RecordError(f"unknown record shape: expected a JSON object, got {type(data).__name__}")
    if isinstance(data.get("paper"), dict):
        return "hf"
    if "versions" in data or "authors_parsed" in data or "update_date" in data or "journal-ref" in data:
        return "kaggle"
    if "id" in data and ("title" in data or "authors" in data or "abstract" in data):
        return "arxiv"
    keys = ", ".join(sorted(map(str, data))[:12]) or "none"
    raise RecordError(
        "unknown record shape: expected a Hugging Face daily-papers item (a 'paper' object), "
        f"an arXiv record ('id', 'title', 'authors', ...) or a Kaggle arXiv record; keys found: {keys}"
    )


def parse_record(data: Any) -> PaperRecord:
    """Parse one decoded JSON line into a :class:`PaperRecord` or raise :class:`RecordError`."""
    shape = detect_shape(data)
    if shape == "hf":
        return parse_hf(data)
    if shape == "kaggle":
        return parse_kaggle(data)
    return parse_arxiv(data)


# --- helpers ----------------------------------------------------------------------------------


def _text(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"'{what}' must be a string, got {type(value).__name__}")
    return value


# A new-style id that went through a float somewhere upstream: "704.0002" (was 0704.0002),
# "704.004" (0704.0040), "1501.0757199999998" (1501.07572).
_FLOAT_MANGLED_ID = re.compile(r"^(\d{3,4})\.(\d+)$")


def repair_float_id(value: str) -> str | None:
    """The id a float-mangled new-style id stood for, or ``None`` if ``value`` is not one.

    The number after the dot has a fixed width (4 digits up to 1412, 5 from 1501), so the
    lost leading zero of the year and the lost trailing zeros of the number can be restored.
    """
    match = _FLOAT_MANGLED_ID.match(value)
    if not match:
        return None
    yymm = match.group(1).zfill(4)
    width = 5 if yymm >= "1501" else 4
    number = round(float("0." + match.group(2)) * 10**width)
    if number >= 10**width:
        return None
    return f"{yymm}.{number:0{width}d}"


def required_id(value: Any, *, repair: bool = False) -> str:
    """A record's arXiv id as given, checked; with ``repair``, one a spreadsheet turned into a
    number (``704.001``) is given back in canonical form. :class:`RecordError` says what is wrong."""
    if value is None or value == "":
        raise RecordError("missing arXiv id")
    if repair and isinstance(value, float | int) and not isinstance(value, bool):
        value = repr(value)
    if not isinstance(value, str):
        raise RecordError(f"arXiv id must be a string, got {value!r}")
    try:
        cached_arxiv_id(value)
    except ValueError as error:  # InvalidArxivId, or a version of thousands of digits
        repaired = repair_float_id(value.strip()) if repair else None
        if repaired is None or not is_valid_arxiv_id(repaired):
            raise RecordError(f"invalid arXiv id: {error}") from None
        return repaired
    return value


def _required_title(value: Any) -> str:
    title = _text(value, "title")
    if not title or not title.strip():
        raise RecordError("missing title")
    return title


def parse_timestamp(value: Any, what: str) -> datetime | None:
    """An ISO 8601 timestamp or date; dates are taken as midnight UTC."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError(f"'{what}' must be a date string, got {value!r}")
    try:
        if len(value) == 10:
            parsed = datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        else:
            parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"'{what}' is not a date: {value!r}") from None
    return checked_datetime(parsed, what)  # (out of range, or overflowing in UTC: refused)


def _int(value: Any, what: str, column: str) -> int | None:
    """A count for the paper column ``column``: a non-negative integer that fits it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RecordError(f"'{what}' must be a non-negative integer, got {value!r}")
    return checked_int(value, what, column)


def string_list(value: Any, what: str) -> list[str] | None:
    """A list of strings, or ``None`` for none; :class:`RecordError` naming ``what`` for anything else."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(f"'{what}' must be a list of strings")
    return value


def category_list(value: Any) -> list[str] | None:
    """A record's categories, given as one space-separated string or as a list of strings."""
    if isinstance(value, str):
        return value.split()
    found = string_list(value, "categories")
    return None if found is None else [c.strip() for c in found if c.strip()]


def _author_records(names: list[str]) -> list[AuthorRecord]:
    return [AuthorRecord(name=name) for name in names if name.strip()]


# --- Hugging Face daily papers ----------------------------------------------------------------


def absolute_hf_url(url: Any) -> str:
    """HF sends avatars as "/avatars/x.svg" (relative to huggingface.co); make them absolute."""
    if not isinstance(url, str) or not url:
        return ""
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/"):
        return HF_BASE_URL + url
    return url


def _hf_user(data: Any, username_key: str, what: str, notes: list[str]) -> UserRecord | None:
    """The HF account ``data`` describes, or ``None``; one whose username sign-up would refuse is
    left out, with a note saying why."""
    if not isinstance(data, dict):
        return None
    username = data.get(username_key) or data.get("user") or data.get("name")
    if username is None or username == "":
        return None
    if not isinstance(username, str):
        notes.append(f"{what} left out: its username is not a string ({type(username).__name__})")
        return None
    username = username.strip()
    problem = username_problem(username) if username else None
    if problem is not None:
        shown = username if len(username) <= 60 else username[:60] + "…"
        notes.append(f"{what} {shown!r} left out: {problem}")
        return None
    if not username:
        return None
    fullname = data.get("fullname")
    return UserRecord(
        username=username,
        fullname=fullname.strip() if isinstance(fullname, str) else "",
        avatar_url=absolute_hf_url(data.get("avatarUrl")),
    )


def _hf_authors(value: Any, notes: list[str]) -> list[AuthorRecord]:
    if not isinstance(value, list):
        raise RecordError("'paper.authors' must be a list")
    authors = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise RecordError("every entry of 'paper.authors' needs a 'name'")
        if not item["name"].strip():
            continue
        hidden = item.get("hidden")
        if hidden is not None and not isinstance(hidden, bool):
            raise RecordError(f"'paper.authors[].hidden' must be true or false, got {hidden!r}")
        status = _text(item.get("status"), "paper.authors[].status") or ""
        authors.append(
            AuthorRecord(
                name=item["name"],
                hidden=bool(hidden),
                status=status.strip()[:_MAX_STATUS],
                user=_hf_user(
                    item.get("user"), "user", f"the account of author {item['name'][:60]!r}", notes
                ),
            )
        )
    return authors


def parse_hf(data: dict) -> PaperRecord:
    paper = data["paper"]
    arxiv_id = required_id(paper.get("id"))
    title = _required_title(paper.get("title") or data.get("title"))
    snapshot = parse_timestamp(data.get("_snapshot"), "_snapshot")
    submitted_at = parse_timestamp(
        paper.get("submittedOnDailyAt"), "paper.submittedOnDailyAt"
    ) or parse_timestamp(data.get("publishedAt"), "publishedAt")
    notes: list[str] = []
    submitter = _hf_user(data.get("submittedBy"), "name", "submitter", notes) or _hf_user(
        paper.get("submittedOnDailyBy"), "user", "submitter", notes
    )
    listing = None
    if submitted_at is not None:
        listing = ListingRecord(date=submitted_at.date(), submitted_at=submitted_at, submitted_by=submitter)
    organization = data.get("organization") or paper.get("organization")
    thumbnail = data.get("thumbnail") or data.get("mediaUrl")
    media_urls = data.get("mediaUrls") or paper.get("mediaUrls")
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=_text(paper.get("summary") or data.get("summary"), "paper.summary"),
        authors=_hf_authors(paper.get("authors", []), notes),
        published=parse_timestamp(paper.get("publishedAt"), "paper.publishedAt"),
        github_repo=_text(paper.get("githubRepo"), "paper.githubRepo"),
        github_stars=_int(paper.get("githubStars"), "paper.githubStars", "github_stars"),
        project_page=_text(paper.get("projectPage"), "paper.projectPage"),
        ai_summary=_text(paper.get("ai_summary"), "paper.ai_summary"),
        ai_keywords=string_list(paper.get("ai_keywords"), "paper.ai_keywords"),
        organization=organization if isinstance(organization, dict) else None,
        thumbnail=absolute_hf_url(thumbnail) or None,
        media_urls=string_list(media_urls, "mediaUrls"),
        upvotes=_int(paper.get("upvotes"), "paper.upvotes", "imported_upvotes"),
        num_comments=_int(data.get("numComments"), "numComments", "imported_comment_count"),
        listing=listing,
        source_updated=snapshot,
        extra={"discussion_id": paper.get("discussionId")} if paper.get("discussionId") else {},
        notes=list(dict.fromkeys(notes)),  # (both submitter fields may name the same account)
    )


# --- plain arXiv shapes -----------------------------------------------------------------------


def parse_arxiv(data: dict) -> PaperRecord:
    arxiv_id = required_id(data.get("id"), repair=True)
    title = _required_title(data.get("title"))
    authors = data.get("authors")
    names = split_authors(authors) if isinstance(authors, str) else string_list(authors, "authors")
    # "listed": the day the paper was announced; "created": the day v1 was submitted.
    listed = parse_timestamp(data.get("listed"), "listed")
    created = parse_timestamp(data.get("created"), "created")
    published = parse_timestamp(data.get("published"), "published") or created or listed
    updated = parse_timestamp(data.get("updated"), "updated")
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=_text(data.get("abstract"), "abstract"),
        authors=None if names is None else _author_records(names),
        categories=category_list(data.get("categories")),
        published=published,
        updated=updated,
        comments=_text(data.get("comment", data.get("comments")), "comment"),
        journal_ref=_text(data.get("journal_ref"), "journal_ref"),
        doi=_text(data.get("doi"), "doi"),
        source_updated=updated or listed or created,
    )


# --- Kaggle arXiv snapshot --------------------------------------------------------------------


def _kaggle_version(item: Any) -> tuple[int, datetime]:
    try:
        number = int(str(item["version"]).lstrip("v"))
        created = parsedate_to_datetime(item["created"])
    except (KeyError, TypeError, ValueError):
        raise RecordError(
            f"'versions' entry is not {{'version': 'vN', 'created': <date>}}: {str(item)[:200]}"
        ) from None
    number = checked_int(number, "versions[].version", "version")
    return number, checked_datetime(created, "versions[].created")


def _kaggle_name(parts: Any) -> str:
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        raise RecordError("'authors_parsed' entries must be lists of strings")
    last, first, suffix = (list(parts) + ["", "", ""])[:3]
    return " ".join(p for p in (first.strip(), last.strip(), suffix.strip()) if p)


def parse_kaggle(data: dict) -> PaperRecord:
    arxiv_id = required_id(data.get("id"), repair=True)
    title = _required_title(data.get("title"))
    versions = data.get("versions") or []
    if not isinstance(versions, list):
        raise RecordError("'versions' must be a list")
    numbered = sorted(_kaggle_version(v) for v in versions)
    parsed = data.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = [_kaggle_name(p) for p in parsed]
    else:
        names = split_authors(_text(data.get("authors"), "authors") or "")
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        version=numbered[-1][0] if numbered else None,
        abstract=_text(data.get("abstract"), "abstract"),
        authors=_author_records(names) or None,
        categories=category_list(data.get("categories")),
        published=numbered[0][1] if numbered else None,
        updated=numbered[-1][1] if numbered else None,
        comments=_text(data.get("comments"), "comments"),
        journal_ref=_text(data.get("journal-ref"), "journal-ref"),
        doi=_text(data.get("doi"), "doi"),
        source_updated=parse_timestamp(data.get("update_date"), "update_date")
        or (numbered[-1][1] if numbered else None),
        extra={"submitter": data["submitter"]} if isinstance(data.get("submitter"), str) else {},
    )
