"""Friendly error pages: bad input is a 400/404/413 page, never a stack trace."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def bad_request(request, exception=None):
    # Django reports a body over DATA_UPLOAD_MAX_MEMORY_SIZE as a bad request; it is a 413.
    if isinstance(exception, RequestDataTooBig):
        return request_too_big(request)
    return render(request, "errors/400.html", {"message": _message(exception)}, status=400)


class NotFoundPage(Http404):
    """A 404 that brings its own page: a template and its context, for a missing thing the
    visitor can still act on (a paper not on this site yet can be submitted)."""

    def __init__(self, message: str, template: str, context: dict):
        super().__init__(message)
        self.template = template
        self.context = context


def not_found(request, exception=None):
    if isinstance(exception, NotFoundPage):
        return render(
            request, exception.template, {"message": str(exception), **exception.context}, status=404
        )
    return render(request, "errors/404.html", {"message": _message(exception)}, status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def too_big_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request is larger than this site accepts ({limit / 2**20:g} MB at most); nothing was saved."


def request_too_big(request: HttpRequest) -> HttpResponse:
    """413, in the API's JSON error shape under /api/ and as a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": too_big_message()}, status=413)
    return render(request, "errors/413.html", {"message": too_big_message()}, status=413)


def _message(exception) -> str:
    # Http404("...") messages are written for users; Django's own resolver messages are not.
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    return message if isinstance(message, str) else ""
