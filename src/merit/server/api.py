"""The JSON APIs: the W3C CCG Verifiable Credentials API (https://w3c-ccg.github.io/vc-api/) and Merit's REST API.

Documentation at ``/api/docs`` (OpenAPI at ``/api/openapi.json``). Errors are problem+json (``problems.py``).
"""

from __future__ import annotations

import csv
import json
from typing import Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, File, NinjaAPI, Query, Schema, UploadedFile

from merit.core.microcredential import Learner
from merit.server import problems
from merit.server.accounts.models import AuditEvent
from merit.server.bulk import results as bulk_results
from merit.server.bulk import rows as bulk_rows
from merit.server.bulk import services as bulk
from merit.server.bulk.models import IssuanceJob
from merit.server.delivery import services as delivery
from merit.server.issuing import requests, search, services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.jsonbody import StrictParser, StrictRenderer
from merit.server.passport.pathway_api import router as pathway_router
from merit.server.portal import services as portal
from merit.server.qualifications.api import router as qualifications_router
from merit.server.qualifications.mapping_api import decisions_router as unit_decisions_router
from merit.server.qualifications.mapping_api import units_router
from merit.server.registry.api import router as registry_router
from merit.server.stacking.api import router as awards_router
from merit.server.tokenauth import TokenAuth
from merit.server.validation.api import router as validation_router

api = NinjaAPI(
    title="Merit API",
    version="1",
    description="Issue, verify and manage EU micro-credentials (Open Badges 3.0 / W3C VC 2.0).",
    docs_url="/api/docs",
    openapi_url="/api/openapi.json",
    renderer=StrictRenderer(),
    parser=StrictParser(),
)
problems.install(api)
api.add_router("/registry/v1", registry_router)
api.add_router("/api/v1/passport", pathway_router)
api.add_router("/api/v1/validation", validation_router)
api.add_router("", units_router)
api.add_router("/registry/v1", unit_decisions_router)
api.add_router("/api/v1/awards", awards_router)
api.add_router("/api/v1/qualifications", qualifications_router)


MAX_REASON = IssuedCredential._meta.get_field("state_reason").max_length
MAX_KEY = Specification._meta.get_field("key").max_length
MAX_OFFSET = 10**9
"""The furthest page a listing reads from (a page past every row is the last page, not an error)."""


class IssueRequest(Schema):
    credential: dict[str, Any]
    options: dict[str, Any] | None = None


class StatusChange(Schema):
    type: str = "BitstringStatusListEntry"
    status: Literal["revoked", "suspended", "valid"]


class StatusRequest(Schema):
    credentialId: str = Field(max_length=requests.MAX_ID)
    credentialStatus: list[StatusChange]
    reason: str = Field("", max_length=MAX_REASON)


class VerifyCredentialRequest(Schema):
    verifiableCredential: dict[str, Any]
    options: dict[str, Any] | None = None


class VerifyPresentationRequest(Schema):
    verifiablePresentation: dict[str, Any]
    options: dict[str, Any] | None = None


def _actor(token: Any) -> str:
    return f"token:{token.name}"


@api.post("/credentials/issue", tags=["VC-API"], auth=TokenAuth("issue"), summary="Sign a credential")
def issue(request: HttpRequest, body: IssueRequest) -> JsonResponse:
    """VC 2.0 or VC 1.1; ``options`` as in the VC-API (``credentialId``, ``credentialStatus``) and ``cryptosuite``."""
    token = request.auth  # type: ignore[attr-defined]
    options = requests.parse_options(body.options)
    requests.require_issuer(body.credential, token.organisation.did)
    record = services.issue_credential(
        token.organisation,
        body.credential,
        actor=_actor(token),
        suite=options.suite,
        credential_id=options.credential_id,
        securing=options.securing,
    )
    return JsonResponse({"verifiableCredential": record.secured}, status=201)


@api.post("/credentials/status", tags=["VC-API"], auth=TokenAuth("status"), summary="Revoke, suspend, reinstate")
def update_status(request: HttpRequest, body: StatusRequest) -> JsonResponse:
    token = request.auth  # type: ignore[attr-defined]
    if len(body.credentialStatus) != 1:
        return problems.problem(422, "Unprocessable Content", "give exactly one status change", "invalid-request")
    record = services.set_status(
        token.organisation, body.credentialId, body.credentialStatus[0].status, reason=body.reason, actor=_actor(token)
    )
    return JsonResponse({"credentialId": record.credential_id, "status": record.state})


_NOT_PASSED = ("failed", "could_not_check")


def _verification_response(report: Any) -> JsonResponse:
    data = report.to_json()
    body = {
        "verified": report.verified,
        "checks": [c["name"] for c in data["checks"] if c["outcome"] == "passed"],
        "warnings": data["warnings"],
        "errors": [f"{c['name']}: {c['message']}" for c in data["checks"] if c["outcome"] in _NOT_PASSED],
        "report": data,
    }
    return JsonResponse(body, status=200 if report.verified else 400, json_dumps_params={"ensure_ascii": False})


@api.post("/credentials/verify", tags=["VC-API"], summary="Verify a credential and report every check")
def verify_credential(request: HttpRequest, body: VerifyCredentialRequest) -> JsonResponse:
    """The same verifier as the portal: other hosts' did:web documents and status lists through netfetch."""
    _, report = portal.verify_document(body.verifiableCredential, expect="credential")
    return _verification_response(report)


@api.post("/presentations/verify", tags=["VC-API"], summary="Verify a presentation and its credentials")
def verify_presentation(request: HttpRequest, body: VerifyPresentationRequest) -> JsonResponse:
    options = body.options or {}
    challenge, domain = options.get("challenge"), options.get("domain")
    _, report = portal.verify_document(
        body.verifiablePresentation,
        expect="presentation",
        challenge=challenge if isinstance(challenge, str) else None,
        domain=domain if isinstance(domain, str) else None,
    )
    return _verification_response(report)


_SEARCH_DOC = {
    "q": "Words that each match the learner's name, e-mail address or DID (ignoring case and accents) or the id",
    "state": "valid, suspended or revoked",
    "specification": "The id of a micro-credential version (as in /api/v1/specifications)",
    "issued_after": "Issued on or after this day (YYYY-MM-DD, the server's time zone)",
    "issued_before": "Issued on or before this day (YYYY-MM-DD)",
    "page": "The page, from 1",
    "per_page": f"Credentials per page, 1 to {search.MAX_PER_PAGE} (default 50)",
    "limit": "As per_page (older clients)",
    "offset": "Skip this many credentials instead of choosing a page (older clients)",
}


def _search(request: HttpRequest) -> search.CredentialQuery:
    """The search the query string asks for, through the one parser the workspace list uses too."""
    params = {name: request.GET.get(name, "") for name in search.PARAMETERS}
    return search.parse(params, per_page=50)


def _credential_item(record: IssuedCredential) -> dict[str, Any]:
    specification = record.specification
    return {
        "id": record.credential_id,
        "state": record.state,
        "issuedAt": record.issued_at.isoformat(),
        "reason": record.state_reason,
        "stateChangedAt": record.state_changed_at.isoformat() if record.state_changed_at else None,
        "learner": {
            "name": record.learner_name,
            "contact": record.learner_contact,
            "erased": bool(record.learner_erased_at),
        },
        "specification": None
        if specification is None
        else {"id": specification.pk, "key": specification.key, "version": specification.version},
        "title": search.title(record),
    }


def _next_page(request: HttpRequest, query: search.CredentialQuery, found: search.Page) -> str | None:
    """The address of the next page with the same search, or ``None`` on the last page (or with ``offset``)."""
    if not found.has_next or query.offset is not None:
        return None
    params = {**query.params(page=found.number + 1), "per_page": str(found.per_page)}  # The API's default is 50.
    return f"{request.path}?{urlencode(params)}"


def _credentials_csv(request: HttpRequest, query: search.CredentialQuery) -> HttpResponse:
    token = request.auth  # type: ignore[attr-defined]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="merit-credentials.csv"'
    csv.writer(response).writerows(search.csv_rows(search.find(token.organisation, query)))
    return response


@api.get(
    "/api/v1/credentials",
    tags=["Credentials"],
    auth=TokenAuth("read"),
    summary="Issued credentials, searched",
    openapi_extra={
        "parameters": [
            {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
            for name, text in _SEARCH_DOC.items()
        ]
    },
)
def list_credentials(request: HttpRequest) -> HttpResponse:
    """A page of the organisation's credentials, newest first, found by learner, micro-credential, state and date of
    issue; with ``Accept: text/csv`` every match as CSV (as ``/api/v1/credentials.csv``). A parameter that cannot
    be read is a 400 problem naming it."""
    token = request.auth  # type: ignore[attr-defined]
    query = _search(request)
    if "text/csv" in request.headers.get("Accept", ""):
        return _credentials_csv(request, query)
    found = search.page(token.organisation, query)
    body = {
        "total": found.total,
        "page": found.number,
        "perPage": found.per_page,
        "pages": found.pages,
        "offset": found.offset,
        "next": _next_page(request, query, found),
        "items": [_credential_item(r) for r in found.items],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@api.get("/api/v1/credentials.csv", tags=["Credentials"], auth=TokenAuth("read"), summary="Issued credentials as CSV")
def export_credentials(request: HttpRequest) -> HttpResponse:
    """Every credential the search finds (the parameters of ``/api/v1/credentials``, paging aside), as CSV; cells that
    look like formulas are neutralised."""
    return _credentials_csv(request, _search(request))


@api.get("/api/v1/credentials/{path:credential_id}", tags=["Credentials"], auth=TokenAuth("read"))
def get_credential(request: HttpRequest, credential_id: str) -> JsonResponse:
    """One issued credential, with its current status."""
    token = request.auth  # type: ignore[attr-defined]
    record = IssuedCredential.objects.get(organisation=token.organisation, credential_id=credential_id)
    return JsonResponse({"state": record.state, "reason": record.state_reason, "verifiableCredential": record.secured})


class SpecificationBody(Schema):
    # A slug, as the designer's page names it (``specifications/<slug:key>/``) and the model stores it.
    key: str = Field(min_length=1, max_length=MAX_KEY, pattern=r"^[-a-zA-Z0-9_]+$")
    data: dict[str, Any]


class IssueFromSpecification(Schema):
    email: str | None = Field(None, max_length=requests.MAX_EMAIL)
    did: str | None = Field(None, max_length=requests.MAX_DID)
    name: str | None = Field(None, max_length=requests.MAX_NAME)
    grade: str | None = Field(None, max_length=requests.MAX_GRADE)


def _specification_json(specification: Specification, lint: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": specification.pk,
        "key": specification.key,
        "version": specification.version,
        "state": specification.state,
        "publishedAt": specification.published_at.isoformat() if specification.published_at else None,
        "data": specification.data,
    }
    if lint is not None:
        body["lint"] = lint.to_json()
    return body


@api.get("/api/v1/specifications", tags=["Specifications"], auth=TokenAuth("read"))
def list_specifications(request: HttpRequest) -> JsonResponse:
    """Every version of the organisation's micro-credential specifications."""
    token = request.auth  # type: ignore[attr-defined]
    found = Specification.objects.filter(organisation=token.organisation).order_by("key", "-version")
    return JsonResponse({"items": [_specification_json(s) for s in found]})


@api.post("/api/v1/specifications", tags=["Specifications"], auth=TokenAuth("design"))
def save_specification(request: HttpRequest, body: SpecificationBody) -> JsonResponse:
    """Save a draft (a new version when the latest is published); the answer includes the completeness check."""
    token = request.auth  # type: ignore[attr-defined]
    specification, report = services.save_specification(token.organisation, body.key, body.data, actor=_actor(token))
    return JsonResponse(_specification_json(specification, report), status=201)


@api.get("/api/v1/specifications/{spec_id}", tags=["Specifications"], auth=TokenAuth("read"))
def get_specification(request: HttpRequest, spec_id: int) -> JsonResponse:
    """One specification version, with its completeness check."""
    token = request.auth  # type: ignore[attr-defined]
    specification = Specification.objects.get(organisation=token.organisation, pk=spec_id)
    return JsonResponse(_specification_json(specification, services.lint_spec(specification.data)))


@api.post("/api/v1/specifications/{spec_id}/publish", tags=["Specifications"], auth=TokenAuth("design"))
def publish_specification(request: HttpRequest, spec_id: int) -> JsonResponse:
    """Publish a draft; refused while a mandatory element is missing. Published versions never change."""
    token = request.auth  # type: ignore[attr-defined]
    specification = Specification.objects.get(organisation=token.organisation, pk=spec_id)
    return JsonResponse(_specification_json(services.publish_specification(specification, actor=_actor(token))))


@api.post("/api/v1/specifications/{spec_id}/credentials", tags=["Specifications"], auth=TokenAuth("issue"))
def issue_from_specification(request: HttpRequest, spec_id: int, body: IssueFromSpecification) -> JsonResponse:
    """Issue the micro-credential to one learner (by e-mail address or DID)."""
    token = request.auth  # type: ignore[attr-defined]
    specification = Specification.objects.get(organisation=token.organisation, pk=spec_id)
    learner = Learner(email=body.email, did=body.did, name=body.name)
    record, claim = delivery.issue_one(specification, learner, actor=_actor(token), grade=body.grade)
    return JsonResponse({"verifiableCredential": record.document, "claimUrl": delivery.claim_url(claim)}, status=201)


@api.post("/api/v1/specifications/{spec_id}/issuance-jobs", tags=["Bulk issuance"], auth=TokenAuth("issue"))
def create_issuance_job(
    request: HttpRequest, spec_id: int, file: File[UploadedFile], dry_run: bool = False
) -> JsonResponse:
    """Upload a CSV file (UTF-8, UTF-16 or Windows-1252/1250; comma, semicolon or TAB) or an XLSX workbook of
    learners; dates without a time are read in the organisation's time zone. With ``dry_run`` every row is checked
    and nothing is issued; otherwise the valid rows are queued for issuance (the same file uploaded again returns the
    same job, queued again if unfinished, and issues nothing twice)."""
    token = request.auth  # type: ignore[attr-defined]
    specification = Specification.objects.get(organisation=token.organisation, pk=spec_id)
    content = file.read(bulk_rows.MAX_BYTES + 1)
    if dry_run:
        return JsonResponse({"dryRun": True, **bulk.dry_run(specification, content, token.organisation).to_json()})
    job, _, created = bulk.create_job(
        specification, file.name or "upload.csv", content, actor=_actor(token), issuer=token.organisation
    )
    return JsonResponse({"created": created, "job": bulk.progress(job)}, status=201 if created else 200)


@api.get("/api/v1/issuance-jobs/{job_id}", tags=["Bulk issuance"], auth=TokenAuth("read"))
def get_issuance_job(request: HttpRequest, job_id: int) -> JsonResponse:
    """A job's progress and its rejected rows."""
    token = request.auth  # type: ignore[attr-defined]
    return JsonResponse(bulk.progress(IssuanceJob.objects.get(organisation=token.organisation, pk=job_id)))


@api.get("/api/v1/issuance-jobs/{job_id}/rows", tags=["Bulk issuance"], auth=TokenAuth("read"))
def get_issuance_job_rows(
    request: HttpRequest,
    job_id: int,
    page: int = Query(1, ge=1, le=MAX_OFFSET),
    per_page: int = Query(100, ge=1, le=1000),
) -> JsonResponse:
    """Each learner's result, a page at a time (a page past the last gives the last): ``issued``, ``emailed``,
    ``bounced`` (with the mail server's answer), ``claimed``, ``failed`` (with the reason) or ``pending``."""
    token = request.auth  # type: ignore[attr-defined]
    job = IssuanceJob.objects.get(organisation=token.organisation, pk=job_id)
    found, rows = bulk_results.page(job, page, per_page)
    return JsonResponse(
        {
            "job": job.pk,
            "page": found.number,
            "pages": found.paginator.num_pages,
            "count": found.paginator.count,
            "rows": [row.to_json() for row in rows],
        }
    )


@api.get("/api/v1/issuance-jobs/{job_id}/claim-links.csv", tags=["Bulk issuance"], auth=TokenAuth("issue"))
def get_issuance_job_claim_links(request: HttpRequest, job_id: int) -> HttpResponse:
    """Each learner's result with the claim link while it is open (not claimed, not expired), as CSV."""
    token = request.auth  # type: ignore[attr-defined]
    job = IssuanceJob.objects.get(organisation=token.organisation, pk=job_id)
    exported = bulk.export_claim_links(job, actor=_actor(token))
    response = HttpResponse(exported, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-claim-links.csv"'
    response["Cache-Control"] = "no-store"
    return response


@api.post("/api/v1/issuance-jobs/{job_id}/retry", tags=["Bulk issuance"], auth=TokenAuth("issue"))
def retry_issuance_job(request: HttpRequest, job_id: int) -> JsonResponse:
    """Queue a failed or unfinished job again (``resumed``: false for a finished job). Rows already issued are
    never issued twice."""
    token = request.auth  # type: ignore[attr-defined]
    job = IssuanceJob.objects.get(organisation=token.organisation, pk=job_id)
    resumed = bulk.resume(job, actor=_actor(token))
    return JsonResponse({"resumed": resumed, "job": bulk.progress(job)}, status=202 if resumed else 200)


@api.get("/api/v1/issuance-template.csv", tags=["Bulk issuance"])
def issuance_template(request: HttpRequest) -> HttpResponse:
    """The CSV template for bulk issuance."""
    response = HttpResponse(bulk_rows.TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="merit-learners.csv"'
    return response


@api.get("/api/v1/dashboard", tags=["Dashboard"], auth=TokenAuth("read"))
def dashboard(request: HttpRequest) -> JsonResponse:
    """Counts and the most recent activity of the organisation."""
    token = request.auth  # type: ignore[attr-defined]
    organisation = token.organisation
    recent = AuditEvent.objects.filter(organisation=organisation).order_by("-at")[:20]
    return JsonResponse(
        {
            "credentials": services.credential_counts(organisation),
            "specifications": Specification.objects.filter(organisation=organisation).count(),
            "issuanceJobs": IssuanceJob.objects.filter(organisation=organisation).count(),
            "recent": [
                {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "target": e.target} for e in recent
            ],
        }
    )


@api.get("/api/v1/audit.csv", tags=["Dashboard"], auth=TokenAuth("read"))
def audit_export(request: HttpRequest) -> HttpResponse:
    """The organisation's audit log as CSV; cells that look like formulas are neutralised."""
    token = request.auth  # type: ignore[attr-defined]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="merit-audit.csv"'
    writer = csv.writer(response)
    writer.writerow(["at", "actor", "action", "target", "details"])
    for event in AuditEvent.objects.filter(organisation=token.organisation).order_by("at").iterator():
        cells = [event.at.isoformat(), event.actor, event.action, event.target, json.dumps(event.details)]
        writer.writerow([bulk_rows.neutralise(cell) for cell in cells])
    return response
