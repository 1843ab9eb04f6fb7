"""Reading OAI-PMH ListRecords pages in arXiv's ``arXiv`` metadata format."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fake_arxiv import fixture_bytes
from paperfeed.ingest import oaipmh


def test_a_page_yields_one_record_per_paper_with_its_metadata():
    page = oaipmh.parse_list_records(fixture_bytes("oai/page1.xml"))

    assert [r.arxiv_id for r in page.records] == ["2503.12028", "2503.12229", "2503.12260"]
    first = page.records[0]
    assert first.title == "Challenges in Plane Symmetry: From Theory to Perception"
    assert [a.name for a in first.authors] == ["F. Çengel", "V. Adanova", "S. Tari"]
    assert first.categories == ["cs.CV"]
    assert first.published == datetime(2025, 3, 15, tzinfo=UTC)
    assert first.updated == first.published  # no <updated>: only one version so far
    assert first.source_updated == datetime(2025, 3, 18, tzinfo=UTC)  # the header datestamp
    assert first.abstract.startswith("The planar ornaments are created")
    assert first.abstract.endswith("do not match to what the theory dictates.")
    assert first.extra == {"license": "http://creativecommons.org/licenses/by/4.0/"}
    assert first.comments is None and first.journal_ref is None and first.doi is None


def test_wrapped_titles_are_joined_and_non_arxiv_classes_kept_as_categories():
    record = oaipmh.parse_list_records(fixture_bytes("oai/page1.xml")).records[2]

    assert record.title == (
        "Enhancing Facial Expression Recognition through Dual-Direction Attention "
        "Mixed Feature Networks and CLIP: Application to 8th ABAW Challenge"
    )
    assert record.categories == ["cs.CV", "I.4"]
    assert [a.name for a in record.authors][1] == "Elena Ortega-Beltrán"


def test_the_resumption_token_and_list_size_are_read():
    page = oaipmh.parse_list_records(fixture_bytes("oai/page1.xml"))

    assert page.resumption_token == "6923710|4"
    assert page.complete_list_size == 8
    assert page.cursor == 0


def test_an_empty_resumption_token_marks_the_last_page():
    page = oaipmh.parse_list_records(fixture_bytes("oai/page3.xml"))

    assert page.resumption_token == ""
    assert page.cursor == 6
    assert len(page.records) == 2


def test_deleted_records_are_counted_not_returned():
    page = oaipmh.parse_list_records(fixture_bytes("oai/page2.xml"))

    assert page.deleted == ["2503.12901"]
    assert [r.arxiv_id for r in page.records] == ["2503.12627", "2503.13045"]
    assert page.size == 3


def test_updated_dates_and_wrapped_comments():
    page = oaipmh.parse_list_records(fixture_bytes("oai/page2.xml"))
    misinformation, retrieval = page.records

    assert misinformation.comments == (
        "First prize winner in the Smart City Challenge in the 16th ACM "
        "international WSDM conference(WSDM), 2023"
    )
    assert retrieval.published == datetime(2025, 3, 17, tzinfo=UTC)
    assert retrieval.updated == datetime(2025, 3, 18, tzinfo=UTC)


def test_author_names_are_forenames_keyname_suffix_and_collaborations_stay_whole():
    page = oaipmh.parse_list_records(fixture_bytes("oai/physics_single_page.xml"))
    record = page.records[0]

    assert record.arxiv_id == "hep-th/9901001"
    names = [a.name for a in record.authors]
    assert names == ["John A. Smith Jr", "The ATLAS Collaboration", "María de la Cruz"]
    assert record.journal_ref == "Nucl.Phys. B548 (1999) 173-195"
    assert record.doi == "10.1016/S0550-3213(99)00142-1"
    assert record.title == "Boundary States and Brane Charges in Type II String Theory"


def test_a_record_without_a_title_is_skipped_with_the_reason():
    page = oaipmh.parse_list_records(fixture_bytes("oai/physics_single_page.xml"))

    assert [r.arxiv_id for r in page.records] == ["hep-th/9901001"]
    assert page.skipped == [("hep-th/9901002", "record without <title>")]


def test_no_records_match_is_an_oai_error_with_its_code():
    with pytest.raises(oaipmh.OaiError) as caught:
        oaipmh.parse_list_records(fixture_bytes("oai/no_records_match.xml"))

    assert caught.value.code == "noRecordsMatch"
    assert "empty list" in caught.value.message


def test_bad_argument_carries_the_repository_message():
    with pytest.raises(oaipmh.OaiError) as caught:
        oaipmh.parse_list_records(fixture_bytes("oai/bad_argument.xml"))

    assert caught.value.code == "badArgument"
    assert caught.value.message == "Invalid set specification: nosuchset"


def test_a_truncated_page_is_malformed():
    body = fixture_bytes("oai/page2.xml")

    with pytest.raises(oaipmh.MalformedPage, match="not well-formed XML"):
        oaipmh.parse_list_records(body[: len(body) // 2])


def test_xml_that_is_not_oai_pmh_is_malformed():
    with pytest.raises(oaipmh.MalformedPage, match="not an OAI-PMH response"):
        oaipmh.parse_list_records(b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>')


def test_the_first_request_names_the_window_and_later_ones_only_the_token():
    assert oaipmh.list_records_params(date(2025, 3, 18), date(2025, 3, 19), "cs") == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "from": "2025-03-18",
        "until": "2025-03-19",
        "set": "cs",
    }
    assert oaipmh.list_records_params(date(2025, 3, 18), None) == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "from": "2025-03-18",
    }
    assert oaipmh.resume_params("6923710|4") == {"verb": "ListRecords", "resumptionToken": "6923710|4"}
