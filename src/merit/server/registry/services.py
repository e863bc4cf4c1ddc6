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
    """A registry rule refuses the action; the message names the rule."""

    code = "REGISTRY_RULE"


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
    )


def _scope_fields(scope: trust.Scope) -> dict[str, Any]:
    return {
        "eqf_min": scope.eqf_min,
        "eqf_max": scope.eqf_max,
        "isced_fields": list(scope.isced_fields),
        "credential_types": list(scope.credential_types),
        "regions": list(scope.regions),
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
        raise RegistryRefusal("an authority cannot apply to itself for accreditation")
    if any(len(data) > MAX_EVIDENCE for _name, _type, data in evidence):
        raise RegistryRefusal("each evidence document may be at most 5 MB")
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
        raise RegistryRefusal("a member of the applying organisation cannot decide on its application")
    if application.state != Application.State.SUBMITTED:
        raise RegistryRefusal(f"the application was already {application.state}")
    return str(user.get_username())


def approve(
    application: Application,
    *,
    user: AbstractBaseUser,
    scope: trust.Scope | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    reason: str = "",
) -> Accreditation:
    """Approve with ``scope`` (the one applied for unless narrowed): sign and publish the accreditation."""
    actor = _deciding(application, user)
    scope = scope or scope_of(application)
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
        _decide(actor, "approved", reason, application=application, accreditation=accreditation)
        issuing.audit(organisation, actor, "accreditation.granted", scope.describe())
    return accreditation


def reject(application: Application, *, user: AbstractBaseUser, reason: str) -> Application:
    actor = _deciding(application, user)
    if not reason.strip():
        raise RegistryRefusal("a rejection needs a reason the applicant can read")
    with transaction.atomic():
        application.state = Application.State.REJECTED
        application.decided_at, application.decided_by, application.reason = timezone.now(), actor, reason[:5000]
        application.save(update_fields=["state", "decided_at", "decided_by", "reason"])
        _decide(actor, "rejected", reason, application=application)
        issuing.audit(application.organisation, actor, "accreditation.rejected", reason[:300])
    return application


def _change(accreditation: Accreditation, user: AbstractBaseUser) -> str:
    if Membership.objects.filter(user_id=user.pk, organisation_id=accreditation.organisation_id).exists():
        raise RegistryRefusal("a member of the accredited organisation cannot change its accreditation")
    if accreditation.state == Accreditation.State.WITHDRAWN:
        raise RegistryRefusal("a withdrawn accreditation cannot change again")
    return f"{user.get_username()}"


def suspend(accreditation: Accreditation, *, user: AbstractBaseUser, reason: str) -> Accreditation:
    actor = _change(accreditation, user)
    return _set(accreditation, Accreditation.State.SUSPENDED, "suspended", actor, reason)


def reinstate(accreditation: Accreditation, *, user: AbstractBaseUser, reason: str = "") -> Accreditation:
    actor = _change(accreditation, user)
    return _set(accreditation, Accreditation.State.ACTIVE, "valid", actor, reason)


def _set(accreditation: Accreditation, state: str, status: str, actor: str, reason: str) -> Accreditation:
    with transaction.atomic():
        authority = accreditation.authority.organisation
        issuing.set_status(authority, accreditation.credential.credential_id, status, reason=reason, actor=actor)
        accreditation.state = state
        accreditation.save(update_fields=["state"])
        _decide(actor, "reinstated" if status == "valid" else state, reason, accreditation=accreditation)
        issuing.audit(accreditation.organisation, actor, f"accreditation.{state}", reason[:300])
    return accreditation


def withdraw(accreditation: Accreditation, *, user: AbstractBaseUser, reason: str) -> Accreditation:
    """Withdraw now: credentials issued before stay covered, later ones are not (a signed replacement that ends
    at the withdrawal, and the original revoked)."""
    actor = _change(accreditation, user)
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
        accreditation.save(update_fields=["state", "withdrawal", "withdrawn_at"])
        _decide(actor, "withdrawn", reason, accreditation=accreditation)
        issuing.audit(accreditation.organisation, actor, "accreditation.withdrawn", reason[:300])
    return accreditation


def grant(
    creator: Organisation, specification_key: str, grantee: Organisation, *, actor: str, valid_until: datetime | None
) -> IssuingGrant:
    """The creator of a micro-credential lets ``grantee`` issue it until ``valid_until`` (revocably)."""
    if creator.pk == grantee.pk:
        raise RegistryRefusal("an organisation needs no grant to issue its own micro-credentials")
    if not Specification.objects.filter(organisation=creator, key=specification_key).exists():
        raise RegistryRefusal(f"{creator.name} has no micro-credential {specification_key}")
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
                f"{organisation.name} has no valid grant from {specification.organisation.name} to issue it"
            )
    accreditations = list(Accreditation.objects.filter(organisation=organisation))
    if not accreditations:
        return
    data = specification.data if isinstance(specification.data, dict) else {}
    eqf = data.get("eqfLevel") if isinstance(data.get("eqfLevel"), int) else None
    isced = data.get("iscedField") if isinstance(data.get("iscedField"), str) else None
    reasons: list[str] = []
    for accreditation in accreditations:
        if accreditation.state != Accreditation.State.ACTIVE:
            reasons.append(f"the accreditation by {accreditation.authority} is {accreditation.state}")
        elif accreditation.valid_until is not None and accreditation.valid_until <= now:
            reasons.append(
                f"the accreditation by {accreditation.authority} ended on {accreditation.valid_until:%Y-%m-%d}"
            )
        elif accreditation.valid_from > now:
            reasons.append(
                f"the accreditation by {accreditation.authority} begins on {accreditation.valid_from:%Y-%m-%d}"
            )
        else:
            gaps = scope_of(accreditation).covers(eqf, isced, "micro-credential", organisation.country)
            if not gaps:
                return
            reasons.append(f"outside the accredited scope ({'; '.join(gaps)})")
    raise RegistryRefusal("issuing refused: " + "; ".join(reasons))


def _granted_keys(organisation: Organisation) -> list[tuple[int, str]]:
    now = timezone.now()
    grants = IssuingGrant.objects.filter(grantee=organisation, revoked_at__isnull=True, valid_from__lte=now)
    return [(g.creator_id, g.specification_key) for g in grants if g.valid_until is None or g.valid_until > now]


def issuable(organisation: Organisation) -> list[Specification]:
    """What ``organisation`` may issue: its own published micro-credentials, and the latest published version of
    each one another organisation granted it the right to issue."""
    found = list(Specification.objects.filter(organisation=organisation, state=Specification.State.PUBLISHED))
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
