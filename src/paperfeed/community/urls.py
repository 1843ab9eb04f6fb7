"""Community URLs: included before the papers URLs, so /papers/submit wins over paper ids."""

from django.urls import path, re_path

from paperfeed.community.views import (
    card_actions,
    claims,
    collections,
    comments,
    learned,
    onboarding,
    profile_settings,
    profiles,
    submit,
    votes,
)

app_name = "community"
urlpatterns = [
    path("papers/submit", submit.submit, name="submit"),
    path("papers/submit/<int:pk>", submit.submit_status, name="submit_status"),
    path("papers/<arxiv:arxiv_id>/upvote", votes.upvote, name="upvote"),
    path("continue", votes.continue_after_login, name="continue"),
    path("papers/<arxiv:arxiv_id>/comments", comments.post, name="comment"),
    path("papers/<arxiv:arxiv_id>/not-interested", card_actions.not_interested, name="not_interested"),
    path("papers/<arxiv:arxiv_id>/save", card_actions.save, name="save"),
    path("papers/<arxiv:arxiv_id>/claim", claims.claim_on_paper, name="claim"),
    path("claims/by-name", claims.claim_author_name, name="claim_name"),
    path("claims/<int:pk>/withdraw", claims.withdraw, name="claim_withdraw"),
    path("settings/profile", profile_settings.profile_settings, name="profile_settings"),
    path("for-you/start", onboarding.start, name="onboarding"),
    path("for-you/start/library", onboarding.import_library_view, name="library_import"),
    path("for-you/start/author", onboarding.pick_author, name="pick_author"),
    path("for-you/start/topics", onboarding.pick_topics, name="pick_topics"),
    path("settings/recommendations", learned.learned, name="learned"),
    path("settings/recommendations/remove", learned.remove, name="learned_remove"),
    path("settings/recommendations/reset", learned.reset, name="learned_reset"),
    path("comments/<int:pk>/edit", comments.edit, name="comment_edit"),
    path("comments/<int:pk>/delete", comments.delete, name="comment_delete"),
    path("collections/new", collections.create, name="collection_create"),
    path("collections/<int:pk>", collections.detail, name="collection"),
    path("collections/<int:pk>/edit", collections.edit, name="collection_edit"),
    path("collections/<int:pk>/delete", collections.delete, name="collection_delete"),
    path("collections/<int:pk>/add", collections.add, name="collection_add"),
    path("collections/<int:pk>/remove", collections.remove, name="collection_remove"),
    # Any name that can be stored, "/" and all (NUL cannot): imported names were never validated,
    # and a name no URL could be made for would break every page that links to its owner.
    re_path(r"^u/(?P<username>[^\x00]+)\Z", profiles.profile, name="profile"),
]
