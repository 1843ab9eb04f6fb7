"""The three-page OAI-PMH harvest the fake arXiv server serves (the ``oai_window`` fixture of
tests/ingest/conftest.py), and the requests and papers the arXiv harvest tests expect of it."""

from __future__ import annotations

from fake_arxiv import FakeArxiv, fixture_bytes

# The window the hand-written pages answer: set cs, 2025-03-18 to 2025-03-19.
FIRST_PAGE = {
    "verb": "ListRecords",
    "metadataPrefix": "arXiv",
    "from": "2025-03-18",
    "until": "2025-03-19",
    "set": "cs",
}
SECOND_PAGE = {"verb": "ListRecords", "resumptionToken": "6923710|4"}
THIRD_PAGE = {"verb": "ListRecords", "resumptionToken": "6923710|7"}
WINDOW_ARGS = ["--from", "2025-03-18", "--until", "2025-03-19", "--set", "cs"]
# The seven papers of the window (an eighth record, 2503.12901, is deleted).
WINDOW_IDS = {
    "2503.12028",
    "2503.12229",
    "2503.12260",
    "2503.12627",
    "2503.13045",
    "2503.13354",
    "2503.13756",
}


def serve_oai_window(fake_arxiv: FakeArxiv) -> FakeArxiv:
    """Make the fake server answer the cs window with three pages chained by resumption tokens."""
    fake_arxiv.set_oai(FIRST_PAGE, fixture_bytes("oai/page1.xml"))
    fake_arxiv.set_oai(SECOND_PAGE, fixture_bytes("oai/page2.xml"))
    fake_arxiv.set_oai(THIRD_PAGE, fixture_bytes("oai/page3.xml"))
    return fake_arxiv
