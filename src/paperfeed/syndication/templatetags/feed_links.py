"""``{% feed_links kind [value] %}``: the ``<link rel="alternate">`` tags through which readers find feeds.

{% load feed_links %}
{% block head %}{% feed_links "daily" %}{% endblock %}          home and day pages
{% feed_links "trending" %}                                     trending page
{% feed_links "search" query %}                                 search results
{% feed_links "category" category %}                            a category filter
{% feed_links "author" author_name %}                           an author
{% feed_links "collection" collection %}                        a public collection (or its pk)
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from paperfeed.syndication.queries import CATEGORY

register = template.Library()

FORMATS = (("atom", "application/atom+xml", "Atom"), ("rss", "application/rss+xml", "RSS"))


def feed_url(kind: str, value, extension: str) -> str | None:
    """The URL of one feed, or None when the page has nothing to subscribe to (e.g. an empty query)."""
    if kind in ("daily", "trending"):
        return reverse(f"feeds:{kind}_{extension}")
    if not value and value != 0:
        return None
    if kind in ("search", "author"):
        parameter = "q" if kind == "search" else "name"
        return f"{reverse(f'feeds:{kind}_{extension}')}?{urlencode({parameter: str(value)})}"
    if kind == "category":
        # A page's ?cat= is whatever was typed: only a real category name has a feed.
        if not CATEGORY.match(str(value)):
            return None
        return reverse(f"feeds:category_{extension}", args=[value])
    if kind == "collection":
        if getattr(value, "is_public", True) is False:
            return None
        return reverse(f"feeds:collection_{extension}", args=[getattr(value, "pk", value)])
    raise template.TemplateSyntaxError(f"feed_links: unknown feed kind {kind!r}")


def feed_title(kind: str, value) -> str:
    subject = {
        "daily": "daily papers",
        "trending": "trending papers",
        "search": f"search “{value}”",
        "category": f"{value} papers",
        "author": f"papers by {value}",
        "collection": f"collection “{getattr(value, 'title', value)}”",
    }[kind]
    return f"{settings.SITE_NAME}: {subject}"


@register.simple_tag
def feed_links(kind: str, value=None) -> SafeString:
    links = []
    for extension, mime, label in FORMATS:
        url = feed_url(kind, value, extension)
        if url:
            links.append((mime, f"{feed_title(kind, value)} ({label})", url))
    return format_html_join("\n", '<link rel="alternate" type="{}" title="{}" href="{}">', links)
