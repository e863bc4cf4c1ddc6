"""The issuer's record of whom it issued each credential to (``docs/decisions/0018-issuer-record-of-learners.md``).

The signed credential names the learner by DID or by a salted hash of the e-mail address, which an issuer cannot
search. So that an issuer can find a named learner's credential (to revoke it, say), Merit keeps beside it the
learner's name and e-mail address or DID as the issuer gave them, with a folded copy for search, until the issuer
erases them on the learner's request (:func:`erase`). The signed credential itself never changes.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone

from merit.core.microcredential import Learner
from merit.server.issuing.models import IssuedCredential

_NAME = IssuedCredential._meta.get_field("learner_name").max_length or 300
_CONTACT = IssuedCredential._meta.get_field("learner_contact").max_length or 2000
_SEARCH = IssuedCredential._meta.get_field("learner_search").max_length or 2400


def fold(text: str) -> str:
    """``text`` for comparison ignoring case and accents: NFKD, combining marks dropped, case-folded, and the
    letters NFKD keeps whole (ø, æ, ł, đ, ß) spelt as a Nordic or Polish reader would type them without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().translate(_LETTERS).split())


_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "œ": "oe"})


def details(name: str | None, contact: str | None) -> dict[str, Any]:
    """The record's fields for a learner called ``name`` reached at ``contact`` (an address or a DID)."""
    name, contact = (name or "").strip()[:_NAME], (contact or "").strip()[:_CONTACT]
    return {"learner_name": name, "learner_contact": contact, "learner_search": fold(f"{name} {contact}")[:_SEARCH]}


def of(learner: Learner) -> dict[str, Any]:
    """The record's fields for ``learner`` (the e-mail address when it has one, else its DID)."""
    return details(learner.name, learner.email or learner.did)


def fill(record: IssuedCredential, learner: Learner) -> None:
    """Set the learner fields of an unsaved ``record`` (bulk issuance writes it afterwards)."""
    for field, value in of(learner).items():
        setattr(record, field, value)


def remember(record: IssuedCredential, learner: Learner) -> None:
    """Store the learner fields of a saved ``record``."""
    fill(record, learner)
    record.save(update_fields=list(of(learner)))


def erase(record: IssuedCredential, *, actor: str) -> None:
    """Erase the learner's name and address from the issuer's record of ``record`` and from the copies Merit
    keeps for delivery (the claim link's address, the uploaded row of a bulk job); the signed credential, which
    holds no plain address, stays. The audit entry names the credential, not the learner."""
    from merit.server.bulk.models import IssuanceRow  # Both apps build on issuing.
    from merit.server.delivery.models import ClaimLink
    from merit.server.issuing.services import audit

    with transaction.atomic():
        for field, value in details("", "").items():
            setattr(record, field, value)
        record.learner_erased_at = timezone.now()
        record.save(update_fields=[*details("", ""), "learner_erased_at"])
        ClaimLink.objects.filter(credential=record).update(email="")
        IssuanceRow.objects.filter(credential=record).update(data={})
        audit(record.organisation, actor, "credential.learner_erased", record.credential_id)


def backfill(document: dict[str, Any], *, email: str = "", row: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fields that can be recovered for a credential issued before the record existed: the name and DID in
    its subject (an unhashed ``name`` identifier, as Merit renders it), the address of its unclaimed claim link, or
    the row of its bulk upload (used by the migration)."""
    row = row or {}
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject = subject if isinstance(subject, dict) else {}
    named = [
        i.get("identityHash")
        for i in subject.get("identifier") or []
        if isinstance(i, dict) and i.get("identityType") == "name" and i.get("hashed") is False
    ]
    name = row.get("name") or subject.get("name") or next(iter(named), None)
    subject_id = subject.get("id")
    did = row.get("did") or (subject_id if isinstance(subject_id, str) and subject_id.startswith("did:") else None)
    contact = row.get("email") or email or did
    return details(name if isinstance(name, str) else None, contact if isinstance(contact, str) else None)
