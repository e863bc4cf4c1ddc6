"""Mapping micro-credential specifications to the units of qualifications they cover, and approving the mappings
(decision 0025). The one place that writes :class:`~merit.server.qualifications.models.UnitMapping` rows.

* Who maps: members of the specification's organisation who may design (the workspace's ``design`` action; an API
  token with the ``design`` scope).
* Who approves: the organisation that owns the qualification. An authority's members who may decide (owners and
  issuers, ``registry.access``) approve or refuse, unless it turned ``requires_mapping_approval`` off; a qualification
  owned by another organisation (a certifying institution imported it) waits for that organisation's owners and
  issuers. A mapping by the owner of the qualification itself is approved at once. Every step is audited.
* What counts: only approved mappings. Issuance carries them as alignments (:func:`covers`), progress matches
  credentials by them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from merit.core.credview import UnitAlignment
from merit.core.errors import InvalidError, MalformedValueError
from merit.core.microcredential.units import UnitCover
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing.learners import fold
from merit.server.issuing.services import audit
from merit.server.qualifications.models import Qualification, Unit, UnitMapping

DECIDERS = {Role.OWNER, Role.ISSUER}
SEARCH_RESULTS = 20
MAX_REASON = 2000


class MappingRefused(InvalidError):
    """The mapping or decision is not possible (an archived unit, a mapping decided already, no reason to refuse)."""

    code = "MAPPING_REFUSED"


def text(value: dict[str, str], language: str, fallback: str = "") -> str:
    """``value`` (``{language: text}``) in ``language``, else English, else its first language."""
    return value.get(language) or value.get("en") or next(iter(value.values()), fallback)


def search(query: str, *, limit: int = SEARCH_RESULTS) -> list[Qualification]:
    """Active qualifications whose code, titles or unit titles contain every word of ``query`` (case and accents
    ignored); none for an empty query."""
    words = fold(query).split()[:8]
    if not words:
        return []
    found = Qualification.objects.filter(status=Qualification.Status.ACTIVE)
    for word in words:
        found = found.filter(Q(search__contains=word) | Q(code__iexact=word))
    return list(found.select_related("organisation").prefetch_related("units")[:limit])


def _approver(qualification: Qualification) -> Organisation:
    return qualification.organisation


def requires_approval(organisation: Organisation, qualification: Qualification) -> bool:
    """Whether a mapping by ``organisation`` to a unit of ``qualification`` waits for its owner's approval."""
    owner = _approver(qualification)
    if owner.pk == organisation.pk:
        return False
    authority = getattr(owner, "authority", None)
    return authority is None or bool(authority.requires_mapping_approval)


def mappings_of(organisation: Organisation, key: str) -> QuerySet[UnitMapping]:
    return (
        UnitMapping.objects.filter(organisation=organisation, specification_key=key)
        .select_related("unit__qualification")
        .order_by("unit__qualification__code", "unit__position", "pk")
    )


def propose(organisation: Organisation, key: str, unit: Unit, coverage: str, *, actor: str) -> UnitMapping:
    """Map specification ``key`` of ``organisation`` to ``unit`` (``full`` or ``partial``); it waits for approval
    where the qualification's owner requires it. Mapping a unit again changes its coverage and asks again."""
    if coverage not in UnitMapping.Coverage.values:
        raise MalformedValueError("coverage must be full or partial")
    if unit.status == "archived" or unit.qualification.status != Qualification.Status.ACTIVE:
        raise MappingRefused("this unit or its qualification is no longer active")
    waits = requires_approval(organisation, unit.qualification)
    state = UnitMapping.State.PROPOSED if waits else UnitMapping.State.APPROVED
    decided = {} if waits else {"decided_by": actor, "decided_at": timezone.now(), "reason": ""}
    with transaction.atomic():
        try:
            mapping, created = UnitMapping.objects.select_for_update().get_or_create(
                organisation=organisation,
                specification_key=key,
                unit=unit,
                defaults={"coverage": coverage, "state": state, "requested_by": actor, **decided},
            )
        except IntegrityError as exc:  # The same mapping asked for at the same moment.
            raise MappingRefused("this unit is mapped already") from exc
        if not created:
            if mapping.coverage == coverage and mapping.state != UnitMapping.State.REFUSED:
                return mapping
            mapping.coverage, mapping.state, mapping.requested_by = coverage, state, actor
            mapping.requested_at = timezone.now()
            mapping.decided_by = decided.get("decided_by", "")
            mapping.decided_at = decided.get("decided_at")
            mapping.reason = ""
            mapping.save()
        audit(organisation, actor, "mapping.proposed", unit.iri, specification=key, coverage=coverage, state=state)
    return mapping


def remove(mapping: UnitMapping, *, actor: str) -> None:
    """Remove a mapping (by its specification's organisation); credentials issued before keep what they say."""
    audit(mapping.organisation, actor, "mapping.removed", mapping.unit.iri, specification=mapping.specification_key)
    mapping.delete()


def decide(mapping: UnitMapping, approve: bool, *, reason: str, actor: str) -> UnitMapping:
    """Approve or refuse a mapping awaiting approval (a refusal needs a reason, which its designer reads)."""
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise MalformedValueError(f"the reason is longer than {MAX_REASON} characters")
    if not approve and not reason:
        raise MappingRefused("give a reason for refusing")
    with transaction.atomic():
        row = (
            UnitMapping.objects.select_for_update()
            .select_related("unit__qualification__organisation")
            .get(pk=mapping.pk)
        )
        if row.state != UnitMapping.State.PROPOSED:
            raise MappingRefused("this mapping was decided already")
        row.state = UnitMapping.State.APPROVED if approve else UnitMapping.State.REFUSED
        row.decided_by, row.decided_at, row.reason = actor, timezone.now(), reason
        row.save()
        owner = _approver(row.unit.qualification)
        details: dict[str, Any] = {"specification": f"{row.organisation.slug}/{row.specification_key}"}
        action = "mapping.approved" if approve else "mapping.refused"
        audit(owner, actor, action, row.unit.iri, reason=reason, **details)
        if owner.pk != row.organisation_id:
            audit(row.organisation, actor, action, row.unit.iri, reason=reason, **details)
    return row


def decider_organisations(user_id: int | None) -> list[Organisation]:
    """The organisations in which the user may decide on mappings to their qualifications."""
    memberships = Membership.objects.filter(user_id=user_id, role__in=DECIDERS).select_related("organisation")
    return [m.organisation for m in memberships]


def reviewer_organisations(user_id: int | None) -> list[Organisation]:
    """The organisations whose mappings the user may read (every member)."""
    return [m.organisation for m in Membership.objects.filter(user_id=user_id).select_related("organisation")]


def for_owners(organisations: list[Organisation]) -> QuerySet[UnitMapping]:
    """The mappings to qualifications owned by ``organisations``."""
    return UnitMapping.objects.filter(unit__qualification__organisation__in=organisations).select_related(
        "organisation", "unit__qualification__organisation"
    )


def covers(organisation: Organisation, key: str, language: str) -> list[UnitCover]:
    """The approved mappings of specification ``key`` as the plain data the renderer takes, titles in ``language``
    (the specification's)."""
    found = []
    for mapping in mappings_of(organisation, key).filter(state=UnitMapping.State.APPROVED):
        unit, qualification = mapping.unit, mapping.unit.qualification
        found.append(
            UnitCover(
                unit=unit.iri,
                unit_name=text(unit.title, language, unit.iri),
                qualification=qualification.iri,
                qualification_name=text(qualification.title, language, qualification.iri),
                coverage=mapping.coverage,
                unit_code=unit.code,
                qualification_code=qualification.code,
            )
        )
    return found


def approved_keys(unit: Unit) -> list[tuple[int, str, str]]:
    """The specifications (organisation id, key, coverage) approved as covering ``unit``: what would fill it."""
    return list(
        UnitMapping.objects.filter(unit=unit, state=UnitMapping.State.APPROVED).values_list(
            "organisation_id", "specification_key", "coverage"
        )
    )


def describe(units: Sequence[UnitAlignment], language: str) -> list[dict[str, str]]:
    """What a credential's :attr:`~merit.core.credview.CredentialView.units` say, for a reader: "covers unit X of
    qualification Y (fully or partly)", each named from this installation's catalogue when it knows the IRI, else by
    the IRI itself (never by the credential's own words for it)."""
    if not units:
        return []
    named = [a.qualification for a in units[:100] if a.qualification]
    rows = Unit.objects.filter(iri__in=[a.unit for a in units[:100]]).select_related("qualification")
    known = {u.iri: u for u in rows}
    qualifications = {q.iri: q for q in Qualification.objects.filter(iri__in=named)}
    found = []
    for alignment in units[:100]:
        unit = known.get(alignment.unit)
        qualification = qualifications.get(alignment.qualification or "") or (unit.qualification if unit else None)
        if unit is not None and alignment.qualification and unit.qualification.iri != alignment.qualification:
            qualification = qualifications.get(alignment.qualification)  # The catalogue's unit is of another one.
            unit = None
        names = {
            "unit": f"{unit.code} {text(unit.title, language)}".strip() if unit else alignment.unit,
            "qualification": f"{qualification.code} {text(qualification.title, language)}".strip()
            if qualification
            else alignment.qualification or "",
        }
        full = alignment.coverage == "full"
        if names["qualification"]:
            sentence = (
                _("covers unit %(unit)s of qualification %(qualification)s fully")
                if full
                else _("covers unit %(unit)s of qualification %(qualification)s partly")
            )
        else:
            sentence = _("covers unit %(unit)s fully") if full else _("covers unit %(unit)s partly")
        found.append({**names, "coverage": alignment.coverage, "text": sentence % names})
    return found
