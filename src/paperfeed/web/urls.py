from django.urls import path

from paperfeed.web import author_page, following, for_you, search_page, views

app_name = "papers"
urlpatterns = [
    path("", views.home, name="home"),
    path("papers/date", views.pick_day, name="pick_day"),
    path("papers/date/<str:day>", views.day, name="day"),
    path("papers/week/<str:week>", views.week, name="week"),
    path("papers/month/<str:month>", views.month, name="month"),
    path("papers/trending", views.trending, name="trending"),
    path("papers/<arxiv:arxiv_id>", views.detail, name="detail"),
    path("papers/<arxiv:arxiv_id>.bib", views.bibtex, name="bibtex"),
    path("search", search_page.search, name="search"),
    path("search/follow", following.follow_search, name="follow_search"),
    path("authors/<path:name>", author_page.author, name="author"),
    path("for-you/", for_you.for_you, name="for_you"),
    path("following", following.following, name="following"),
]
