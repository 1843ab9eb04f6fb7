"""The JSON API at /api/: the Hugging Face papers API plus paperfeed's own routes."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from paperfeed.api.errors import install_error_handlers
from paperfeed.api.routes import daily, discussion, papers, recommendations, search, submit, votes

DESCRIPTION = """\
Speaks the Hugging Face papers API, so `huggingface_hub.HfApi(endpoint=...)` works unchanged
(`list_daily_papers`, `list_papers`, `paper_info`, `read_paper` at `/papers/{id}.md`), and adds
related papers, discussions and writes with a personal access token
(`Authorization: Bearer <token>`, created at `/settings/tokens`).

Every error is a JSON object `{"error": "<what is wrong>"}`: 400 for malformed input,
401 without a valid token, 404 for an unknown paper, 429 (with `Retry-After`) when a limit is reached.
Lists are paged with `p` (0-based) and `limit`; a `Link: <...>; rel="next"` header points to the next page.
"""


class LocalSwagger(Swagger):
    """Swagger UI from files this app serves (vendored swagger-ui-dist), never from a CDN."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # Escape "<" so nothing in the settings can close the <script> element that holds them.
        context = {"swagger_settings": json.dumps(settings).replace("<", "\\u003c"), "api": api}
        return render(request, self.template, context)


api = NinjaAPI(
    title="paperfeed API",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api",
    # validatorUrl: null stops Swagger UI from sending the document to validator.swagger.io.
    docs=LocalSwagger(settings={"layout": "BaseLayout", "validatorUrl": None, "defaultModelsExpandDepth": 0}),
)
install_error_handlers(api)

# Order matters: Django tries the URL patterns in this order, and the bare
# "/papers/{id}" route (which accepts ids with a slash) must come last.
for routes in (daily, search, recommendations, submit, votes, discussion, papers):
    api.add_router("", routes.router)
