"""`paperfeed index rebuild|status|catch-up` and what survives a crash mid-update."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from paperfeed.search import sync
from paperfeed.search.public import search_papers


def run(*args) -> str:
    out = StringIO()
    call_command("index", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_status_before_any_build_says_to_rebuild(search_backend, make_search_paper):
    make_search_paper("A paper about lattices", "Lattice cryptography.")
    out = run("status")
    assert "(no index yet)" in out
    assert "run `paperfeed index rebuild`" in out


def test_rebuild_then_status_reports_counts_and_up_to_date(search_backend, make_search_paper):
    for i in range(3):
        make_search_paper(f"Lattice paper {i}", "Lattice cryptography.")
    assert "Rebuilt the index with 3 papers" in run("rebuild")
    out = run("status")
    assert "documents:        3 (vectors: 3)" in out
    assert "stale:            0" in out
    assert "Up to date." in out
    make_search_paper("One more lattice paper", "Lattice cryptography.")
    assert "stale:            1" in run("status")
    assert "Indexed 1 papers" in run("catch-up")
    assert "Up to date." in run("status")


def test_a_crash_while_writing_vectors_leaves_the_index_usable(settings, make_search_paper, monkeypatch):
    settings.SEARCH_BACKEND = "local"
    make_search_paper("Lattice cryptography basics", "Learning with errors.")
    sync.rebuild()
    make_search_paper("Isogeny cryptography", "Supersingular isogeny graphs.")

    from paperfeed.search.backends import local_generation

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(local_generation, "save_segment", crash)
    with pytest.raises(OSError):
        sync.catch_up()
    monkeypatch.undo()
    hits, _ = search_papers("lattice cryptography")
    assert hits and hits[0].paper.title == "Lattice cryptography basics"
    # Keywords are written before vectors: the new paper is found by its words already.
    assert search_papers("isogeny", mode="keyword")[0][0].paper.title == "Isogeny cryptography"
    status = sync.status()
    assert (status.stale, status.vectors_pending) == (0, 1)  # the vector watermark did not move
    out = run("status")
    assert "interrupted:      an update of 1 papers" in out
    assert "To do: run `paperfeed index catch-up` (it embeds the 1 papers without vectors)" in out
    sync.catch_up()
    assert search_papers("isogeny")[0][0].paper.title == "Isogeny cryptography"
    assert sync.status().stale == 0
    assert "interrupted" not in run("status")
    assert "Up to date." in run("status")


def test_catch_up_adds_a_small_segment_and_leaves_the_base_vector_file_alone(settings, make_search_paper):
    settings.SEARCH_BACKEND = "local"
    for i in range(3):
        make_search_paper(f"Lattice paper {i}", "Lattice cryptography.")
    sync.rebuild()
    from paperfeed.search.backends import get_backend

    directory = get_backend().live.directory
    base = sorted(directory.glob("vectors-*.npy"))
    assert len(base) == 1
    before = base[0].stat()
    make_search_paper("Isogeny cryptography", "Supersingular isogeny graphs.")
    sync.catch_up()
    after = base[0].stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert len(list(directory.glob("segment-*.npz"))) == 1
    assert "vector segments:  1" in run("status")
    assert search_papers("supersingular isogeny", mode="dense")[0][0].paper.title == "Isogeny cryptography"


def test_segments_are_folded_into_the_base_once_they_grow(settings, make_search_paper, monkeypatch):
    settings.SEARCH_BACKEND = "local"
    from paperfeed.search.backends import get_backend, vectors

    monkeypatch.setattr(vectors, "COMPACT_MIN_ROWS", 2)
    make_search_paper("Lattice cryptography basics", "Learning with errors.")
    sync.rebuild()
    make_search_paper("Isogeny cryptography", "Supersingular isogeny graphs.")
    sync.catch_up()  # one row in segments: below the threshold
    assert get_backend().state().segments == 1
    make_search_paper("Code-based cryptography", "McEliece with Goppa codes.")
    sync.catch_up()  # two rows: folded into a new base
    state = get_backend().state()
    assert state.segments == 0 and state.vectors == 3
    directory = get_backend().live.directory
    assert not list(directory.glob("segment-*")) and len(list(directory.glob("vectors-*.npy"))) == 1
    assert search_papers("goppa codes mceliece")[0][0].paper.title == "Code-based cryptography"


def test_searches_use_the_old_index_while_a_rebuild_is_in_progress(settings, make_search_paper):
    settings.SEARCH_BACKEND = "local"
    make_search_paper("Lattice cryptography basics", "Learning with errors.")
    sync.rebuild()
    from paperfeed.search.backends import get_backend
    from paperfeed.search.embedding import get_embedder

    backend = get_backend()
    embedder = get_embedder()
    builder = backend.begin_rebuild(embedder.name, embedder.dim)  # an interrupted rebuild
    assert search_papers("lattice")[0][0].paper.title == "Lattice cryptography basics"
    assert builder.state().documents == 0
    sync.rebuild()  # a later rebuild clears the abandoned one
    assert search_papers("lattice")[0][0].paper.title == "Lattice cryptography basics"


def test_ingest_makes_new_papers_searchable_incrementally(
    settings, search_backend, make_search_paper, tmp_path
):
    settings.SEARCH_INDEX_ON_INGEST = True
    make_search_paper("Lattice cryptography basics", "Learning with errors.")
    sync.rebuild()
    dump = tmp_path / "papers.jsonl"
    dump.write_text(
        '{"id": "2503.11677", "title": "Isogeny graphs for post-quantum signatures",'
        ' "authors": ["Ada Lovelace"], "abstract": "Supersingular isogeny graphs.",'
        ' "categories": ["cs.CR"], "comment": null, "listed": "2025-03-18"}\n'
    )
    err = StringIO()
    call_command("ingest", "file", str(dump), stdout=StringIO(), stderr=err)
    assert "Updating the search index" in err.getvalue()
    assert sync.status().stale == 0
    hits, _ = search_papers("isogeny signatures")
    assert hits[0].paper.arxiv_id == "2503.11677"


def test_ingest_can_leave_the_index_alone(settings, search_backend, make_search_paper, tmp_path):
    settings.SEARCH_INDEX_ON_INGEST = True
    make_search_paper("Lattice cryptography basics", "Learning with errors.")
    sync.rebuild()
    dump = tmp_path / "papers.jsonl"
    dump.write_text(
        '{"id": "2503.11677", "title": "Isogeny graphs", "authors": ["Ada Lovelace"],'
        ' "abstract": "Supersingular isogeny graphs.", "categories": ["cs.CR"], "comment": null,'
        ' "listed": "2025-03-18"}\n'
    )
    call_command("ingest", "file", str(dump), "--no-index", stdout=StringIO(), stderr=StringIO())
    assert sync.status().stale == 1


def test_a_reader_whose_segments_were_compacted_away_reads_the_new_files(
    settings, make_search_paper, monkeypatch
):
    settings.SEARCH_BACKEND = "local"
    from paperfeed.search.backends import get_backend, vectors
    from paperfeed.search.backends.local import LocalGeneration

    make_search_paper("Lattice cryptography basics", "Learning with errors.")
    sync.rebuild()
    make_search_paper("Isogeny cryptography", "Supersingular isogeny graphs.")
    sync.catch_up()
    directory = get_backend().live.directory
    reader = LocalGeneration(directory)  # another process: has read meta.json, not the vectors yet
    assert reader.meta["segments"]
    monkeypatch.setattr(vectors, "COMPACT_MIN_ROWS", 1)
    make_search_paper("Code-based cryptography", "McEliece with Goppa codes.")
    sync.catch_up()  # compacts: the segment the reader knows of is deleted
    assert not list(directory.glob("segment-*"))
    assert len(reader.vectors) == 3
