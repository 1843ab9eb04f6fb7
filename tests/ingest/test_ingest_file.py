"""``paperfeed ingest file``: all shapes into the database, idempotent, merging, bad lines, --strict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from paperfeed.accounts.models import User
from paperfeed.ingest import store
from paperfeed.ingest.store import batches
from paperfeed.papers.models import Authorship, Listing, Paper

from .fixture_files import ALL_FIXTURES, FIXTURES


def row_counts() -> dict[str, int]:
    return {
        "papers": Paper.objects.count(),
        "authorships": Authorship.objects.count(),
        "listings": Listing.objects.count(),
        "users": User.objects.count(),
    }


def hf_line(fixture_lines, arxiv_id: str) -> dict:
    return next(
        json.loads(line) for line in fixture_lines("hf_daily_papers.jsonl") if f'"id": "{arxiv_id}"' in line
    )


@pytest.mark.django_db
def test_hf_file_creates_papers_listings_submitters_and_claimed_authors(ingest, fixture_lines):
    run = ingest(FIXTURES / "hf_daily_papers.jsonl")
    assert not run.failed, run.stderr
    assert "imported 12 papers from hf_daily_papers.jsonl" in run.stdout
    assert "12 new, 0 updated, 0 unchanged, 0 rejected" in run.stdout

    raw = hf_line(fixture_lines, "2405.14979")
    paper = Paper.objects.get(arxiv_id="2405.14979")
    assert paper.title == (
        "CraftsMan: High-fidelity Mesh Generation with 3D Native Generation and Interactive Geometry Refiner"
    )
    assert "\n" not in paper.abstract and "  " not in paper.abstract
    assert paper.imported_upvotes == paper.upvotes == 9
    assert paper.imported_comment_count == 2
    # Not in the record: found in the abstract ("HomePage: https://craftsman3d.github.io/, Code: ...").
    assert paper.github_repo == "https://github.com/wyysf-98/CraftsMan"
    assert paper.project_page == "https://craftsman3d.github.io/"
    names = list(paper.authorships.order_by("position").values_list("name", flat=True))
    assert names == [a["name"] for a in raw["paper"]["authors"]]
    claimed = paper.authorships.get(position=0).user
    assert claimed.username == "wyysf" and claimed.imported and not claimed.has_usable_password()
    assert claimed.avatar_url == "https://huggingface.co/avatars/595ecfea802c6faed50e031d442f1639.svg"

    listing = paper.listing
    assert listing.date == date(2024, 5, 27) and listing.imported
    assert listing.submitted_at == datetime(2024, 5, 27, 1, 54, 21, 728000, tzinfo=UTC)

    newer = Paper.objects.get(arxiv_id="2510.02297")
    raw = hf_line(fixture_lines, "2510.02297")
    assert newer.listing.date == date(2025, 10, 3)
    submitter = newer.listing.submitted_by
    assert submitter.username == raw["submittedBy"]["name"] and submitter.imported
    assert submitter.fullname == raw["submittedBy"]["fullname"]
    assert newer.organization["name"] == "yuntian-group"
    assert newer.ai_summary and newer.ai_keywords == raw["paper"]["ai_keywords"]
    assert newer.media_urls == raw["mediaUrls"]
    assert newer.github_repo == "https://github.com/yuntian-group/interactive-training"
    assert newer.github_stars == raw["paper"]["githubStars"]
    assert newer.thumbnail == raw["thumbnail"]


@pytest.mark.django_db
def test_arxiv_and_kaggle_files_fill_categories_comments_dates_and_dois(ingest):
    run = ingest(*ALL_FIXTURES[1:])
    assert not run.failed, run.stderr
    assert "total: 21 papers: 20 new, 1 updated" in run.stdout  # 704.0002 is updated by 0704.0002

    recent = Paper.objects.get(arxiv_id="2503.11892")
    assert recent.arxiv_comment == "Project website: https://taco-group.github.io/DecAlign/"
    assert recent.project_page == "https://taco-group.github.io/DecAlign/"
    assert recent.published == datetime(2025, 3, 18, tzinfo=UTC)
    assert not hasattr(recent, "listing") or not Listing.objects.filter(paper=recent).exists()

    old = Paper.objects.get(arxiv_id="physics/9403001")
    assert old.categories == "physics.pop-ph hep-th"
    assert old.doi == "10.1063/1.2814991"
    assert list(old.authorships.values_list("name", flat=True)) == ["Paul Ginsparg", "Sheldon Glashow"]
    three = Paper.objects.get(arxiv_id="hep-ph/0002158")
    assert three.authorships.count() == 3

    kaggle = Paper.objects.get(arxiv_id="0704.0001")
    assert kaggle.version == 2
    assert kaggle.journal_ref == "Phys.Rev.D76:013009,2007"
    assert kaggle.doi == "10.1103/PhysRevD.76.013009"
    assert (
        kaggle.title
        == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert kaggle.updated == datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC)
    # The float-mangled "704.0002" of the old dump and Kaggle's "0704.0002" are one paper.
    assert Paper.objects.filter(arxiv_id__endswith="704.0002").count() == 1
    assert Paper.objects.get(arxiv_id="0704.0002").categories == "math.CO cs.CG"


@pytest.mark.django_db
def test_importing_twice_changes_nothing_the_second_time(ingest):
    assert not ingest(*ALL_FIXTURES).failed
    before = row_counts()
    stamps = dict(Paper.objects.values_list("arxiv_id", "modified_at"))
    again = ingest(*ALL_FIXTURES)
    assert not again.failed
    assert row_counts() == before
    assert before["papers"] == 32 and before["listings"] == 12
    assert dict(Paper.objects.values_list("arxiv_id", "modified_at")) == stamps
    assert "0 new, 0 updated" in again.stdout.splitlines()[0]
    # No paper has two authors at one position, or gaps.
    for paper in Paper.objects.all():
        positions = list(paper.authorships.values_list("position", flat=True))
        assert positions == list(range(len(positions)))


@pytest.mark.django_db
def test_gz_and_xz_files_import_the_same_papers(ingest, write_jsonl, fixture_lines):
    lines = fixture_lines("arxiv_cs_2025_2026.jsonl")
    for name in ["a.jsonl.gz", "b.jsonl.xz"]:
        run = ingest(write_jsonl(name, lines))
        assert not run.failed
    assert Paper.objects.count() == len(lines)
    assert "0 new, 0 updated, 10 unchanged" in run.stdout


@pytest.mark.django_db
def test_a_newer_record_overwrites_and_an_older_one_only_fills_gaps(ingest, write_jsonl, fixture_lines):
    raw = hf_line(fixture_lines, "2503.10632")
    assert not ingest(write_jsonl("first.jsonl", [raw])).failed
    paper = Paper.objects.get(arxiv_id="2503.10632")
    assert paper.imported_upvotes == raw["paper"]["upvotes"]

    newer = json.loads(json.dumps(raw))
    newer["_snapshot"] = "2025-03-20"
    newer["paper"]["upvotes"] = 500
    newer["paper"]["title"] = "A Better Title"
    newer["paper"]["authors"] = newer["paper"]["authors"][:1]
    run = ingest(write_jsonl("newer.jsonl", [newer]))
    assert "0 new, 1 updated" in run.stdout
    paper.refresh_from_db()
    assert (paper.title, paper.imported_upvotes, paper.authorships.count()) == ("A Better Title", 500, 1)

    older = json.loads(json.dumps(raw))
    older["_snapshot"] = "2025-03-10"
    older["paper"]["upvotes"] = 1
    older["paper"]["title"] = "An Old Title"
    run = ingest(write_jsonl("older.jsonl", [older]))
    paper.refresh_from_db()
    assert (paper.title, paper.imported_upvotes, paper.authorships.count()) == ("A Better Title", 500, 1)
    assert "0 new, 0 updated, 1 unchanged" in run.stdout


@pytest.mark.django_db
def test_an_older_record_fills_empty_fields_and_missing_fields_never_erase(
    ingest, write_jsonl, fixture_lines
):
    hf = hf_line(fixture_lines, "2503.11514")
    assert not ingest(write_jsonl("hf.jsonl", [hf])).failed
    paper = Paper.objects.get(arxiv_id="2503.11514")
    assert paper.categories == "" and paper.arxiv_comment == ""
    listing = (paper.listing.date, paper.listing.submitted_by_id)

    # A later plain arXiv record: no upvotes, no listing, no AI keywords -> those stay.
    arxiv = {
        "id": "2503.11514",
        "title": hf["paper"]["title"],
        "authors": [a["name"] for a in hf["paper"]["authors"]],
        "abstract": hf["paper"]["summary"],
        "categories": ["cs.CL", "cs.AI"],
        "comment": "Code: https://github.com/example-lab/some-repo",
        "listed": "2025-03-18",
    }
    run = ingest(write_jsonl("arxiv.jsonl", [arxiv]))
    assert "0 new, 1 updated" in run.stdout
    paper.refresh_from_db()
    assert paper.categories == "cs.CL cs.AI"
    assert paper.arxiv_comment == arxiv["comment"]
    assert paper.github_repo == "https://github.com/example-lab/some-repo"
    assert paper.imported_upvotes == hf["paper"]["upvotes"]
    assert paper.ai_keywords == hf["paper"]["ai_keywords"]
    assert (paper.listing.date, paper.listing.submitted_by_id) == listing
    # The claimed authors (users) were replaced by the newer plain names, in the same order.
    assert list(paper.authorships.values_list("name", flat=True)) == arxiv["authors"]

    # An older arXiv record with a different comment fills nothing that is set.
    older = {**arxiv, "comment": "old comment", "categories": ["cs.LG"], "listed": "2025-03-01"}
    ingest(write_jsonl("older.jsonl", [older]))
    paper.refresh_from_db()
    assert paper.arxiv_comment == arxiv["comment"] and paper.categories == "cs.CL cs.AI"


@pytest.mark.django_db
def test_reimport_keeps_local_votes_on_top_of_imported_ones(ingest, write_jsonl, fixture_lines):
    raw = hf_line(fixture_lines, "2503.10632")
    ingest(write_jsonl("a.jsonl", [raw]))
    Paper.objects.filter(arxiv_id="2503.10632").update(upvotes=raw["paper"]["upvotes"] + 3)
    newer = json.loads(json.dumps(raw))
    newer["_snapshot"] = "2025-04-01"
    newer["paper"]["upvotes"] = 100
    ingest(write_jsonl("b.jsonl", [newer]))
    paper = Paper.objects.get(arxiv_id="2503.10632")
    assert (paper.imported_upvotes, paper.upvotes, paper.local_upvotes) == (100, 103, 3)


@pytest.mark.django_db
def test_a_listing_made_on_this_site_is_not_replaced_by_an_import(ingest, write_jsonl, fixture_lines):
    raw = hf_line(fixture_lines, "2503.10632")
    paper = Paper.objects.create(arxiv_id="2503.10632", title="Submitted here")
    Listing.objects.create(paper=paper, date=date(2025, 3, 1), submitted_at=datetime(2025, 3, 1, tzinfo=UTC))
    ingest(write_jsonl("a.jsonl", [raw]))
    listing = Listing.objects.get(paper__arxiv_id="2503.10632")
    assert listing.date == date(2025, 3, 1) and not listing.imported
    assert Listing.objects.count() == 1


@pytest.mark.django_db
def test_bad_lines_are_reported_with_file_line_and_reason_and_good_lines_imported(
    ingest, write_jsonl, fixture_lines
):
    good = fixture_lines("arxiv_cs_2025_2026.jsonl")
    record = json.loads(good[0])
    path = write_jsonl(
        "mixed.jsonl",
        [
            good[0],
            '{"id": "2503.11685", "title": "broken',
            {**record, "id": None},
            {**record, "id": "2503.99999", "title": ""},
            {**record, "id": "9999.bad"},
            {"name": "not a paper"},
            good[1],
        ],
    )
    run = ingest(path)
    assert run.failed
    assert "4 line(s) rejected" not in str(run.error)
    assert "5 line(s) rejected" in str(run.error)
    errors = run.stderr.splitlines()
    assert errors[0].startswith(f"{path}:2: broken JSON")
    assert errors[1] == f"{path}:3: missing arXiv id"
    assert errors[2] == f"{path}:4: missing title"
    assert errors[3].startswith(f"{path}:5: invalid arXiv id: “9999.bad” is not an arXiv id")
    assert errors[4].startswith(f"{path}:6: unknown record shape")
    assert "2 papers" in run.stdout and "5 rejected" in run.stdout
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == {"2503.11677", "2503.11685"}


def _child_env(tmp_path) -> dict[str, str]:
    """Environment for a ``paperfeed`` child process that uses the test database (or a fresh SQLite)."""
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "data").mkdir()
    if connection.vendor == "postgresql":
        # The server from DATABASE_URL, with the test database pytest-django created on it.
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    else:
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "paperfeed", "migrate", "-v0"], env=env, check=True)
    return env


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_when_a_line_is_rejected(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "2503.11677", "title": "x"}\n{oops\n')
    done = subprocess.run(
        [sys.executable, "-m", "paperfeed", "ingest", "file", str(path)],
        env=_child_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert f"{path}:2: broken JSON" in done.stderr
    assert "1 line(s) rejected" in done.stderr
    assert "imported 1 papers from bad.jsonl" in done.stdout


@pytest.mark.django_db
def test_strict_imports_nothing_if_any_line_is_bad(ingest, write_jsonl, fixture_lines):
    good = fixture_lines("arxiv_cs_2025_2026.jsonl")
    path = write_jsonl("strict.jsonl", [*good, "{not json"])
    run = ingest(FIXTURES / "hf_daily_papers.jsonl", path, strict=True)
    assert run.failed and "--strict" in str(run.error) and "nothing was imported" in str(run.error)
    assert f"{path}:11: broken JSON" in run.stderr
    assert row_counts() == {"papers": 0, "authorships": 0, "listings": 0, "users": 0}

    assert not ingest(FIXTURES / "hf_daily_papers.jsonl", strict=True).failed
    assert Paper.objects.count() == 12


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_import_leaves_no_half_written_paper_and_a_rerun_completes(
    ingest, monkeypatch, fixture_lines
):
    writes = {"n": 0}
    real = batches._BatchWriter._write_authorships

    def crash_in_second_batch(self, by_paper):
        writes["n"] += 1
        if writes["n"] == 2:
            real(self, by_paper)
            raise KeyboardInterrupt  # Ctrl-C after the papers and authorships of batch 2 were sent
        return real(self, by_paper)

    monkeypatch.setattr(batches._BatchWriter, "_write_authorships", crash_in_second_batch)
    with pytest.raises(KeyboardInterrupt):
        ingest(FIXTURES / "hf_daily_papers.jsonl", batch_size=5)
    # Batch 1 committed whole; batch 2 rolled back whole.
    assert Paper.objects.count() == 5
    assert Listing.objects.count() == 5
    for paper in Paper.objects.all():
        assert paper.authorships.exists()

    monkeypatch.setattr(batches._BatchWriter, "_write_authorships", real)
    run = ingest(FIXTURES / "hf_daily_papers.jsonl", batch_size=5)
    assert not run.failed
    assert "7 new, 0 updated, 5 unchanged" in run.stdout
    assert Paper.objects.count() == 12 and Listing.objects.count() == 12


@pytest.mark.django_db
def test_upsert_reports_which_papers_changed_and_bumps_modified_at_only_for_them(fixture_lines):
    from paperfeed.ingest.shapes import parse_record

    records = [parse_record(json.loads(line)) for line in fixture_lines("arxiv_cs_2025_2026.jsonl")]
    first = store.upsert_records(records)
    assert (first.new, first.updated, first.unchanged) == (10, 0, 0)
    assert sorted(first.changed_ids) == sorted(Paper.objects.values_list("id", flat=True))

    stamps = dict(Paper.objects.values_list("arxiv_id", "modified_at"))
    records[0].abstract = "A new abstract."
    records[0].source_updated = datetime(2026, 1, 1, tzinfo=UTC)
    second = store.upsert_records(records)
    assert (second.new, second.updated, second.unchanged) == (0, 1, 9)
    changed = Paper.objects.get(arxiv_id=records[0].arxiv_id)
    assert second.changed_ids == [changed.id]
    assert changed.abstract == "A new abstract."
    assert changed.modified_at > stamps[records[0].arxiv_id]
    unchanged = dict(Paper.objects.exclude(id=changed.id).values_list("arxiv_id", "modified_at"))
    assert all(stamps[a] == m for a, m in unchanged.items())


@pytest.mark.django_db
def test_the_same_paper_twice_in_one_batch_is_merged_into_one_row(write_jsonl, ingest, fixture_lines):
    raw = json.loads(fixture_lines("arxiv_cs_2025_2026.jsonl")[0])
    v2 = {**raw, "id": raw["id"] + "v2", "title": "Second version", "listed": "2025-04-01"}
    run = ingest(write_jsonl("twice.jsonl", [raw, v2]))
    assert not run.failed
    paper = Paper.objects.get()
    assert (paper.title, paper.version) == ("Second version", 2)
    assert paper.authorships.count() == len(raw["authors"])


@pytest.mark.django_db
def test_tests_run_on_the_configured_database():
    # The suite is meant to pass on SQLite and PostgreSQL alike (DATABASE_URL).
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_an_empty_author_list_or_nul_characters_do_not_break_idempotency(ingest, write_jsonl):
    record = {
        "id": "2503.11677",
        "title": "Nul\u0000 title",
        "authors": [],
        "abstract": "a\u0000b",
        "listed": "2025-03-18",
    }
    path = write_jsonl("odd.jsonl", [record])
    assert not ingest(path).failed
    paper = Paper.objects.get()
    assert (paper.title, paper.abstract, paper.authorships.count()) == ("Nul title", "ab", 0)
    again = ingest(path)
    assert "0 new, 0 updated, 1 unchanged" in again.stdout


@pytest.mark.django_db
def test_two_sources_of_the_same_day_do_not_flip_the_paper_on_every_run(ingest, write_jsonl, fixture_lines):
    hf = hf_line(fixture_lines, "2503.11514")
    arxiv = {
        "id": "2503.11514",
        "title": hf["paper"]["title"],
        "authors": [a["name"] for a in hf["paper"]["authors"]],
        "abstract": "The arXiv text, with \\textbf{LaTeX} that the HF summary lacks.",
        "categories": ["cs.CL"],
        "listed": hf["_snapshot"],
    }
    files = [write_jsonl("hf.jsonl", [hf]), write_jsonl("arxiv.jsonl", [arxiv])]
    ingest(*files)
    paper = Paper.objects.get()
    # The first record of that day wins; the second fills what was empty.
    assert paper.abstract == " ".join(hf["paper"]["summary"].split())
    assert paper.categories == "cs.CL"
    stamp = paper.modified_at
    again = ingest(*files)
    assert "total: 2 papers: 0 new, 0 updated, 2 unchanged" in again.stdout
    paper.refresh_from_db()
    assert paper.modified_at == stamp


FRESH_DIRECTORY_COMMANDS = [
    ["ingest", "file", str(FIXTURES / "hf_daily_papers.jsonl"), "--no-index"],
]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a fresh data directory: a new SQLite database")
@pytest.mark.parametrize("command", FRESH_DIRECTORY_COMMANDS, ids=lambda command: command[0])
def test_a_command_in_a_fresh_data_directory_sets_the_database_up_first(tmp_path, command):
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(tmp_path / "fresh")}
    env.pop("DATABASE_URL", None)

    def paperfeed() -> subprocess.CompletedProcess:
        argv = [sys.executable, "-m", "paperfeed", *command]
        return subprocess.run(argv, env=env, capture_output=True, text=True)

    done = paperfeed()
    assert done.returncode == 0, done.stderr
    assert "Setting up the database: applying" in done.stderr
    again = paperfeed()
    assert again.returncode == 0 and "Setting up the database" not in again.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a fresh data directory: a new SQLite database")
def test_a_command_that_only_reads_refuses_a_missing_data_directory_and_creates_none(tmp_path):
    fresh = tmp_path / "fresh"
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(fresh)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "paperfeed", "index", "status"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "there is no data directory at" in done.stderr and "paperfeed migrate" in done.stderr
    assert not fresh.exists()
