"""Hostile records: every bad value is refused with its file and line, or made safe, at import.

A bad line is reported as ``file:line: reason`` and skipped, its neighbours are imported and the
exit status says a line was rejected; no value stops the import with a traceback. Text loses
the characters feeds cannot carry, and what is stored never makes a page or feed fail.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest

from paperfeed.accounts.models import User
from paperfeed.ingest import store
from paperfeed.ingest.records import AuthorRecord, ListingRecord, PaperRecord
from paperfeed.papers.models import Authorship, Paper

from .hostile_lines import arxiv_record, between_good_lines, feed_unsafe, hf_record, kaggle_record

BAD_ID = "2401.00002"
ATOM_TITLE = "{http://www.w3.org/2005/Atom}title"


def hf(**changes) -> dict:
    """An HF record with ``changes`` ("paper.upvotes": 5, "paper.authors.0.status": [...])."""
    record = hf_record(BAD_ID)
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = record
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return record


def kaggle(**fields) -> dict:
    return {**kaggle_record(BAD_ID), **fields}


def arxiv(**fields) -> dict:
    return arxiv_record(BAD_ID, **fields)


BAD_LINES = {
    # Dates out of range, or that overflow on conversion to UTC.
    "arXiv created year 1 east of UTC": (
        arxiv(created="0001-01-01T00:00:00+05:00"),
        "'created' is out of range",
    ),
    "arXiv created 9999 west of UTC": (
        arxiv(created="9999-12-31T23:00:00-05:00"),
        "'created' is out of range",
    ),
    "arXiv published year 1": (arxiv(published="0001-01-01"), "'published' is out of range"),
    "arXiv updated 9999": (arxiv(updated="9999-12-31T00:00:00Z"), "'updated' is out of range"),
    "HF submitted 9999": (
        hf(**{"paper.submittedOnDailyAt": "9999-12-31T23:00:00-05:00"}),
        "'paper.submittedOnDailyAt' is out of range",
    ),
    "HF snapshot year 1": (hf(_snapshot="0001-01-01"), "'_snapshot' is out of range"),
    "Kaggle version date 9999": (
        kaggle(versions=[{"version": "v1", "created": "Fri, 31 Dec 9999 23:00:00 -0500"}]),
        "'versions[].created' is out of range",
    ),
    "Kaggle update_date year 1": (kaggle(update_date="0001-01-01"), "'update_date' is out of range"),
    # Versions and counts that no integer column holds.
    "version above 2^63 in an arXiv id": (
        arxiv(id=f"{BAD_ID}v99999999999999999999"),
        "the version number is too large",
    ),
    "version above 2^63 in an HF id": (
        hf(**{"paper.id": f"{BAD_ID}v99999999999999999999"}),
        "the version number is too large",
    ),
    "version of 4400 digits in an id": (arxiv(id=f"{BAD_ID}v" + "9" * 4400), "invalid arXiv id"),
    "Kaggle version above 2^63": (
        kaggle(versions=[{"version": "v99999999999999999999", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]),
        "'versions[].version' must be an integer from 0 to 2,147,483,647",
    ),
    "Kaggle version number above 2^63": (
        kaggle(versions=[{"version": 2**63 + 1, "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]),
        "'versions[].version' must be an integer",
    ),
    "HF upvotes above 2^63": (hf(**{"paper.upvotes": 2**63 + 1}), "'paper.upvotes' must be an integer"),
    "HF upvotes beyond 64 bits": (hf(**{"paper.upvotes": 2**70}), "'paper.upvotes' must be a non-negative"),
    "HF GitHub stars beyond the column": (
        hf(**{"paper.githubStars": 2**40}),
        "'paper.githubStars' must be an integer",
    ),
    "HF comment count of 2^64-1": (hf(numComments=2**64 - 1), "'numComments' must be an integer"),
    # Odd types.
    "HF author status as a list": (
        hf(**{"paper.authors.0.status": ["claimed"]}),
        "'paper.authors[].status' must be a string, got list",
    ),
    "HF author status as a number": (
        hf(**{"paper.authors.0.status": 7}),
        "'paper.authors[].status' must be a string, got int",
    ),
    "HF author status as an object": (
        hf(**{"paper.authors.0.status": {"a": 1}}),
        "'paper.authors[].status' must be a string, got dict",
    ),
    "HF author hidden as a string": (
        hf(**{"paper.authors.0.hidden": "no"}),
        "'paper.authors[].hidden' must be true or false",
    ),
    "HF author name as a number": (hf(**{"paper.authors.0.name": 123}), "needs a 'name'"),
    "HF author name null": (hf(**{"paper.authors.0.name": None}), "needs a 'name'"),
    "HF authors as an object": (hf(**{"paper.authors": {"name": "x"}}), "'paper.authors' must be a list"),
    "HF title as a list": (hf(**{"paper.title": ["A title"]}), "'title' must be a string"),
    "arXiv title as a number": (arxiv(title=42), "'title' must be a string"),
    "arXiv title null": (arxiv(title=None), "missing title"),
    "arXiv title of control characters only": (arxiv(title="\x01\x02"), "no title"),
    "arXiv authors as numbers": (arxiv(authors=[1, 2]), "'authors' must be a list of strings"),
    "arXiv categories as a number": (arxiv(categories=5), "'categories' must be a list of strings"),
    "arXiv abstract as an object": (arxiv(abstract={"text": "x"}), "'abstract' must be a string"),
    "Kaggle parsed authors as numbers": (kaggle(authors_parsed=[[1, 2]]), "must be lists of strings"),
    "Kaggle versions as a string": (kaggle(versions="v1"), "'versions' must be a list"),
    "a JSON list": ([1, 2], "unknown record shape"),
    "JSON null": ("null", "unknown record shape"),
    "broken JSON": ('{"id": "2401.00002", "title": "cut', "broken JSON"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("bad", "reason"), BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_bad_line_is_rejected_with_its_line_number_and_its_neighbours_are_imported(
    ingest, write_jsonl, bad, reason
):
    path = write_jsonl("hostile.jsonl", between_good_lines(bad))

    run = ingest(path)

    assert run.failed and "1 line(s) rejected" in str(run.error)
    reported = [line for line in run.stderr.splitlines() if line.startswith(f"{path}:")]
    assert len(reported) == 1 and reported[0].startswith(f"{path}:2: "), run.stderr
    assert reason in reported[0]
    assert "Traceback" not in run.stderr
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == {"2401.00001", "2401.00003"}


def hostile_text_lines() -> list:
    """One record of each shape with control characters in every text field it has."""
    hf_line = hf_record("2401.00010")
    paper = hf_line["paper"]
    paper["title"] = hf_line["title"] = "Control\x01 characters\x00 in a\x1btitle"
    paper["summary"] = "An abstract\x07 with DEL\x7f, NEL\x85 and a C1\x90 control"
    paper["authors"][0]["name"] = "Peng\x08xin Guo"
    paper["authors"][0]["status"] = "claimed\x01_verified"
    paper["authors"][0]["user"]["fullname"] = "Peng\x02xin"
    paper["ai_keywords"] = ["key\x03word", "fine"]
    paper["ai_summary"] = "sum\x04mary"
    paper["mediaUrls"] = ["https://example.org/a\x05.png"]
    hf_line["organization"] = {"name": "org\x05", "fullname": "Org\x06 Inc", "key\x0e": 1}
    hf_line["submittedBy"]["fullname"] = "Sub\x0emitter"

    kaggle_line = kaggle_record("2401.00011")
    kaggle_line.update(
        title="Kaggle\x01 title",
        comments="37 pages\x02",
        abstract="Not characters: \ufffe and \uffff.",
        authors_parsed=[["Lee\x04", "Ann", ""], ["Li", "Bo\x1f", ""]],
    )
    kaggle_line["journal-ref"] = "Phys.Rev.\x03D"

    arxiv_line = arxiv_record(
        "2401.00012",
        title="Plain\x01 arXiv title",
        authors=["Ann\x02 Lee", "Bo\x0bLi"],
        comment="see\x7f github",
        journal_ref="J.\x10 Phys.",
        doi="10.1000/\x11x",
        categories=["cs.LG\x12"],
    )
    # Written raw (not as \\u escapes): DEL and the C1 controls may stand in JSON text as they are.
    raw_line = json.dumps(arxiv_record("2401.00013", title="Raw DEL\x7f and C1\x85\x9f"), ensure_ascii=False)
    return [hf_line, kaggle_line, arxiv_line, raw_line]


def stored_text() -> list[str]:
    """Every text value the import stored: paper columns (JSON ones serialised), author names and
    statuses, account names."""
    texts = []
    for row in Paper.objects.values():
        texts += [
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for v in row.values()
        ]
    texts += [t for row in Authorship.objects.values_list("name", "status") for t in row]
    texts += [t for row in User.objects.values_list("username", "fullname", "avatar_url") for t in row]
    return [text for text in texts if isinstance(text, str)]


@pytest.mark.django_db
def test_control_characters_are_removed_from_every_text_field_of_every_shape(ingest, write_jsonl):
    run = ingest(write_jsonl("controls.jsonl", hostile_text_lines()))

    assert not run.failed, run.stderr
    assert Paper.objects.count() == 4
    assert {text: feed_unsafe(text) for text in stored_text() if feed_unsafe(text)} == {}
    titles = dict(Paper.objects.values_list("arxiv_id", "title"))
    assert titles == {
        "2401.00010": "Control characters in atitle",
        "2401.00011": "Kaggle title",
        "2401.00012": "Plain arXiv title",
        "2401.00013": "Raw DEL and C1",
    }
    # Controls that split words (vertical tab, unit separator, NEL) leave a space.
    assert list(Authorship.objects.filter(paper__arxiv_id="2401.00012").values_list("name", flat=True)) == [
        "Ann Lee",
        "Bo Li",
    ]
    assert Paper.objects.get(arxiv_id="2401.00010").abstract == "An abstract with DEL, NEL and a C1 control"


def test_odd_types_and_ranges_are_refused_before_any_write_for_records_from_arxiv(db):
    east = timezone(timedelta(hours=5))
    records = [
        PaperRecord(
            arxiv_id="2401.00020",
            title="Title\x01 with a control",
            abstract="DEL\x7f",
            authors=[AuthorRecord(name="Ann\x02 Lee")],
            published=datetime(2024, 1, 2, tzinfo=UTC),
        ),
        PaperRecord(arxiv_id="2401.00021", title="Year 1", published=datetime(1, 1, 1, tzinfo=east)),
        PaperRecord(
            arxiv_id="2401.00022",
            title="Year 9999",
            updated=datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=5))),
        ),
        PaperRecord(arxiv_id="2401.00023v99999999999999999999", title="Huge version in the id"),
        PaperRecord(arxiv_id="2401.00024", title="Huge version", version=2**63 + 1),
        PaperRecord(
            arxiv_id="2401.00025",
            title="Listed on the last day",
            listing=ListingRecord(date=date.max, submitted_at=datetime(2024, 1, 2, tzinfo=UTC)),
        ),
    ]

    stats = store.upsert_records(records)

    assert (stats.new, stats.rejected) == (1, 5)
    reasons = " | ".join(reason for _, reason in stats.errors)
    assert reasons.count("is out of range") == 3
    assert reasons.count("must be an integer") == 1 and reasons.count("version number is too large") == 1
    paper = Paper.objects.get()
    assert (paper.title, paper.abstract) == ("Title with a control", "DEL")
    assert list(paper.authorships.values_list("name", flat=True)) == ["Ann Lee"]


@pytest.mark.django_db
def test_a_slash_username_and_a_control_character_title_leave_the_front_page_and_daily_feed_working(
    ingest, write_jsonl, client
):
    slash = hf_record("2401.00030")
    slash["submittedBy"]["name"] = "evil/user"
    slash["paper"]["submittedOnDailyBy"]["user"] = "evil/user"
    slash["paper"]["authors"][0]["user"]["user"] = "a/b"
    control = hf_record("2401.00031")
    control["paper"]["title"] = control["title"] = "Title with \x01 a control character"

    run = ingest(write_jsonl("hostile.jsonl", [slash, control]))

    assert not run.failed, run.stderr
    assert Paper.objects.count() == 2
    assert not User.objects.filter(username__contains="/").exists()
    front = client.get("/")
    assert front.status_code == 200
    assert b"Title with a control character" in front.content
    feed = client.get("/feeds/daily.atom")
    assert feed.status_code == 200
    titles = [element.text for element in ElementTree.fromstring(feed.content).iter(ATOM_TITLE)]
    assert "Title with a control character" in titles
