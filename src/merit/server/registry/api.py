"""The public registry API, shaped like the EBSI Trusted Issuers Registry
(https://hub.ebsi.eu/apis/pilot/trusted-issuers-registry): an issuer and its accreditations with their signed
credentials, a paginated list, and each authority's signed trust list; every answer carries an ETag."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from merit.server import problems
from merit.server.registry import published
from merit.server.registry.models import Authority
from merit.server.views import published_json

router = Router(tags=["Trust registry"])


def _answer(request: HttpRequest, document: Any, content_type: str = "application/json") -> HttpResponse:
    return published_json(request, document, content_type, max_age=60)


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
