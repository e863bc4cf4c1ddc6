"""The validation API (``/api/v1/validation``): a learner's cases (create, list, withdraw) and an institution's
(list, detail, decide), for a signed-in person (the session, with Django's CSRF check on every change), since a
decision is a person's: an organisation's API token names no assessor. Cases are named by their UUID. Errors are
problem+json (``merit.server.problems``)."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema
from ninja.security import SessionAuth

from merit.server import problems
from merit.server.accounts.models import Organisation
from merit.server.accounts.services import AuthenticationFailed
from merit.server.qualifications.models import Qualification
from merit.server.validation import basis as casebasis
from merit.server.validation import services
from merit.server.validation.access import assesses
from merit.server.validation.models import Case, Decision


class SignedIn(SessionAuth):
    """The signed-in person (the session cookie, CSRF-checked on unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            raise AuthenticationFailed("sign in to Merit first (this API uses the session of the web pages)")
        return request.user


router = Router(tags=["Validation"], auth=SignedIn())


class EvidenceFile(Schema):
    name: str = Field(max_length=255)
    contentBase64: str = Field(max_length=(services.MAX_FILE_BYTES * 4) // 3 + 8)


class Application(Schema):
    institution: str = Field(max_length=60, description="The institution's short name (slug).")
    qualification: str = Field(max_length=500, description="The qualification's IRI.")
    units: list[str] = Field(max_length=100)
    credentials: list[int] = Field(default_factory=list, max_length=50, description="Ids of held credentials.")
    statement: str = Field("", max_length=services.MAX_STATEMENT)
    evidence: list[EvidenceFile] = Field(default_factory=list, max_length=services.MAX_FILES)


class DecisionRequest(Schema):
    unit: str = Field(max_length=500)
    outcome: str = Field(max_length=30)
    method: str = Field(max_length=30)
    supervision: str = Field(max_length=40)
    identityChecked: bool = False
    identityMethod: str = Field("", max_length=200)
    reason: str = Field(max_length=5000)


def _refused(exc: services.Refused) -> HttpResponse:
    return problems.problem(422, "Unprocessable Content", exc.message, "validation-refused")


def _not_found() -> HttpResponse:
    return problems.problem(404, "Not Found", "no such case", "not-found")


def _decision(d: Decision, *, staff: bool = True) -> dict[str, Any]:
    data = {
        "id": d.urn,
        "unit": d.unit.iri,
        "outcome": d.outcome,
        "method": d.method,
        "supervision": d.supervision,
        "identityChecked": d.identity_checked,
        "identityMethod": d.identity_method,
        "reason": d.reason,
        "assessor": d.assessor,
        "decidedAt": d.decided_at.isoformat(),
        "supersedes": d.supersedes.urn if d.supersedes_id else None,
    }
    if not staff:  # The learner reads the institution's decision, not its staff's accounts.
        data.pop("assessor")
    return data


def _case(case: Case, *, full: bool = False, staff: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(case.public_id),
        "kind": case.kind,
        "state": case.state,
        "institution": case.institution.slug,
        "qualification": case.qualification.iri,
        "units": list(case.units),
        "createdAt": case.created_at.isoformat(),
        "decisions": [_decision(d, staff=staff) for d in case.decisions.select_related("unit", "supersedes")],
    }
    if case.kind == Case.Kind.WORKPLACE:
        data["workplace"] = {
            "employer": case.employer,
            "place": case.place,
            "observedOn": case.observed_on.isoformat() if case.observed_on else None,
            "observer": case.observer,
        }
    submission = getattr(case, "submission", None)
    if submission is not None:
        data["presentation"] = {"outcomeOnReceipt": submission.outcome}
        if full:
            data["presentation"]["report"] = submission.report
            data["statement"] = submission.statement
            data["evidence"] = [
                {"name": e.name, "contentType": e.content_type, "size": e.size, "sha256": e.sha256}
                for e in submission.evidence.all()
            ]
    if full:
        data["learner"] = {"name": case.learner_name, "email": case.learner_email}
    return data


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


@router.get("/cases", summary="Your validation cases")
def my_cases(request: HttpRequest) -> HttpResponse:
    return _json({"cases": [_case(c, staff=False) for c in services.learner_cases(request.user)]})


@router.post("/cases", summary="Apply for validation")
def create(request: HttpRequest, body: Application) -> HttpResponse:
    institution = Organisation.objects.filter(slug=body.institution).first()
    qualification = Qualification.objects.filter(iri=body.qualification).first()
    if institution is None or qualification is None:
        return problems.problem(422, "Unprocessable Content", "no such institution or qualification", "not-found")
    try:
        files = [services.File(f.name, base64.b64decode(f.contentBase64, validate=True)) for f in body.evidence]
    except (binascii.Error, ValueError):
        return problems.problem(422, "Unprocessable Content", "an evidence file is not valid base64", "bad-file")
    try:
        case = services.apply(
            request.user,
            institution,
            qualification,
            units=body.units,
            held=body.credentials,
            statement=body.statement,
            files=files,
        )
    except services.Refused as exc:
        return _refused(exc)
    return _json(_case(case, full=True, staff=False), status=201)


@router.post("/cases/{case_id}/withdraw", summary="Withdraw your application (before any decision)")
def withdraw(request: HttpRequest, case_id: str) -> HttpResponse:
    public_id = _uuid(case_id)
    case = services.learner_cases(request.user).filter(public_id=public_id).first() if public_id else None
    if case is None:
        return _not_found()
    try:
        services.withdraw(case, request.user)
    except services.NotAllowed:
        return _not_found()
    except services.Refused as exc:
        return _refused(exc)
    return _json(_case(case, staff=False))


def _uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _institution_case(request: HttpRequest, slug: str, case_id: str) -> Case | None:
    institution = Organisation.objects.filter(slug=slug).first()
    if institution is None or not assesses(request.user, institution) or _uuid(case_id) is None:
        return None
    return Case.objects.filter(institution=institution, public_id=_uuid(case_id)).first()


@router.get("/institutions/{slug}/cases", summary="The cases an institution received or opened (its assessors)")
def institution_cases(request: HttpRequest, slug: str) -> HttpResponse:
    institution = Organisation.objects.filter(slug=slug).first()
    if institution is None or not assesses(request.user, institution):
        return problems.problem(404, "Not Found", "no such organisation in your workspace", "not-found")
    found = Case.objects.filter(institution=institution).select_related("institution", "qualification")[:500]
    return _json({"cases": [_case(c) for c in found]})


@router.get("/institutions/{slug}/cases/{case_id}", summary="A case with its report, evidence and decisions")
def institution_case(request: HttpRequest, slug: str, case_id: str) -> HttpResponse:
    case = _institution_case(request, slug, case_id)
    if case is None:
        return _not_found()
    data = _case(case, full=True)
    data["basis"] = {
        "credentials": [{"id": p.credential_id, "sha256": p.sha256} for p in casebasis.of(case).pieces],
        "recognised": [r.unit for r in casebasis.of(case).recognitions],
    }
    return _json(data)


@router.post("/institutions/{slug}/cases/{case_id}/decisions", summary="Decide one unit (an assessor)")
def decide(request: HttpRequest, slug: str, case_id: str, body: DecisionRequest) -> HttpResponse:
    case = _institution_case(request, slug, case_id)
    if case is None:
        return _not_found()
    try:
        decision = services.decide(
            case,
            request.user,
            unit=body.unit,
            outcome=body.outcome,
            method=body.method,
            supervision=body.supervision,
            identity_checked=body.identityChecked,
            identity_method=body.identityMethod,
            reason=body.reason,
        )
    except services.Refused as exc:
        return _refused(exc)
    except services.NotAllowed:
        return _not_found()
    return _json(_decision(decision), status=201)
