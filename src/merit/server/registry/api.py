"""The public registry API, shaped like the EBSI Trusted Issuers Registry
(https://hub.ebsi.eu/apis/pilot/trusted-issuers-registry): an issuer and its accreditations with their signed
credentials, a paginated list, and each authority's signed trust list; every answer carries an ETag."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from ninja import Router

from merit.server import problems
from merit.server.registry import published
from merit.server.registry.models import Authority

router = Router(tags=["Trust registry"])


def _answer(request: HttpRequest, document: Any, content_type: str = "application/json") -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response: HttpResponse
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@router.get("/issuers/{path:did}", summary="An issuer and its accreditations")
def issuer(request: HttpRequest, did: str) -> HttpResponse:
    record = published.issuer_record(did)
    if record is None:
        return problems.problem(404, "Not Found", f"{did} is not in this registry", "not-found")
    return _answer(request, record)


@router.get("/issuers", summary="Accredited issuers, a page at a time")
def issuers(request: HttpRequest, after: str = "", size: int = published.PAGE_SIZE) -> HttpResponse:
    return _answer(request, published.issuers_page(after, size))


@router.get("/trust-lists/{slug}", summary="An authority's signed trust list, for offline verifiers")
def trust_list(request: HttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(Authority.objects.select_related("organisation"), organisation__slug=slug)
    return _answer(request, published.trust_list_document(authority), "application/vc+ld+json")
