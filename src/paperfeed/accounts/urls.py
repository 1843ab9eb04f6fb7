from django.urls import path

from paperfeed.accounts import views

urlpatterns = [
    path("invite/<str:token>/", views.invite, name="accounts_invite"),
]
