"""The trending score: votes decayed by age, Hacker-News style.

    score = (upvotes + 1) / (age_hours + 12) ** GRAVITY

``age_hours`` counts from when the paper appeared on the feed. With ``GRAVITY``
1.2 the score falls as a power of age, so of two papers with the same votes the
fresher ranks higher, while a paper with many more votes (a "strong" paper)
stays above fresh ones for a day or two; after a week it needs several times a
fresh paper's votes to keep up. The ``+ 1`` lets a paper nobody voted on yet
still rank by freshness. The ``+ 12`` hours (HN uses 2 for a stream of links)
suits a feed that arrives in daily batches: papers of the same batch, listed
minutes apart, are not separated by those minutes.
"""

from __future__ import annotations

from datetime import datetime

GRAVITY = 1.2
AGE_OFFSET_HOURS = 12.0
# Papers older than this are not trending, whatever their votes.
WINDOW_DAYS = 14


def trending_score(upvotes: int, listed_at: datetime, now: datetime) -> float:
    age_hours = max((now - listed_at).total_seconds() / 3600.0, 0.0)
    return (max(upvotes, 0) + 1) / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY
