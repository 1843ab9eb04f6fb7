"""Accounts named by imported records: usernames checked like sign-ups, and never a local account.

A submitter or claimed author whose username sign-up would refuse is left out of the record (the
paper, its author names and its feed day are imported) with a note naming the line. An imported
account is found by its source's username, so an HF user never takes over the submissions or
authorships of a local member who chose the same name.
"""

from __future__ import annotations

import pytest

from paperfeed.accounts.models import User
from paperfeed.papers.models import Authorship, Listing, Paper

from .hostile_lines import hf_record


def named(arxiv_id: str, username: str) -> dict:
    """An HF record whose submitter and first (claimed) author are ``username``."""
    record = hf_record(arxiv_id)
    record["submittedBy"].update(name=username, fullname="From HF")
    record["paper"]["submittedOnDailyBy"].update(user=username, fullname="From HF")
    record["paper"]["authors"][0]["user"] = {"user": username, "fullname": "From HF"}
    return record


def first_author(arxiv_id: str) -> Authorship:
    return Authorship.objects.select_related("user").get(paper__arxiv_id=arxiv_id, position=0)


def submitter(arxiv_id: str) -> User | None:
    return Listing.objects.select_related("submitted_by").get(paper__arxiv_id=arxiv_id).submitted_by


REFUSED_USERNAMES = {
    "a slash": "evil/user",
    "a space": "two words",
    "a control character": "ctrl\x01name",
    "a NUL": "nul\x00name",
    "151 characters": "x" * 151,
    "a reserved name": "admin",
    "a reserved name in capitals": "API",
}


@pytest.mark.django_db
@pytest.mark.parametrize("username", REFUSED_USERNAMES.values(), ids=REFUSED_USERNAMES.keys())
def test_a_username_sign_up_refuses_is_left_out_with_a_note_and_the_paper_imported(
    ingest, write_jsonl, username
):
    path = write_jsonl("users.jsonl", [named("2401.00040", username)])

    run = ingest(path)

    assert not run.failed, run.stderr  # nothing was rejected: only the two links were left out
    notes = [line for line in run.stderr.splitlines() if line.startswith(f"{path}:1: note: ")]
    assert len(notes) == 2
    assert any("submitter" in note for note in notes)
    assert any("the account of author 'Pengxin Guo'" in note for note in notes)
    assert submitter("2401.00040") is None
    author = first_author("2401.00040")
    assert (author.name, author.user) == ("Pengxin Guo", None)
    assert Paper.objects.get(arxiv_id="2401.00040").listing.date.isoformat() == "2025-03-17"
    assert username not in set(User.objects.values_list("imported_as", flat=True))


@pytest.mark.django_db
def test_a_username_that_is_not_a_string_is_left_out_with_a_note(ingest, write_jsonl):
    record = hf_record("2401.00041")
    record["submittedBy"]["name"] = 12345
    record["paper"]["submittedOnDailyBy"] = None
    path = write_jsonl("users.jsonl", [record])

    run = ingest(path)

    assert not run.failed, run.stderr
    assert f"{path}:1: note: submitter left out: its username is not a string (int)" in run.stderr
    assert submitter("2401.00041") is None


@pytest.mark.django_db
def test_a_valid_username_becomes_an_imported_account_under_that_name(ingest, write_jsonl):
    assert not ingest(write_jsonl("users.jsonl", [named("2401.00042", "good.user-1")])).failed

    account = User.objects.get(imported_as="good.user-1")
    assert (account.username, account.imported, account.has_usable_password()) == ("good.user-1", True, False)
    assert submitter("2401.00042") == account == first_author("2401.00042").user


@pytest.mark.django_db
def test_an_imported_username_never_attaches_to_a_local_account_of_that_name(ingest, write_jsonl, make_user):
    local = make_user("alice", fullname="Alice Local")

    run = ingest(write_jsonl("users.jsonl", [named("2401.00043", "alice")]))

    assert not run.failed, run.stderr
    imported = User.objects.get(imported_as="alice")
    assert imported != local
    assert (imported.username, imported.imported, imported.fullname) == ("alice-imported", True, "From HF")
    assert submitter("2401.00043") == imported == first_author("2401.00043").user
    local.refresh_from_db()
    assert (local.username, local.fullname, local.imported) == ("alice", "Alice Local", False)
    assert not Authorship.objects.filter(user=local).exists()
    assert not Listing.objects.filter(submitted_by=local).exists()


@pytest.mark.django_db
def test_a_local_account_differing_only_in_case_keeps_its_name_too(ingest, write_jsonl, make_user):
    local = make_user("Bob")
    make_user("bob-imported")  # the first alternative is taken as well

    assert not ingest(write_jsonl("users.jsonl", [named("2401.00044", "bob")])).failed

    imported = User.objects.get(imported_as="bob")
    assert imported.username == "bob-imported2"
    assert submitter("2401.00044") == imported != local


@pytest.mark.django_db
def test_importing_again_finds_the_same_imported_account_and_creates_no_other(ingest, write_jsonl, make_user):
    make_user("carol")
    path = write_jsonl("users.jsonl", [named("2401.00045", "carol"), named("2401.00046", "dave")])
    assert not ingest(path).failed
    accounts = set(User.objects.values_list("pk", "username", "imported_as"))

    again = write_jsonl("again.jsonl", [named("2401.00047", "carol"), named("2401.00048", "dave")])
    assert not ingest(again).failed

    assert set(User.objects.values_list("pk", "username", "imported_as")) == accounts
    assert submitter("2401.00047") == User.objects.get(imported_as="carol") == submitter("2401.00045")
    assert submitter("2401.00048").username == "dave"


@pytest.mark.django_db
def test_an_account_handed_over_to_its_owner_keeps_its_links_and_its_own_name(ingest, write_jsonl):
    assert not ingest(write_jsonl("users.jsonl", [named("2401.00049", "erin")])).failed
    handed_over = User.objects.get(imported_as="erin")
    User.objects.filter(pk=handed_over.pk).update(imported=False, fullname="Erin, signed in")

    assert not ingest(write_jsonl("again.jsonl", [named("2401.00050", "erin")])).failed

    assert submitter("2401.00050") == handed_over
    handed_over.refresh_from_db()
    assert handed_over.fullname == "Erin, signed in"  # a local account is never touched
