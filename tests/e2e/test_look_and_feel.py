"""Theme and keyboard use in a real browser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

FOCUS_STYLE = """() => {
  const style = getComputedStyle(document.activeElement);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""


def theme(page) -> str:
    return page.evaluate("document.documentElement.getAttribute('data-theme')")


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_the_theme_toggle_switches_between_light_and_dark_and_is_remembered(page, make_paper, screenshot):
    make_paper("A paper to look at", listed_on=datetime.now(UTC).date(), upvotes=12)
    page.emulate_media(color_scheme="light")
    page.goto("/")
    light_background = background(page)
    screenshot(page, "theme-light")

    page.get_by_role("button", name="Switch light/dark theme").click()
    assert theme(page) == "dark"
    assert background(page) != light_background
    screenshot(page, "theme-dark")

    page.reload()
    assert theme(page) == "dark"  # remembered across pages
    page.get_by_role("button", name="Switch light/dark theme").click()
    assert theme(page) == "light"
    assert background(page) == light_background


def test_the_dark_theme_follows_the_system_until_chosen(page):
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    dark_background = background(page)
    page.emulate_media(color_scheme="light")
    assert background(page) != dark_background


def test_keyboard_users_get_a_skip_link_and_a_visible_focus_on_every_stop(page, make_paper, screenshot):
    make_paper("Keyboard friendly paper", listed_on=datetime.now(UTC).date(), upvotes=2)
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # moved on screen when focused
    assert page.evaluate(FOCUS_STYLE)
    screenshot(page, "focus-skip-link")

    unstyled = []
    for _ in range(12):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "document.activeElement.tagName + ' ' + document.activeElement.textContent.trim()"
        )
        if not page.evaluate(FOCUS_STYLE):
            unstyled.append(name)
    screenshot(page, "focus-after-tabbing")
    assert unstyled == [], f"no visible focus indicator on: {unstyled}"

    # Enter on the skip link moves focus to the main content.
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
