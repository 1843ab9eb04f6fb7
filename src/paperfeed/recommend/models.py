"""A reader's fitted model, kept until their signals change (a few kilobytes per reader)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReaderModel(models.Model):
    """The weights fitted from one version of a reader's signals in one vector space."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # A digest of the signals the weights were fitted from: a different one means refit.
    signals_version = models.CharField(max_length=64)
    space = models.CharField(max_length=200)  # "embedding:<model>" or "lexical"
    weights = models.BinaryField()  # see paperfeed.recommend.model.FittedModel.to_bytes
    # Papers standing for picked categories and topics, found when fitting: [[pk, kind, value], ...].
    picked = models.JSONField(default=list, blank=True)
    positives = models.PositiveIntegerField(default=0)
    negatives = models.PositiveIntegerField(default=0)
    fitted_at = models.DateTimeField(auto_now=True)
    fit_seconds = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"model of {self.user_id} ({self.positives}+/{self.negatives}-, {self.space})"
