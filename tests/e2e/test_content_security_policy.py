"""The Content-Security-Policy in a real browser: it blocks script the site did not ship, and the
site's own pages (the API docs' Swagger UI included) run under it without a single violation.
The ``page`` fixture fails any test whose page reports a violation.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_injected_inline_script_does_not_run(page):
    page.goto("/")
    ran = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", (event) => resolve(event.violatedDirective));
            const script = document.createElement("script");
            script.textContent = "window.injectedScriptRan = true";
            document.body.appendChild(script);
            setTimeout(() => resolve(window.injectedScriptRan ? "ran" : "no report"), 5000);
        })"""
    )
    assert ran.startswith("script-src"), ran
    assert page.evaluate("window.injectedScriptRan") is None
    # The fixture saw the violation too; it is this test's point, so it does not fail it.
    assert any("Content Security Policy" in error for error in page.errors), page.errors
    page.errors.clear()


def test_the_api_docs_render_under_the_policy(page):
    page.goto("/api/docs")
    page.wait_for_selector(".opblock-summary-path")
    assert "/api/daily_papers" in page.locator(".opblock-summary-path").all_inner_texts()


def test_a_paper_page_with_math_and_discussion_runs_under_the_policy(page, make_paper, log_in, make_user):
    paper = make_paper(
        "Bounds on $\\sum_i x_i^2$ for sparse codes",
        abstract="We show $O(n \\log n)$ and $$\\int_0^1 f(x)\\,dx$$ for every code.",
        listed_on=datetime.now(UTC).date(),
    )
    log_in(page, make_user("reader"))
    page.goto(paper.get_absolute_url())
    page.wait_for_selector("h1")
    page.goto("/search?q=sparse+codes")
    page.goto("/papers/trending")
