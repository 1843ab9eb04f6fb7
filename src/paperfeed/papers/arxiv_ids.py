"""arXiv identifiers: parse what people paste (ids, versions, abs/pdf URLs) into one canonical form."""

from __future__ import annotations

import re
from dataclasses import dataclass

# New-style ids (since 2007-04): YYMM.NNNN (to 2014) or YYMM.NNNNN (from 2015).
NEW_STYLE = r"(?P<new>(?P<yymm>\d{4})\.(?P<num>\d{4,5}))"
# Old-style ids: archive[.SUBJECT]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
OLD_STYLE = r"(?P<old>(?P<archive>[a-z][a-z\-]*)(?:\.[A-Za-z\-]{2,})?/(?P<oldnum>\d{7}))"
# arXiv's own id for an old paper has no subject class: math.GT/0309136 is math/0309136.
ID_PATTERN = rf"(?:{NEW_STYLE}|{OLD_STYLE})(?:v(?P<version>\d+))?"
# The same pattern without named groups, for URL converters.
URL_ID_REGEX = r"\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?/\d{7}"

_BARE = re.compile(rf"^{ID_PATTERN}$")
_URL = re.compile(
    rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/{ID_PATTERN}(?:\.pdf)?/?"
    r"(?:[?#].*)?$",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)


MAX_VERSION_DIGITS = 6


class InvalidArxivId(ValueError):
    """Raised with a message fit to show the person who typed the id."""


@dataclass(frozen=True)
class ArxivId:
    id: str  # canonical id without version, e.g. "2411.01234" or "hep-th/9901001"
    version: int | None  # the version asked for, if any

    def __str__(self) -> str:
        return self.id


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse an arXiv id or URL; raise :class:`InvalidArxivId` with a clear reason."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidArxivId("Enter an arXiv id such as 2411.01234 or an arxiv.org link.")
    candidate = _PREFIX.sub("", raw)
    match = _BARE.match(candidate) or _URL.match(candidate)
    if not match:
        shown = raw if len(raw) <= 80 else raw[:77] + "..."
        raise InvalidArxivId(
            f"“{shown}” is not an arXiv id. Use a form like 2411.01234, 2411.01234v2, "
            "hep-th/9901001 or https://arxiv.org/abs/2411.01234."
        )
    if match.group("new"):
        month = int(match.group("yymm")[2:])
        if not 1 <= month <= 12:
            raise InvalidArxivId(f"“{raw}” is not an arXiv id: month {month:02d} does not exist.")
        # Five-digit numbers exist only from 2015 (1501.xxxxx) on.
        if len(match.group("num")) == 5 and match.group("yymm") < "1501":
            raise InvalidArxivId(f"“{raw}” is not an arXiv id: 5-digit numbers start in 2015.")
        canonical = match.group("new")
    else:
        canonical = f"{match.group('archive')}/{match.group('oldnum')}"
    version = match.group("version")
    # No paper has a thousand versions; a huge number would not even convert to an int.
    if version and len(version.lstrip("0")) > MAX_VERSION_DIGITS:
        raise InvalidArxivId(f"“{canonical}” has no such version: the version number is too large.")
    return ArxivId(id=canonical, version=int(version) if version else None)


def is_valid_arxiv_id(text: str) -> bool:
    try:
        parse_arxiv_id(text)
    except InvalidArxivId:
        return False
    return True


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"
