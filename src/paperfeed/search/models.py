"""What the indexer derived a paper's topics from, so a changed paper gets them again."""

from __future__ import annotations

import hashlib

from django.db import models

from paperfeed.papers.models import Paper


def text_digest(title: str, abstract: str) -> str:
    """A short fingerprint of the text topics are inferred from."""
    return hashlib.blake2b(f"{title}\n{abstract}".encode(), digest_size=12).hexdigest()


class TopicsSource(models.Model):
    """The title and abstract (as a digest) a paper's inferred categories and key phrases were
    computed from, and when. A paper modified since (``Paper.modified_at`` later than
    ``checked_at``) is compared again: when its text changed, its topics are computed again."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, primary_key=True, related_name="+")
    digest = models.CharField(max_length=24)
    checked_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"topics of paper {self.paper_id} from {self.digest}"
