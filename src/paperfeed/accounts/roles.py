"""Roles: the "Moderators" group, who may hide papers, listings and comments in the admin and
decide authorship claims.

Migration 0004 creates the group on every site; :func:`moderators_group` makes it again with the
same rights if it is missing (deleted in the admin, or a test database flushed between tests),
so making someone a moderator never fails on it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

MODERATORS = "Moderators"
# (app label, model, actions): by label only, so accounts imports no app above it.
PERMISSIONS = [
    ("papers", "paper", ("view", "change")),
    ("papers", "listing", ("view", "change")),
    ("community", "comment", ("view", "change")),
    ("community", "authorshipclaim", ("view", "change")),  # the queue of authorship claims
]


def moderators_group() -> Group:
    """The Moderators group with exactly its hiding rights."""
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    wanted = [
        Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
        for app, model, actions in PERMISSIONS
        for action in actions
    ]
    group.permissions.set(wanted)
    return group
