"""Plain arXiv records straight to prepared rows, without the intermediate record objects.

Most lines of an arXiv dump are the plain ``arxiv`` shape (see :mod:`paperfeed.ingest.shapes`).
For those, :func:`prepare_plain_arxiv` gives exactly what
``prepare_record(parse_record(data))`` gives, without building a :class:`PaperRecord` and an
:class:`AuthorRecord` per author and without normalising the many fields such a record never
has; building those objects was about a third of the parsing time. Anything else, and any
line that is not good, is left to the general path (``None``), so error messages do not change.
"""

from __future__ import annotations

from typing import Any

from paperfeed.ingest.records import RecordError
from paperfeed.ingest.shapes import (
    _categories,
    _required_id,
    _required_title,
    _str_list,
    _text,
    _timestamp,
    cached_arxiv_id,
    detect_shape,
    split_authors,
)
from paperfeed.ingest.store import (
    _MAX_AUTHOR_NAME,
    _MAX_CATEGORIES,
    _MAX_DOI,
    Prepared,
    _datetime_adapter,
    _new_paper_row,
    _url_or_none,
    normalize_space,
)
from paperfeed.papers import links
from paperfeed.papers.arxiv_ids import InvalidArxivId


def prepare_plain_arxiv(data: Any) -> Prepared | None:
    """The prepared rows of a good plain-arXiv record; ``None`` for any other line."""
    try:
        if detect_shape(data) != "arxiv":
            return None
        return _prepare(data)
    except (RecordError, InvalidArxivId):
        return None  # the general path raises the error, with its usual message


def _prepare(data: dict) -> Prepared:
    # The checks and their order follow shapes.parse_arxiv and store.prepare_record.
    parsed = cached_arxiv_id(_required_id(data.get("id"), repair=True))
    title = _required_title(data.get("title"))
    authors = data.get("authors")
    names = split_authors(authors) if isinstance(authors, str) else _str_list(authors, "authors")
    listed = _timestamp(data.get("listed"), "listed")
    created = _timestamp(data.get("created"), "created")
    published = _timestamp(data.get("published"), "published") or created or listed
    updated = _timestamp(data.get("updated"), "updated")
    abstract = normalize_space(_text(data.get("abstract"), "abstract"))
    category_list = _categories(data.get("categories"))
    comment = normalize_space(_text(data.get("comment", data.get("comments")), "comment"))
    journal_ref = _text(data.get("journal_ref"), "journal_ref")
    doi = _text(data.get("doi"), "doi")

    categories = None
    if category_list is not None:
        categories = " ".join(category_list)[:_MAX_CATEGORIES]
        if categories and len(categories) == _MAX_CATEGORIES and " " in categories:
            categories = categories.rsplit(" ", 1)[0]  # never keep half a category
    fields = {
        "version": parsed.version or None,  # "2411.01234v3" says version 3
        "title": normalize_space(title),
        "abstract": abstract,
        "categories": categories,
        "published": published,
        "updated": updated,
        "arxiv_comment": comment,
        "journal_ref": normalize_space(journal_ref),
        "doi": doi.strip()[:_MAX_DOI] if doi is not None else None,
        "github_repo": _url_or_none("github_repo", links.find_github_repo(comment, abstract)),
        "github_stars": None,
        "project_page": _url_or_none("project_page", links.find_project_page(comment, abstract)),
        "ai_summary": None,
        "ai_keywords": None,
        "organization": None,
        "thumbnail": None,
        "media_urls": None,
        "imported_upvotes": None,
        "imported_comment_count": None,
        "source_updated": updated or listed or created,
    }
    author_rows = None
    if names:
        author_rows = (
            tuple(
                (" ".join(name.split())[:_MAX_AUTHOR_NAME], False, "", None) for name in names if name.strip()
            )
            or None
        )
    return (
        parsed.id,
        tuple(fields.values()),
        author_rows,
        None,
        (),
        _new_paper_row(parsed.id, fields, _datetime_adapter()),
    )
