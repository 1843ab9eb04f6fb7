"""Code and project-page links: find them in abstracts and comments, and normalise them.

A GitHub repository is kept as ``https://github.com/<owner>/<repo>`` (no ``.git``, no
``/tree/...`` path, no trailing punctuation); a project page as an ``https://`` URL. Links
to GitHub's own pages (``github.com/features``, ``/orgs/...``) are not repositories.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# First path segments that are GitHub's own pages, never a user or organisation.
RESERVED_GITHUB_OWNERS = frozenset(
    {
        "about", "account", "apps", "blog", "business", "codespaces", "collections", "contact",
        "customer-stories", "dashboard", "enterprise", "events", "explore", "features", "gist",
        "github", "home", "issues", "join", "login", "logout", "marketplace", "new", "notifications",
        "organizations", "orgs", "pricing", "pulls", "readme", "resources", "search", "security",
        "sessions", "settings", "site", "solutions", "sponsors", "stars", "team", "topics",
        "trending", "users", "watching",
    }
)  # fmt: skip

# Owner: GitHub user/organisation names are 1-39 letters, digits and inner hyphens.
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_REPO = r"[A-Za-z0-9._-]{1,100}"
_GITHUB_REPO = re.compile(
    rf"(?:https?://)?(?:www\.)?github\.com/(?P<owner>{_OWNER})/(?P<repo>{_REPO})", re.IGNORECASE
)
_GITHUB_URL_EXACT = re.compile(
    rf"^(?:https?://)?(?:www\.)?github\.com/(?P<owner>{_OWNER})/(?P<repo>{_REPO})(?:[/?#].*)?$",
    re.IGNORECASE,
)
_GITHUB_IO = re.compile(
    r"(?:https?://)?(?P<host>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\.github\.io)(?P<path>/[^\s<>\"'{}|\\^`]*)?",
    re.IGNORECASE,
)


def mentions_github(text: str) -> bool:
    """Might ``text`` link to GitHub? The look every finder here takes first: text that fails it
    links nowhere."""
    # A cheap first look (most abstracts link nowhere); case-insensitive regex search is slow.
    # "ithub" covers github and Github, "itHub" GitHub and gitHub.
    return "ithub" in text or "itHub" in text or "ITHUB" in text


# Punctuation that ends a sentence or wraps a link rather than belonging to it.
_TRAILING = ".,;:!?'\"*"
_BRACKETS = {")": "(", "]": "[", "}": "{", ">": "<"}


def _strip_trailing(text: str) -> str:
    """Drop trailing punctuation and closing brackets that have no opening partner in ``text``."""
    while text:
        last = text[-1]
        unbalanced = last in _BRACKETS and text.count(_BRACKETS[last]) < text.count(last)
        if last in _TRAILING or unbalanced:
            text = text[:-1]
        else:
            break
    return text


def _repo_url(owner: str, repo: str) -> str | None:
    repo = _strip_trailing(repo)
    if repo.lower().endswith(".git"):
        repo = repo[:-4]
    repo = _strip_trailing(repo)
    if owner.lower() in RESERVED_GITHUB_OWNERS or not repo or repo in {".", ".."}:
        return None
    return f"https://github.com/{owner}/{repo}"


def normalize_github_repo(url: str | None) -> str | None:
    """``https://github.com/owner/repo`` for a link into a repository, else ``None``."""
    if not url:
        return None
    match = _GITHUB_URL_EXACT.match(url.strip())
    if not match:
        return None
    return _repo_url(match.group("owner"), match.group("repo"))


def find_github_repo(*texts: str | None) -> str | None:
    """The first valid repository linked from ``texts`` (searched in the order given)."""
    for text in texts:
        if not text or not mentions_github(text):
            continue
        for match in _GITHUB_REPO.finditer(text):
            url = _repo_url(match.group("owner"), match.group("repo"))
            if url:
                return url
    return None


def _project_url(host: str, path: str | None) -> str:
    path = _strip_trailing(path or "")
    return f"https://{host.lower()}{path or '/'}"


def find_project_page(*texts: str | None) -> str | None:
    """The first ``*.github.io`` page linked from ``texts``, as an https URL."""
    for text in texts:
        if not text or not mentions_github(text):
            continue
        match = _GITHUB_IO.search(text)
        if match:
            return _project_url(match.group("host"), match.group("path"))
    return None


def normalize_project_page(url: str | None) -> str | None:
    """An http(s) URL with a host, trimmed; ``None`` for anything else (relative paths, junk)."""
    if not url:
        return None
    url = _strip_trailing(url.strip())
    if not url or any(c.isspace() for c in url):
        return None
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or "." not in (parts.hostname or ""):
        return None
    return url
