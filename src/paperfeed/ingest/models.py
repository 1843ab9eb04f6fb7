"""Bookkeeping for long-running imports, so an interrupted harvest resumes where it stopped."""

from django.db import models


class HarvestCheckpoint(models.Model):
    """Where an OAI-PMH harvest stands: the window asked for and the next resumption token."""

    key = models.CharField(max_length=200, unique=True, help_text="source + set + window")
    from_date = models.DateField()
    until_date = models.DateField(null=True, blank=True)
    set_spec = models.CharField(max_length=100, blank=True)
    resumption_token = models.TextField(blank=True)
    records_seen = models.PositiveIntegerField(default=0)
    completed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key
