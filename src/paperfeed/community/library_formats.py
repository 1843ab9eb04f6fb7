"""Reading a reader's library: BibTeX, RIS, CSL-JSON (as Zotero and most reference managers
export them) or a pasted list of arXiv ids, DOIs and links, into entries to match.

Each entry keeps where it starts (a line, or an item number in JSON) so that the match report
and the problems found can point at it. A malformed entry is a problem and is skipped; a file
that is not a library at all raises :class:`LibraryError` with a message for the reader.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

import bibtexparser
import rispy

from paperfeed.community.models import LibrarySource
from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.titles import clean_title

# An arXiv id inside any text: a link, "arXiv:2101.00001v2", an arXiv DOI (10.48550/arXiv.2101.00001).
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv[.:/]\s*|arxiv\.org/(?:abs|pdf|html)/|/papers/)"
    r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?/\d{7})",
    re.IGNORECASE,
)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>{}]+)", re.IGNORECASE)
_RIS_START = re.compile(r"^TY  - ", re.MULTILINE)
_RIS_END = re.compile(r"^ER  -", re.MULTILINE)
_BIBTEX_START = re.compile(r"^\s*@\s*[a-zA-Z]+\s*[{(]", re.MULTILINE)
MAX_KEY = 300


class LibraryError(ValueError):
    """The upload is not a library this site can read; the message says why."""


@dataclass
class LibraryItem:
    where: str  # "line 12" or "item 3", as the report shows it
    key: str  # the citation key, or the pasted text
    arxiv_id: str = ""
    doi: str = ""
    title: str = ""
    line: int | None = None


@dataclass
class ParsedLibrary:
    source: str  # a LibrarySource value
    items: list[LibraryItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line 7: ..." for each skipped entry


def decode(data: bytes) -> str:
    """The text of an uploaded file; a binary file is refused."""
    if b"\x00" in data[:65536]:
        raise LibraryError(
            "This file is not text (it looks like a binary file). Export your library as "
            "BibTeX (.bib), RIS (.ris) or CSL-JSON (.json) and upload that."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # older BibTeX files; a binary file shows its control bytes
        controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls > len(text[:65536]) // 100:
            raise LibraryError(
                "This file is not text (it looks like a binary file). Export your library "
                "as BibTeX (.bib), RIS (.ris) or CSL-JSON (.json) and upload that."
            ) from None
        return text


def parse_file(text: str) -> ParsedLibrary:
    """Read ``text`` in whichever of the three formats it is written."""
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{"):
        return parse_csl_json(text)
    if _RIS_START.search(text):
        return parse_ris(text)
    if _BIBTEX_START.search(text):
        return parse_bibtex(text)
    raise LibraryError(
        "This file is not a library this site can read: no BibTeX entry (@article{...}), RIS record "
        "(TY  - ) or CSL-JSON list was found. Export your library as BibTeX, RIS or CSL-JSON."
    )


def arxiv_id_in(*texts: str) -> str:
    """The first arXiv id found in ``texts`` (links, notes, DOIs), canonical and without version."""
    for text in texts:
        if not text:
            continue
        candidates = [text.strip()] + [m.group(1) for m in _ARXIV_IN_TEXT.finditer(text)]
        for candidate in candidates:
            try:
                return parse_arxiv_id(candidate).id
            except InvalidArxivId:
                continue
    return ""


def doi_in(*texts: str) -> str:
    for text in texts:
        match = _DOI.search(text or "")
        if match:
            return match.group(1).rstrip(".,;").lower()
    return ""


# --- BibTeX ---------------------------------------------------------------------------------


def parse_bibtex(text: str) -> ParsedLibrary:
    library = ParsedLibrary(LibrarySource.BIBTEX)
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # each broken block is reported here
    # No middlewares: the fields are read raw (braces and quotes stripped below), which saves
    # about a tenth of the time on a large library.
    parsed = bibtexparser.parse_string(text, parse_stack=[])
    for block in parsed.blocks:
        line = block.start_line + 1
        if isinstance(block, bibtexparser.model.ParsingFailedBlock):
            library.problems.append(f"line {line}: {_bibtex_problem(block)} The entry was skipped.")
            continue
        if not isinstance(block, bibtexparser.model.Entry):
            continue  # @string, @preamble, @comment and text between entries
        fields = {name.lower(): _unenclosed(str(value.value)) for name, value in block.fields_dict.items()}
        eprint = fields.get("eprint", "")
        if eprint and fields.get("archiveprefix", "arxiv").lower() not in ("arxiv", ""):
            eprint = ""
        library.items.append(
            LibraryItem(
                where=f"line {line}",
                line=line,
                key=block.key[:MAX_KEY],
                arxiv_id=arxiv_id_in(
                    eprint,
                    fields.get("doi", ""),
                    fields.get("url", ""),
                    fields.get("journal", ""),
                    fields.get("note", ""),
                ),
                doi=doi_in(fields.get("doi", "")),
                title=clean_title(fields.get("title", "")),
            )
        )
    return library


def _unenclosed(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1].strip()
    return value


def _bibtex_problem(block) -> str:
    error = getattr(block, "error", None)
    text = str(error) if error and str(error) else ""
    if "end of file" in text or "Unexpected block start" in text or not text:
        return "the entry is not closed (a missing brace or comma?)."
    return text.split("\n")[0][:200]


# --- RIS ------------------------------------------------------------------------------------


def parse_ris(text: str) -> ParsedLibrary:
    library = ParsedLibrary(LibrarySource.RIS)
    lines = text.splitlines()
    start: int | None = None
    for number, line in enumerate(lines, start=1):
        if line.startswith("TY  - "):
            if start is not None:
                library.problems.append(f"line {start}: the record has no end (ER  - ). It was skipped.")
            start = number
        elif line.startswith("ER  -") and start is not None:
            _add_ris_record(library, lines[start - 1 : number], start)
            start = None
    if start is not None:
        library.problems.append(f"line {start}: the record has no end (ER  - ). It was skipped.")
    return library


def _add_ris_record(library: ParsedLibrary, record: list[str], line: int) -> None:
    try:
        (entry,) = rispy.loads("\n".join(record))
    except Exception as error:  # rispy raises plain exceptions on odd tags
        library.problems.append(f"line {line}: the record cannot be read ({error}). It was skipped.")
        return
    urls = " ".join(entry.get("urls", []))
    notes = " ".join(entry.get("notes", []))
    title = entry.get("title") or entry.get("primary_title") or entry.get("translated_title") or ""
    extra = " ".join(
        str(entry.get(name, "")) for name in ("number", "type_of_work", "publisher", "secondary_title")
    )
    library.items.append(
        LibraryItem(
            where=f"line {line}",
            line=line,
            key=(entry.get("id") or title)[:MAX_KEY],
            arxiv_id=arxiv_id_in(entry.get("doi", ""), urls, notes, extra),
            doi=doi_in(entry.get("doi", "")),
            title=clean_title(title),
        )
    )


# --- CSL-JSON -------------------------------------------------------------------------------


def parse_csl_json(text: str) -> ParsedLibrary:
    library = ParsedLibrary(LibrarySource.CSL_JSON)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LibraryError(f"This JSON file cannot be read: {error.msg} at line {error.lineno}.") from None
    if isinstance(data, dict):
        data = data.get("items", [data])
    if not isinstance(data, list):
        raise LibraryError("This JSON file is not CSL-JSON: expected a list of references.")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            library.problems.append(f"item {number}: not a reference (an object with a title). Skipped.")
            continue
        texts = {
            name: str(item.get(name) or "") for name in ("URL", "DOI", "number", "note", "archive_location")
        }
        title = item.get("title") if isinstance(item.get("title"), str) else ""
        library.items.append(
            LibraryItem(
                where=f"item {number}",
                key=str(item.get("id") or title)[:MAX_KEY],
                arxiv_id=arxiv_id_in(*texts.values(), str(item.get("container-title") or "")),
                doi=doi_in(texts["DOI"]),
                title=clean_title(title),
            )
        )
    return library


# --- Pasted ids -----------------------------------------------------------------------------


def parse_pasted(text: str) -> ParsedLibrary:
    """One id, DOI or link per line (or separated by spaces or commas)."""
    library = ParsedLibrary(LibrarySource.IDS)
    for number, line in enumerate(text.splitlines(), start=1):
        for token in re.split(r"[\s,;]+", line.strip()):
            token = token.strip("<>()[]\"'")
            if not token:
                continue
            item = LibraryItem(where=f"line {number}", line=number, key=token[:MAX_KEY])
            item.arxiv_id = arxiv_id_in(token)
            if not item.arxiv_id:
                item.doi = doi_in(token)
            if not item.arxiv_id and not item.doi:
                shown = token if len(token) <= 80 else token[:77] + "..."
                library.problems.append(
                    f"line {number}: “{shown}” is not an arXiv id, a DOI or a link to a paper. Skipped."
                )
                continue
            library.items.append(item)
    return library
