"""Digests and confirmations as multipart mails (plain text + HTML, no remote images).

Paper cards are rendered once per paper and reused across every subscriber's mail; only the small
frame around them is rendered per subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe

from paperfeed.digests import conf, signing
from paperfeed.digests.compose import Digest, author_line, excerpt
from paperfeed.digests.models import Frequency, Subscription
from paperfeed.papers.models import Paper


@dataclass
class RenderedItem:
    card: str
    reason: str


@dataclass
class RenderedSection:
    title: str
    note: str
    items: list[RenderedItem]


def _site_host() -> str:
    return urlsplit(settings.BASE_URL).hostname or "localhost"


class DigestRenderer:
    """Renders digests; keeps each paper's rendered card for the next subscriber."""

    def __init__(self) -> None:
        self._html_card = get_template("digests/email/_paper.html")
        self._text_card = get_template("digests/email/_paper.txt")
        self._html = get_template("digests/email/digest.html")
        self._text = get_template("digests/email/digest.txt")
        self._cards: dict[int, tuple[str, str]] = {}

    def _card(self, paper: Paper) -> tuple[str, str]:
        if paper.pk not in self._cards:
            context = {
                "paper": paper,
                "authors": author_line(paper),
                "excerpt": excerpt(paper),
                "url": signing.absolute(reverse("papers:detail", args=[paper.arxiv_id])),
                "abs_url": paper.abs_url,
                "pdf_url": paper.pdf_url,
                "site_name": settings.SITE_NAME,
            }
            self._cards[paper.pk] = (
                mark_safe(self._html_card.render(context).strip()),  # noqa: S308 - our own template's output
                self._text_card.render(context).strip(),
            )
        return self._cards[paper.pk]

    def subject(self, digest: Digest) -> str:
        label = "daily" if digest.period.frequency == Frequency.DAILY else "weekly"
        first = digest.papers[0].title if digest.papers else "nothing new"
        if len(first) > 70:
            first = first[:69].rstrip() + "…"
        return f"{settings.SITE_NAME} {label} digest: {first}"

    def context(self, digest: Digest, *, with_view_link: bool = True) -> dict:
        subscription = digest.subscription
        frequency = "daily" if digest.period.frequency == Frequency.DAILY else "weekly"
        return {
            "site_name": settings.SITE_NAME,
            "home_url": signing.absolute("/"),
            "email": subscription.email,
            "frequency_label": frequency,
            "period_label": digest.period.label,
            "paper_count": len(digest.papers),
            "subject": self.subject(digest),
            "preheader": ", ".join(p.title for p in digest.papers[:3]),
            "view_url": signing.view_url(subscription, digest.period.key) if with_view_link else "",
            "manage_url": signing.manage_url(subscription),
            "unsubscribe_url": signing.unsubscribe_url(subscription),
        }

    def _sections(self, digest: Digest, html: bool) -> list[RenderedSection]:
        index = 0 if html else 1
        return [
            RenderedSection(
                section.title,
                section.note,
                [RenderedItem(self._card(item.paper)[index], item.reason) for item in section.items],
            )
            for section in digest.sections
        ]

    def html(self, digest: Digest, *, with_view_link: bool = True) -> str:
        context = self.context(digest, with_view_link=with_view_link)
        return self._html.render({**context, "sections": self._sections(digest, html=True)})

    def text(self, digest: Digest) -> str:
        return self._text.render({**self.context(digest), "sections": self._sections(digest, html=False)})

    def message(self, digest: Digest) -> EmailMultiAlternatives:
        """The mail for a digest, with RFC 8058 one-click unsubscribe headers."""
        subscription = digest.subscription
        unsubscribe = signing.unsubscribe_url(subscription)
        host = _site_host()
        message = EmailMultiAlternatives(
            subject=self.subject(digest),
            body=self.text(digest),
            from_email=conf.from_email(),
            to=[subscription.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{settings.SITE_NAME} digest <digest.{host}>",
                # The same id for a subscriber's period: a receiver can drop a duplicate.
                "Message-ID": f"<digest.{subscription.pk}.{digest.period.key.replace(':', '.')}@{host}>",
                "Precedence": "bulk",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(self.html(digest), "text/html")
        return message


def confirmation_message(subscription: Subscription) -> EmailMultiAlternatives:
    context = {
        "site_name": settings.SITE_NAME,
        "email": subscription.email,
        "frequency_label": "daily" if subscription.frequency == Frequency.DAILY else "weekly",
        "confirm_url": signing.confirm_url(subscription),
    }
    message = EmailMultiAlternatives(
        subject=f"Confirm your {settings.SITE_NAME} digest subscription",
        body=get_template("digests/email/confirm.txt").render(context),
        from_email=conf.from_email(),
        to=[subscription.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(get_template("digests/email/confirm.html").render(context), "text/html")
    return message
