"""Fixtures for following tests: a member and papers by named authors in named categories."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def member(make_user):
    return make_user("follower")


@pytest.fixture
def library(make_paper):
    """Papers by Ada Lovelace (one in math.CO), by Grace Hopper, and one hidden by moderation."""
    return {
        "ada_new": make_paper(
            "Analytical engines revisited",
            authors=["Ada Lovelace", "Charles Babbage"],
            published=datetime(2026, 11, 18, tzinfo=UTC),
        ),
        "ada_old": make_paper(
            "Notes on the engine",
            authors=["Ada Lovelace"],
            categories="math.CO",
            published=datetime(2026, 1, 5, tzinfo=UTC),
        ),
        "grace": make_paper(
            "Compilers for everyone",
            authors=["Grace Hopper"],
            categories="cs.PL",
            published=datetime(2026, 11, 17, tzinfo=UTC),
        ),
        "hidden": make_paper(
            "A hidden paper by Ada",
            authors=["Ada Lovelace"],
            hidden=True,
            published=datetime(2026, 11, 19, tzinfo=UTC),
        ),
    }
