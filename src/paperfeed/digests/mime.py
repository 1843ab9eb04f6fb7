"""Digest mails as bytes, built directly.

Django's EmailMessage goes through the email package's generic machinery, which costs more than
composing and rendering a digest together; a digest always has the same simple shape (two UTF-8
parts in multipart/alternative), so it is written out here. The result is what Django would send:
8bit parts (quoted-printable only if a line is too long for SMTP), RFC 2047 encoded words for
non-ASCII headers.
"""

from __future__ import annotations

import base64
import quopri
import uuid
from email.utils import formataddr, formatdate, parseaddr

SMTP_LINE_LIMIT = 998


def encode_header(value: str) -> str:
    """A header value as ASCII: as is if it already is, else base64 encoded words on folded lines."""
    if value.isascii():
        return value
    words, chunk = [], ""
    for char in value:
        # Encoded words stay under 76 characters: at most 45 bytes of UTF-8 each.
        if len((chunk + char).encode()) > 45:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w.encode()).decode()}?=" for w in words)


def encode_address(address: str) -> str:
    name, email = parseaddr(address)
    return formataddr((name, email), charset="utf-8") if name else email


def envelope_sender(address: str) -> str:
    return parseaddr(address)[1]


def _part(content_type: str, text: str) -> bytes:
    body = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if any(len(line) > SMTP_LINE_LIMIT for line in body.split("\r\n")):
        encoded = (
            quopri.encodestring(body.encode(), quotetabs=False)
            .replace(b"\r\n", b"\n")
            .replace(b"\n", b"\r\n")
        )
        encoding = "quoted-printable"
    else:
        encoded = body.encode()
        encoding = "8bit"
    head = (
        f'Content-Type: {content_type}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    )
    return head.encode() + encoded


def multipart_alternative(headers: list[tuple[str, str]], text: str, html: str) -> bytes:
    """The whole mail: ``headers`` (already ASCII) then the text and HTML parts."""
    boundary = f"===============digest{uuid.uuid4().hex}=="
    lines = [f"{name}: {value}" for name, value in headers]
    lines += [
        f"Date: {formatdate(usegmt=True)}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    start = f"--{boundary}\r\n".encode()
    return b"".join(
        [
            "\r\n".join(lines).encode(),
            b"\r\n\r\n",
            start,
            _part("text/plain", text),
            b"\r\n",
            start,
            _part("text/html", html),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
