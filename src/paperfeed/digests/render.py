"""Digests and confirmations as multipart mails (plain text + HTML, no remote images).

Paper cards are rendered once per paper and reused across every subscriber's mail; the frame
around them is rendered once per run (see ``frames``) and only filled per subscriber.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse

from paperfeed.digests import conf, mime, signing
from paperfeed.digests.compose import Digest, DigestItem, DigestSection, author_line, excerpt
from paperfeed.digests.frames import Frame
from paperfeed.digests.models import Frequency, Subscription

SUBJECT_TITLE_CHARS = 70


@dataclass
class DigestLinks:
    view: str
    manage: str
    unsubscribe: str


def site_host() -> str:
    """The host in mails' Message-ID and List-Id headers, from the site's base URL."""
    return urlsplit(settings.BASE_URL).hostname or "localhost"


def frequency_label(frequency: str) -> str:
    return "daily" if frequency == Frequency.DAILY else "weekly"


class _Frames:
    """The frames of one format (html or txt)."""

    def __init__(self, extension: str) -> None:
        def frame(name: str, *slots: str, **constants) -> Frame:
            return Frame(f"digests/email/{name}.{extension}", slots, constants)

        self.view_link = frame("_view_link", "view_url")
        self.section = frame("_section", "title", "note", "items")
        self.note = frame("_note", "note")
        self.item = frame("_item", "reason", "card")
        self.reason = frame("_reason", "reason")
        self.digest: dict[str, Frame] = {}
        self.extension = extension

    def digest_frame(self, frequency: str) -> Frame:
        if frequency not in self.digest:
            self.digest[frequency] = Frame(
                f"digests/email/digest.{self.extension}",
                (
                    "subject", "preheader", "view_link", "period_label", "paper_count", "sections",
                    "email", "manage_url", "unsubscribe_url",
                ),
                {
                    "site_name": settings.SITE_NAME,
                    "home_url": signing.absolute("/"),
                    "frequency_label": frequency_label(frequency),
                },
            )  # fmt: skip
        return self.digest[frequency]


class DigestRenderer:
    """Renders digests; keeps rendered cards and sections for the next subscriber."""

    def __init__(self) -> None:
        self._html_card = get_template("digests/email/_paper.html")
        self._text_card = get_template("digests/email/_paper.txt")
        self._frames = {"html": _Frames("html"), "text": _Frames("txt")}
        self._cards: dict[int, tuple[str, str]] = {}
        self._sections: dict[tuple, str] = {}

    def _card(self, item: DigestItem) -> tuple[str, str]:
        paper = item.paper
        if paper.pk not in self._cards:
            context = {
                "paper": paper,
                "authors": author_line(item.authors),
                "excerpt": excerpt(paper),
                "url": signing.absolute(reverse("papers:detail", args=[paper.arxiv_id])),
                "abs_url": paper.abs_url,
                "pdf_url": paper.pdf_url,
                "site_name": settings.SITE_NAME,
            }
            # Plain text stays readable in narrow, non-wrapping clients: lines of at most 78.
            text_context = {
                **context,
                "title": textwrap.fill(paper.title, 76, subsequent_indent="  "),
                "excerpt": textwrap.fill(context["excerpt"], 76, subsequent_indent="  "),
                "authors": textwrap.fill(context["authors"], 76, subsequent_indent="  "),
            }
            self._cards[paper.pk] = (
                self._html_card.render(context).strip(),
                self._text_card.render(text_context).strip(),
            )
        return self._cards[paper.pk]

    def _section(self, section: DigestSection, kind: str) -> str:
        # Trending sections are the same for everyone who asked for as many papers: render once.
        key = (
            kind,
            section.key,
            section.title,
            section.note,
            tuple((i.paper.pk, i.reason) for i in section.items),
        )
        cached = self._sections.get(key)
        if cached is not None:
            return cached
        frames = self._frames[kind]
        index = 0 if kind == "html" else 1
        items = "".join(
            frames.item.fill(
                {
                    "reason": frames.reason.fill_escaped({"reason": item.reason}) if item.reason else "",
                    "card": self._card(item)[index],
                }
            )
            for item in section.items
        )
        note = frames.note.fill_escaped({"note": section.note}) if section.note else ""
        rendered = frames.section.fill({"title": _esc(frames, section.title), "note": note, "items": items})
        if section.key == "trending":
            self._sections[key] = rendered
        return rendered

    def subject(self, digest: Digest) -> str:
        label = frequency_label(digest.period.frequency)
        count = len(digest.papers)
        subject = f"{settings.SITE_NAME} {label} digest: {count} paper{'s' if count != 1 else ''}"
        if digest.papers:
            first = " ".join(digest.papers[0].title.split())
            if len(first) > SUBJECT_TITLE_CHARS:
                first = first[: SUBJECT_TITLE_CHARS - 3].rstrip() + "..."
            subject += f", led by “{first}”" if not first.isascii() else f', led by "{first}"'
        return subject

    def links(self, digest: Digest) -> DigestLinks:
        subscription = digest.subscription
        return DigestLinks(
            view=signing.view_url(subscription, digest.period.key),
            manage=signing.manage_url(subscription),
            unsubscribe=signing.unsubscribe_url(subscription),
        )

    def render(self, digest: Digest, kind: str, links: DigestLinks | None = None) -> str:
        links = links or self.links(digest)
        frames = self._frames[kind]
        count = len(digest.papers)
        values = {
            "subject": self.subject(digest),
            "preheader": ", ".join(p.title for p in digest.papers[:3]),
            "period_label": digest.period.label,
            "paper_count": f"{count} paper{'s' if count != 1 else ''}",
            "email": digest.subscription.email,
            "manage_url": links.manage,
            "unsubscribe_url": links.unsubscribe,
        }
        if frames.digest_frame(digest.period.frequency).html:
            values = {key: _esc(frames, value) for key, value in values.items()}
        values["view_link"] = frames.view_link.fill_escaped({"view_url": links.view})
        values["sections"] = "".join(self._section(section, kind) for section in digest.sections)
        return frames.digest_frame(digest.period.frequency).fill(values)

    def html(self, digest: Digest) -> str:
        return self.render(digest, "html")

    def text(self, digest: Digest) -> str:
        return self.render(digest, "text")

    def headers(self, digest: Digest, links: DigestLinks) -> dict[str, str]:
        subscription = digest.subscription
        host = site_host()
        return {
            "List-Unsubscribe": f"<{links.unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SITE_NAME} digest <digest.{host}>",
            # The same id for a subscriber's period: a receiver can drop a duplicate.
            "Message-ID": f"<digest.{subscription.pk}.{digest.period.key.replace(':', '.')}@{host}>",
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        }

    def raw(self, digest: Digest) -> tuple[str, str, bytes]:
        """(envelope sender, recipient, the whole mail as bytes) for sending over SMTP directly."""
        links = self.links(digest)
        sender = conf.from_email()
        recipient = digest.subscription.email
        headers = [
            ("From", mime.encode_address(sender)),
            ("To", recipient),
            ("Subject", mime.encode_header(self.subject(digest))),
            *((name, mime.encode_header(value)) for name, value in self.headers(digest, links).items()),
        ]
        body = mime.multipart_alternative(
            headers, self.render(digest, "text", links), self.render(digest, "html", links)
        )
        return mime.envelope_sender(sender), recipient, body

    def message(self, digest: Digest) -> EmailMultiAlternatives:
        """The mail for a digest, with RFC 8058 one-click unsubscribe headers."""
        links = self.links(digest)
        message = EmailMultiAlternatives(
            subject=self.subject(digest),
            body=self.render(digest, "text", links),
            from_email=conf.from_email(),
            to=[digest.subscription.email],
            headers=self.headers(digest, links),
        )
        message.attach_alternative(self.render(digest, "html", links), "text/html")
        return message


def _esc(frames: _Frames, value: str) -> str:
    from django.utils.html import escape

    return escape(value) if frames.extension == "html" else value


def confirmation_message(subscription: Subscription) -> EmailMultiAlternatives:
    context = {
        "site_name": settings.SITE_NAME,
        "email": subscription.email,
        "frequency_label": frequency_label(subscription.frequency),
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
