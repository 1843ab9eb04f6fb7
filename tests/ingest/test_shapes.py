"""Record shapes: each real shape is recognised per record and parsed into a PaperRecord."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from paperfeed.ingest.records import RecordError
from paperfeed.ingest.shapes import detect_shape, parse_record, repair_float_id, split_authors


def records(fixture_lines, name):
    return [json.loads(line) for line in fixture_lines(name)]


def test_each_fixture_file_is_recognised_as_its_shape(fixture_lines):
    assert {detect_shape(r) for r in records(fixture_lines, "hf_daily_papers.jsonl")} == {"hf"}
    assert {detect_shape(r) for r in records(fixture_lines, "arxiv_cs_2025_2026.jsonl")} == {"arxiv"}
    assert {detect_shape(r) for r in records(fixture_lines, "arxiv_1990_2019.jsonl")} == {"arxiv"}
    assert {detect_shape(r) for r in records(fixture_lines, "kaggle_arxiv_snapshot.jsonl")} == {"kaggle"}


def test_unknown_shape_is_rejected_with_the_keys_it_found():
    with pytest.raises(RecordError, match=r"unknown record shape.*keys found: name, stars"):
        parse_record({"name": "x", "stars": 3})
    with pytest.raises(RecordError, match="expected a JSON object, got list"):
        parse_record([1, 2])


def test_hf_record_before_submittedOnDailyAt_is_listed_on_the_day_of_the_top_level_publishedAt(fixture_lines):
    raw = records(fixture_lines, "hf_daily_papers.jsonl")[0]
    assert "submittedOnDailyAt" not in raw["paper"]
    record = parse_record(raw)
    assert record.arxiv_id == "2405.14979"
    assert record.listing.date == date(2024, 5, 27)
    assert record.listing.submitted_at == datetime(2024, 5, 27, 1, 54, 21, 728000, tzinfo=UTC)
    # The paper's own publishedAt is the arXiv date.
    assert record.published == datetime(2024, 5, 23, 18, 30, 12, tzinfo=UTC)
    assert record.source_updated == datetime(2024, 5, 27, tzinfo=UTC)
    assert record.upvotes == 9 and record.num_comments == 2
    # The old "mediaUrl" is the social thumbnail.
    assert record.thumbnail == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.14979.png"


def test_hf_record_with_submittedOnDailyAt_is_listed_on_that_day(fixture_lines):
    raw = next(r for r in records(fixture_lines, "hf_daily_papers.jsonl") if r["paper"]["id"] == "2503.10632")
    record = parse_record(raw)
    submitted = raw["paper"]["submittedOnDailyAt"]
    assert record.listing.date.isoformat() == submitted[:10] == raw["_snapshot"]
    assert record.listing.date.isoformat() != raw["publishedAt"][:10]
    assert record.listing.submitted_by.username == raw["submittedBy"]["name"]
    assert record.github_repo == "https://github.com/MaitySubhajit/KArAt"
    assert record.project_page == "https://subhajitmaity.me/KArAt"
    assert record.ai_keywords == raw["paper"]["ai_keywords"]


def test_hf_authors_keep_order_hidden_status_and_claiming_user_with_absolute_avatar(fixture_lines):
    raw = records(fixture_lines, "hf_daily_papers.jsonl")[0]
    record = parse_record(raw)
    assert [a.name for a in record.authors] == [a["name"] for a in raw["paper"]["authors"]]
    first = record.authors[0]
    assert first.status == "extracted_pending" and first.hidden is False
    assert first.user.username == "wyysf"
    assert first.user.fullname == "weiyuli"
    assert first.user.avatar_url == "https://huggingface.co/avatars/595ecfea802c6faed50e031d442f1639.svg"
    assert record.authors[1].user is None


def test_hf_organization_and_media_urls_are_kept(fixture_lines):
    raw = next(r for r in records(fixture_lines, "hf_daily_papers.jsonl") if r["paper"]["id"] == "2510.02297")
    record = parse_record(raw)
    assert record.organization["name"] == "yuntian-group"
    assert record.media_urls == raw["mediaUrls"]
    assert record.ai_summary == raw["paper"]["ai_summary"]


def test_recent_arxiv_shape_uses_the_listed_day(fixture_lines):
    raw = records(fixture_lines, "arxiv_cs_2025_2026.jsonl")[1]
    record = parse_record(raw)
    assert record.arxiv_id == "2503.11685"
    assert record.authors[0].name == "Omkar Kokane" and len(record.authors) == 9
    assert record.categories == ["cs.AR", "cs.CV", "eess.IV"]
    assert record.source_updated == record.published == datetime(2025, 3, 18, tzinfo=UTC)
    assert record.comments is None


def test_old_arxiv_shape_splits_the_author_string_and_reads_created_and_doi(fixture_lines):
    raw = records(fixture_lines, "arxiv_1990_2019.jsonl")[0]
    record = parse_record(raw)
    assert [a.name for a in record.authors] == ["Paul Ginsparg", "Sheldon Glashow"]
    assert record.published == datetime(1986, 4, 25, tzinfo=UTC)
    assert record.doi == "10.1063/1.2814991"


def test_kaggle_shape_reads_versions_parsed_authors_and_journal_ref(fixture_lines):
    raw = records(fixture_lines, "kaggle_arxiv_snapshot.jsonl")[0]
    record = parse_record(raw)
    assert record.arxiv_id == "0704.0001"
    assert record.version == 2
    assert record.published == datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)
    assert record.updated == datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC)
    assert record.source_updated == datetime(2008, 11, 13, tzinfo=UTC)
    assert [a.name for a in record.authors] == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert record.categories == ["hep-ph"]
    assert record.journal_ref == "Phys.Rev.D76:013009,2007"
    assert record.comments == "37 pages, 15 figures; published version"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Paul Ginsparg, Sheldon Glashow", ["Paul Ginsparg", "Sheldon Glashow"]),
        (
            "Michael I. Eides, Howard Grotch, and Valery A. Shelyuto",
            ["Michael I. Eides", "Howard Grotch", "Valery A. Shelyuto"],
        ),
        ("Engin Arik, and Saleh Sultansoy", ["Engin Arik", "Saleh Sultansoy"]),
        ("Ileana Streinu and Louis Theran", ["Ileana Streinu", "Louis Theran"]),
        ("A. Smith (MIT, Cambridge), B. Jones", ["A. Smith (MIT, Cambridge)", "B. Jones"]),
        ("A. Smith (Physics and Astronomy), B. Jones", ["A. Smith (Physics and Astronomy)", "B. Jones"]),
        ("John Smith, Jr., Ann Lee", ["John Smith, Jr.", "Ann Lee"]),
        ("Jr-Shin Li, Justin Ruths", ["Jr-Shin Li", "Justin Ruths"]),
        ("Alexandra Anderson,\n  Brandon Sanders", ["Alexandra Anderson", "Brandon Sanders"]),
    ],
)
def test_author_strings_are_split_into_names(text, names):
    assert split_authors(text) == names


@pytest.mark.parametrize(
    ("mangled", "repaired"),
    [
        ("704.0002", "0704.0002"),
        ("704.004", "0704.0040"),
        ("1001.001", "1001.0010"),
        ("1501.0757199999998", "1501.07572"),
        ("1502.0765099999999", "1502.07651"),
        ("hep-th/9901001", None),
    ],
)
def test_ids_that_went_through_a_float_are_repaired(mangled, repaired):
    assert repair_float_id(mangled) == repaired


def test_a_float_mangled_id_in_a_dump_parses_as_the_real_id(fixture_lines):
    raw = records(fixture_lines, "arxiv_1990_2019.jsonl")[-1]
    assert raw["id"] == "704.0002"
    assert parse_record(raw).arxiv_id == "0704.0002"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "missing arXiv id"),
        ({"title": "  "}, "missing title"),
        ({"id": "2413.00001"}, "invalid arXiv id"),
        ({"id": "not-an-id"}, "invalid arXiv id"),
        ({"listed": "yesterday"}, "'listed' is not a date"),
        ({"authors": [1, 2]}, "'authors' must be a list of strings"),
    ],
)
def test_bad_records_are_rejected_with_a_reason(fixture_lines, change, reason):
    raw = {**records(fixture_lines, "arxiv_cs_2025_2026.jsonl")[0], **change}
    with pytest.raises(RecordError, match=reason):
        parse_record(raw)
