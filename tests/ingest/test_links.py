"""GitHub repositories and project pages: found in free text, validated and normalised."""

from __future__ import annotations

import pytest

from paperfeed.papers.links import (
    find_github_repo,
    find_project_page,
    normalize_github_repo,
    normalize_project_page,
)


@pytest.mark.parametrize(
    ("text", "repo"),
    [
        ("Code: https://github.com/wyysf-98/CraftsMan", "https://github.com/wyysf-98/CraftsMan"),
        ("Code at https://github.com/owner/repo.git.", "https://github.com/owner/repo"),
        ("see github.com/owner/repo/tree/main/src for details", "https://github.com/owner/repo"),
        ("(code: https://github.com/owner/my.repo).", "https://github.com/owner/my.repo"),
        ("Available at http://www.github.com/Owner/Repo_1, and more", "https://github.com/Owner/Repo_1"),
        ("https://github.com/owner/repo/blob/main/README.md#usage", "https://github.com/owner/repo"),
        ('"https://github.com/owner/repo"', "https://github.com/owner/repo"),
        ("GitHub: HTTPS://GITHUB.COM/owner/repo;", "https://github.com/owner/repo"),
        ("Code on https://GitHub.com/owner/repo.", "https://github.com/owner/repo"),
        ("Code on gitHub.com/owner/repo", "https://github.com/owner/repo"),
        ("Code on Github.com/owner/repo", "https://github.com/owner/repo"),
        # GitHub's own pages are skipped, the next real repository is taken.
        ("https://github.com/features/copilot and https://github.com/a/b", "https://github.com/a/b"),
        ("https://github.com/orgs/acme/people", None),
        ("https://github.com/sponsors/someone", None),
        ("profile only: https://github.com/someone", None),
        ("no links here", None),
        ("https://gitlab.com/owner/repo", None),
    ],
)
def test_github_repository_is_found_in_text(text, repo):
    assert find_github_repo(text) == repo


def test_the_first_text_with_a_repository_wins():
    assert find_github_repo(None, "", "x https://github.com/a/first", "https://github.com/b/second") == (
        "https://github.com/a/first"
    )


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://github.com/bytedance/1d-tokenizer/", "https://github.com/bytedance/1d-tokenizer"),
        ("https://github.com/owner/repo.git", "https://github.com/owner/repo"),
        ("github.com/owner/repo/tree/v1", "https://github.com/owner/repo"),
        ("https://github.com/topics/llm", None),
        ("https://example.com/owner/repo", None),
        ("", None),
        (None, None),
    ],
)
def test_github_repository_urls_from_records_are_normalised(url, normalised):
    assert normalize_github_repo(url) == normalised


@pytest.mark.parametrize(
    ("text", "page"),
    [
        ("Project website: https://taco-group.github.io/DecAlign/", "https://taco-group.github.io/DecAlign/"),
        ("6 pages, code: https://zs1314.github.io/DMSR", "https://zs1314.github.io/DMSR"),
        ("HomePage:\nhttps://craftsman3d.github.io/, Code: x", "https://craftsman3d.github.io/"),
        ("(see https://Some-Lab.github.io/proj).", "https://some-lab.github.io/proj"),
        ("page: foo.github.io", "https://foo.github.io/"),
        ("nothing", None),
    ],
)
def test_github_io_project_page_is_found_in_text(text, page):
    assert find_project_page(text) == page


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://sites.google.com/view/adc-robot", "https://sites.google.com/view/adc-robot"),
        ("interactivetraining.ai/", "https://interactivetraining.ai/"),
        ("/relative/path", None),
        ("javascript:alert(1)", None),
        ("not a url", None),
        ("", None),
    ],
)
def test_project_page_urls_from_records_are_validated(url, normalised):
    assert normalize_project_page(url) == normalised
