"""Passport services: the one place that calls ``merit.core`` and writes the passport tables.

A credential enters a passport only after it has been verified; the report is kept beside it, a forged credential
is refused with the reason, and the bytes are stored exactly as they arrived.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
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

from merit.core import formats
from merit.core.credview import CredentialView
from merit.core.errors import MeritError
from merit.core.jwt import enveloped
from merit.core.keys import KeyPair, SigningKey, did_key
from merit.core.present import presentation, sign_presentation
from merit.core.verify import VerificationReport, dispatch
from merit.core.verify.report import ACCREDITATION, ISSUER_NAME
from merit.server.accounts.models import Account
from merit.server.accounts.services import LinkExpired, LinkInvalid, normalise_email, send_account_email
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.issuing.sealing import seal, unseal
from merit.server.passport import pathways, subjects
from merit.server.passport.display import pick, reader_language, verification
from merit.server.passport.models import EmailAddress, HeldCredential, HolderKey
from merit.server.portal import containers
from merit.server.portal import services as portal
from merit.server.portal.corewords import code_text

W3C_FORMATS = ("vc", "vc-jose", "ob3-jwt")
"""The W3C Verifiable Credential formats: their credentials carry W3C status entries (Bitstring Status List) for the
cards to re-check, and can go into a presentation."""
DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+)M)?)?")


class ImportRefused(MeritError):
    """The credential was not added: it did not verify, or it is not a credential (the report says why)."""

    def __init__(self, message: str, report: VerificationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


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


def issued_to(document: dict[str, Any], addresses: list[str]) -> bool:
    """Whether the W3C credential ``document`` was issued to one of ``addresses`` (:mod:`.subjects`)."""
    mine = subjects.Identifiers(tuple(a.strip().lower() for a in addresses), ())
    return subjects.match("vc", document, mine) == "yes"


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


def identifiers(user: AbstractBaseUser) -> subjects.Identifiers:
    """The learner's verified identifiers: confirmed e-mail addresses and the holder key's DID."""
    dids = tuple(HolderKey.objects.filter(user_id=user.pk).values_list("did", flat=True))
    return subjects.Identifiers(tuple(verified_addresses(user)), dids)


def _fields(
    kind: str, content: bytes, report: VerificationReport, view: CredentialView, mine: subjects.Identifiers
) -> dict[str, Any]:
    """What a held credential keeps beside its bytes, from its verification (``report``) and ``view``."""
    document: dict[str, Any] = report.document if isinstance(report.document, dict) else {}
    titles = {str(k): str(v)[:500] for k, v in view.title.items() if k}
    return {
        "original": content,
        "sha256": hashlib.sha256(content).hexdigest(),
        "format": kind,
        "credential_id": str(view.id or document.get("id") or "")[:500],
        "title": _text(view.text(view.title, [view.language])) or str(document.get("name") or "")[:500] or "(untitled)",
        "titles": dict(list(titles.items())[:30]),
        "issuer_name": _text(view.awarding_body),
        "issuer_id": str(view.issuer_id or "")[:500],
        "issued_at": _when(view.issued),
        "valid_until": _when(view.valid_until),
        "eqf_level": view.eqf_level,
        "ects": _number(view.ects),
        "hours": _number(view.hours),
        "skills": [{"uri": s.uri, "label": s.label or s.uri} for s in view.skills if s.uri][:200],
        "outcome": report.outcome,
        "subject_match": subjects.match(kind, report.document, mine),
        "status_entries": _status_entries(document) if kind in W3C_FORMATS else [],
        **standing_of(report),
        **pathways.stored_fields(document, view),
    }


def preview(
    content: bytes, user: AbstractBaseUser | None = None
) -> tuple[HeldCredential, VerificationReport, CredentialView]:
    """``content`` verified and described as a passport card would describe it, without keeping it anywhere (the
    claim page shows what a learner is about to take); with ``user``, whether it was issued to them."""
    kind, content, report, view = read(content)
    mine = identifiers(user) if user is not None else subjects.Identifiers((), ())
    return HeldCredential(**_fields(kind, content, report, view, mine)), report, view


def add_credential(user: AbstractBaseUser, content: bytes, *, source: str, pasted: bool = False) -> Added:
    """Verify ``content`` and, unless it is invalid, keep the credential in the learner's passport byte for byte
    (from a PDF or a baked badge, the credential inside it), with whether it was issued to the learner."""
    kind, content, report, view = read(content, pasted=pasted)
    if report.outcome == "invalid":
        # The reason in the reader's language, as the report on the page gives it (never the core's English).
        reason = verification(report)["reason"]
        raise ImportRefused(_("it is invalid. %(reason)s") % {"reason": reason}, report)
    digest = hashlib.sha256(content).hexdigest()
    existing = HeldCredential.objects.filter(owner=user, sha256=digest).first()
    if existing is not None:
        return Added(existing, report, duplicate=True)
    try:
        with transaction.atomic():
            held = HeldCredential.objects.create(
                owner=user, source=source, **_fields(kind, content, report, view, identifiers(user))
            )
    except IntegrityError:
        return Added(HeldCredential.objects.get(owner=user, sha256=digest), report, duplicate=True)
    return Added(held, report)


def _matchable(held: HeldCredential) -> Any:
    """The held credential as :func:`merit.server.passport.subjects.match` reads it (what its verification read)."""
    text = bytes(held.original).decode("utf-8", "replace").strip()
    if held.format == HeldCredential.Format.OB2:
        return text if held.is_jws else json.loads(text)
    if held.format == HeldCredential.Format.EDC:
        from merit.core import edc

        return edc.unwrap(text)[0]
    return held.document


def recheck_subjects(user: AbstractBaseUser) -> int:
    """Compare every credential in the learner's passport with their verified identifiers again (after they
    confirm or remove an address); returns how many cards changed."""
    mine = identifiers(user)
    changed = 0
    for held in HeldCredential.objects.filter(owner_id=user.pk).only("pk", "original", "format", "subject_match"):
        try:
            found = subjects.match(held.format, _matchable(held), mine)
        except (MeritError, ValueError, TypeError, KeyError):
            found = "unknown"
        if found != held.subject_match:
            HeldCredential.objects.filter(pk=held.pk).update(subject_match=found)
            changed += 1
    return changed


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
        recheck_subjects(record.user)
    return record


def remove_address(user: AbstractBaseUser, pk: int) -> None:
    """Remove one of the learner's further addresses; credentials issued to it no longer count as theirs."""
    if EmailAddress.objects.filter(user=user, pk=pk).delete()[0]:
        recheck_subjects(user)


# Share links are their own module (links.py); these names stay the services' too.
from merit.server.passport.links import (  # noqa: E402
    MAX_SHARED,
    SHARE_DAYS,
    ShareGone,
    create_share,
    open_share,
    purpose_link,
    revoke_share,
    share_url,
)

__all__ = [
    "MAX_SHARED",
    "SHARE_DAYS",
    "ShareGone",
    "create_share",
    "open_share",
    "purpose_link",
    "revoke_share",
    "share_url",
]
