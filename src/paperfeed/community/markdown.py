"""Comment Markdown to safe HTML: markdown-it with raw HTML off, then nh3 as a second wall.

Fit for a research audience: ``$…$`` and ``$$…$$`` math becomes MathML on the server
(latex2mathml; browsers draw it natively, no script or font from anywhere), bare URLs become
links, an image is a link to it rather than a picture loaded from another site, and ``@username``
of an account on this site links to its profile (see mentions.py).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import nh3
from django.utils.safestring import SafeString, mark_safe
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from paperfeed.community import mentions

# Longer formulas are shown as their source: converting them costs more than a comment is worth.
MAX_FORMULA = 2_000

MATHML_TAGS = {
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac",
    "msqrt", "mroot", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded",
    "mphantom", "menclose", "merror", "semantics", "annotation",
}  # fmt: skip
MATHML_ATTRIBUTES = {
    "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent",
    "accentunder", "movablelimits", "columnalign", "rowspacing", "columnspacing", "displaystyle",
    "scriptlevel", "width", "height", "depth", "linethickness", "notation", "minsize", "maxsize",
}  # fmt: skip
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "span", "div",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
} | MATHML_TAGS  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "span": {"class"},
    "div": {"class"},
    **{tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS},
}


def _math(source: str, options: dict) -> str:
    display = "block" if options.get("display_mode") else "inline"
    if len(source) <= MAX_FORMULA:
        try:
            return latex_to_mathml(source, display=display)
        except Exception:  # noqa: BLE001 - any LaTeX the converter cannot read is shown as typed
            pass
    return f"<code>{html.escape(source)}</code>"


def _image_as_link(self, tokens, index, options, env) -> str:
    """``![alt](url)`` becomes a link to the image: nothing is loaded from another site."""
    token = tokens[index]
    alt = self.renderInline(token.children or [], options, env) or "image"
    src = html.escape(str(token.attrGet("src") or ""), quote=True)
    return f'<a href="{src}">{alt} (image)</a>'


_parser = (
    MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
    .enable(["strikethrough", "table", "linkify"])
    .use(dollarmath_plugin, allow_space=False, double_inline=True, renderer=_math)
    .use(mentions.mention_plugin)
)
_parser.add_render_rule("image", _image_as_link)


def render_markdown(text: str) -> SafeString:
    """Render a comment body; the result is safe to put into a page unescaped."""
    return render_many([text])[0]


def render_many(texts: Sequence[str]) -> list[SafeString]:
    """Render comment bodies, looking up the accounts they mention in one go (a whole discussion)."""
    parsed = []
    for text in texts:
        env: dict = {}
        parsed.append((_parser.parse(text or "", env), env))
    known = mentions.existing(name for tokens, _ in parsed for name in mentions.names_in(tokens))
    rendered = []
    for tokens, env in parsed:
        env[mentions.ENV_KEY] = known
        rendered.append(_clean(_parser.renderer.render(tokens, _parser.options, env)))
    return rendered


def mentioned_names(text: str) -> list[str]:
    """The ``@names`` a comment body mentions (existing or not), in order, each once."""
    return mentions.names_in(_parser.parse(text or "", {}))


def _clean(rendered: str) -> SafeString:
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"a": {"mention"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
