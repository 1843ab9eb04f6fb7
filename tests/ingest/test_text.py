"""Whitespace normalisation: single-spaced text is recognised without splitting it, and anything else
is collapsed exactly as splitting on whitespace and joining with single spaces does."""

from __future__ import annotations

import pytest

from paperfeed.ingest.shapes import split_authors
from paperfeed.ingest.text import is_single_spaced, normalize_space

SAMPLES = [
    "",
    "word",
    "two words",
    "A title about $x^2$ and (parentheses), commas; quotes 'like' \"these\".",
    " leading",
    "trailing ",
    "double  space",
    "line\nbreak",
    "  An arXiv abstract, indented and\nwrapped over\nlines.\n",
    "wrapped \nafter a space",
    "wrapped\n  and indented",
    "\nstarts and ends with newlines\n\n",
    "\n",
    "tab\there",
    "carriage\rreturn",
    "vertical\x0btab",
    "form\x0cfeed",
    "file\x1cgroup\x1drecord\x1eunit\x1fseparators",
    "nul\x00inside",
    "\x00",
    "non-breaking\u00a0space",
    "em\u2003space and ideographic\u3000space",
    "next\x85line",
    "café crème",
    "\x7fdelete is not whitespace",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_normalising_is_splitting_and_joining_on_whitespace_without_nul(text):
    assert normalize_space(text) == " ".join(text.replace("\x00", "").split())


@pytest.mark.parametrize("text", SAMPLES)
def test_text_is_called_single_spaced_only_if_normalising_leaves_it_as_it_is(text):
    if is_single_spaced(text):
        assert normalize_space(text) == text
    if text.isascii() and normalize_space(text) == text:
        assert is_single_spaced(text)  # ASCII text is always recognised


def test_every_ascii_character_that_splits_words_is_recognised():
    for code in range(128):
        char = chr(code)
        text = f"a{char}b"
        assert is_single_spaced(text) == (" ".join(text.replace("\x00", "").split()) == text), repr(char)


def test_every_ascii_character_is_normalised_like_splitting_also_in_wrapped_text():
    for code in range(128):
        for text in (f"a{chr(code)}b", f" a\n{chr(code)} b\n", f"a\nb{chr(code)}"):
            assert normalize_space(text) == " ".join(text.replace("\x00", "").split()), repr(text)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Ann Lee,Bo Li ,  Cy  Ng", ["Ann Lee", "Bo Li", "Cy Ng"]),
        ("Ann Lee, Jr, Bo Li, III", ["Ann Lee, Jr", "Bo Li, III"]),
        ("Jr., Ann Lee", ["Jr.", "Ann Lee"]),  # a suffix with no name before it is a name
        ("Ann\tLee,\nBo\u00a0Li", ["Ann Lee", "Bo Li"]),
        (", , Ann Lee,", ["Ann Lee"]),
        ("Alexander Sandberg, Fernando Anders", ["Alexander Sandberg", "Fernando Anders"]),
        ("Ann Lee, and Bo Li", ["Ann Lee", "Bo Li"]),
    ],
)
def test_comma_separated_author_lists_are_split_into_tidy_names(text, names):
    assert split_authors(text) == names
