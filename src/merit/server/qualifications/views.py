"""The qualification pages: the public catalogue (search and filters), a qualification's page with its downloads
(ELM JSON-LD, Merit's JSON), and the import page where an owner or designer of an organisation uploads a file, reads
its dry run and imports it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.core.qualifications import codec, export
from merit.core.qualifications.batch import MAX_BYTES, ImportRefused
from merit.server.issuing.learners import fold
from merit.server.qualifications import access, imports, services, wording
from merit.server.qualifications.models import ImportBatch, Qualification
from merit.server.workspace.access import may, organisation_for

PER_PAGE = 25
SOURCE_NAMES = {"loq": "Europass LOQ XML", "zrk": "ZRK", "table": "CSV", "merit": "Merit JSON"}


def search(params: Any) -> tuple[QuerySet[Qualification], dict[str, str]]:
    """The qualifications matching ``q`` (each word in the code, titles or unit titles, ignoring case and accents),
    ``kind``, ``country`` and ``eqf``; and the filters as read."""
    found = Qualification.objects.select_related("organisation")
    filters = {name: str(params.get(name, "")).strip()[:200] for name in ("q", "kind", "country", "eqf")}
    for word in fold(filters["q"]).split():
        found = found.filter(search__contains=word)
    if filters["kind"] in Qualification.Kind.values:
        found = found.filter(kind=filters["kind"])
    else:
        filters["kind"] = ""
    if filters["country"]:
        found = found.filter(country=filters["country"].upper()[:2])
    if filters["eqf"].isdigit() and 1 <= int(filters["eqf"]) <= 8:
        found = found.filter(eqf_level=int(filters["eqf"]))
    else:
        filters["eqf"] = ""
    return found, filters


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    found, filters = search(request.GET)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"row": row, "core": services.to_core(row, [])} for row in page]
    for item in rows:
        item["title"] = wording.shown(item["core"], item["core"].title)
        item["level"] = wording.level(item["core"])
    countries = Qualification.objects.exclude(country="").values_list("country", flat=True).distinct()
    query = urlencode({k: v for k, v in filters.items() if v})
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "kinds": Qualification.Kind.choices,
        "countries": sorted(set(countries)),
        "levels": range(1, 9),
        "query": query,
    }
    return render(request, "qualifications/catalogue.html", context)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Qualification.objects.select_related("organisation"), pk=pk)
    core = services.to_core(row)
    context = {
        "qualification": row,
        "q": wording.detail(core),
        "institutions": access.institutions_for(row),
        "gaps": export.gaps(core),
        "may_change": may(request.user, row.organisation, "design"),
    }
    return render(request, "qualifications/detail.html", context)


def _download(document: Any, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(row: Qualification) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (row.code or str(row.pk)))[:60]


@require_GET
def elm(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Qualification, pk=pk)
    return _download(export.elm(services.to_core(row)), "application/ld+json", f"{_filename(row)}-elm.jsonld")


@require_GET
def loq(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Qualification, pk=pk)
    response = HttpResponse(export.loq_xml([services.to_core(row)]), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{_filename(row)}-loq.xml"'
    return response


@require_GET
def as_json(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Qualification, pk=pk)
    return _download(codec.to_json(services.to_core(row)), "application/json", f"{_filename(row)}.json")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for(request, slug, "design")
    context: dict[str, Any] = {
        "organisation": organisation,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "owned": Qualification.objects.filter(organisation=organisation),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose a file to import.")
        elif upload.size is not None and upload.size > MAX_BYTES:
            context["error"] = _("The file is larger than %(mb)s MB.") % {"mb": context["max_mb"]}
        else:
            try:
                batch = imports.check(
                    organisation, upload.read(), filename=upload.name or "", actor=request.user.get_username()
                )
            except ImportRefused as exc:
                context["error"] = _("The file cannot be read: %(reason)s") % {"reason": exc.message}
            else:
                return redirect("qualifications:import-check", slug=organisation.slug, key=batch.key)
    return render(request, "qualifications/import.html", context, status=400 if "error" in context else 200)


def _batch(request: HttpRequest, slug: str, key: str) -> ImportBatch:
    organisation = organisation_for(request, slug, "design")
    batch = ImportBatch.objects.filter(
        key=key, organisation=organisation, created_by=request.user.get_username()
    ).first()
    if batch is None:
        raise Http404("no such import")
    return batch


@login_required
@require_GET
def import_check(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    batch = _batch(request, slug, key)
    context = {"organisation": batch.organisation, "batch": batch, "source": SOURCE_NAMES.get(batch.source, "")}
    return render(request, "qualifications/import_check.html", context)


@login_required
@require_POST
def import_apply(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    batch = _batch(request, slug, key)
    try:
        saved = imports.apply(batch, actor=request.user.get_username())
    except imports.NotImportable as exc:
        context = {
            "organisation": batch.organisation,
            "batch": batch,
            "source": SOURCE_NAMES.get(batch.source, ""),
            "refused": exc.errors,
        }
        return render(request, "qualifications/import_check.html", context, status=409)
    messages.success(
        request,
        ngettext("%(count)s qualification imported.", "%(count)s qualifications imported.", len(saved))
        % {"count": len(saved)},
    )
    return redirect("qualifications:import", slug=batch.organisation.slug)
