from django.urls import path

from paperfeed.community.following import views

app_name = "following"
urlpatterns = [
    path("following/follow", views.follow, name="follow"),
    path("following/unfollow", views.unfollow, name="unfollow"),
    path("following/manage", views.manage, name="manage"),
]
