"""Whitespace in imported text: arXiv wraps titles, abstracts and author lists over lines."""

from __future__ import annotations


def is_single_spaced(text: str) -> bool:
    """Is ``text`` what :func:`normalize_space` makes of it (words split by single spaces, no NUL)?

    Only ASCII text is looked at (``isascii`` is free: CPython knows it); searching it for each
    whitespace character ``str.split`` knows is much cheaper than splitting and joining it.
    """
    return (
        text.isascii()
        and "  " not in text
        and "\n" not in text
        and "\t" not in text
        and "\r" not in text
        and "\x0b" not in text
        and "\x0c" not in text
        and "\x1c" not in text
        and "\x1d" not in text
        and "\x1e" not in text
        and "\x1f" not in text
        and "\x00" not in text
        and text[:1] != " "
        and text[-1:] != " "
    )


def normalize_space(text: str | None) -> str | None:
    """Collapse runs of whitespace (arXiv wraps titles and abstracts) into single spaces.

    NUL characters are dropped too: PostgreSQL refuses them in text columns.
    """
    if text is None:
        return None
    if is_single_spaced(text):
        return text  # most text: nothing to collapse
    if "\x00" in text:
        text = text.replace("\x00", "")
    return " ".join(text.split())
