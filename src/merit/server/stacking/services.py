"""Awarding a qualification: the one place that checks a basis (``merit.core.qualifications.basis.Basis``) and signs
the stacked credential (``docs/decisions/0028-stacked-credentials.md``).

:func:`award` refuses (:class:`AwardRefused`, with a ``reason`` code) unless the institution's current accreditation
names the qualification, the qualification is active, every component verifies *now* (signature, status not revoked
or suspended, issued to this learner, no copy twice) and ``rules.progress`` over the basis says complete. It then
signs like every other credential (``issuing.services.issue_credential``: a revocation and a suspension entry),
records the award with each component as found, and delivers it like a single issuance (a claim link, e-mailed
when the learner has an address).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from merit.core.errors import InvalidError, MeritError
from merit.core.microcredential import Learner
from merit.core.qualifications import award as core_award
from merit.core.qualifications import rules
from merit.core.qualifications.basis import Basis, Piece
from merit.core.qualifications.rules import Component
from merit.core.verify import dispatch, parsing
from merit.server.accounts.models import Organisation, did_prefix
from merit.server.delivery import services as delivery
from merit.server.issuing import learners
from merit.server.issuing import services as issuing
from merit.server.issuing.models import IssuedCredential
from merit.server.qualifications.access import accreditation_for
from merit.server.qualifications.models import Qualification, UnitMapping
from merit.server.qualifications.services import to_core
from merit.server.stacking.models import Award, AwardComponent

REASONS = (
    "other-qualification",
    "inactive",
    "not-accredited",
    "duplicate",
    "unreadable",
    "id-mismatch",
    "not-verified",
    "revoked",
    "suspended",
    "not-yours",
    "unrelated",
    "unknown-unit",
    "incomplete",
)


class AwardRefused(InvalidError):
    """The award is refused; ``reason`` is one of :data:`REASONS`, ``details`` says about what (a credential id,
    the missing units)."""

    code = "AWARD_REFUSED"

    def __init__(self, reason: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details


@dataclass
class Checked:
    """A component credential as verified at the award: its state (``valid`` or a refusal reason), the units of
    the qualification it covers, the local record when this installation issued it."""

    piece: Piece
    state: str
    issuer: str = ""
    name: str = ""
    units: dict[str, str] = field(default_factory=dict)
    record: IssuedCredential | None = None
    component: Component | None = None


def _refuse_fetch(url: str) -> Any:
    raise dispatch.NotACredentialError(f"Merit does not fetch {url} to award a qualification")


def _local_record(document: dict[str, Any]) -> IssuedCredential | None:
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id.startswith(did_prefix()):
        return None
    return (
        IssuedCredential.objects.filter(
            organisation__slug=issuer_id.removeprefix(did_prefix()), credential_id=str(document.get("id"))
        )
        .select_related("specification__organisation")
        .first()
    )


def _units(record: IssuedCredential | None, qualification: Qualification) -> dict[str, str]:
    """The units of ``qualification`` a local credential covers: its micro-credential's approved mappings."""
    if record is None or record.specification is None:
        return {}
    mappings = UnitMapping.objects.filter(
        organisation=record.specification.organisation,
        specification_key=record.specification.key,
        state=UnitMapping.State.APPROVED,
        unit__qualification=qualification,
    ).select_related("unit")
    return {m.unit.iri: m.coverage for m in mappings}


def _mine(learner: Learner) -> Any:
    from merit.server.passport.subjects import Identifiers  # The passport's one subject check.

    return Identifiers(
        emails=(learner.email.strip().lower(),) if learner.email else (), dids=(learner.did,) if learner.did else ()
    )


def check_piece(piece: Piece, learner: Learner, qualification: Qualification) -> Checked:
    """Verify one component now, with this installation's keys and status lists only (nothing is fetched: what
    cannot be checked here does not count)."""
    from merit.server.passport.subjects import match

    text = piece.document.decode("utf-8", errors="replace").strip()
    try:
        parsed: Any = parsing.parse_json(piece.document) if text.startswith("{") else text
        fmt, report = dispatch.verify(parsed, verifier=issuing.verifier(), fetch_json=_refuse_fetch)
    except MeritError:
        return Checked(piece, "unreadable")
    document = report.document if isinstance(report.document, dict) else parsed if isinstance(parsed, dict) else {}
    issuer = document.get("issuer")
    issuer_id = str(issuer.get("id", "") if isinstance(issuer, dict) else issuer or "")
    name = str(document.get("name") or "")
    if document.get("id") != piece.credential_id:
        return Checked(piece, "id-mismatch", issuer_id, name)
    record = _local_record(document)
    if record is not None and record.state != IssuedCredential.State.VALID:
        return Checked(piece, record.state, issuer_id, name, record=record)
    if not report.verified:
        return Checked(piece, "not-verified", issuer_id, name, record=record)
    if match(fmt, document, _mine(learner)) != "yes":
        return Checked(piece, "not-yours", issuer_id, name, record=record)
    units = _units(record, qualification)
    if not units:
        return Checked(piece, "unrelated", issuer_id, name, record=record)
    view = dispatch.view(fmt, document, report)
    supervision = view.supervision.code if view.supervision else None
    component = Component(
        key=piece.credential_id,
        identity=piece.credential_id,
        units=units,  # type: ignore[arg-type]
        issued_at=record.issued_at if record is not None else None,
        assessment=tuple(c.code for c in view.assessment if c.code),
        supervision=supervision,
    )
    return Checked(piece, "valid", issuer_id, name, units, record, component)


def _refusal_message(reason: str, about: str) -> str:
    return {
        "revoked": f"the component credential {about} is revoked",
        "suspended": f"the component credential {about} is suspended",
        "not-verified": f"the component credential {about} does not verify now",
        "not-yours": f"the component credential {about} was not issued to this learner",
        "unreadable": f"the component credential {about} is not a credential Merit reads",
        "id-mismatch": f"the component credential {about} has another id than the basis gives",
        "unrelated": f"the component credential {about} covers no unit of this qualification",
    }.get(reason, f"{about}: {reason}")


def check(
    institution: Organisation, qualification: Qualification, learner: Learner, basis: Basis, *, unit: str | None = None
) -> tuple[list[Checked], rules.Progress]:
    """Everything :func:`award` checks before it signs; raises :class:`AwardRefused` at the first refusal. The
    confirmation page calls it to show what will be signed."""
    if basis.qualification != qualification.iri:
        raise AwardRefused("other-qualification", "the basis is for another qualification")
    if qualification.status != Qualification.Status.ACTIVE:
        raise AwardRefused("inactive", f"the qualification is {qualification.status}; only an active one is awarded")
    if accreditation_for(institution, qualification) is None:
        raise AwardRefused("not-accredited", "no current accreditation of the institution names this qualification")
    ids = [piece.credential_id for piece in basis.pieces]
    if len(set(ids)) != len(ids):
        raise AwardRefused("duplicate", "the basis gives a component credential twice")
    core = to_core(qualification)
    unit_iris = {u.iri for u in core.units}
    for recognition in basis.recognitions:
        if recognition.unit not in unit_iris:
            raise AwardRefused("unknown-unit", f"{recognition.unit} is not a unit of this qualification")
    if unit is not None and unit not in unit_iris:
        raise AwardRefused("unknown-unit", f"{unit} is not a unit of this qualification")
    checked = [check_piece(piece, learner, qualification) for piece in basis.pieces]
    for item in checked:
        if item.state != "valid":
            message = _refusal_message(item.state, item.piece.credential_id)
            raise AwardRefused(item.state, message, credential=item.piece.credential_id)
    found = rules.progress(
        core,
        [item.component for item in checked if item.component is not None],
        now=timezone.now(),
        recognised=[r.unit for r in basis.recognitions],
    )
    if unit is not None:
        state = next(s for s in found.units if s.unit.iri == unit)
        if state.state != "done":
            raise AwardRefused("incomplete", "the basis does not complete this unit", missing=[unit])
    elif not found.complete:
        missing = [u.iri for u in found.missing]
        raise AwardRefused("incomplete", "the basis does not meet the qualification's rules", missing=missing)
    return checked, found


def issuer_profile(institution: Organisation) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": institution.did, "type": ["Profile"], "name": institution.name}
    if institution.homepage:
        profile["url"] = institution.homepage
    if institution.country:
        profile["address"] = {"type": ["Address"], "addressCountryCode": institution.country}
    return profile


def _cited(
    basis: Basis, checked: list[Checked], found: rules.Progress, unit: str | None
) -> tuple[Basis, list[Checked]]:
    """The part of ``basis`` that counts for what is awarded: for a unit, what completes that unit; for the
    qualification, what its rules counted. Nothing else is cited, so the credential never rests on more than it says."""
    if unit is not None:
        state = next(s for s in found.units if s.unit.iri == unit)
        keys, units = set(state.by), {unit}
    else:
        counted = [pair for rule in found.rules for pair in rule.counted]
        keys = {key for _iri, key in counted if key != "recognised"}
        units = {iri for iri, key in counted if key == "recognised"}
    kept = [item for item in checked if item.piece.credential_id in keys]
    recognitions = tuple(r for r in basis.recognitions if r.unit in units)
    return Basis(basis.qualification, tuple(item.piece for item in kept), recognitions), kept


def unsigned(
    institution: Organisation,
    qualification: Qualification,
    learner: Learner,
    basis: Basis,
    *,
    unit: str | None = None,
    credential_id: str | None = None,
) -> tuple[dict[str, Any], list[Checked], Basis]:
    """The credential that would be signed (after every check of :func:`check`), the components it cites as checked,
    and the basis it cites (:func:`_cited`)."""
    checked, found = check(institution, qualification, learner, basis, unit=unit)
    cited, kept = _cited(basis, checked, found, unit)
    credential = core_award.render_award(
        to_core(qualification),
        cited,
        learner,
        issuer_profile(institution),
        units=tuple(found.done),
        unit=unit,
        credential_id=credential_id,
        names={item.piece.credential_id: item.name for item in kept if item.name},
    )
    return credential, kept, cited


def award(
    institution: Organisation,
    qualification: Qualification,
    learner: Learner,
    basis: Basis,
    *,
    actor: str,
    unit: str | None = None,
    credential_id: str | None = None,
    source: str = "",
) -> tuple[Award, str]:
    """Award ``qualification`` (or one ``unit`` of it) to ``learner`` on ``basis``; returns the award and the claim
    link's token. Raises :class:`AwardRefused`; a second award with the same ``credential_id`` raises
    ``CredentialExists`` and signs nothing."""
    document, checked, basis = unsigned(
        institution, qualification, learner, basis, unit=unit, credential_id=credential_id
    )
    accreditation = accreditation_for(institution, qualification)
    assert accreditation is not None  # check() refused otherwise.
    language = qualification.language if qualification.language in dict(settings.LANGUAGES) else ""
    with transaction.atomic():
        record = issuing.issue_credential(institution, document, actor=actor)
        learners.remember(record, learner)
        made = Award.objects.create(
            organisation=institution,
            qualification=qualification,
            unit_iri=unit or "",
            credential=record,
            accreditation_id=accreditation.credential.credential_id,
            source=source[:100],
            awarded_by=actor[:200],
        )
        AwardComponent.objects.bulk_create(
            [
                AwardComponent(
                    award=made,
                    kind=AwardComponent.Kind.CREDENTIAL,
                    credential_id=item.piece.credential_id,
                    sha256=item.piece.sha256,
                    issuer=item.issuer[:500],
                    state=item.state,
                    units=sorted(item.units),
                )
                for item in checked
            ]
            + [
                AwardComponent(
                    award=made,
                    kind=AwardComponent.Kind.RECOGNITION,
                    credential_id=r.decision[:500],
                    state="recognised",
                    units=[r.unit],
                )
                for r in basis.recognitions
            ]
        )
        if learner.email:
            token = delivery.deliver(record, learner.email, language)
        else:
            token = delivery.create_link(record, "", language)
        issuing.audit(institution, actor, "qualification.awarded", qualification.iri, credential=record.credential_id)
    return made, token


def basis_from_credentials(
    qualification: Qualification, records: list[IssuedCredential], recognitions: tuple[Any, ...] = ()
) -> Basis:
    """A basis of credentials this installation issued, byte for byte as stored (for the demo and tests; validation
    builds the basis from a learner's presentation)."""
    pieces = tuple(Piece(r.credential_id, r.document_json.encode("utf-8")) for r in records)
    return Basis(qualification.iri, pieces, tuple(recognitions))
