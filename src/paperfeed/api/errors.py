"""Every API error is ``{"error": "<what is wrong>"}`` with a fitting status, never a stack trace."""

from __future__ import annotations

import json
import logging
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from paperfeed.core.errors import too_big_message

logger = logging.getLogger(__name__)

TOKEN_HELP = (
    "Send a personal access token as “Authorization: Bearer <token>”; create one at /settings/tokens."
)


class ApiError(Exception):
    """An error the caller can act on: ``message`` says what is wrong."""

    def __init__(self, message: str, status: int = 400, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}


def error_response(message: str, status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"error": message}, ensure_ascii=False), status=status, content_type="application/json"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def describe_validation_error(error: dict) -> str:
    """Turn one pydantic error about a request parameter into a sentence naming the parameter."""
    location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
    name = ".".join(location) or "request"
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    value = error.get("input")
    shown = f" (got {value!r})" if isinstance(value, str | int | float) and len(str(value)) <= 80 else ""
    if kind == "missing":
        return f"{name} is required."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{name} must be a whole number{shown}."
    if kind == "greater_than_equal":
        return f"{name} must be at least {context.get('ge')}{shown}."
    if kind == "less_than_equal":
        return f"{name} must be at most {context.get('le')}{shown}."
    if kind == "string_too_long":
        return f"{name} must be at most {context.get('max_length')} characters long."
    if kind == "string_too_short":
        return f"{name} must be at least {context.get('min_length')} characters long."
    if kind in ("literal_error", "enum"):
        return f"{name} must be one of {context.get('expected')}{shown}."
    if kind in ("json_invalid", "model_attributes_type", "dict_type"):
        return "The request body must be a JSON object."
    return f"{name}: {error.get('msg', 'invalid value')}{shown}."


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.message, exc.status, exc.headers)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        messages = [describe_validation_error(error) for error in exc.errors]
        return error_response(" ".join(dict.fromkeys(messages)) or "Invalid request.", 400)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        has_header = bool(request.headers.get("Authorization"))
        invalid = "That access token is not valid (revoked or mistyped). " if has_header else ""
        message = invalid + TOKEN_HELP
        return error_response(message, 401, {"WWW-Authenticate": 'Bearer realm="paperfeed"'})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.message, exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else "Not found."
        return error_response(message, 404)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(too_big_message(), 413)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request to %s failed", request.path)
        return error_response("Something went wrong on the server; the error has been logged.", 500)


def json_method_not_allowed(view):
    """Wrap a view so that a 405 carries the usual JSON error body (and keeps its Allow header)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            message = f"{request.method} is not allowed here; use {allowed}."
            return error_response(message, 405, {"Allow": allowed})
        return response

    return wrapped


@csrf_exempt  # any method: the answer is the same 404, and nothing changes
def api_not_found(request: HttpRequest) -> HttpResponse:
    return error_response(
        f"There is no API route {request.path[:200]!r}. See /api/docs for the routes there are.", 404
    )
