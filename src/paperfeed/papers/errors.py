"""Friendly error pages: bad input is a 400/404 page, never a stack trace."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "errors/400.html", {"message": _message(exception)}, status=400)


def not_found(request, exception=None):
    return render(request, "errors/404.html", {"message": _message(exception)}, status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def _message(exception) -> str:
    # Http404("...") messages are written for users; Django's own resolver messages are not.
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    return message if isinstance(message, str) else ""
