"""The API of unit mappings (decision 0025): a specification's mappings to units of qualifications
(``/api/v1/specifications/{spec_id}/units``: read, map, remove; by the specification's organisation) and the owner's
decision on them (``/registry/v1/unit-mappings``: the organisation owning the qualifications; its token's ``issue``
scope decides, as its owners and issuers do in the pages). Errors are problem+json."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema

from merit.server import problems
from merit.server.issuing.models import Specification
from merit.server.qualifications import mapping
from merit.server.qualifications.models import Unit, UnitMapping
from merit.server.tokenauth import TokenAuth

units_router = Router(tags=["Unit mappings"])
decisions_router = Router(tags=["Unit mappings"])


class MapBody(Schema):
    unit: str = Field(max_length=500, description="The unit's IRI (a set of learning outcomes of a qualification)")
    coverage: Literal["full", "partial"] = "full"


class DecisionBody(Schema):
    decision: Literal["approve", "refuse"]
    reason: str = Field("", max_length=mapping.MAX_REASON)


def _json(m: UnitMapping) -> dict[str, Any]:
    return {
        "id": m.pk,
        "organisation": m.organisation.slug,
        "specification": m.specification_key,
        "unit": m.unit.iri,
        "unitCode": m.unit.code,
        "qualification": m.unit.qualification.iri,
        "qualificationCode": m.unit.qualification.code,
        "coverage": m.coverage,
        "state": m.state,
        "requestedAt": m.requested_at.isoformat(),
        "decidedAt": m.decided_at.isoformat() if m.decided_at else None,
        "reason": m.reason,
    }


def _actor(request: HttpRequest) -> str:
    return f"token:{request.auth.name}"  # type: ignore[attr-defined]


def _specification(request: HttpRequest, spec_id: int) -> Specification:
    organisation = request.auth.organisation  # type: ignore[attr-defined]
    found: Specification = Specification.objects.get(organisation=organisation, pk=spec_id)
    return found


@units_router.get("/api/v1/specifications/{spec_id}/units", auth=TokenAuth("read"), summary="The units it covers")
def list_units(request: HttpRequest, spec_id: int) -> JsonResponse:
    """Every mapping of the specification (all its versions share them) with its state."""
    specification = _specification(request, spec_id)
    found = mapping.mappings_of(specification.organisation, specification.key).select_related("organisation")
    return JsonResponse({"items": [_json(m) for m in found]})


@units_router.post("/api/v1/specifications/{spec_id}/units", auth=TokenAuth("design"), summary="Map it to a unit")
def map_unit(request: HttpRequest, spec_id: int, body: MapBody) -> HttpResponse:
    """Map the specification to a unit, fully or partly; it awaits approval where the qualification's owner
    requires it."""
    specification = _specification(request, spec_id)
    unit = Unit.objects.filter(iri=body.unit).select_related("qualification__organisation").first()
    if unit is None:
        return problems.problem(422, "Unprocessable Content", f"no unit {body.unit} in this catalogue", "unknown-unit")
    found = mapping.propose(specification.organisation, specification.key, unit, body.coverage, actor=_actor(request))
    return JsonResponse(_json(found), status=201)


@units_router.delete("/api/v1/specifications/{spec_id}/units/{mapping_id}", auth=TokenAuth("design"), summary="Remove")
def remove_unit(request: HttpRequest, spec_id: int, mapping_id: int) -> HttpResponse:
    specification = _specification(request, spec_id)
    found = mapping.mappings_of(specification.organisation, specification.key).get(pk=mapping_id)
    mapping.remove(found, actor=_actor(request))
    return HttpResponse(status=204)


@decisions_router.get("/unit-mappings", auth=TokenAuth("read"), summary="Mappings to units of your qualifications")
def owner_mappings(request: HttpRequest, state: str = "") -> JsonResponse:
    found = mapping.for_owners([request.auth.organisation]).order_by("pk")
    if state:
        if state not in UnitMapping.State.values:
            return problems.problem(422, "Unprocessable Content", "state is proposed, approved or refused", "bad-state")
        found = found.filter(state=state)
    return JsonResponse({"items": [_json(m) for m in found[:1000]]})


@decisions_router.post("/unit-mappings/{mapping_id}/decision", auth=TokenAuth("issue"), summary="Approve or refuse")
def decide(request: HttpRequest, mapping_id: int, body: DecisionBody) -> JsonResponse:
    """Approve or refuse a mapping awaiting approval (a refusal needs a reason)."""
    found = mapping.for_owners([request.auth.organisation]).get(pk=mapping_id)
    decided = mapping.decide(found, body.decision == "approve", reason=body.reason, actor=_actor(request))
    return JsonResponse(_json(decided))
