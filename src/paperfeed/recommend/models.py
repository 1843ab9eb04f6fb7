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


class StoredLexicon(models.Model):
    """The tf-idf vocabulary and weights of word profiles (recommend/lexicon.py), fitted once over
    the corpus and shared by every web process and machine, so that all of them score a reader's
    stored profile with the same terms. The newest row is the one in use."""

    version = models.CharField(max_length=32)
    papers = models.PositiveIntegerField()  # the corpus size it was fitted for
    data = models.BinaryField()  # terms and inverse document frequencies, see Lexicon.to_bytes
    fitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"lexicon {self.version} ({self.papers:,} papers)"
