"""Discussion threads as JSON: top-level comments oldest first, each with its replies."""

from __future__ import annotations

from paperfeed.api.serializers import iso, user_ref


def comment_dict(comment, removed_note: str = "") -> dict:
    removed = bool(removed_note)
    return {
        "id": comment.pk,
        "parentId": comment.parent_id,
        "author": None if removed else user_ref(comment.author),
        "body": "" if removed else comment.body,
        "bodyHtml": "" if removed else str(getattr(comment, "body_html", "")),
        "createdAt": iso(comment.created_at),
        "editedAt": iso(comment.edited_at),
        "removed": removed,
        "replies": [],
    }


def thread_dicts(paper) -> list[dict]:
    from paperfeed.community.comments import discussion

    items = []
    for item in discussion(paper):
        data = comment_dict(item.comment, item.tombstone)
        data["replies"] = [comment_dict(reply) for reply in item.replies]
        items.append(data)
    return items
