"""Votes arriving at the same moment from many threads still count once per person."""

import threading

import pytest
from django.db import connection

from paperfeed.community.models import Vote
from paperfeed.community.votes import set_vote
from paperfeed.papers.models import Paper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def concurrent_database():
    # The SQLite test database lives in shared-cache memory, which answers concurrent writers
    # with "table is locked" instead of waiting; a real SQLite file (WAL, busy timeout) and
    # PostgreSQL both let writers queue, so the race is exercised on PostgreSQL.
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need a file or server database (runs on PostgreSQL)")


def run_together(jobs) -> list[BaseException]:
    """Start every job at once (each thread has its own database connection)."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job):
        try:
            start.wait()
            job()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_simultaneous_votes_by_one_person_count_once(alice, add_paper):
    paper = add_paper(upvotes=5)
    errors = run_together([lambda: set_vote(alice, paper, True) for _ in range(6)])
    assert errors == []
    assert Vote.objects.filter(user=alice, paper=paper).count() == 1
    assert Paper.objects.get(pk=paper.pk).upvotes == 6


def test_simultaneous_votes_by_different_people_all_count(make_user, add_paper):
    paper = add_paper(upvotes=0)
    people = [make_user() for _ in range(6)]
    errors = run_together([lambda person=person: set_vote(person, paper, True) for person in people])
    assert errors == []
    assert Paper.objects.get(pk=paper.pk).upvotes == 6 == Vote.objects.count()
