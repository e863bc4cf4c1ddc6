"""The issuer workspace pages (Django templates with htmx). Services do the work; views check access."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.core.errors import MeritError
from merit.server.accounts.models import AuditEvent, Membership, Organisation
from merit.server.bulk import results
from merit.server.bulk import services as bulk
from merit.server.bulk.models import CheckedUpload, IssuanceJob
from merit.server.bulk.rows import MAX_BYTES, Upload, UploadError
from merit.server.delivery import services as delivery
from merit.server.issuing import recipients, services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.registry import services as registry
from merit.server.workspace import credentials
from merit.server.workspace.access import may, organisation_for


def _issuable(organisation: Organisation, spec_id: int) -> Specification:
    """A micro-credential the organisation may issue (its own or granted to it); anything else is 404."""
    try:
        return registry.issuable_specification(organisation, spec_id)
    except Specification.DoesNotExist as exc:
        raise Http404("no such micro-credential to issue") from exc


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    if len(memberships) == 1:
        if hasattr(memberships[0].organisation, "authority"):
            return redirect("registry:review")  # A registry authority's member works in the registry pages.
        return redirect("workspace:dashboard", slug=memberships[0].organisation.slug)
    return render(request, "workspace/home.html", {"memberships": memberships})


LATEST = 10
"""How many of the newest credentials the dashboard shows; the credentials list has them all."""


def _latest(organisation: Organisation) -> list[IssuedCredential]:
    found = IssuedCredential.objects.filter(organisation=organisation).select_related("specification")
    return list(found.prefetch_related("status_entries__status_list").order_by("-issued_at", "-pk")[:LATEST])


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for(request, slug, "view")
    counts = services.credential_counts(organisation)
    context = {
        "organisation": organisation,
        "counts": [(value, label, counts[value]) for value, label in IssuedCredential.State.choices],
        "specifications": registry.issuable(organisation),
        "jobs": IssuanceJob.objects.filter(organisation=organisation).order_by("-created_at")[:10],
        "recent": AuditEvent.objects.filter(organisation=organisation).order_by("-at")[:15],
        "credentials": credentials.actions_of(request, organisation, _latest(organisation)),
    }
    return render(request, "workspace/dashboard.html", context)


PREVIEW = 10
"""Rows the dry run shows as they will be issued."""


def _issue_kept(request: HttpRequest, organisation: Organisation, specification: Specification) -> HttpResponse | str:
    """Issue the file kept by the dry run (the "Issue these credentials" button); a message if it is gone."""
    actor = request.user.get_username()
    try:
        kept = bulk.checked(
            request.POST.get("upload", ""), issuer=organisation, specification=specification, actor=actor
        )
    except CheckedUpload.DoesNotExist:
        return _("The checked file has expired or was already issued. Choose the file and check it again.")
    try:
        job, _upload, created = bulk.issue_checked(kept, actor=actor)
    except MeritError as exc:  # The micro-credential was withdrawn since the check, say.
        return recipients.message(exc)
    except UploadError as exc:
        return str(exc)
    _say_if_seen(request, job, created)
    return redirect("workspace:job", slug=organisation.slug, job_id=job.pk)


def _say_if_seen(request: HttpRequest, job: IssuanceJob, created: bool) -> None:
    if not created and job.state == IssuanceJob.State.QUEUED:
        messages.info(request, _("This file was uploaded before; its rows not yet issued are queued again."))
    elif not created:
        messages.info(request, _("This file was uploaded before; nothing was issued twice."))


def _language_name(code: str, in_sentence: bool = False) -> str:
    """A language's name in the reader's language (``Swedish``; ``Svenska``, or ``svenska`` inside a sentence, as
    only English capitalises language names)."""
    name = str(translation.get_language_info(code)["name_translated"]) if code else ""
    if in_sentence and not (get_language() or "en").startswith("en"):
        return name.lower()
    return name[:1].upper() + name[1:]  # A table cell (Django's catalogues differ: "Polsk", "polski").


def _preview(report: Upload, zone: ZoneInfo, default_language: str) -> list[dict[str, object]]:
    """The first ready rows as they will be issued (valid_until as a moment in the organisation's time zone)."""
    shown = []
    for number, data in report.rows[:PREVIEW]:
        until = data.get("valid_until")
        shown.append(
            {
                "number": number,
                "learner": data.get("email") or data.get("did"),
                "name": data.get("name", ""),
                "grade": data.get("grade", ""),
                "until": datetime.fromisoformat(until).astimezone(zone) if until else None,
                "language": _language_name(data.get("language") or default_language),
            }
        )
    return shown


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str, spec_id: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "issue")
    specification = _issuable(organisation, spec_id)
    context: dict[str, object] = {
        "organisation": organisation,
        "specification": specification,
        "zone": organisation.zone_name,
        "default_language": _language_name(delivery.language_for(specification), in_sentence=True),
    }
    if request.method == "POST" and request.POST.get("upload"):
        issued = _issue_kept(request, organisation, specification)
        if isinstance(issued, HttpResponse):
            return issued
        context["error"] = issued
    elif request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            context["error"] = _("Choose a CSV file or an Excel workbook to upload.")
        else:
            content = file.read(MAX_BYTES + 1)
            actor = request.user.get_username()
            filename = file.name or "upload.csv"
            try:
                if request.POST.get("confirm") != "1":
                    report, kept = bulk.check_and_keep(
                        specification, filename, content, actor=actor, issuer=organisation
                    )
                    context.update(
                        {
                            "report": report,
                            "kept": kept,
                            "kept_until": timezone.localtime(kept.expires_at, organisation.zone()) if kept else None,
                            "filename": file.name,
                            "preview": _preview(report, organisation.zone(), delivery.language_for(specification)),
                            "more": max(0, len(report.rows) - PREVIEW),
                        }
                    )
                else:
                    job, _upload, created = bulk.create_job(
                        specification, filename, content, actor=actor, issuer=organisation
                    )
                    _say_if_seen(request, job, created)
                    return redirect("workspace:job", slug=slug, job_id=job.pk)
            except UploadError as exc:
                context["error"] = str(exc)
    status = 400 if "error" in context else 200
    return render(request, "workspace/upload.html", context, status=status)


@login_required
@require_GET
def job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "view")
    found = get_object_or_404(IssuanceJob, organisation=organisation, pk=job_id)
    context: dict[str, object] = {"organisation": organisation, "job": bulk.progress(found), "job_id": job_id}
    if request.headers.get("HX-Request"):
        response = render(request, "workspace/job_progress.html", context)
        if found.state == IssuanceJob.State.DONE:
            response["HX-Refresh"] = "true"  # Once, as polling stops: the page reloads with every row's result.
        return response
    rows_page, rows = results.page(found, request.GET.get("page", 1))
    context.update(
        {
            "page": rows_page,
            "results": rows,
            "counts": [(results.OUTCOMES[code], n) for code, n in results.counts(found).items() if n],
            "may_export": may(request.user, organisation, "issue"),
        }
    )
    return render(request, "workspace/job.html", context)


@login_required
@require_GET
def job_export(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """Every learner's result with the claim links still open, as CSV: for members who may issue."""
    organisation = organisation_for(request, slug, "issue")
    found = get_object_or_404(IssuanceJob, organisation=organisation, pk=job_id)
    # Excel opens a comma-separated file in one column where the list separator is ";" (sv, nb, fi, pl).
    separator = "," if (get_language() or "en").startswith("en") else ";"
    exported = bulk.export_claim_links(found, actor=request.user.get_username(), delimiter=separator)
    body = "\ufeff" + exported  # The mark tells Excel the file is UTF-8.
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stem = "".join(c if c.isalnum() else "-" for c in found.filename.rsplit(".", 1)[0])[:60] or "job"
    response["Content-Disposition"] = f'attachment; filename="{stem}-results.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def retry_job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """Queue a failed (or stalled) job again: the retry button."""
    organisation = organisation_for(request, slug, "issue")
    found = get_object_or_404(IssuanceJob, organisation=organisation, pk=job_id)
    if bulk.resume(found, actor=request.user.get_username()):
        messages.success(request, _("The job is queued again; rows already issued are not issued twice."))
    else:
        messages.info(request, _("The job has finished; there is nothing to retry."))
    return redirect("workspace:job", slug=slug, job_id=found.pk)
