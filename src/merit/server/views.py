"""Public documents at stable URLs: DID documents, status list credentials, Merit's JSON-LD context."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from merit.core.documents import bundled_document
from merit.server.accounts.models import Organisation
from merit.server.issuing import services
from merit.server.issuing.models import StatusList


def _json(request: HttpRequest, document: Any, content_type: str, max_age: int) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def did_document(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("no such organisation")
    return _json(request, services.did_document(organisation), "application/did+json", 300)


@require_GET
def status_list(request: HttpRequest, slug: str, purpose: str, sequence: int) -> HttpResponse:
    found = StatusList.objects.select_related("organisation").filter(
        organisation__slug=slug, purpose=purpose, sequence=sequence
    )
    if not found:
        raise Http404("no such status list")
    # A short cache: a revocation must reach verifiers within minutes.
    return _json(request, services.status_list_document(found[0]), "application/vc+ld+json", 60)


@require_GET
def merit_context(request: HttpRequest) -> HttpResponse:
    return _json(request, bundled_document("https://purl.org/merit/ns/eu-mc/v1"), "application/ld+json", 86400)
