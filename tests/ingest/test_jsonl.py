"""Reading JSON Lines files: plain, gzip and xz, with line numbers that match the file."""

from __future__ import annotations

import lzma

import pytest

from paperfeed.ingest.jsonl import JsonlFile, in_background


@pytest.mark.parametrize("name", ["papers.jsonl", "papers.jsonl.gz", "papers.jsonl.xz"])
def test_lines_are_numbered_from_one_and_blank_lines_are_skipped(write_jsonl, name):
    path = write_jsonl(name, ['{"a": 1}', "", '{"b": 2}', "   ", '{"c": 3}'])
    assert list(JsonlFile(path).lines()) == [(1, b'{"a": 1}'), (3, b'{"b": 2}'), (5, b'{"c": 3}')]


def test_a_last_line_without_newline_is_read(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}')
    assert list(JsonlFile(path).lines()) == [(1, b'{"a": 1}'), (2, b'{"b": 2}')]


def test_lines_longer_than_a_read_chunk_are_kept_whole(write_jsonl):
    long = '{"abstract": "' + "x" * 3_000_000 + '"}'
    path = write_jsonl("long.jsonl.xz", ['{"a": 1}', long, '{"b": 2}'])
    lines = list(JsonlFile(path).lines())
    assert [n for n, _ in lines] == [1, 2, 3]
    assert lines[1][1] == long.encode()


def test_a_truncated_xz_file_raises_after_the_readable_lines(tmp_path):
    data = lzma.compress(b"".join(b'{"n": %d}\n' % i for i in range(50_000)))
    path = tmp_path / "cut.jsonl.xz"
    path.write_bytes(data[: len(data) // 2])
    seen = []
    with pytest.raises(EOFError):
        for number, _ in JsonlFile(path).lines():
            seen.append(number)
    assert seen == list(range(1, len(seen) + 1))


def test_a_missing_file_is_reported_before_reading(tmp_path):
    with pytest.raises(FileNotFoundError):
        JsonlFile(tmp_path / "nope.jsonl")


def test_background_iteration_passes_items_and_errors_through():
    def produce():
        yield 1
        yield 2
        raise ValueError("broken")

    seen = []
    with pytest.raises(ValueError, match="broken"):
        for item in in_background(produce(), queued=1):
            seen.append(item)
    assert seen == [1, 2]


def test_stopping_early_stops_the_background_thread():
    produced = []

    def produce():
        for i in range(1_000_000):
            produced.append(i)
            yield i

    iterator = in_background(produce(), queued=2)
    assert next(iterator) == 0
    iterator.close()
    assert len(produced) < 10
