"""A learner's progress toward qualifications (issue 14, item 3; ``docs/decisions/0026-pathway-progress.md``).

For each qualification the learner follows, or that one of their own credentials covers a unit of, the core's
:func:`merit.core.qualifications.rules.progress` runs on components made from the passport's cards. What a card
covers was kept when it was added (:func:`stored_fields`), so nothing is parsed again here. A card counts only when
it verifies now (its status re-checked, :mod:`.status`), was issued to the learner (:mod:`.subjects`) and comes from
an issuer whose current accreditation names the qualification (``qualifications.access``); every other card says
why it did not count. The missing units list the published micro-credentials mapped to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from merit.core.credview import CredentialView
from merit.core.qualifications import rules
from merit.server.accounts.models import did_prefix
from merit.server.issuing.learners import fold
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.passport import status
from merit.server.passport.models import HeldCredential
from merit.server.qualifications import access
from merit.server.qualifications.models import Following, Qualification, UnitMapping
from merit.server.qualifications.services import to_core

FIELDS = (
    "pk",
    "title",
    "titles",
    "issuer_name",
    "issuer_id",
    "credential_id",
    "sha256",
    "issued_at",
    "valid_until",
    "outcome",
    "status_entries",
    "accreditation",
    "subject_match",
    "units",
    "specification",
    "assessment",
    "supervision",
)
"""The card fields progress reads (the bytes are never loaded)."""


# What a card covers, kept when it is added.


def _specification(issuer_id: str | None, credential_id: str | None) -> str:
    """``slug/key`` of the specification of a credential this installation issued, else ``""``."""
    prefix = did_prefix()
    if not issuer_id or not credential_id or not issuer_id.startswith(prefix):
        return ""
    key = (
        IssuedCredential.objects.filter(organisation__slug=issuer_id.removeprefix(prefix), credential_id=credential_id)
        .values_list("specification__key", flat=True)
        .first()
    )
    return f"{issuer_id.removeprefix(prefix)}/{key}" if key else ""


def stored_fields(document: Any, view: CredentialView) -> dict[str, Any]:
    """What :class:`HeldCredential` keeps for progress: the units it covers, its specification when it was issued
    here, its types of assessment and its supervision level (Merit's codes)."""
    return {
        "units": [{"unit": u.unit, "coverage": u.coverage, "qualification": u.qualification} for u in view.units][:200],
        "specification": _specification(view.issuer_id, view.id)[:220],
        "assessment": [c.code for c in view.assessment if c.code][:20],
        "supervision": (view.supervision.code if view.supervision and view.supervision.code else "")[:40],
    }


# Progress.

REASONS = (
    "not-yours",
    "subject-unknown",
    "could-not-check",
    "revoked",
    "suspended",
    "expired",
    "not-accredited",
    "duplicate",
    "outside-window",
    "assessment",
    "supervision",
    "unit-inactive",
    "partial",
    "used",
)


def reason_text(code: str) -> str:
    """Why a credential did not count, in the reader's language."""
    words = {
        "not-yours": _("it was not issued to you (to none of your confirmed e-mail addresses or your DID)"),
        "subject-unknown": _("it does not say to whom it was issued in a way Merit can compare with you"),
        "could-not-check": _("its status could not be checked now"),
        "revoked": _("it has been revoked"),
        "suspended": _("it is suspended"),
        "expired": _("it has expired"),
        "not-accredited": _("its issuer is not accredited for this qualification"),
        "duplicate": _("it is another copy of a credential already counted"),
        "outside-window": _("it was issued before the qualification's validity window"),
        "assessment": _("its type of assessment is not one this unit accepts"),
        "supervision": _("its assessment was less supervised than this unit requires"),
        "unit-inactive": _("the unit is no longer active"),
        "partial": _("it covers this unit only in part"),
        "used": _("it already counts for another unit of the same rule"),
    }
    return words.get(code, code)


@dataclass
class Filler:
    """A published micro-credential mapped to a missing unit, with its issuer; ``counts``: its issuer is accredited
    for the qualification, so it would count."""

    title: str
    issuer: str
    coverage: str
    counts: bool


@dataclass
class Standing:
    """One qualification in the learner's passport: its progress, whether they follow it, each card that did not
    count (``excluded``: card, reason code, unit IRI or None) and what would fill each missing unit."""

    row: Qualification
    progress: rules.Progress
    followed: bool
    cards: dict[str, HeldCredential]
    excluded: list[tuple[HeldCredential, str, str | None]] = field(default_factory=list)
    fillers: dict[str, list[Filler]] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return len(self.progress.done)

    @property
    def missing(self) -> int:
        return len(self.progress.units) - self.done


def _held(user: AbstractBaseUser) -> list[HeldCredential]:
    return list(HeldCredential.objects.filter(owner_id=user.pk).only(*FIELDS).order_by("issued_at", "pk"))


def _mappings(held: Iterable[HeldCredential]) -> dict[str, dict[str, str]]:
    """``slug/key`` → {unit IRI: coverage} of the approved mappings of the cards' specifications."""
    wanted = {h.specification for h in held if h.specification}
    if not wanted:
        return {}
    found: dict[str, dict[str, str]] = {}
    rows = UnitMapping.objects.filter(
        state=UnitMapping.State.APPROVED,
        organisation__slug__in={w.split("/", 1)[0] for w in wanted},
        specification_key__in={w.split("/", 1)[1] for w in wanted},
    ).values_list("organisation__slug", "specification_key", "unit__iri", "coverage")
    for slug, key, unit, coverage in rows:
        found.setdefault(f"{slug}/{key}", {})[unit] = coverage
    return found


def _covers(held: HeldCredential, mappings: dict[str, dict[str, str]]) -> dict[str, str]:
    """The units a card covers: for a credential issued here, its specification's approved mappings (the
    registry's word); for any other, its own alignments."""
    if held.specification:
        return mappings.get(held.specification, {})
    return {str(u["unit"]): str(u.get("coverage") or "full") for u in held.units if isinstance(u, dict)}


def _reason(held: HeldCredential, state: str) -> str | None:
    """Why a card cannot count toward any qualification, or None."""
    if held.subject_match == HeldCredential.SubjectMatch.NO:
        return "not-yours"
    if held.subject_match != HeldCredential.SubjectMatch.YES:
        return "subject-unknown"
    if state == "could_not_check":
        return "could-not-check"
    if state != "valid":
        return state
    return None


@dataclass
class _Cards:
    held: list[HeldCredential]
    covers: dict[int, dict[str, str]]
    reasons: dict[int, str | None]
    awarding: dict[str, set[str]]


def _cards(user: AbstractBaseUser, now: datetime) -> _Cards:
    held = _held(user)
    mappings = _mappings(held)
    covers = {h.pk: _covers(h, mappings) for h in held}
    covering = [h for h in held if covers[h.pk]]
    current = status.states(covering, now=now)
    return _Cards(covering, covers, {h.pk: _reason(h, current[h.pk]) for h in covering}, access.awarding_issuers())


def _standing(row: Qualification, cards: _Cards, followed: bool, now: datetime) -> Standing:
    core = to_core(row, row.units.all())
    relevant = {unit.iri for unit in core.units}
    components = []
    shown: dict[str, HeldCredential] = {}
    for h in cards.held:
        units = {iri: coverage for iri, coverage in cards.covers[h.pk].items() if iri in relevant}
        if not units:
            continue
        reason = cards.reasons[h.pk]
        if reason is None and (h.accreditation == "failed" or row.iri not in cards.awarding.get(h.issuer_id, ())):
            reason = "not-accredited"
        key = str(h.pk)
        shown[key] = h
        components.append(
            rules.Component(
                key=key,
                identity=f"{h.issuer_id} {h.credential_id}" if h.credential_id else h.sha256,
                units={iri: "partial" if c == "partial" else "full" for iri, c in units.items()},
                issued_at=h.issued_at,
                assessment=tuple(h.assessment),
                supervision=h.supervision or None,
                excluded=reason,
            )
        )
    found = rules.progress(core, components, now=now)
    excluded = [(shown[e.key], e.reason, e.unit) for e in found.excluded]
    return Standing(row, found, followed, shown, excluded)


def _rows(query: Q) -> list[Qualification]:
    return list(Qualification.objects.filter(query).distinct().prefetch_related("units").order_by("code", "pk"))


def overview(user: AbstractBaseUser, *, now: datetime | None = None) -> list[Standing]:
    """Every qualification the learner follows or one of their own cards covers a unit of, followed first."""
    now = now or timezone.now()
    cards = _cards(user, now)
    followed = set(Following.objects.filter(user_id=user.pk).values_list("qualification_id", flat=True))
    mine = {iri for h in cards.held if h.subject_match == HeldCredential.SubjectMatch.YES for iri in cards.covers[h.pk]}
    rows = _rows(Q(pk__in=followed) | Q(units__iri__in=mine)) if followed or mine else []
    found = [_standing(row, cards, row.pk in followed, now) for row in rows]
    return sorted(found, key=lambda s: (not s.followed, s.row.code, s.row.pk))


def detail(user: AbstractBaseUser, pk: int, *, now: datetime | None = None) -> Standing | None:
    """The learner's progress toward qualification ``pk``, with what would fill each missing unit; None when there
    is no such qualification."""
    now = now or timezone.now()
    rows = _rows(Q(pk=pk))
    if not rows:
        return None
    followed = Following.objects.filter(user_id=user.pk, qualification_id=pk).exists()
    standing = _standing(rows[0], _cards(user, now), followed, now)
    standing.fillers = fillers(standing)
    return standing


def fillers(standing: Standing) -> dict[str, list[Filler]]:
    """For each unit not done, the published micro-credentials mapped to it (approved mappings), with issuers."""
    wanted = {state.unit.iri for state in standing.progress.units if state.state != "done"}
    if not wanted:
        return {}
    mappings = list(
        UnitMapping.objects.filter(
            state=UnitMapping.State.APPROVED, unit__qualification=standing.row, unit__iri__in=wanted
        ).select_related("organisation", "unit")
    )
    published = {
        (s.organisation_id, s.key): s
        for s in Specification.objects.filter(
            state=Specification.State.PUBLISHED,
            organisation_id__in={m.organisation_id for m in mappings},
            key__in={m.specification_key for m in mappings},
        ).order_by("version")
    }
    awarding = access.awarding_issuers()
    found: dict[str, list[Filler]] = {}
    for mapping in mappings:
        spec = published.get((mapping.organisation_id, mapping.specification_key))
        if spec is None:
            continue
        counts = standing.row.iri in awarding.get(mapping.organisation.did, ())
        filler = Filler(spec.title, mapping.organisation.name, mapping.coverage, counts)
        found.setdefault(mapping.unit.iri, []).append(filler)
    return found


def follow(user: AbstractBaseUser, row: Qualification) -> bool:
    """Follow ``row``; False when the learner already did."""
    return Following.objects.get_or_create(user_id=user.pk, qualification=row)[1]


def unfollow(user: AbstractBaseUser, row: Qualification) -> bool:
    return bool(Following.objects.filter(user_id=user.pk, qualification=row).delete()[0])


def search(text: str, limit: int = 20) -> list[Qualification]:
    """Active qualifications whose code, title or unit titles contain every word of ``text``."""
    words = fold(text).split()[:8]
    if not words:
        return []
    query = Qualification.objects.filter(status=Qualification.Status.ACTIVE)
    for word in words:
        query = query.filter(search__contains=word)
    return list(query.order_by("code", "pk")[:limit])


def title(value: dict[str, str], language: str, fallback: str = "") -> str:
    """A ``{language: text}`` title in ``language``, else English, else the first it has."""
    if not isinstance(value, dict) or not value:
        return fallback
    return str(value.get(language) or value.get("en") or next(iter(value.values())))


def title_language(value: dict[str, str], language: str) -> str:
    """The language tag of the text :func:`title` picks ("" when there is none)."""
    if not isinstance(value, dict) or not value:
        return ""
    return language if value.get(language) else "en" if value.get("en") else next(iter(value))


def followed_export(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """The qualifications the learner follows, for their data export."""
    return [
        {"qualification": f.qualification.iri, "code": f.qualification.code, "since": f.created_at.isoformat()}
        for f in Following.objects.filter(user_id=user.pk).select_related("qualification").order_by("pk")
    ]
