from django.urls import path

from paperfeed.digests import banner, notification_views, views

app_name = "digests"

urlpatterns = [
    path("digest/subscribe/", views.subscribe, name="subscribe"),
    path("digest/banner/dismiss", banner.dismiss, name="dismiss_banner"),
    path("digest/confirm/<str:token>/", views.confirm_subscription, name="confirm"),
    path("digest/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("digest/manage/<str:token>/", views.manage, name="manage"),
    path("digest/view/<str:token>/", views.view_in_browser, name="view"),
    path("digest/settings/", views.account_settings, name="settings"),
    path("digest/preview/", views.preview, name="preview"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.unsubscribe,
        name="notification_unsubscribe",
    ),
]
