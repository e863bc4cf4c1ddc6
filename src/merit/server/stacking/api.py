"""``/api/v1/awards``: award a qualification (token scope ``issue``) and read an award (scope ``read``); refusals
are problem+json (422, ``reason`` and what about), another organisation's award is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema

from merit.core.microcredential import Learner
from merit.core.qualifications.basis import Basis, Piece, Recognition
from merit.core.qualifications.model import SUPERVISION_ORDER
from merit.server import problems
from merit.server.delivery import services as delivery
from merit.server.issuing.requests import MAX_DID, MAX_EMAIL, MAX_NAME
from merit.server.qualifications.models import Qualification
from merit.server.stacking import services
from merit.server.stacking.models import Award
from merit.server.tokenauth import TokenAuth

MAX_COMPONENTS = 50
MAX_DOCUMENT = 512 * 1024
METHODS = ("interview", "observation", "test", "portfolio")


class LearnerIn(Schema):
    email: str | None = Field(None, max_length=MAX_EMAIL)
    did: str | None = Field(None, max_length=MAX_DID)
    name: str | None = Field(None, max_length=MAX_NAME)


class ComponentIn(Schema):
    id: str = Field(max_length=500)
    document: str = Field(max_length=MAX_DOCUMENT, description="The credential exactly as held: JSON text or a JWT.")


class RecognitionIn(Schema):
    unit: str = Field(max_length=500)
    decision: str = Field(max_length=500, description="The IRI of the assessor's decision.")
    method: str = Field(max_length=20)
    supervision: str | None = Field(None, max_length=40)
    decidedAt: datetime
    assessor: str = Field("", max_length=200)


class AwardIn(Schema):
    qualification: str = Field(max_length=500)
    unit: str | None = Field(None, max_length=500)
    learner: LearnerIn
    components: list[ComponentIn] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    recognitions: list[RecognitionIn] = Field(default_factory=list, max_length=MAX_COMPONENTS)


router = Router(tags=["Qualifications"])


def _refused(exc: services.AwardRefused) -> HttpResponse:
    return problems.problem(
        422, "Unprocessable Content", exc.message, "award-refused", reason=exc.reason, **exc.details
    )


def _invalid(detail: str) -> HttpResponse:
    return problems.problem(400, "Bad Request", detail, "invalid-request")


def award_json(made: Award) -> dict[str, Any]:
    return {
        "id": made.pk,
        "qualification": made.qualification.iri,
        "unit": made.unit_iri or None,
        "credentialId": made.credential.credential_id,
        "state": made.credential.state,
        "awardedAt": made.awarded_at.isoformat(),
        "awardedBy": made.awarded_by,
        "accreditation": made.accreditation_id,
        "components": [
            {"kind": c.kind, "id": c.credential_id, "sha256": c.sha256 or None, "state": c.state, "units": c.units}
            for c in made.components.all()
        ],
        "verifiableCredential": made.credential.document,
    }


@router.post("", auth=TokenAuth("issue"), summary="Award a qualification or one unit of it")
def create_award(request: HttpRequest, body: AwardIn) -> HttpResponse:
    """Checks the institution's accreditation, the qualification's state, each component now (signature, status,
    subject) and the completion rules; then signs the stacked credential and sends the learner a claim link."""
    token = request.auth  # type: ignore[attr-defined]
    qualification = Qualification.objects.filter(iri=body.qualification).first()
    if qualification is None:
        return problems.problem(404, "Not Found", "no qualification with this IRI", "not-found")
    learner = Learner(email=body.learner.email, did=body.learner.did, name=body.learner.name)
    for item in body.recognitions:
        if item.method not in METHODS:
            return _invalid(f"method must be one of {', '.join(METHODS)}")
        if item.supervision is not None and item.supervision not in SUPERVISION_ORDER:
            return _invalid(f"supervision must be one of {', '.join(SUPERVISION_ORDER)}")
        if not item.decision.startswith(("https://", "http://", "urn:")):
            return _invalid("each recognition's decision must be an IRI")
    basis = Basis(
        qualification.iri,
        tuple(Piece(c.id, c.document.encode("utf-8")) for c in body.components),
        tuple(
            Recognition(r.unit, r.decision, r.method, r.supervision, r.decidedAt, r.assessor) for r in body.recognitions
        ),
    )
    actor = f"token:{token.name}"
    try:
        made, claim = services.award(token.organisation, qualification, learner, basis, actor=actor, unit=body.unit)
    except services.AwardRefused as exc:
        return _refused(exc)
    return JsonResponse({**award_json(made), "claimUrl": delivery.claim_url(claim)}, status=201)


@router.get("/{award_id}", auth=TokenAuth("read"), summary="An award and what it rests on")
def get_award(request: HttpRequest, award_id: int) -> HttpResponse:
    token = request.auth  # type: ignore[attr-defined]
    made = Award.objects.select_related("qualification", "credential").get(organisation=token.organisation, pk=award_id)
    return JsonResponse(award_json(made), json_dumps_params={"ensure_ascii": False})
