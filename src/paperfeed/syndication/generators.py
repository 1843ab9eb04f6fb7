"""Atom and RSS writers that carry text as text and never fail on a stored character.

- Abstracts are plain text: Atom says ``<summary type="text">``, and RSS (whose ``<description>``
  readers render as HTML) gets the text HTML-escaped, in paragraphs. A ``<script>`` or ``<b>`` in
  an abstract reaches the reader as those characters, never as markup.
- XML 1.0 cannot hold most control characters (U+0000–U+001F but tab, newline and carriage return),
  lone surrogates, U+FFFE or U+FFFF, and Django's writer refuses them. Any that come in (a title
  from an old import, a search query typed into a feed URL) are dropped when the feed is written.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import linebreaks

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    """``value`` without the characters XML 1.0 cannot hold (strings, and lists or tuples of them)."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


class _XmlSafe:
    """Cleans every value a feed or an item is given, whatever field it is written to."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*map(xml_safe, args), **{name: xml_safe(v) for name, v in kwargs.items()})

    def add_item(self, *args, **kwargs) -> None:
        super().add_item(*map(xml_safe, args), **{name: xml_safe(v) for name, v in kwargs.items()})


class TextAtomFeed(_XmlSafe, Atom1Feed):
    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class TextRssFeed(_XmlSafe, Rss201rev2Feed):
    def add_item_elements(self, handler, item) -> None:
        description = item["description"]
        if description is not None:
            # Escaped, then blank-line paragraphs as <p>: readers show the text, never its markup.
            description = linebreaks(description, autoescape=True)
        super().add_item_elements(handler, {**item, "description": description})
