from django.urls import path

from paperfeed.community.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications", views.notifications, name="list"),
    path("notifications/read", views.read_all, name="read_all"),
    path("notifications/settings", views.mail_settings, name="settings"),
]
