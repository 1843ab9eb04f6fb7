from django.urls import path

from paperfeed.accounts import sso, views

urlpatterns = [
    path("invite/<str:token>/", views.invite, name="accounts_invite"),
    # Before allauth's own route of the same path: an unreachable provider is told on the sign-in page.
    path("oidc/<str:provider_id>/login/", sso.login, name="openid_connect_login"),
]
