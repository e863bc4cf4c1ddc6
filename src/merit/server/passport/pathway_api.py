"""The learner's progress toward qualifications as JSON: ``GET /api/v1/passport/pathways`` and
``/api/v1/passport/pathways/{id}``, for the signed-in learner (session authentication: the passport is a person's,
not an organisation's, so the organisations' API tokens never reach it). Reason codes are those of
:data:`merit.server.passport.pathways.REASONS`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.security import SessionAuth

from merit.core.qualifications import codec
from merit.server import problems
from merit.server.accounts.services import AuthenticationFailed
from merit.server.passport import pathways


class LearnerSession(SessionAuth):
    """The signed-in learner's session (an organisation's API token is no way into a person's passport)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        raise AuthenticationFailed("sign in first: the passport API answers the signed-in learner's session")


router = Router(tags=["Passport"], auth=LearnerSession())


def _summary(standing: pathways.Standing) -> dict[str, Any]:
    row = standing.row
    return {
        "id": row.pk,
        "qualification": row.iri,
        "code": row.code,
        "title": dict(row.title),
        "kind": row.kind,
        "eqfLevel": row.eqf_level,
        "followed": standing.followed,
        "complete": standing.progress.complete,
        "unitsDone": standing.done,
        "unitsMissing": standing.missing,
    }


def _card(standing: pathways.Standing, key: str) -> dict[str, Any]:
    held = standing.cards[key]
    return {"id": held.pk, "credentialId": held.credential_id or None, "title": held.title}


def _detail(standing: pathways.Standing) -> dict[str, Any]:
    found = _summary(standing)
    found["units"] = [
        {
            "unit": s.unit.iri,
            "code": s.unit.code,
            "title": dict(s.unit.title),
            "state": s.state,
            "recognised": s.recognised,
            "credentials": [_card(standing, k) for k in s.by if k in standing.cards],
        }
        for s in standing.progress.units
    ]
    found["rules"] = [
        {
            **codec.rule_to_json(r.rule),
            "met": r.met,
            "have": r.have,
            "need": r.need,
            "counted": [{"unit": unit, "credential": key} for unit, key in r.counted],
        }
        for r in standing.progress.rules
    ]
    found["excluded"] = [
        {"credential": {"id": held.pk, "title": held.title}, "unit": unit, "reason": reason}
        for held, reason, unit in standing.excluded
    ]
    found["fillers"] = {
        unit: [{"title": f.title, "issuer": f.issuer, "coverage": f.coverage, "counts": f.counts} for f in items]
        for unit, items in standing.fillers.items()
    }
    return found


@router.get("/pathways", summary="The qualifications the learner follows or works toward, with progress")
def pathways_list(request: HttpRequest) -> dict[str, Any]:
    return {"pathways": [_summary(s) for s in pathways.overview(request.user)]}  # type: ignore[arg-type]


@router.get("/pathways/{int:pk}", summary="Progress toward one qualification: units, rules, exclusions, fillers")
def pathway_detail(request: HttpRequest, pk: int) -> Any:
    standing = pathways.detail(request.user, pk)  # type: ignore[arg-type]
    if standing is None:
        return problems.problem(404, "Not Found", "no such qualification", "not-found")
    found: dict[str, Any] | HttpResponse = _detail(standing)
    return found
