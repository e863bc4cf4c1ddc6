"""The issuer workspace pages (Django templates with htmx). Services do the work; views check access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.core.errors import MeritError
from merit.server.accounts.models import AuditEvent, Membership, Organisation
from merit.server.bulk import services as bulk
from merit.server.bulk.models import IssuanceJob
from merit.server.bulk.rows import MAX_BYTES, UploadError
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.registry import services as registry
from merit.server.workspace.access import organisation_for


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
        return redirect("workspace:dashboard", slug=memberships[0].organisation.slug)
    return render(request, "workspace/home.html", {"memberships": memberships})


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for(request, slug, "view")
    counts = services.credential_counts(organisation)
    context = {
        "organisation": organisation,
        "counts": [(label, counts[value]) for value, label in IssuedCredential.State.choices],
        "specifications": registry.issuable(organisation),
        "jobs": IssuanceJob.objects.filter(organisation=organisation).order_by("-created_at")[:10],
        "recent": AuditEvent.objects.filter(organisation=organisation).order_by("-at")[:15],
        "credentials": IssuedCredential.objects.filter(organisation=organisation).order_by("-issued_at")[:25],
    }
    return render(request, "workspace/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str, spec_id: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "issue")
    specification = _issuable(organisation, spec_id)
    context: dict[str, object] = {"organisation": organisation, "specification": specification}
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            context["error"] = _("Choose a CSV file to upload.")
        else:
            content = file.read(MAX_BYTES + 1)
            try:
                if request.POST.get("confirm") != "1":
                    context["report"] = bulk.dry_run(specification, content)
                    context["filename"] = file.name
                else:
                    job, _upload, created = bulk.create_job(
                        specification,
                        file.name or "upload.csv",
                        content,
                        actor=request.user.get_username(),
                        issuer=organisation,
                    )
                    if not created and job.state == IssuanceJob.State.QUEUED:
                        messages.info(
                            request, _("This file was uploaded before; its rows not yet issued are queued again.")
                        )
                    elif not created:
                        messages.info(request, _("This file was uploaded before; nothing was issued twice."))
                    return redirect("workspace:job", slug=slug, job_id=job.pk)
            except UploadError as exc:
                context["error"] = str(exc)
    return render(request, "workspace/upload.html", context)


@login_required
@require_GET
def job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "view")
    found = get_object_or_404(IssuanceJob, organisation=organisation, pk=job_id)
    template = "workspace/job_progress.html" if request.headers.get("HX-Request") else "workspace/job.html"
    return render(request, template, {"organisation": organisation, "job": bulk.progress(found), "job_id": job_id})


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


@login_required
@require_POST
def change_status(request: HttpRequest, slug: str, credential_pk: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "issue")
    record = get_object_or_404(IssuedCredential, organisation=organisation, pk=credential_pk)
    state = request.POST.get("state", "")
    reason = request.POST.get("reason", "").strip()[:500]
    try:
        services.set_status(organisation, record.credential_id, state, reason=reason, actor=request.user.get_username())
        messages.success(request, _("The credential is now %(state)s.") % {"state": state})
    except MeritError as exc:
        messages.error(request, exc.message)
    return redirect("workspace:dashboard", slug=slug)
