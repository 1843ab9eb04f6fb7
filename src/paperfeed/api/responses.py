"""JSON responses built straight from dicts (no per-request schema validation on hot routes)."""

from __future__ import annotations

import json

from django.http import HttpResponse


def json_response(data, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json")
