"""arXiv's OAI-PMH interface: ListRecords requests and their pages in the ``arXiv`` metadata format.

One response page holds up to about a thousand ``<record>`` elements and, unless it is the
last page, a ``<resumptionToken>`` that asks for the next one. Errors come back as
``<error code="...">`` inside an otherwise normal response (``noRecordsMatch`` just means the
window is empty).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from paperfeed.ingest.records import AuthorRecord, PaperRecord

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
METADATA_PREFIX = "arXiv"
IDENTIFIER_PREFIX = "oai:arXiv.org:"
# OAI-PMH setSpec syntax; arXiv's sets look like "cs", "math" or "physics:hep-th".
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(?::[A-Za-z0-9\-_.!~*'()]+)*$")


class OaiError(Exception):
    """The repository answered with ``<error code=...>``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class MalformedPage(Exception):
    """The response is not a readable OAI-PMH ListRecords page."""


@dataclass
class OaiPage:
    records: list[PaperRecord] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # ids whose header says status="deleted"
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (id or "?", why) for unusable records
    resumption_token: str = ""  # empty on the last page
    complete_list_size: int | None = None
    cursor: int | None = None

    @property
    def size(self) -> int:
        return len(self.records) + len(self.deleted) + len(self.skipped)


def list_records_params(from_date: date, until_date: date | None, set_spec: str = "") -> dict[str, str]:
    """The first request of a harvest; later pages are asked for with the token alone."""
    params = {"verb": "ListRecords", "metadataPrefix": METADATA_PREFIX, "from": from_date.isoformat()}
    if until_date is not None:
        params["until"] = until_date.isoformat()
    if set_spec:
        params["set"] = set_spec
    return params


def resume_params(token: str) -> dict[str, str]:
    # resumptionToken is an exclusive argument: the repository rejects anything next to it.
    return {"verb": "ListRecords", "resumptionToken": token}


def parse_list_records(body: bytes) -> OaiPage:
    """Parse one ListRecords response; raise :class:`OaiError` or :class:`MalformedPage`."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise MalformedPage(f"not well-formed XML ({exc})") from exc
    if root.tag != f"{OAI}OAI-PMH":
        raise MalformedPage(f"not an OAI-PMH response (root element <{root.tag}>)")
    error = root.find(f"{OAI}error")
    if error is not None:
        raise OaiError(error.get("code", "unknown"), " ".join((error.text or "").split()))
    list_records = root.find(f"{OAI}ListRecords")
    if list_records is None:
        raise MalformedPage("the response has neither <ListRecords> nor <error>")
    page = OaiPage()
    for record in list_records.findall(f"{OAI}record"):
        _read_record(record, page)
    token = list_records.find(f"{OAI}resumptionToken")
    if token is not None:
        page.resumption_token = (token.text or "").strip()
        page.complete_list_size = _int(token.get("completeListSize"))
        page.cursor = _int(token.get("cursor"))
    return page


def parse_error(body: bytes) -> OaiError | None:
    """The ``<error>`` of an OAI-PMH response sent with an HTTP error status, if it has one."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    error = root.find(f"{OAI}error")
    if error is None:
        return None
    return OaiError(error.get("code", "unknown"), " ".join((error.text or "").split()))


def _read_record(record: ET.Element, page: OaiPage) -> None:
    header = record.find(f"{OAI}header")
    if header is None:
        page.skipped.append(("?", "record without <header>"))
        return
    identifier = _text(header, f"{OAI}identifier")
    arxiv_id = identifier.removeprefix(IDENTIFIER_PREFIX) or "?"
    if header.get("status") == "deleted":
        page.deleted.append(arxiv_id)
        return
    metadata = record.find(f"{OAI}metadata/{ARXIV}arXiv")
    if metadata is None:
        page.skipped.append((arxiv_id, "no <arXiv> metadata (wrong metadataPrefix?)"))
        return
    try:
        page.records.append(record_from_metadata(metadata, _text(header, f"{OAI}datestamp")))
    except ValueError as exc:
        page.skipped.append((arxiv_id, str(exc)))


def record_from_metadata(metadata: ET.Element, datestamp: str = "") -> PaperRecord:
    """A record from an ``<arXiv xmlns="http://arxiv.org/OAI/arXiv/">`` element."""
    arxiv_id = _text(metadata, f"{ARXIV}id")
    title = " ".join(_text(metadata, f"{ARXIV}title").split())
    if not arxiv_id:
        raise ValueError("record without <id>")
    if not title:
        raise ValueError("record without <title>")
    created = _date(_text(metadata, f"{ARXIV}created"), "created")
    updated = _date(_text(metadata, f"{ARXIV}updated"), "updated") or created
    categories = _text(metadata, f"{ARXIV}categories").split()
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=_text(metadata, f"{ARXIV}abstract") or None,
        authors=[_author(author) for author in metadata.findall(f"{ARXIV}authors/{ARXIV}author")],
        categories=categories or None,
        published=created,
        updated=updated,
        comments=_optional(metadata, f"{ARXIV}comments"),
        journal_ref=_optional(metadata, f"{ARXIV}journal-ref"),
        doi=_optional(metadata, f"{ARXIV}doi"),
        # The header datestamp is when arXiv last changed this record.
        source_updated=_date(datestamp, "datestamp") or updated,
        extra={k: v for k, v in (("license", _optional(metadata, f"{ARXIV}license")),) if v},
    )


def _author(author: ET.Element) -> AuthorRecord:
    # arXiv splits names as keyname (family name, or a collaboration) + forenames + suffix.
    parts = (
        _text(author, f"{ARXIV}forenames"),
        _text(author, f"{ARXIV}keyname"),
        _text(author, f"{ARXIV}suffix"),
    )
    return AuthorRecord(name=" ".join(" ".join(p for p in parts if p).split()))


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _optional(element: ET.Element, path: str) -> str | None:
    return " ".join(_text(element, path).split()) or None


def _date(value: str, what: str) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"<{what}> is not a date: {value!r}") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
