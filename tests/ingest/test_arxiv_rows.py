"""Plain arXiv lines go straight to prepared rows, giving exactly what the general path gives."""

from __future__ import annotations

import lzma
from itertools import islice
from pathlib import Path

import orjson
import pytest

from paperfeed.ingest.arxiv_rows import PlainArxivRows
from paperfeed.ingest.records import RecordError
from paperfeed.ingest.shapes import parse_record
from paperfeed.ingest.store import prepare_record
from paperfeed.papers.arxiv_ids import InvalidArxivId

FIXTURES = Path(__file__).parent / "fixtures"
REAL_ARXIV = Path(__file__).resolve().parents[3] / "shared" / "data" / "arxiv_1990_2019.jsonl.xz"
REAL_LINES = 5000


def prepare_plain_arxiv(data):
    """What the direct path gives for one line (an import keeps one maker for all its lines)."""
    return PlainArxivRows()(data)


def general(data):
    """What the general path gives: the prepared rows, or the error it raises."""
    try:
        return prepare_record(parse_record(data))
    except (RecordError, InvalidArxivId) as error:
        return error


def assert_same_as_general(lines) -> int:
    """Every line the direct path takes gives the general path's rows; return how many it took."""
    taken = 0
    for line in lines:
        data = orjson.loads(line)
        direct = prepare_plain_arxiv(data)
        if direct is None:
            continue
        taken += 1
        assert direct == general(data), line
    return taken


@pytest.mark.parametrize("name", ["arxiv_1990_2019.jsonl", "arxiv_cs_2025_2026.jsonl"])
def test_every_line_of_the_arxiv_fixtures_takes_the_direct_path_with_the_same_rows(name):
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    assert assert_same_as_general(lines) == len(lines)


@pytest.mark.parametrize("name", ["hf_daily_papers.jsonl", "kaggle_arxiv_snapshot.jsonl"])
def test_other_shapes_are_left_to_the_general_path(name):
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    assert assert_same_as_general(lines) == 0


EDGE_CASES = [
    {"id": "2411.01234v3", "title": "Versioned", "authors": "A. One and B. Two, Jr.", "listed": "2024-11-04"},
    {"id": 704.0002, "title": "Float id", "authors": ["  ", "C  Three"], "created": "2007-04-01"},
    {"id": "1501.0757199999998", "title": "Mangled id", "authors": "", "categories": "cs.LG  stat.ML"},
    {
        "id": "2001.00001",
        "title": "  Wrapped\n  title\x00 ",
        "abstract": "Code at https://github.com/owner/repo. and https://owner.github.io/page",
        "comment": "see\nhttps://github.com/Other/Thing/tree/main",
        "categories": ["a" * 200, "b" * 150],
        "journal_ref": " J.\n Phys ",
        "doi": "  10.1/x  ",
        "updated": "2020-02-03T04:05:06-02:00",
        "published": "2020-01-01T00:00:00",
    },
    {"id": "2001.00002", "title": "Comments key", "comments": "github.com/a/b", "authors": None},
    {"id": "math/9201239", "title": "Old style", "authors": "X (Uni A, B), Y & Z"},
    # Ids that parse_arxiv_id rewrites or reads a version from, and forms only it understands.
    {"id": "math.GT/0309136v2", "title": "Subject class", "authors": "Ann Lee, Jr., Bo Li"},
    {"id": "hep-th/9901001v0", "title": "Version zero", "authors": ["Ann\tLee", " "]},
    {"id": " 2411.01234 ", "title": "Padded id", "created": "2024-11-01T10:00:00+02:00"},
    {"id": "arXiv:2411.01234v12", "title": "Prefixed", "listed": "2024-11-04", "updated": "2024-11-04"},
    {"id": "https://arxiv.org/abs/1501.00001", "title": "A link", "comments": None, "comment": "c"},
    {"id": "0704.0001", "title": "Same day twice", "created": "2007-04-02", "listed": "2007-04-02"},
    {
        "id": "2412.99999",
        "title": "Spaces\u00a0everywhere\u2003and\x1cseparators",
        "abstract": "\u00a0Non-ASCII\u3000spaces",
        "categories": [" cs.LG", "", "stat.ML "],
        "authors": "Alexander Sandberg, and Fernando Anders",
        "journal_ref": "J.\tPhys",
        "doi": "10.1/y",
    },
    {"id": "2412.00001", "title": "Categories as text", "categories": "cs.LG   cs.AI", "abstract": ""},
    {"id": "1412.12345", "title": "Five digits before 2015, read as a float-mangled id"},
]
BAD_LINES = [
    {"id": "2001.00003", "title": "   "},
    {"id": "not an id", "title": "Bad id"},
    {"id": "2001.00004", "title": "Bad date", "created": "yesterday"},
    {"id": "2001.00005", "title": "Bad authors", "authors": [1, 2]},
    {"id": "2001.00006", "title": "Bad abstract", "abstract": 5},
    {"id": "2413.0001", "title": "Month 13"},
    {"id": "2001.00007", "title": "Bad categories", "categories": ["cs.LG", 5]},
    {"id": "2001.00008", "title": "Bad doi", "doi": 10.1},
    {"id": "2001.00009", "title": "Bad comment", "comment": ["x"]},
    {"id": "2001.00010", "title": "Bad update", "updated": 20200101},
]


@pytest.mark.parametrize("data", EDGE_CASES, ids=lambda d: str(d["title"]).strip())
def test_edge_cases_give_the_same_rows_as_the_general_path(data):
    direct = prepare_plain_arxiv(data)
    assert direct is not None
    assert direct == general(data)


@pytest.mark.parametrize("data", BAD_LINES, ids=lambda d: d["title"].strip() or "blank")
def test_bad_lines_are_left_to_the_general_path_which_reports_them(data):
    assert prepare_plain_arxiv(data) is None
    assert isinstance(general(data), RecordError | InvalidArxivId)


FLOAT_MANGLED_IDS = [
    "704.0002", "704.004", "704.04", "705.2", 704.0021, 1501.07572, "1501.0757199999998",
    "912.9999", "1412.123456", "1501.999999", "999.0001", "813.05", "1502.0765099999999v2",
]  # fmt: skip


@pytest.mark.parametrize("raw_id", FLOAT_MANGLED_IDS, ids=str)
def test_float_mangled_ids_are_repaired_as_the_general_path_repairs_them_or_refused_likewise(raw_id):
    data = {"id": raw_id, "title": "A paper", "created": "2015-01-02"}
    direct = prepare_plain_arxiv(data)
    assert direct == (general(data) if direct is not None else None)
    if direct is None:
        assert isinstance(general(data), RecordError | InvalidArxivId)


@pytest.mark.skipif(not REAL_ARXIV.exists(), reason="the real arXiv dump is not here")
def test_the_first_lines_of_the_real_arxiv_dump_give_the_same_rows_both_ways():
    with lzma.open(REAL_ARXIV, "rt", encoding="utf-8") as lines:
        assert assert_same_as_general(islice(lines, REAL_LINES)) == REAL_LINES


def test_one_maker_for_many_lines_gives_each_line_its_own_rows():
    maker = PlainArxivRows()
    lines = [
        {"id": "2001.00001", "title": "A", "created": "2020-01-01"},
        {"id": "2001.00002", "title": "B", "created": "2020-01-01", "updated": "2020-02-02"},
        {"id": "2001.00003", "title": "C", "listed": "2020-01-01"},
    ]
    for data in lines * 2:  # the remembered dates serve later lines exactly
        assert maker(data) == general(data)
