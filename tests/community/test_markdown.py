"""Comment Markdown renders formatting and never lets script through."""

from html.parser import HTMLParser

import pytest

from paperfeed.community.markdown import render_markdown


def parsed_elements(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every element in ``html`` as (tag, attributes), as a browser's parser would see them."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_common_formatting_renders():
    html = render_markdown("**bold** _it_ `code` ~~gone~~\n\n> quote\n\n- one\n- two\n\n```\nx < 1\n```")
    for fragment in ("<strong>bold</strong>", "<em>it</em>", "<code>code</code>", "<s>gone</s>",
                     "<blockquote>", "<li>one</li>", "x &lt; 1"):  # fmt: skip
        assert fragment in html


def test_links_get_nofollow_and_noopener():
    html = render_markdown("[paper](https://arxiv.org/abs/2411.01234) and <https://example.org>")
    assert html.count('rel="nofollow noopener noreferrer"') == 2
    assert 'href="https://arxiv.org/abs/2411.01234"' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        '<iframe src="https://evil.example"></iframe>',
        "<svg onload=alert(1)>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "![pixel](https://tracker.example/p.gif)",
    ],
)
def test_script_and_foreign_content_never_survive(attack):
    elements = parsed_elements(render_markdown(attack))
    tags = {tag for tag, _ in elements}
    assert tags <= {"p", "a", "em", "strong", "code"}, tags
    for _, attributes in elements:
        for name, value in attributes:
            assert not name.startswith("on") and name != "style"
            if name == "href":
                assert value.startswith(("http://", "https://")), value


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>not bold</b>")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "<b>" not in html


def test_an_empty_comment_renders_to_nothing():
    assert render_markdown("") == ""


def test_inline_and_display_math_become_mathml_drawn_by_the_browser():
    html = render_markdown("Energy $E=mc^2$ and\n\n$$\\sum_{i=1}^n x_i$$")
    assert '<math display="inline">' in html and "<msup><mi>c</mi><mn>2</mn></msup>" in html
    assert '<math display="block">' in html and "<munderover>" in html


def test_dollar_amounts_and_broken_latex_stay_text():
    assert "price $5 and $6" in render_markdown("price $5 and $6")
    assert "<code>\\frac{</code>" in render_markdown("$\\frac{$")


def test_a_formula_bomb_is_shown_as_its_source_not_expanded():
    bomb = "$" + "{" * 3000 + "x" + "}" * 3000 + "$"
    html = render_markdown(bomb)
    assert "<math" not in html and "<code>" in html


def test_bare_urls_become_links():
    html = render_markdown("code at https://github.com/owner/repo today")
    assert '<a href="https://github.com/owner/repo" rel="nofollow noopener noreferrer">' in html


def test_an_image_is_a_link_to_it_with_its_alt_text_not_a_stray_bang():
    html = render_markdown("see ![plot of loss](https://example.com/plot.png)")
    assert (
        '<a href="https://example.com/plot.png" rel="nofollow noopener noreferrer">plot of loss (image)</a>'
        in html
    )
    assert "!" not in html and "<img" not in html
