"""Passport services: the one place that calls ``merit.core`` and writes the passport tables.

A credential enters a passport only after it has been verified; the report is kept beside it, a forged credential
is refused with the reason, and the bytes are stored exactly as they arrived.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from merit.core import formats, openbadges2
from merit.core.credview import CredentialView
from merit.core.errors import MeritError
from merit.core.jwt import enveloped
from merit.core.keys import KeyPair, SigningKey, did_key
from merit.core.microcredential import identity_hash
from merit.core.present import presentation, sign_presentation
from merit.core.verify import VerificationReport, dispatch
from merit.core.verify.report import ACCREDITATION, ISSUER_NAME
from merit.server.accounts.models import Account, AuditEvent, Membership, Role
from merit.server.accounts.services import LinkExpired, LinkInvalid, normalise_email, send_account_email
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.issuing.sealing import seal, unseal
from merit.server.passport.display import pick, reader_language, verification
from merit.server.passport.models import EmailAddress, HeldCredential, HolderKey, Share
from merit.server.portal import containers
from merit.server.portal import services as portal
from merit.server.portal.corewords import code_text

SHARE_DAYS = (7, 30, 90, 365)
W3C_FORMATS = ("vc", "vc-jose", "ob3-jwt")
"""The W3C Verifiable Credential formats: their credentials carry W3C status entries (Bitstring Status List) for the
cards to re-check, and can go into a presentation."""
DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+)M)?)?")
MAX_SHARED = 200


class ImportRefused(MeritError):
    """The credential was not added: it did not verify, or it is not a credential (the report says why)."""

    def __init__(self, message: str, report: VerificationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


class AccountKept(MeritError):
    """The account cannot be deleted yet (it is the last owner of an organisation)."""


class ShareGone(Exception):
    """The share expired or was revoked (HTTP 410)."""


@dataclass
class Added:
    """What adding a credential found: the held record (``None`` if refused) and the report shown to the learner."""

    held: HeldCredential | None
    report: VerificationReport
    duplicate: bool = False


def verified_addresses(user: AbstractBaseUser) -> list[str]:
    """Every e-mail address the learner has shown they control, the account's own first."""
    found = []
    if Account.objects.filter(user_id=user.pk, email_verified_at__isnull=False).exists() and user.email:
        found.append(user.email.lower())
    found += [
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified_at__isnull=False).values_list("email", flat=True)
    ]
    return list(dict.fromkeys(found))


def issued_to(document: dict[str, Any], addresses: list[str]) -> str | None:
    """The address, of ``addresses``, that the credential's hashed e-mail identity names (OB 3.0
    ``IdentityObject``), if any."""
    subjects = document.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        identifiers = subject.get("identifier", []) if isinstance(subject, dict) else []
        for identity in identifiers if isinstance(identifiers, list) else []:
            if not (
                isinstance(identity, dict) and identity.get("hashed") and identity.get("identityType") == "emailAddress"
            ):
                continue
            salt, wanted = str(identity.get("salt") or ""), identity.get("identityHash")
            match = next((a for a in addresses if identity_hash(a, salt) == wanted), None)
            if match:
                return match
    return None


def verify(document: Any) -> VerificationReport:
    """Verify a credential as the portal does: this installation's issuers and lists from the database, anything
    else only through the server's safe fetcher (never private addresses)."""
    return portal.verify_document(document)[1]


def read(content: bytes, *, pasted: bool = False) -> tuple[str, bytes, VerificationReport, CredentialView]:
    """What ``content`` holds: the credential's format (``vc``, ``ob2`` or ``edc``), the credential's exact bytes
    (unwrapped from a PDF attachment or a baked PNG/SVG badge), its verification report and its typed view
    (:class:`~merit.core.credview.CredentialView`). Raises :class:`ImportRefused` for anything else, with the reason."""
    try:
        found = containers.open_text(content.decode("utf-8")) if pasted else containers.open_file(content)
        if found.url is not None and not found.data:
            found = portal.fetch_credential(found.url)
        document = containers.parse(found)
    except containers.ContainerError as exc:  # Said as the portal says it, in the reader's language.
        reason = _("this is not a credential Merit can read: %(reason)s") % {"reason": containers.message(exc)}
        raise ImportRefused(reason) from exc
    except UnicodeDecodeError as exc:
        reason = _("this is not a credential Merit can read: %(reason)s") % {"reason": _("it is not UTF-8 text")}
        raise ImportRefused(reason) from exc
    except MeritError as exc:  # The core's code in words (merit.server.portal.corewords), never its English.
        reason = _("this is not a credential Merit can read: %(reason)s") % {"reason": code_text(exc.code)}
        raise ImportRefused(reason) from exc
    kind = formats.detect(document)
    if kind in ("vp", "vp-jose"):
        raise ImportRefused(_("this is a presentation: import the credentials inside it one by one"))
    if kind == "unknown":
        reason = _("this is not a credential Merit recognises. Merit reads %(formats)s") % {
            "formats": portal.formats_read()
        }
        raise ImportRefused(reason)
    kind, report = portal.verify_document(document)
    return kind, found.data, report, dispatch.view(kind, document, report, reader_language())


def examine(held: HeldCredential) -> tuple[VerificationReport, CredentialView]:
    """A held credential verified again now, with its display view; what the new report says of the issuer's
    accreditation is kept for its card (:func:`standing_of`)."""
    _kind, _content, report, view = read(bytes(held.original), pasted=held.format == HeldCredential.Format.OB2)
    found = standing_of(report)
    if held.pk is not None and any(getattr(held, field) != value for field, value in found.items()):
        HeldCredential.objects.filter(pk=held.pk).update(**found)
        for field, value in found.items():
            setattr(held, field, value)
    return report, view


def standing_of(report: VerificationReport) -> dict[str, str]:
    """What ``report`` says of the issuer, for the passport's card (the fields ``accreditation``, ``accredited_by``
    and ``namesake_of`` of :class:`HeldCredential`): the accreditation check's outcome and body, and the accredited
    organisation whose name an unaccredited issuer uses, so that the cards need no verification of their own."""
    accreditation = report.check(ACCREDITATION)
    body = accreditation.details.get("accreditingBody") if accreditation is not None else None
    namesake = report.check(ISSUER_NAME)
    names = namesake.details.get("namesakes") if namesake is not None and namesake.outcome == "warning" else None
    named = [str(n.get("name")) for n in names or [] if isinstance(n, dict) and n.get("name")]
    return {
        "accreditation": accreditation.outcome if accreditation is not None else "",
        "accredited_by": str(body or "")[:500],
        "namesake_of": ", ".join(dict.fromkeys(named))[:500],
    }


def _when(value: Any) -> datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 100_000 else None


def _status_entries(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The credential's Bitstring Status List entries (list URL, index, purpose), kept so that the passport can
    re-check status without parsing every credential again."""
    entries = document.get("credentialStatus")
    found = []
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict) or not entry.get("statusListCredential"):
            continue
        try:
            index = int(entry.get("statusListIndex", ""))
        except (TypeError, ValueError):
            continue
        purpose = str(entry.get("statusPurpose") or "revocation")
        found.append({"url": str(entry["statusListCredential"]), "index": index, "purpose": purpose})
    return found


def add_credential(user: AbstractBaseUser, content: bytes, *, source: str, pasted: bool = False) -> Added:
    """Verify ``content`` and, unless it is invalid, keep the credential in the learner's passport byte for byte
    (from a PDF or a baked badge, the credential inside it)."""
    kind, content, report, view = read(content, pasted=pasted)
    document: dict[str, Any] = report.document if isinstance(report.document, dict) else {}
    if report.outcome == "invalid":
        # The reason in the reader's language, as the report on the page gives it (never the core's English).
        reason = verification(report)["reason"]
        raise ImportRefused(_("it is invalid. %(reason)s") % {"reason": reason}, report)
    digest = hashlib.sha256(content).hexdigest()
    existing = HeldCredential.objects.filter(owner=user, sha256=digest).first()
    if existing is not None:
        return Added(existing, report, duplicate=True)
    titles = {str(k): str(v)[:500] for k, v in view.title.items() if k}
    fields = document
    if kind == "ob2":
        matched = bool(document) and any(openbadges2.recipient_matches(document, a) for a in verified_addresses(user))
    else:
        matched = issued_to(fields, verified_addresses(user)) is not None
    try:
        with transaction.atomic():
            held = HeldCredential.objects.create(
                owner=user,
                original=content,
                sha256=digest,
                format=kind,
                source=source,
                credential_id=str(view.id or fields.get("id") or "")[:500],
                title=_text(view.text(view.title, [view.language]))
                or str(fields.get("name") or "")[:500]
                or "(untitled)",
                titles=dict(list(titles.items())[:30]),
                issuer_name=_text(view.awarding_body),
                issuer_id=str(view.issuer_id or "")[:500],
                issued_at=_when(view.issued),
                valid_until=_when(view.valid_until),
                eqf_level=view.eqf_level,
                ects=_number(view.ects),
                hours=_number(view.hours),
                skills=[{"uri": s.uri, "label": s.label or s.uri} for s in view.skills if s.uri][:200],
                outcome=report.outcome,
                recipient_verified=matched,
                status_entries=_status_entries(fields) if kind in W3C_FORMATS else [],
                **standing_of(report),
            )
    except IntegrityError:
        return Added(HeldCredential.objects.get(owner=user, sha256=digest), report, duplicate=True)
    return Added(held, report)


def _text(value: Any) -> str:
    """A one-line text from a string or a language map (the reader's language first), at most 500 characters."""
    return (pick(value) if isinstance(value, dict) else str(value or ""))[:500]


def claim(user: AbstractBaseUser, link: ClaimLink) -> Added:
    """Take the credential behind a claim link into the learner's passport (the stored bytes, exactly)."""
    added = add_credential(user, link.credential.document_json.encode("utf-8"), source=HeldCredential.Source.CLAIM)
    delivery.mark_claimed(link)
    return added


def remove_credential(user: AbstractBaseUser, held: HeldCredential) -> None:
    if held.owner_id != user.pk:
        raise PermissionError("not your credential")
    held.delete()


# Holder key and presentations.


def _seal_context(user: AbstractBaseUser) -> str:
    return f"merit-holder:{user.pk}"


def holder_key(user: AbstractBaseUser) -> SigningKey:
    """The learner's ``did:key`` signing key, created on first use and kept sealed (AES-256-GCM)."""
    record = HolderKey.objects.filter(user=user).first()
    if record is None:
        pair = KeyPair.generate("Ed25519")
        try:
            with transaction.atomic():
                record = HolderKey.objects.create(
                    user=user,
                    did=did_key(pair.public_key),
                    encrypted_secret=seal(pair.secret_multibase, _seal_context(user)),
                )
        except IntegrityError:
            record = HolderKey.objects.get(user=user)
    return SigningKey.for_did_key(
        KeyPair.from_secret_multibase(unseal(bytes(record.encrypted_secret), _seal_context(user)))
    )


def presented(held: HeldCredential) -> dict[str, Any]:
    """``held`` as a presentation's ``verifiableCredential`` entry: a JSON credential as it is, a JWT (VC-JOSE, or
    an Open Badges 3.0 JWT) in its envelope (:func:`merit.core.jwt.enveloped`, VC 2.0 section 4.13)."""
    if not held.is_jws:
        return held.document
    form = "ob3" if held.format == HeldCredential.Format.OB3_JWT else "vc-jose"
    return enveloped(bytes(held.original).decode("ascii").strip(), form)


def signed_presentation(
    user: AbstractBaseUser, held: list[HeldCredential], *, challenge: str | None, domain: str | None
) -> dict[str, Any]:
    """A Verifiable Presentation of ``held``, signed by the learner's holder key, bound to a verifier's
    ``challenge`` and ``domain`` when given.

    The learner hands the file to a verifier of their choice, often one built on verifier-core (VerifierPlus), which
    checks a presentation's proof for ``assertionMethod``: it carries that proof too (decision 0012). A VC-JOSE
    credential or an Open Badges 3.0 JWT goes in as an ``EnvelopedVerifiableCredential``, the token byte for byte as
    it was kept (:func:`presented`)."""
    if any(h.owner_id != user.pk for h in held):
        raise PermissionError("not your credential")
    if any(h.format not in W3C_FORMATS for h in held):
        raise ImportRefused(_("only W3C Verifiable Credentials can go into a presentation"))
    key = holder_key(user)
    document = presentation([presented(h) for h in held], key.controller, f"urn:uuid:{secrets.token_hex(16)}")
    return sign_presentation(
        document, key, challenge=challenge or None, domain=domain or None, for_assertion_verifiers=True
    )


# Shares.


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def share_url(token: str) -> str:
    return f"{settings.BASE_URL}/s/{token}"


def create_share(
    user: AbstractBaseUser, held: list[HeldCredential], *, days: int, label: str = ""
) -> tuple[Share, str]:
    """A public link to ``held`` that expires after ``days``; the token is returned once and stored hashed."""
    if days not in SHARE_DAYS:
        raise ValueError(f"a share lasts {', '.join(map(str, SHARE_DAYS))} days")
    if not held or len(held) > MAX_SHARED or any(h.owner_id != user.pk for h in held):
        raise PermissionError("choose between 1 and 200 of your own credentials")
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        share = Share.objects.create(
            owner=user, label=label[:200], token_hash=_hash(token), expires_at=timezone.now() + timedelta(days=days)
        )
        share.credentials.set(held)
    return share, token


def open_share(token: str) -> Share:
    """The share for ``token``; raises ``Share.DoesNotExist`` (404) or :class:`ShareGone` (410)."""
    share = Share.objects.select_related("owner").get(token_hash=_hash(token))
    if share.revoked_at is not None or share.expires_at <= timezone.now():
        raise ShareGone
    Share.objects.filter(pk=share.pk).update(views=share.views + 1)
    return share


def revoke_share(user: AbstractBaseUser, share: Share) -> None:
    if share.owner_id != user.pk:
        raise PermissionError("not your share")
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])


# The learner's own data.


def export(user: AbstractBaseUser) -> bytes:
    """Everything the passport holds about the learner: a zip of the original credentials, byte for byte, and a
    JSON summary (account, addresses, credentials, shares)."""
    buffer = io.BytesIO()
    held = list(HeldCredential.objects.filter(owner=user).order_by("pk"))
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
        "shares": [
            {
                "label": s.label,
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
            name = f"credentials/{item.pk:06d}-{item.sha256[:12]}.{item.media_type[1]}"
            archive.writestr(name, bytes(item.original))
            summary["credentials"].append(
                {
                    "file": name,
                    "id": item.pk,
                    "title": item.title,
                    "issuer": item.issuer_name,
                    "issued": item.issued_at.isoformat() if item.issued_at else None,
                    "source": item.source,
                    "format": item.format,
                    "sha256": item.sha256,
                }
            )
        archive.writestr("summary.json", json.dumps(summary, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def delete_account(user: AbstractBaseUser) -> None:
    """Delete the learner's account and everything personal the passport holds. Credentials issuers signed stay
    valid (they are the issuers' records); the learner's copies, addresses, key and shares go, and audit entries
    name a "deleted user" instead of the account."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values_list("organisation_id", flat=True)
    for organisation_id in owned:
        if not Membership.objects.filter(organisation_id=organisation_id, role=Role.OWNER).exclude(user=user).exists():
            raise AccountKept(_("You are the last owner of an organisation: add another owner before deleting."))
    with transaction.atomic():
        AuditEvent.objects.filter(actor=user.get_username()).update(actor="deleted user")
        get_user_model().objects.filter(pk=user.pk).delete()


# E-mail addresses.

ADDRESS_SALT = "merit.passport.address"
ADDRESS_MAX_AGE = timedelta(days=3)


def add_address(user: AbstractBaseUser, email: str) -> None:
    """Add an address to the learner's passport and send it a verification link. The answer is the same whether
    or not another account has the address, so nobody learns who uses Merit."""
    email = normalise_email(email)
    if email == (user.email or "").lower():
        return
    record, _created = EmailAddress.objects.get_or_create(user=user, email=email)
    if record.verified_at is not None:
        return
    token = signing.dumps({"address": record.pk, "email": email}, salt=ADDRESS_SALT)
    url = f"{settings.BASE_URL}/passport/addresses/verify/{token}"
    send_account_email(email, _("Confirm your e-mail address for Merit"), "verify", {"url": url, "days": 3})


def verify_address(token: str) -> EmailAddress:
    """Mark the address named by a verification link as the learner's; an address verified by another account
    stays theirs."""
    try:
        data = signing.loads(token, salt=ADDRESS_SALT, max_age=ADDRESS_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    record = EmailAddress.objects.filter(pk=data.get("address"), email=data.get("email")).first()
    if record is None:
        raise LinkInvalid
    users = get_user_model().objects
    taken = EmailAddress.objects.filter(email=record.email, verified_at__isnull=False).exclude(user_id=record.user_id)
    owner_elsewhere = users.filter(email__iexact=record.email, merit_account__email_verified_at__isnull=False).exclude(
        pk=record.user_id
    )
    if taken.exists() or owner_elsewhere.exists():
        raise LinkInvalid
    if record.verified_at is None:
        record.verified_at = timezone.now()
        record.save(update_fields=["verified_at"])
    return record


def remove_address(user: AbstractBaseUser, pk: int) -> None:
    EmailAddress.objects.filter(user=user, pk=pk).delete()
