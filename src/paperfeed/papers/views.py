from django.http import HttpResponse


def home(request):
    return HttpResponse("paperfeed")


day = week = month = trending = detail = bibtex = home
