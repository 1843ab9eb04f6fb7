"""The trending score: votes decayed by age, Hacker-News style.

    score = (upvotes + 1) / (age_hours + 2) ** GRAVITY

``age_hours`` counts from when the paper appeared on the feed. With ``GRAVITY``
1.5 a paper's score halves roughly every time its age grows by half, so a fresh
paper with a few votes overtakes an older one with the same votes, while a
paper with many more votes (a "strong" paper) stays above fresh ones for days.
The ``+ 1`` lets a paper nobody voted on yet still rank by freshness; the
``+ 2`` hours keeps brand-new papers from dividing by almost zero.
"""

from __future__ import annotations

from datetime import datetime

GRAVITY = 1.5
AGE_OFFSET_HOURS = 2.0
# Papers older than this are not trending, whatever their votes.
WINDOW_DAYS = 14


def trending_score(upvotes: int, listed_at: datetime, now: datetime) -> float:
    age_hours = max((now - listed_at).total_seconds() / 3600.0, 0.0)
    return (max(upvotes, 0) + 1) / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY
