"""What a member follows: an author name, a category, a public collection or a saved search."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from paperfeed.community.models import Collection


class Kind(models.TextChoices):
    AUTHOR = "author", "Author"
    CATEGORY = "category", "Category"
    COLLECTION = "collection", "Collection"
    SEARCH = "search", "Search"


class Follow(models.Model):
    """One thing one member follows. ``key`` says when two follows are the same thing (an author
    name whatever its case, a search whatever its spacing), so following twice keeps one row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # As shown: the author's name, the category, the collection's id, the search's query and filters.
    value = models.CharField(max_length=300)
    key = models.CharField(max_length=300)
    # Set for collections: deleting the collection ends its follows.
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.kind} {self.value}"
