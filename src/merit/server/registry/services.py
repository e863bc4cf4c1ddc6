"""Registry services: the one place that calls ``merit.core.trust`` and writes the registry tables.

An authority accredits an organisation by signing an accreditation credential (``merit.core.trust``) through the
issuing services, so each accreditation has revocation and suspension entries in the authority's status lists.
Withdrawal publishes a signed replacement whose validity ends at the withdrawal and revokes the original
(``docs/decisions/0008-trust-registry.md``). Every decision is logged and visible to the applicant.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from merit.core import trust
from merit.core.errors import InvalidError
from merit.server.accounts.models import Membership, Organisation
from merit.server.issuing import services as issuing
from merit.server.issuing.models import Specification
from merit.server.registry.models import Accreditation, Application, Authority, Decision, Evidence, IssuingGrant

MAX_EVIDENCE = 5 * 1024 * 1024


class RegistryRefusal(InvalidError):
    """A registry rule refuses the action; the message names the rule in English (for the API and logs), and
    ``rule`` names it for pages, which say it in the reader's language (``wording.refusal``)."""

    code = "REGISTRY_RULE"

    def __init__(self, message: str, rule: str = "", **details: Any) -> None:
        super().__init__(message)
        self.rule = rule
        self.details = details


def create_authority(*, slug: str, name: str, country: str) -> Authority:
    """A registry authority with its own organisation (``did:web`` and keys)."""
    with transaction.atomic():
        return Authority.objects.create(organisation=issuing.create_organisation(slug=slug, name=name, country=country))


def anchors() -> list[str]:
    """The trust anchors: ``MERIT_TRUST_ANCHORS`` (DIDs, comma-separated) if set, else this installation's
    authorities."""
    configured = getattr(settings, "MERIT_TRUST_ANCHORS", "")
    if configured:
        return [did.strip() for did in configured.split(",") if did.strip()]
    return [a.organisation.did for a in Authority.objects.select_related("organisation")]


class Anchors(Sequence[str]):
    """The trust anchors of one verification, read (by :func:`anchors`) only when a check first asks for them.

    The accreditation check consults the anchors only for an issuer that has accreditations, so verifying a
    credential of any other issuer (most of them) reads no authority from the database.
    """

    def __init__(self) -> None:
        self._dids: list[str] | None = None

    def _loaded(self) -> list[str]:
        if self._dids is None:
            self._dids = anchors()
        return self._dids

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())


def scope_of(record: Application | Accreditation) -> trust.Scope:
    return trust.Scope(
        eqf_min=record.eqf_min,
        eqf_max=record.eqf_max,
        isced_fields=tuple(record.isced_fields),
        credential_types=tuple(record.credential_types),
        regions=tuple(record.regions),
        qualifications=tuple(record.qualifications),
    )


def _scope_fields(scope: trust.Scope) -> dict[str, Any]:
    return {
        "eqf_min": scope.eqf_min,
        "eqf_max": scope.eqf_max,
        "isced_fields": list(scope.isced_fields),
        "credential_types": list(scope.credential_types),
        "regions": list(scope.regions),
        "qualifications": list(scope.qualifications),
    }


def _decide(actor: str, action: str, reason: str = "", **about: Any) -> None:
    Decision.objects.create(actor=actor, action=action, reason=reason, **about)


def apply(
    organisation: Organisation,
    authority: Authority,
    *,
    scope: trust.Scope,
    qa_framework: str,
    accrediting_body: str,
    actor: str,
    qa_framework_detail: str = "",
    message: str = "",
    evidence: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> Application:
    """An organisation applies to ``authority`` for accreditation with ``scope``, attaching its evidence."""
    if organisation.pk == authority.organisation_id:
        raise RegistryRefusal("an authority cannot apply to itself for accreditation", "self-apply")
    if any(len(data) > MAX_EVIDENCE for _name, _type, data in evidence):
        raise RegistryRefusal("each evidence document may be at most 5 MB", "evidence-size")
    with transaction.atomic():
        application = Application.objects.create(
            organisation=organisation,
            authority=authority,
            qa_framework=qa_framework,
            qa_framework_detail=qa_framework_detail[:300],
            accrediting_body=accrediting_body[:300],
            message=message[:5000],
            submitted_by=actor,
            **_scope_fields(scope),
        )
        Evidence.objects.bulk_create(
            Evidence(
                application=application,
                name=name[:255],
                content_type=content_type[:100],
                data=data,
                sha256=hashlib.sha256(data).hexdigest(),
            )
            for name, content_type, data in evidence
        )
        _decide(actor, "submitted", application=application)
        issuing.audit(organisation, actor, "accreditation.applied", authority.organisation.name)
    return application


def _deciding(application: Application, user: AbstractBaseUser) -> str:
    """The deciding user's name, once the rules allow them to decide (never on their own organisation)."""
    if Membership.objects.filter(user_id=user.pk, organisation_id=application.organisation_id).exists():
        raise RegistryRefusal("a member of the applying organisation cannot decide on its application", "own")
    if application.state != Application.State.SUBMITTED:
        raise RegistryRefusal(f"the application was already {application.state}", "decided")
    return str(user.get_username())


def _covered(codes: tuple[str, ...], within: tuple[str, ...], prefix: str) -> bool:
    """Every code is covered by one of ``within`` (an empty ``within`` covers everything, an empty ``codes``
    nothing less than everything)."""
    if not within:
        return True
    return bool(codes) and all(any(c == w or c.startswith(w + prefix) for w in within) for c in codes)


def _same(one: trust.Scope, other: trust.Scope) -> bool:
    """The same scope, whatever order its codes were given in."""
    return (one.eqf_min, one.eqf_max) == (other.eqf_min, other.eqf_max) and all(
        set(getattr(one, name)) == set(getattr(other, name))
        for name in ("isced_fields", "credential_types", "regions", "qualifications")
    )


def within(scope: trust.Scope, applied: trust.Scope) -> bool:
    """Whether ``scope`` covers no more than ``applied`` (an authority may narrow a scope, never widen it)."""
    low, high = scope.eqf_min or 1, scope.eqf_max or 8
    if not ((applied.eqf_min or 1) <= low and high <= (applied.eqf_max or 8)):
        return False
    if applied.credential_types and not (
        scope.credential_types and set(scope.credential_types) <= set(applied.credential_types)
    ):
        return False
    if not set(scope.qualifications) <= set(applied.qualifications):
        return False  # Qualifications are granted by name, only those applied for.
    return _covered(scope.isced_fields, applied.isced_fields, "") and _covered(scope.regions, applied.regions, "-")


def approve(
    application: Application,
    *,
    user: AbstractBaseUser,
    scope: trust.Scope | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    reason: str = "",
) -> Accreditation:
    """Approve with ``scope`` (the one applied for unless narrowed, with a reason the applicant reads): sign and
    publish the accreditation. A scope wider than the one applied for is refused."""
    actor = _deciding(application, user)
    applied = scope_of(application)
    scope = scope or applied
    narrowed = not _same(scope, applied)
    if narrowed and not within(scope, applied):
        raise RegistryRefusal("the scope may be narrowed, never widened beyond the one applied for", "wider")
    if narrowed and not reason.strip():
        raise RegistryRefusal("a narrowed scope needs a reason the applicant can read", "narrow-reason")
    authority = application.authority
    organisation = application.organisation
    valid_from = valid_from or timezone.now()
    framework = application.qa_framework_detail or application.get_qa_framework_display()
    unsigned = trust.accreditation_credential(
        credential_id=f"{settings.BASE_URL}/registry/v1/accreditations/{uuid.uuid4()}",
        authority=authority.organisation.did,
        authority_name=authority.organisation.name,
        issuer=organisation.did,
        issuer_name=organisation.name,
        accrediting_body=application.accrediting_body,
        qa_framework=str(framework),
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    with transaction.atomic():
        record = issuing.issue_credential(authority.organisation, unsigned, actor=actor)
        accreditation = Accreditation.objects.create(
            organisation=organisation,
            authority=authority,
            application=application,
            qa_framework=str(framework),
            accrediting_body=application.accrediting_body,
            valid_from=valid_from,
            valid_until=valid_until,
            credential=record,
            **_scope_fields(scope),
        )
        Application.objects.filter(pk=application.pk).update(
            state=Application.State.APPROVED, decided_at=timezone.now(), decided_by=actor, reason=reason[:5000]
        )
        action = "narrowed" if narrowed else "approved"
        _decide(actor, action, reason, application=application, accreditation=accreditation)
        issuing.audit(organisation, actor, "accreditation.granted", scope.describe())
    return accreditation


def reject(application: Application, *, user: AbstractBaseUser, reason: str) -> Application:
    actor = _deciding(application, user)
    if not reason.strip():
        raise RegistryRefusal("a rejection needs a reason the applicant can read", "reject-reason")
    with transaction.atomic():
        application.state = Application.State.REJECTED
        application.decided_at, application.decided_by, application.reason = timezone.now(), actor, reason[:5000]
        application.save(update_fields=["state", "decided_at", "decided_by", "reason"])
        _decide(actor, "rejected", reason, application=application)
        issuing.audit(application.organisation, actor, "accreditation.rejected", reason[:300])
    return application


def _change(accreditation: Accreditation, user: AbstractBaseUser) -> str:
    if Membership.objects.filter(user_id=user.pk, organisation_id=accreditation.organisation_id).exists():
        raise RegistryRefusal("a member of the accredited organisation cannot change its accreditation", "own")
    if accreditation.state == Accreditation.State.WITHDRAWN:
        raise RegistryRefusal("a withdrawn accreditation cannot change again", "withdrawn")
    return f"{user.get_username()}"


def actions_for(accreditation: Accreditation) -> list[str]:
    """The changes that apply to the accreditation in its state: suspend an active one, reinstate a suspended one,
    withdraw either; nothing for a withdrawn one."""
    if accreditation.state == Accreditation.State.ACTIVE:
        return ["suspend", "withdraw"]
    if accreditation.state == Accreditation.State.SUSPENDED:
        return ["reinstate", "withdraw"]
    return []


def _needs_reason(action: str, reason: str) -> None:
    if not reason.strip():
        raise RegistryRefusal(f"to {action} an accreditation needs a reason", "change-reason")


def suspend(accreditation: Accreditation, *, user: AbstractBaseUser, reason: str) -> Accreditation:
    actor = _change(accreditation, user)
    if accreditation.state != Accreditation.State.ACTIVE:
        raise RegistryRefusal("only an active accreditation can be suspended", "not-active")
    _needs_reason("suspend", reason)
    return _set(accreditation, Accreditation.State.SUSPENDED, "suspended", actor, reason)


def reinstate(accreditation: Accreditation, *, user: AbstractBaseUser, reason: str = "") -> Accreditation:
    actor = _change(accreditation, user)
    if accreditation.state != Accreditation.State.SUSPENDED:
        raise RegistryRefusal("only a suspended accreditation can be reinstated", "not-suspended")
    return _set(accreditation, Accreditation.State.ACTIVE, "valid", actor, reason)


def _set(accreditation: Accreditation, state: str, status: str, actor: str, reason: str) -> Accreditation:
    with transaction.atomic():
        authority = accreditation.authority.organisation
        issuing.set_status(authority, accreditation.credential.credential_id, status, reason=reason, actor=actor)
        accreditation.state, accreditation.state_reason = state, reason[:2000]
        accreditation.save(update_fields=["state", "state_reason"])
        _decide(actor, "reinstated" if status == "valid" else state, reason, accreditation=accreditation)
        issuing.audit(accreditation.organisation, actor, f"accreditation.{state}", reason[:300])
    return accreditation


def withdraw(accreditation: Accreditation, *, user: AbstractBaseUser, reason: str) -> Accreditation:
    """Withdraw now: credentials issued before stay covered, later ones are not (a signed replacement that ends
    at the withdrawal, and the original revoked)."""
    actor = _change(accreditation, user)
    _needs_reason("withdraw", reason)
    now = timezone.now()
    authority = accreditation.authority.organisation
    unsigned = trust.withdrawal(
        accreditation.credential.document,
        credential_id=f"{settings.BASE_URL}/registry/v1/accreditations/{uuid.uuid4()}",
        withdrawn_at=now,
    )
    with transaction.atomic():
        replacement = issuing.issue_credential(authority, unsigned, actor=actor)
        issuing.set_status(authority, accreditation.credential.credential_id, "revoked", reason=reason, actor=actor)
        accreditation.state, accreditation.withdrawal, accreditation.withdrawn_at = "withdrawn", replacement, now
        accreditation.state_reason = reason[:2000]
        accreditation.save(update_fields=["state", "withdrawal", "withdrawn_at", "state_reason"])
        _decide(actor, "withdrawn", reason, accreditation=accreditation)
        issuing.audit(accreditation.organisation, actor, "accreditation.withdrawn", reason[:300])
    return accreditation


def grant(
    creator: Organisation, specification_key: str, grantee: Organisation, *, actor: str, valid_until: datetime | None
) -> IssuingGrant:
    """The creator of a micro-credential lets ``grantee`` issue it until ``valid_until`` (revocably)."""
    if creator.pk == grantee.pk:
        raise RegistryRefusal("an organisation needs no grant to issue its own micro-credentials", "grant-own")
    if not Specification.objects.filter(organisation=creator, key=specification_key).exists():
        raise RegistryRefusal(f"{creator.name} has no micro-credential {specification_key}", "grant-unknown")
    record = IssuingGrant.objects.create(
        creator=creator,
        specification_key=specification_key,
        grantee=grantee,
        valid_from=timezone.now(),
        valid_until=valid_until,
        created_by=actor,
    )
    issuing.audit(creator, actor, "grant.created", f"{specification_key} → {grantee.name}")
    return record


def revoke_grant(record: IssuingGrant, *, actor: str) -> None:
    IssuingGrant.objects.filter(pk=record.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    issuing.audit(record.creator, actor, "grant.revoked", f"{record.specification_key} → {record.grantee.name}")


@dataclass(frozen=True)
class Finding:
    """Why one accreditation of an organisation does not cover a micro-credential: its ``problem`` (``suspended``,
    ``withdrawn``, ``expired``, ``not-yet`` or ``scope``), the accreditation, and for ``scope`` each gap between
    the accredited scope and the micro-credential (``merit.core.trust.Gap``). Pages compose the words."""

    problem: str
    accreditation: Accreditation
    gaps: tuple[trust.Gap, ...] = ()

    @property
    def scope(self) -> trust.Scope:
        return scope_of(self.accreditation)

    def english(self) -> str:
        authority, record = self.accreditation.authority, self.accreditation
        if self.problem == "scope":
            return f"outside the accredited scope ({'; '.join(self.scope.explain(gap) for gap in self.gaps)})"
        if self.problem == "expired" and record.valid_until is not None:
            return f"the accreditation by {authority} ended on {record.valid_until:%Y-%m-%d}"
        if self.problem == "not-yet":
            return f"the accreditation by {authority} begins on {record.valid_from:%Y-%m-%d}"
        return f"the accreditation by {authority} is {record.state}"


def scope_findings(organisation: Organisation, data: Any) -> list[Finding]:
    """Why no accreditation of ``organisation`` covers issuing a micro-credential described by ``data`` now, one
    finding per accreditation; empty when one covers it, or when the organisation was never accredited (it runs
    unaccredited). The designer warns with these before publishing; :func:`may_issue` refuses with them."""
    now = timezone.now()
    accreditations = list(
        Accreditation.objects.filter(organisation=organisation).select_related("authority__organisation")
    )
    data = data if isinstance(data, dict) else {}
    eqf = data.get("eqfLevel") if isinstance(data.get("eqfLevel"), int) else None
    isced = data.get("iscedField") if isinstance(data.get("iscedField"), str) else None
    found: list[Finding] = []
    for accreditation in accreditations:
        if accreditation.state != Accreditation.State.ACTIVE:
            found.append(Finding(str(accreditation.state), accreditation))
        elif accreditation.valid_until is not None and accreditation.valid_until <= now:
            found.append(Finding("expired", accreditation))
        elif accreditation.valid_from > now:
            found.append(Finding("not-yet", accreditation))
        else:
            gaps = scope_of(accreditation).gaps(eqf, isced, "micro-credential", organisation.country)
            if not gaps:
                return []
            found.append(Finding("scope", accreditation, tuple(gaps)))
    return found


def may_issue(organisation: Organisation, specification: Specification) -> None:
    """Refuse, naming the rule, when ``organisation`` may not issue ``specification`` now: without a valid grant
    from its creator, outside every accredited scope, or after its accreditation ended. An organisation that was
    never accredited runs unaccredited: it may issue, and verifiers say "issuer not accredited"."""
    now = timezone.now()
    if specification.organisation_id != organisation.pk:
        grants = IssuingGrant.objects.filter(
            creator_id=specification.organisation_id,
            specification_key=specification.key,
            grantee=organisation,
            revoked_at__isnull=True,
            valid_from__lte=now,
        )
        if not any(g.valid_until is None or g.valid_until > now for g in grants):
            raise RegistryRefusal(
                f"{organisation.name} has no valid grant from {specification.organisation.name} to issue it",
                "no-grant",
                issuer=organisation.name,
                creator=specification.organisation.name,
            )
    findings = scope_findings(organisation, specification.data)
    if findings:
        raise RegistryRefusal(
            "issuing refused: " + "; ".join(finding.english() for finding in findings), "outside", findings=findings
        )


def _granted_keys(organisation: Organisation) -> list[tuple[int, str]]:
    now = timezone.now()
    grants = IssuingGrant.objects.filter(grantee=organisation, revoked_at__isnull=True, valid_from__lte=now)
    return [(g.creator_id, g.specification_key) for g in grants if g.valid_until is None or g.valid_until > now]


def issuable(organisation: Organisation) -> list[Specification]:
    """What ``organisation`` may issue: the latest published version of each of its own micro-credentials and of
    each one another organisation granted it the right to issue (an older version is superseded: offering it
    beside the current one made two identical "Issue …" links)."""
    published = Specification.objects.filter(organisation=organisation, state=Specification.State.PUBLISHED)
    latest: dict[str, Specification] = {}
    for specification in published.order_by("key", "-version"):
        latest.setdefault(specification.key, specification)
    found = list(latest.values())
    for creator_id, key in _granted_keys(organisation):
        latest = (
            Specification.objects.filter(organisation_id=creator_id, key=key, state=Specification.State.PUBLISHED)
            .select_related("organisation")
            .order_by("-version")
            .first()
        )
        if latest is not None:
            found.append(latest)
    return found


def issuable_specification(organisation: Organisation, pk: int) -> Specification:
    """One of :func:`issuable` by primary key; ``Specification.DoesNotExist`` (404) for anything else."""
    for specification in issuable(organisation):
        if specification.pk == pk:
            return specification
    raise Specification.DoesNotExist
