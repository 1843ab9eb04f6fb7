"""URLs of the api app; include with ``path("", include("paperfeed.api.urls"))``.

- ``/api/...``: the JSON API (``/api/openapi.json``, ``/api/docs``); unknown routes and
  wrong methods answer in the API's JSON error shape too.
- ``/papers/<id>.md``: a paper as Markdown (``HfApi.read_paper``).
- ``/settings/tokens``: personal access tokens.
"""

from django.urls import URLPattern, URLResolver, include, path, re_path

from paperfeed.api import views
from paperfeed.api.api import api
from paperfeed.api.errors import api_not_found, json_method_not_allowed


def _with_json_405(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = json_method_not_allowed(pattern.callback)
        elif isinstance(pattern, URLResolver):
            _with_json_405(pattern.url_patterns)
    return patterns


api_patterns, api_app_name, api_namespace = api.urls
token_patterns = [
    path("settings/tokens", views.tokens, name="list"),
    path("settings/tokens/<int:pk>/revoke", views.revoke_token, name="revoke"),
]

urlpatterns = [
    path("api/", include((_with_json_405(api_patterns), api_app_name), namespace=api_namespace)),
    # Anything else under /api/ (even paths with control characters) gets a JSON 404.
    re_path(r"^api/", api_not_found),
    path("papers/<arxiv:arxiv_id>.md", views.paper_md, name="paper_markdown"),
    path("", include((token_patterns, "api_tokens"))),
]
