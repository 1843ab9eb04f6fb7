"""The one table shared machinery keeps: the stamp of the feed version (see feed_version.py)."""

from __future__ import annotations

from django.db import models


class FeedVersion(models.Model):
    """One row whose ``stamp`` changes with every write to a table the feed reads."""

    stamp = models.BigIntegerField(default=0)

    class Meta:
        # Created by the API app's migrations, where this model lived first; the table keeps its name.
        db_table = "api_feedversion"

    def __str__(self) -> str:
        return f"feed version {self.stamp}"
