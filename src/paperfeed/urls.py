from django.contrib import admin
from django.urls import include, path

from paperfeed.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # answered first by core.health.HealthCheckMiddleware
    path("admin/", admin.site.urls),
    path("accounts/", include("paperfeed.accounts.urls")),  # invite links
    path("accounts/", include("allauth.urls")),
    path("", include("paperfeed.api.urls")),
    path("", include("paperfeed.syndication.urls")),
    path("", include("paperfeed.digests.urls")),
    path("", include("paperfeed.community.following.urls")),
    path("", include("paperfeed.community.notifications.urls")),
    path("", include("paperfeed.community.urls")),
    path("", include("paperfeed.web.urls")),
]

handler400 = "paperfeed.core.errors.bad_request"
handler404 = "paperfeed.core.errors.not_found"
handler500 = "paperfeed.core.errors.server_error"
