"""Whitespace in imported text: arXiv wraps titles, abstracts and author lists over lines."""

from __future__ import annotations


def _is_plain_ascii(text: str) -> bool:
    """Is ``text`` ASCII whose only whitespace is spaces and newlines (no tabs, carriage returns,
    other control characters or NUL)?

    ``isascii`` is free (CPython knows it); looking for each character is a fast memchr, much
    cheaper than splitting the text.
    """
    return (
        text.isascii()
        and "\t" not in text
        and "\r" not in text
        and "\x0b" not in text
        and "\x0c" not in text
        and "\x1c" not in text
        and "\x1d" not in text
        and "\x1e" not in text
        and "\x1f" not in text
        and "\x00" not in text
    )


def is_single_spaced(text: str) -> bool:
    """Is ``text`` what :func:`normalize_space` makes of it (words split by single spaces, no NUL)?

    Only ASCII text is looked at; others may be single-spaced all the same.
    """
    return (
        "\n" not in text  # first: most abstracts are wrapped, and this finds it early
        and _is_plain_ascii(text)
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    )


def normalize_space(text: str | None) -> str | None:
    """Collapse runs of whitespace (arXiv wraps titles and abstracts) into single spaces.

    NUL characters are dropped too: PostgreSQL refuses them in text columns.
    """
    if text is None:
        return None
    if _is_plain_ascii(text):
        # Spaces and newlines only (most text): a wrapped abstract needs its newlines made spaces,
        # which costs a quarter of splitting it into words and joining them again.
        text = text.replace("\n", " ").strip(" ")
        return text if "  " not in text else " ".join(text.split())
    if "\x00" in text:
        text = text.replace("\x00", "")
    return " ".join(text.split())
