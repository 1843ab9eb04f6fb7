"""``@username`` in comments: a markdown-it rule that finds mentions, and the lookup of who exists.

Mentions are found while the Markdown is parsed, so ``@name`` inside code, inside a link's text,
in an address (``bob@example.org``) or in a URL (``/@name``) is no mention. The same tokens decide
what is shown as a link to a profile and who is notified, so the two never disagree. Names match
usernames whatever their case. A name no account bears stays plain text: no link, no
notification, no error.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# Django's username characters (letters, digits, _ . + -), ending in a letter, digit or "_", so
# "@alice." at the end of a sentence names alice. "@" itself is left out: "@a@b" is an address.
NAME = re.compile(r"\w(?:[\w.+-]{0,148}\w)?")
# A mention starts a word: not after a letter or digit (an address) or inside a path or URL.
NOT_BEFORE = set("_/@.:+-=&%#\\`")
ENV_KEY = "mention_names"  # the markdown-it env entry holding the names that exist
LOOKUP_CHUNK = 500  # names per query (SQLite limits the variables of one statement)


def _mention_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@" or state.linkLevel > 0:
        return False
    if pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] in NOT_BEFORE):
        return False
    match = NAME.match(state.src, pos + 1)
    if match is None:
        return False
    end = match.end()
    if end < state.posMax and state.src[end] == "@":
        return False  # "@name@host": an address, not a mention
    if not silent:
        token = state.push("mention", "", 0)
        token.content = "@" + match.group()
        token.meta = {"name": match.group()}
    state.pos = end
    return True


def _render_mention(self, tokens: list[Token], index: int, options, env: dict) -> str:
    token = tokens[index]
    username = env.get(ENV_KEY, {}).get(token.meta["name"])
    if username is not None:
        href = html.escape(reverse("community:profile", args=[username]), quote=True)
        return f'<a class="mention" href="{href}">@{html.escape(username)}</a>'
    return html.escape(token.content)


def mention_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)


def names_in(tokens: Iterable[Token]) -> list[str]:
    """The mentioned names in parsed Markdown, first mention first, each once."""
    names: dict[str, None] = {}
    for token in tokens:
        for child in token.children or ():
            if child.type == "mention":
                names.setdefault(child.meta["name"], None)
    return list(names)


def accounts(names: Iterable[str]) -> dict[str, tuple[int, str, bool]]:
    """Each of ``names`` that names an account → (id, username, is_active).

    A name names the account whose username it is exactly, else the one account whose username
    it is ignoring case: sign-up refuses usernames that differ only in case, so "@Alice" is alice.
    """
    wanted = sorted(set(names))
    rows: list[tuple[int, str, bool]] = []
    users = get_user_model().objects.annotate(folded=Lower("username"))
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        folded = sorted({name.lower() for name in chunk})
        rows += users.filter(Q(username__in=chunk) | Q(folded__in=folded)).values_list(
            "pk", "username", "is_active"
        )
    exact = {row[1]: row for row in rows}
    by_case: dict[str, list[tuple[int, str, bool]]] = {}
    for row in rows:
        by_case.setdefault(row[1].lower(), []).append(row)
    found: dict[str, tuple[int, str, bool]] = {}
    for name in wanted:
        if name in exact:
            found[name] = exact[name]
        elif len(by_case.get(name.lower(), ())) == 1:  # two accounts alike but for case: neither
            found[name] = by_case[name.lower()][0]
    return found


def existing(names: Iterable[str]) -> dict[str, str]:
    """Each of ``names`` that names an account (see ``accounts``) → that account's username."""
    return {name: row[1] for name, row in accounts(names).items()}
