"""arXiv ids: whatever people paste is understood, anything else is refused with a reason."""

import pytest

from paperfeed.papers.arxiv_ids import InvalidArxivId, is_valid_arxiv_id, parse_arxiv_id


@pytest.mark.parametrize(
    ("text", "canonical", "version"),
    [
        ("2411.01234", "2411.01234", None),
        ("2411.01234v2", "2411.01234", 2),
        ("  2411.01234  ", "2411.01234", None),
        ("arXiv:2411.01234", "2411.01234", None),
        ("https://arxiv.org/abs/2411.01234", "2411.01234", None),
        ("https://arxiv.org/abs/2411.01234v3", "2411.01234", 3),
        ("http://arxiv.org/pdf/2411.01234v1", "2411.01234", 1),
        ("https://arxiv.org/pdf/2411.01234.pdf", "2411.01234", None),
        ("arxiv.org/abs/2411.01234?context=cs", "2411.01234", None),
        ("https://export.arxiv.org/abs/2411.01234", "2411.01234", None),
        ("0704.0001", "0704.0001", None),
        ("hep-th/9901001", "hep-th/9901001", None),
        ("hep-th/9901001v2", "hep-th/9901001", 2),
        ("https://arxiv.org/abs/math/0309136", "math/0309136", None),
        ("math.GT/0309136", "math/0309136", None),
    ],
)
def test_accepts_ids_versions_and_urls(text, canonical, version):
    parsed = parse_arxiv_id(text)
    assert parsed.id == canonical
    assert parsed.version == version


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Enter an arXiv id"),
        ("hello", "is not an arXiv id"),
        ("2413.01234", "month 13 does not exist"),
        ("1412.12345", "5-digit numbers start in 2015"),
        ("2411.123", "is not an arXiv id"),
        ("https://example.com/abs/2411.01234", "is not an arXiv id"),
        ("2411.01234; DROP TABLE papers", "is not an arXiv id"),
        ("2411.01234v1234567", "the version number is too large"),
        ("2411.01234v" + "9" * 5000, "the version number is too large"),
    ],
)
def test_refuses_malformed_ids_with_a_reason(text, reason):
    with pytest.raises(InvalidArxivId, match=reason):
        parse_arxiv_id(text)


def test_long_garbage_is_shortened_in_the_message():
    with pytest.raises(InvalidArxivId) as error:
        parse_arxiv_id("x" * 5000)
    assert len(str(error.value)) < 300


def test_is_valid_arxiv_id():
    assert is_valid_arxiv_id("2501.00001v4")
    assert not is_valid_arxiv_id("not-an-id")
