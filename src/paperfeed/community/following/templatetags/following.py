"""``{% follow_button kind value %}``: a Follow / Unfollow form for any page, reading the state of
the signed-in member (anonymous visitors get "Follow", which asks them to sign in)."""

from __future__ import annotations

from django import template

from paperfeed.community.following.services import is_following, label_of

register = template.Library()


@register.inclusion_tag("following/_follow_button.html", takes_context=True)
def follow_button(context, kind: str, value, name: str = "") -> dict:
    """``name``: what the button calls the thing (default: the value, e.g. a category)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    value = str(value)
    return {
        "kind": kind,
        "value": value,
        "name": name or value,
        "label": label_of(kind, name or value),
        "following": is_following(user, kind, value),
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }
