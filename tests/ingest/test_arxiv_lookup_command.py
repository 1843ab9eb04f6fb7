"""``paperfeed ingest arxiv-id``: look papers up by id and store them."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from paperfeed.papers.models import Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def arxiv(fake_arxiv):
    fake_arxiv.add_entry_fixture("1706.03762v7")
    fake_arxiv.add_entry_fixture("hep-th_9901001v2")
    fake_arxiv.add_entry_fixture("2503.13045v1")
    return fake_arxiv


def run_lookup(*ids: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", "arxiv-id", *ids, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_found_papers_are_added_with_their_metadata(arxiv):
    out, err, error = run_lookup("1706.03762", "https://arxiv.org/abs/hep-th/9901001v2")

    assert error is None and err == ""
    assert "added        1706.03762v7  Attention Is All You Need" in out
    assert "added        hep-th/9901001v2  Boundary States and Brane Charges in Type II String Theory" in out
    paper = Paper.objects.get(arxiv_id="1706.03762")
    assert paper.version == 7 and paper.categories == "cs.CL cs.LG"
    assert paper.authorships.count() == 8
    assert paper.authorships.get(position=5).name == "Aidan N. Gomez"
    assert Paper.objects.get(arxiv_id="hep-th/9901001").doi == "10.1016/S0550-3213(99)00142-1"


def test_a_code_link_in_the_abstract_is_kept(arxiv):
    run_lookup("2503.13045")

    assert (
        Paper.objects.get(arxiv_id="2503.13045").github_repo == "https://github.com/gmberton/image-retrieval"
    )


def test_looking_up_again_reports_up_to_date_and_a_new_version_as_updated(arxiv):
    run_lookup("1706.03762")

    out, _, _ = run_lookup("1706.03762")
    assert "up to date   1706.03762v7" in out

    arxiv.add_entry(
        "1706.03762",
        version=8,
        title="Attention Is All You Need",
        authors=["Ashish Vaswani", "Noam Shazeer"],
        published="2017-06-12T17:57:34Z",
        updated="2026-01-05T09:00:00Z",
        primary_category="cs.CL",
    )
    out, _, _ = run_lookup("1706.03762")

    assert "updated      1706.03762v8" in out
    assert Paper.objects.get(arxiv_id="1706.03762").version == 8
    assert Paper.objects.count() == 1


def test_unknown_ids_are_named_and_make_the_command_fail_after_storing_the_rest(arxiv):
    out, err, error = run_lookup("2411.99999", "1706.03762")

    assert "not found    2411.99999: arXiv has no paper with this id" in err
    assert "added        1706.03762v7" in out
    assert str(error) == "1 of 2 id(s) could not be added."
    assert list(Paper.objects.values_list("arxiv_id", flat=True)) == ["1706.03762"]


def test_ids_arxiv_rejects_are_reported(arxiv):
    arxiv.reject_id("2411.01234")

    _, err, error = run_lookup("2411.01234")

    assert "rejected     2411.01234: arXiv rejected “2411.01234”: incorrect id format for 2411.01234" in err
    assert error is not None and not Paper.objects.exists()


def test_malformed_ids_are_each_refused_and_nothing_is_looked_up(arxiv):
    _, err, error = run_lookup("1706.03762", "1706.376", "arxiv.org/abs/nonsense")

    assert "“1706.376” is not an arXiv id" in err
    assert "“arxiv.org/abs/nonsense” is not an arXiv id" in err
    assert str(error) == "2 of 3 id(s) are not arXiv ids; nothing was looked up."
    assert arxiv.requests == [] and not Paper.objects.exists()


def test_an_unreachable_arxiv_is_a_clear_error_and_changes_nothing(arxiv, settings):
    settings.ARXIV_RETRY_ATTEMPTS = 2
    arxiv.stop_answering()

    _, _, error = run_lookup("1706.03762")

    assert str(error).startswith("arXiv could not be reached at")
    assert not Paper.objects.exists()


def test_the_paperfeed_command_exits_non_zero_when_an_id_is_not_found(arxiv, tmp_path):
    """The real ``paperfeed`` entry point, in its own process with its own SQLite database."""
    env = {
        **os.environ,
        "PAPERFEED_DATA_DIR": str(tmp_path),
        "PAPERFEED_ARXIV_API_URL": arxiv.api_url,
        "PAPERFEED_ARXIV_API_DELAY": "0",
    }
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "paperfeed.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True, timeout=120)

    missing = subprocess.run(
        [*cli, "ingest", "arxiv-id", "2411.99999", "hep-th/9901001"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = subprocess.run(
        [*cli, "ingest", "arxiv-id", "1706.03762"], env=env, capture_output=True, text=True, timeout=60
    )

    assert missing.returncode == 1
    assert "added        hep-th/9901001v2" in missing.stdout
    assert "not found    2411.99999" in missing.stderr
    assert found.returncode == 0, found.stderr
    assert "added        1706.03762v7" in found.stdout
