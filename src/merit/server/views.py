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


def published_bytes(document: Any) -> bytes:
    """The exact bytes a public JSON document is served as (so a receipt can hash what a verifier fetched)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def published_json(request: HttpRequest, document: Any, content_type: str, max_age: int) -> HttpResponse:
    """A public JSON document, compact, with an ETag (and 304 for a matching If-None-Match), a public cache
    lifetime and open CORS, as every stable URL of this installation serves it."""
    body = published_bytes(document)
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
    return published_json(request, services.did_document(organisation), "application/did+json", 300)


@require_GET
def status_list(request: HttpRequest, slug: str, purpose: str, sequence: int) -> HttpResponse:
    found = StatusList.objects.select_related("organisation").filter(
        organisation__slug=slug, purpose=purpose, sequence=sequence
    )
    if not found:
        raise Http404("no such status list")
    # A short cache: a revocation must reach verifiers within minutes.
    return published_json(request, services.status_list_document(found[0]), "application/vc+ld+json", 60)


@require_GET
def merit_context(request: HttpRequest) -> HttpResponse:
    return published_json(request, bundled_document("https://purl.org/merit/ns/eu-mc/v1"), "application/ld+json", 86400)
