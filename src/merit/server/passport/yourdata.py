"""The learner's own data: the export of everything the passport holds (the credentials byte for byte, their PDFs,
a summary and, on request, the holder key), what stays in Merit after the account is deleted, and deleting it."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merit.core.errors import MeritError
from merit.server.accounts.models import Account, AuditEvent, Membership, Organisation, Role
from merit.server.delivery.models import ClaimLink
from merit.server.passport import links, pathways, services, status
from merit.server.passport.display import reader_language
from merit.server.passport.models import EmailAddress, HeldCredential, HolderKey, Share
from merit.server.validation import services as validation

KEY_FILE = "SECRET-holder-key.jwk.json"


class AccountKept(MeritError):
    """The account cannot be deleted yet (it is the last owner of an organisation)."""


def holder_jwk(user: AbstractBaseUser) -> dict[str, Any]:
    """The learner's holder key as a private JSON Web Key (RFC 8037 ``OKP``/``Ed25519`` with ``d``), named by its
    verification method: a secret, for the owner's own export only."""
    key = services.holder_key(user)
    return {**key.key_pair.private_jwk(), "kid": key.verification_method, "use": "sig", "alg": "EdDSA"}


def _pdf(held: HeldCredential, user: AbstractBaseUser, state: str) -> bytes | None:
    """The credential's PDF as the passport makes it, its QR code the credential's PDF link if the learner has one
    (the export makes no new public link), else the verification portal, where the PDF itself can be checked."""
    if held.format != HeldCredential.Format.VC:
        return None
    from merit.server.pdf.render import credential_pdf

    url = links.existing_link(user, held, Share.Purpose.PDF) or f"{settings.BASE_URL}/verify/"
    return credential_pdf(bytes(held.original), verification_url=url, status=state, language=reader_language())


def export(user: AbstractBaseUser, *, with_key: bool = False) -> bytes:
    """Everything the passport holds about the learner: a zip of the original credentials, byte for byte, each
    W3C credential's PDF, and a JSON summary (account, addresses, credentials, shares); with ``with_key``, the
    holder key too (:data:`KEY_FILE`), which only the owner's own export carries, after re-authentication."""
    buffer = io.BytesIO()
    held = list(HeldCredential.objects.filter(owner=user).order_by("pk"))
    current = status.states(held)
    summary: dict[str, Any] = {
        "exportedAt": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "name": user.get_full_name(),
            # The language chosen with the switcher ("" when none was).
            "language": Account.objects.filter(user_id=user.pk).values_list("language", flat=True).first() or "",
        },
        "emailAddresses": [
            {"email": e.email, "verified": e.verified_at is not None} for e in EmailAddress.objects.filter(user=user)
        ],
        "holderDid": HolderKey.objects.filter(user=user).values_list("did", flat=True).first(),
        "credentials": [],
        "followedQualifications": pathways.followed_export(user),
        "shares": [
            {
                "label": s.label,
                "purpose": s.purpose,
                "shownName": s.shown_name,
                "created": s.created_at.isoformat(),
                "expires": s.expires_at.isoformat(),
                "revoked": s.revoked_at.isoformat() if s.revoked_at else None,
                "credentials": sorted(s.credentials.values_list("pk", flat=True)),
            }
            for s in Share.objects.filter(owner=user)
        ],
    }
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in held:
            stem = f"credentials/{item.pk:06d}-{item.sha256[:12]}"
            name = f"{stem}.{item.media_type[1]}"
            archive.writestr(name, bytes(item.original))
            pdf = _pdf(item, user, current[item.pk])
            if pdf is not None:
                archive.writestr(f"{stem}.pdf", pdf)
            summary["credentials"].append(
                {
                    "file": name,
                    "pdf": f"{stem}.pdf" if pdf is not None else None,
                    "id": item.pk,
                    "title": item.title,
                    "issuer": item.issuer_name,
                    "issued": item.issued_at.isoformat() if item.issued_at else None,
                    "source": item.source,
                    "format": item.format,
                    "sha256": item.sha256,
                    "issuedToYou": item.subject_match,
                }
            )
        if with_key:
            jwk = holder_jwk(user)
            summary["holderDid"] = jwk["kid"].split("#", 1)[0]
            summary["holderKey"] = {
                "file": KEY_FILE,
                "warning": "SECRET: this private key signs presentations as you. Keep it private; never share it.",
            }
            secret = {"warning": summary["holderKey"]["warning"], "did": summary["holderDid"], "privateJwk": jwk}
            archive.writestr(KEY_FILE, json.dumps(secret, indent=2))
        # Validation cases (merit.server.validation): what the learner sent, and every decision on it.
        summary["validationCases"], case_files = validation.export_for(user)
        for name, data in case_files:
            archive.writestr(name, data)
        archive.writestr("summary.json", json.dumps(summary, ensure_ascii=False, indent=2))
    return buffer.getvalue()


@dataclass
class Issuer:
    """An organisation on this installation that issued one of the learner's credentials and keeps its record."""

    name: str
    credentials: list[str] = field(default_factory=list)
    links_open_until: datetime | None = None


@dataclass
class Remains:
    """What stays in Merit after the learner deletes their account, and where."""

    issuers: list[Issuer]
    other_issuers: list[str]
    audit_entries: int


def what_remains(user: AbstractBaseUser) -> Remains:
    """What deleting the account leaves: each organisation here that issued one of the learner's credentials keeps
    its record of it (the credential, its status, and the learner's name and address or DID as it recorded them),
    with a claim link that opens until it expires; issuers elsewhere keep their own records; audit entries stay,
    naming a "deleted user"."""
    held = list(
        HeldCredential.objects.filter(owner=user)
        .exclude(subject_match=HeldCredential.SubjectMatch.NO)  # Someone else's: the issuer's record is not about you.
        .only("issuer_id", "issuer_name", "title", "titles", "credential_id")
    )
    local = {o.did: o for o in Organisation.objects.filter(slug__in=_local_slugs(h.issuer_id for h in held))}
    issuers: dict[int, Issuer] = {}
    others: list[str] = []
    for item in held:
        organisation = local.get(item.issuer_id)
        if organisation is None:
            if item.issuer_name and item.issuer_name not in others:
                others.append(item.issuer_name)
            continue
        entry = issuers.setdefault(organisation.pk, Issuer(organisation.name))
        entry.credentials.append(item.display_title)
        link = (
            ClaimLink.objects.filter(
                credential__organisation=organisation,
                credential__credential_id=item.credential_id,
                expires_at__gt=timezone.now(),
            )
            .values_list("expires_at", flat=True)
            .first()
        )
        if link is not None and (entry.links_open_until is None or link > entry.links_open_until):
            entry.links_open_until = link
    audit = AuditEvent.objects.filter(actor=user.get_username()).count()
    return Remains(sorted(issuers.values(), key=lambda i: i.name), sorted(others), audit)


def _local_slugs(issuer_ids: Any) -> list[str]:
    from merit.server.accounts.models import did_prefix

    prefix = did_prefix()
    return [i.removeprefix(prefix) for i in issuer_ids if isinstance(i, str) and i.startswith(prefix)]


def delete_account(user: AbstractBaseUser) -> None:
    """Delete the learner's account and everything personal the passport holds. Credentials issuers signed stay
    valid (they are the issuers' records, :func:`what_remains`); the learner's copies, addresses, key and shares
    go, and audit entries name a "deleted user" instead of the account."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values_list("organisation_id", flat=True)
    for organisation_id in owned:
        if not Membership.objects.filter(organisation_id=organisation_id, role=Role.OWNER).exclude(user=user).exists():
            raise AccountKept(_("You are the last owner of an organisation: add another owner before deleting."))
    with transaction.atomic():
        AuditEvent.objects.filter(actor=user.get_username()).update(actor="deleted user")
        get_user_model().objects.filter(pk=user.pk).delete()
