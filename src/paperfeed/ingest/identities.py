"""The accounts imported records name (HF submitters and claimed authors), kept apart from local ones.

An imported account is found by the username it has in its source (``User.imported_as``), never
by the site's ``username``: a member who signed up as ``alice`` is not the HF user ``alice``, and
an import must not attach submissions or authorships to them. A new imported account takes its
source's username when no account holds it (compared as sign-up compares, ignoring case), and
``<name>-imported`` (``-imported2``, ...) when one does.

Imported accounts have an unusable password; their name and avatar follow the latest record,
but a local account (one an operator handed over, ``imported=False``) is never touched.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from itertools import count

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q
from django.db.models.functions import Lower

from paperfeed.accounts.models import User
from paperfeed.ingest.records import UserRecord

_MAX_USERNAME = User._meta.get_field("username").max_length
_MAX_FULLNAME = User._meta.get_field("fullname").max_length
_MAX_AVATAR = User._meta.get_field("avatar_url").max_length
_COLUMNS = ("id", "imported_as", "fullname", "avatar_url", "imported")
# Names per "IN (...)" query: well under SQLite's and PostgreSQL's limits.
_IN_CHUNK = 2000


def upsert_imported_users(users: Iterable[UserRecord]) -> dict[str, int]:
    """Create or refresh the imported accounts named by ``users``; return source username -> pk.

    A name another writer took meanwhile is left out of the answer (the record is then written
    without that link) rather than attached to whoever holds it.
    """
    wanted: dict[str, UserRecord] = {}
    for user in users:
        if user.username and len(user.username) <= _MAX_USERNAME:
            wanted[user.username] = user
    if not wanted:
        return {}
    existing = _imported_accounts(list(wanted))
    missing = [name for name in wanted if name not in existing]
    if missing:
        usernames = _free_usernames(missing)
        User.objects.bulk_create(
            [
                User(
                    username=usernames[name],
                    imported_as=name,
                    fullname=wanted[name].fullname[:_MAX_FULLNAME],
                    avatar_url=_avatar(wanted[name]) or "",
                    imported=True,
                    password=_unusable_password(),
                )
                for name in missing
            ],
            ignore_conflicts=True,
        )
        existing.update(_imported_accounts(missing))
    stale = []
    for name, row in existing.items():
        user = wanted[name]
        fullname = user.fullname[:_MAX_FULLNAME] or row["fullname"]
        avatar = _avatar(user) or row["avatar_url"]
        if row["imported"] and (fullname, avatar) != (row["fullname"], row["avatar_url"]):
            stale.append(User(pk=row["id"], fullname=fullname, avatar_url=avatar))
    if stale:
        User.objects.bulk_update(stale, ["fullname", "avatar_url"])
    return {name: row["id"] for name, row in existing.items()}


def _imported_accounts(names: list[str]) -> dict[str, dict]:
    """The accounts imported under ``names``, by source username."""
    found: dict[str, dict] = {}
    for start in range(0, len(names), _IN_CHUNK):
        rows = User.objects.filter(imported_as__in=names[start : start + _IN_CHUNK]).values(*_COLUMNS)
        found.update((row["imported_as"], row) for row in rows)
    return found


def _free_usernames(names: list[str]) -> dict[str, str]:
    """A username no account holds (ignoring case) for each new imported account: its source
    username where that is free, else ``<name>-imported``, ``<name>-imported2``, ..."""
    taken = _taken(names)
    chosen: dict[str, str] = {}
    for name in names:
        username = name
        if name.lower() in taken:
            candidates = (_with_suffix(name, n) for n in count(1))
            username = next(c for c in candidates if c.lower() not in taken and not _taken([c]))
        taken.add(username.lower())
        chosen[name] = username
    return chosen


def _with_suffix(name: str, n: int) -> str:
    suffix = "-imported" if n == 1 else f"-imported{n}"
    return name[: _MAX_USERNAME - len(suffix)] + suffix


def _taken(names: list[str]) -> set[str]:
    """The usernames among ``names`` that an account holds in any case, lower-cased."""
    taken: set[str] = set()
    for start in range(0, len(names), _IN_CHUNK):
        chunk = names[start : start + _IN_CHUNK]
        # (The database's lower() may know only ASCII: the exact names are asked for as well.)
        query = User.objects.annotate(key=Lower("username")).filter(
            Q(key__in=[name.lower() for name in chunk]) | Q(username__in=chunk)
        )
        taken.update(username.lower() for username in query.values_list("username", flat=True))
    return taken


def _avatar(user: UserRecord) -> str | None:
    return user.avatar_url if user.avatar_url and len(user.avatar_url) <= _MAX_AVATAR else None


def _unusable_password() -> str:
    # What make_password(None) stores, without its slow character-by-character random string.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
