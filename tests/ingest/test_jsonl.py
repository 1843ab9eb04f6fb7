"""Reading JSON Lines files: plain, gzip and xz, with line numbers that match the file."""

from __future__ import annotations

import gzip
import lzma
import zlib

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


@pytest.mark.parametrize("xz_program", [True, False], ids=["xz program", "python lzma"])
def test_a_truncated_xz_file_raises_after_the_readable_lines(tmp_path, monkeypatch, xz_program):
    from paperfeed.ingest import jsonl

    if not xz_program:
        monkeypatch.setattr(jsonl, "xz_command", lambda: None)
    data = lzma.compress(b"".join(b'{"n": %d}\n' % i for i in range(400_000)))  # several read chunks
    path = tmp_path / "cut.jsonl.xz"
    path.write_bytes(data[: len(data) // 2])
    seen = []
    with pytest.raises(EOFError):
        for number, _ in JsonlFile(path).lines():
            seen.append(number)
    assert seen and seen == list(range(1, len(seen) + 1))


@pytest.mark.parametrize("suffix", ["gz", "xz"])
def test_a_cut_compressed_file_gives_every_complete_line_before_the_cut(tmp_path, monkeypatch, suffix):
    from paperfeed.ingest import jsonl

    monkeypatch.setattr(jsonl, "xz_command", lambda: None)
    text = b"".join(b'{"n": %d}\n' % i for i in range(400_000))
    whole = gzip.compress(text) if suffix == "gz" else lzma.compress(text)
    cut = whole[: len(whole) * 2 // 3]
    path = tmp_path / f"cut.jsonl.{suffix}"
    path.write_bytes(cut)
    decoder = zlib.decompressobj(wbits=31) if suffix == "gz" else lzma.LZMADecompressor()
    complete = decoder.decompress(cut).count(b"\n")
    seen = []
    with pytest.raises(EOFError):
        for number, _ in JsonlFile(path).lines():
            seen.append(number)
    assert seen == list(range(1, complete + 1))


def test_concatenated_gz_members_and_xz_streams_are_read_whole(tmp_path, monkeypatch):
    from paperfeed.ingest import jsonl

    monkeypatch.setattr(jsonl, "xz_command", lambda: None)
    (tmp_path / "two.jsonl.gz").write_bytes(gzip.compress(b'{"a": 1}\n') + gzip.compress(b'{"b": 2}\n'))
    (tmp_path / "two.jsonl.xz").write_bytes(lzma.compress(b'{"a": 1}\n') + lzma.compress(b'{"b": 2}\n'))
    for name in ("two.jsonl.gz", "two.jsonl.xz"):
        assert list(JsonlFile(tmp_path / name).lines()) == [(1, b'{"a": 1}'), (2, b'{"b": 2}')]


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


def test_xz_files_are_decoded_by_the_xz_program_where_there_is_one(write_jsonl, monkeypatch):
    from paperfeed.ingest import jsonl

    assert jsonl.xz_command() is not None, "these tests expect the xz program (xz-utils) on this machine"
    lines = [{"n": n, "text": "x" * (n % 50)} for n in range(30_000)]
    path = write_jsonl("many.jsonl.xz", lines)
    started: list[list[str]] = []
    real_popen = jsonl.subprocess.Popen

    def spy(args, **options):
        started.append(list(args))
        return real_popen(args, **options)

    monkeypatch.setattr(jsonl.subprocess, "Popen", spy)
    source = JsonlFile(path)
    progress = []
    read = []
    for number, line in source.lines():
        read.append((number, line))
        if number % 10_000 == 0:
            progress.append(source.bytes_read)
    assert started and started[0][1:3] == ["--decompress", "--stdout"]
    monkeypatch.setattr(jsonl, "xz_command", lambda: None)  # the same file decoded by lzma here
    assert read == list(JsonlFile(path).lines())
    assert 0 < progress[0] <= progress[-1] <= source.size  # how far xz has read the file


def test_an_xz_file_that_is_not_xz_data_raises_a_decoding_error(tmp_path):
    path = tmp_path / "bad.jsonl.xz"
    path.write_bytes(b"this is not xz data at all\n" * 100)
    with pytest.raises(lzma.LZMAError):
        list(JsonlFile(path).lines())


def test_stopping_early_ends_the_xz_process(write_jsonl):
    import gc
    import time

    path = write_jsonl("many.jsonl.xz", [{"n": n} for n in range(200_000)])
    lines = JsonlFile(path).lines()
    next(lines)
    xz_pids = _children_named("xz")
    assert xz_pids
    lines.close()
    gc.collect()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and set(_children_named("xz")) & set(xz_pids):
        time.sleep(0.05)
    assert not set(_children_named("xz")) & set(xz_pids)


def _children_named(name: str) -> list[int]:
    import os

    found = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as children:
            for pid in children.read().split():
                try:
                    with open(f"/proc/{pid}/comm") as comm:
                        if comm.read().strip() == name:
                            found.append(int(pid))
                except FileNotFoundError:
                    pass
    return found
