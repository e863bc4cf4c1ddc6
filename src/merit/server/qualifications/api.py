"""The qualifications API (``/api/v1/qualifications``): list and search, a qualification in Merit's JSON and in the
ELM form, and import (a token with the ``design`` scope; ``dry_run`` shows what would change). Bad input is
problem+json, with ``errors`` listing each bad record."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Router, UploadedFile

from merit.core.qualifications import codec, export
from merit.core.qualifications.batch import MAX_BYTES, ImportRefused
from merit.server import problems
from merit.server.qualifications import imports, services, views
from merit.server.qualifications.models import Qualification
from merit.server.tokenauth import TokenAuth

router = Router(tags=["Qualifications"])
PER_PAGE = 50


def _item(request: HttpRequest, row: Qualification) -> dict[str, Any]:
    return {
        "id": row.iri,
        "code": row.code,
        "kind": row.kind,
        "title": row.title,
        "country": row.country or None,
        "eqfLevel": row.eqf_level,
        "nqfLevel": row.nqf_level or None,
        "status": row.status,
        "organisation": row.organisation.slug,
        "url": request.build_absolute_uri(reverse("qualifications:detail", args=[row.pk])),
        "self": request.build_absolute_uri(f"/api/v1/qualifications/{row.pk}"),
    }


@router.get("", summary="Qualifications, searched and filtered (q, kind, country, eqf, iri, page)")
def listing(request: HttpRequest) -> JsonResponse:
    found, _filters = views.search(request.GET)
    if iri := request.GET.get("iri", ""):
        found = found.filter(iri=iri)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    body = {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": [_item(request, row) for row in page],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@router.get("/{int:pk}", summary="A qualification in Merit's JSON form")
def detail(request: HttpRequest, pk: int) -> JsonResponse:
    row = get_object_or_404(Qualification, pk=pk)
    return JsonResponse(codec.to_json(services.to_core(row)), json_dumps_params={"ensure_ascii": False})


@router.get("/{int:pk}/elm", summary="A qualification in the ELM form (JSON-LD, for the QDR)")
def elm(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Qualification, pk=pk)
    response = JsonResponse(export.elm(services.to_core(row)), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json"
    return response


@router.get("/{int:pk}/loq", summary="A qualification as Europass LOQ XML (schema 3.1.0)")
def loq(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Qualification, pk=pk)
    return HttpResponse(export.loq_xml([services.to_core(row)]), content_type="application/xml")


def _batch_body(batch: Any) -> dict[str, Any]:
    return {"source": batch.source, "plan": batch.plan, "errors": batch.errors, "notes": batch.notes}


@router.post(
    "/import", auth=TokenAuth("design"), summary="Import a file of qualifications (LOQ XML, ZRK, Merit JSON, CSV)"
)
def import_file(request: HttpRequest, file: UploadedFile = File(...), dry_run: bool = False) -> HttpResponse:  # noqa: B008
    """Nothing is saved when a record is bad: the answer is 422 with ``errors`` (record and message) for each."""
    token = request.auth  # type: ignore[attr-defined]
    actor = f"token:{token.name}"
    if file.size is not None and file.size > MAX_BYTES:
        return problems.problem(413, "Content Too Large", f"the file is larger than {MAX_BYTES} bytes", "too-large")
    try:
        batch = imports.check(token.organisation, file.read(), filename=file.name or "", actor=actor)
    except ImportRefused as exc:
        return problems.problem(422, "Unprocessable Content", exc.message, "invalid-file")
    if batch.errors:
        detail = f"{len(batch.errors)} record(s) cannot be imported; nothing was saved"
        return problems.problem(422, "Unprocessable Content", detail, "invalid-records", **_batch_body(batch))
    if dry_run:
        return JsonResponse(_batch_body(batch), json_dumps_params={"ensure_ascii": False})
    try:
        saved = imports.apply(batch, actor=actor)
    except imports.NotImportable as exc:
        detail = "the file cannot be imported now; nothing was saved"
        return problems.problem(409, "Conflict", detail, "not-importable", errors=exc.errors)
    body = {**_batch_body(batch), "imported": [_item(request, row) for row in saved]}
    return JsonResponse(body, status=201, json_dumps_params={"ensure_ascii": False})
