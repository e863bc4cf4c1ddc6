"""What a validation case gives an award to rest on (``merit.core.qualifications.basis``): the credentials of the
learner's presentation, each as its id and the exact bytes its issuer signed, and the units recognised by the
institution's decisions in force; and, for the case page, how far they take the learner toward the qualification
(``rules.progress`` with the presentation verified now)."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from merit.core import formats
from merit.core.errors import MeritError
from merit.core.jwt import credential_of
from merit.core.qualifications import rules
from merit.core.qualifications.basis import Basis, Piece, Recognition
from merit.core.verify import VerificationReport, dispatch
from merit.server.accounts.models import Organisation, did_prefix
from merit.server.issuing.models import IssuedCredential
from merit.server.passport import services as passport
from merit.server.passport.models import HeldCredential
from merit.server.qualifications import access as awarding
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.models import Qualification
from merit.server.validation.models import Case, Decision
from merit.server.validation.services import current, verify_presentation


def decision_iri(decision: Decision) -> str:
    return decision.urn


def _exact(case: Case, ident: str, document: Any, fallback: bytes) -> bytes:
    """The bytes of a presented credential exactly as its issuer signed them: the learner's held copy (kept byte for
    byte when it was added) or, for one issued here, the issuer's record, whichever holds the same credential;
    else ``fallback`` (what the presentation carries). A component's digest is of these bytes, so that the issuer's
    copy, or the learner's, matches it."""
    same = (lambda raw: raw == fallback) if isinstance(document, str) else (lambda raw: _parsed(raw) == document)
    held = HeldCredential.objects.filter(owner_id=case.learner_id, credential_id=ident) if case.learner_id else []
    for row in held:
        if same(bytes(row.original).strip()):
            return bytes(row.original).strip()
    for record in IssuedCredential.objects.filter(credential_id=ident).only("document_json")[:10]:
        raw = record.document_json.encode("utf-8")
        if same(raw):
            return raw
    return fallback


def _parsed(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def credentials_of(case: Case) -> list[tuple[str, bytes]]:
    """The presentation's credentials, each as its id and its exact bytes (:func:`_exact`: as the issuer signed it;
    an enveloped JWT as its token, by the id of the credential it carries)."""
    submission = getattr(case, "submission", None)
    if submission is None:
        return []
    try:
        document = json.loads(bytes(submission.presentation))
    except ValueError:
        return []
    entries = document.get("verifiableCredential", []) if isinstance(document, dict) else []
    found = []
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict):
            continue
        ident = entry.get("id")
        if entry.get("type") == "EnvelopedVerifiableCredential" and isinstance(ident, str) and "," in ident:
            token = ident.split(",", 1)[1]
            try:
                inner = credential_of(token).get("id")
            except MeritError:
                inner = None
            key = inner if isinstance(inner, str) else ident
            raw = token.encode("ascii", "replace")
            found.append((key, _exact(case, key, token, raw)))
            continue
        content = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        key = ident if isinstance(ident, str) else ""
        found.append((key, _exact(case, key, entry, content) if key else content))
    return found


def of(case: Case) -> Basis:
    """What an award to the learner of ``case`` rests on: the presentation's credentials (only when it verified on
    receipt) and the units recognised, each with its decision's IRI."""
    submission = getattr(case, "submission", None)
    pieces = ()
    if submission is not None and submission.outcome == "verified":
        pieces = tuple(Piece(ident, content) for ident, content in credentials_of(case))
    recognitions = tuple(
        Recognition(
            unit=iri,
            decision=decision.urn,
            method=decision.method,
            supervision=decision.supervision,
            decided_at=decision.decided_at,
            assessor=decision.assessor,
        )
        for iri, decision in current(case).items()
        if decision.outcome == "recognised"
    )
    if case.state != Case.State.OPEN:
        pieces, recognitions = (), ()
    return Basis(case.qualification.iri, pieces, recognitions)


def components(case: Case, report: VerificationReport | None) -> list[rules.Component]:
    """The presentation's credentials as components toward the qualification (from ``report``, the presentation
    verified now): the units each covers (its own alignment, else this installation's approved mapping of its
    specification), and why one cannot count (not verified now, not issued to the learner, its issuer not
    accredited for the qualification)."""
    if report is None or report.outcome != "verified":
        return []
    found = []
    for position, inner in enumerate(report.credentials):
        document = inner.document if isinstance(inner.document, dict) else {}
        ident = document.get("id") if isinstance(document.get("id"), str) else f"credential-{position + 1}"
        units = _covered(case, document, inner)
        excluded = None
        if not inner.verified:
            excluded = "not-verified"
        elif not passport.issued_to(document, [case.learner_email]):
            excluded = "not-yours"
        elif not _accredited_issuer(document, case.qualification):
            excluded = "not-accredited"
        issued = document.get("validFrom") or document.get("issuanceDate")
        found.append(
            rules.Component(
                key=str(ident),
                identity=str(ident),
                units=units,
                issued_at=parse_datetime(issued) if isinstance(issued, str) else None,
                excluded=excluded,
            )
        )
    return found


def _covered(case: Case, document: dict[str, Any], inner: VerificationReport) -> dict[str, Any]:
    units: dict[str, Any] = {}
    try:
        view = dispatch.view(formats.detect(document), document, inner)
        for alignment in view.units:
            units[alignment.unit] = "full" if alignment.coverage == "full" else "partial"
    except MeritError:
        pass
    if units:
        return units
    from merit.server.issuing.models import IssuedCredential
    from merit.server.qualifications.models import UnitMapping

    record = (
        IssuedCredential.objects.filter(credential_id=document.get("id") or "-", specification__isnull=False)
        .select_related("specification")
        .first()
    )
    if record is None or record.specification is None:
        return units
    mappings = UnitMapping.objects.filter(
        organisation_id=record.organisation_id,
        specification_key=record.specification.key,
        unit__qualification_id=case.qualification_id,
        state=UnitMapping.State.APPROVED,
    ).select_related("unit")
    return {m.unit.iri: m.coverage for m in mappings}


def _accredited_issuer(document: dict[str, Any], qualification: Qualification) -> bool:
    issuer = document.get("issuer")
    did = issuer.get("id") if isinstance(issuer, dict) else issuer
    prefix = did_prefix()
    if not isinstance(did, str) or not did.startswith(prefix):
        return False
    organisation = Organisation.objects.filter(slug=did.removeprefix(prefix)).first()
    return organisation is not None and awarding.accreditation_for(organisation, qualification) is not None


def live_report(case: Case) -> VerificationReport | None:
    """The case's presentation verified again now (a credential revoked since shows as such), or None."""
    submission = getattr(case, "submission", None)
    if submission is None:
        return None
    try:
        return verify_presentation(case, bytes(submission.presentation))
    except MeritError:
        return None


def award_progress(case: Case, report: VerificationReport | None = None) -> rules.Progress:
    """Whether the recognised units of ``case`` and its presentation's credentials (verified now: ``report``) meet
    the qualification's rules."""
    found = of(case)
    core = qualifications.to_core(case.qualification)
    return rules.progress(
        core, components(case, report), now=timezone.now(), recognised=[r.unit for r in found.recognitions]
    )
