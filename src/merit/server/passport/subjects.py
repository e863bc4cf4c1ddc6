"""Whose credential is it? A held credential counts toward the learner's skills, competence map and progress only
when it was issued to one of the learner's *verified* identifiers: an e-mail address they have confirmed (plain,
or hashed with the credential's salt) or their holder DID. Anyone can import a copy of anyone's credential (a
credential is not a secret); what they cannot do is pass it off as their own.

The answer is one of three (``docs/decisions/0021-learners-own-credentials.md``):

* ``yes``: the credential's subject is named by one of the learner's verified identifiers;
* ``no``: the credential names its subject (an e-mail hash, an e-mail address, a DID) and none of them is the
  learner's;
* ``unknown``: the credential names its subject in no way Merit can compare (a name only, an identifier of
  another kind), so it cannot be told either way; it does not count either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from merit.core import openbadges2
from merit.core.microcredential import identity_hash

Match = Literal["yes", "no", "unknown"]
EMAIL_TYPES = ("emailAddress", "email")


@dataclass(frozen=True)
class Identifiers:
    """The learner's verified identifiers: e-mail addresses (lower case) and DIDs."""

    emails: tuple[str, ...]
    dids: tuple[str, ...]


def _subjects(document: dict[str, Any]) -> list[dict[str, Any]]:
    subjects = document.get("credentialSubject")
    return [s for s in (subjects if isinstance(subjects, list) else [subjects]) if isinstance(s, dict)]


def _w3c(document: dict[str, Any], mine: Identifiers) -> Match:
    """A W3C credential (OB 3.0, VC 2.0, Europass): the subject's ``id`` (a DID, or ``mailto:``) and its OB 3.0
    ``IdentityObject`` e-mail identifiers, plain or hashed with their salt."""
    named = False
    for subject in _subjects(document):
        subject_id = subject.get("id")
        if isinstance(subject_id, str) and subject_id:
            if subject_id.startswith("did:"):
                named = True
                if subject_id.split("#", 1)[0] in mine.dids:
                    return "yes"
            elif subject_id.lower().startswith("mailto:"):
                named = True
                if subject_id[7:].strip().lower() in mine.emails:
                    return "yes"
        identifiers = subject.get("identifier", [])
        for identity in identifiers if isinstance(identifiers, list) else [identifiers]:
            if not isinstance(identity, dict) or identity.get("identityType") not in EMAIL_TYPES:
                continue
            wanted = identity.get("identityHash")
            if not isinstance(wanted, str) or not wanted:
                continue
            named = True
            if identity.get("hashed") is True or identity.get("hashed") == "true":
                salt = str(identity.get("salt") or "")
                if any(identity_hash(address, salt) == wanted for address in mine.emails):
                    return "yes"
            elif wanted.strip().lower() in mine.emails:
                return "yes"
    return "no" if named else "unknown"


def match(kind: str, document: Any, mine: Identifiers) -> Match:
    """Whether the credential ``document`` (of format ``kind``, as its verification read it) was issued to the
    learner whose verified identifiers are ``mine``."""
    if kind == "ob2":
        if not isinstance(document, dict | str):
            return "unknown"
        if any(openbadges2.recipient_matches(document, address) for address in mine.emails):
            return "yes"
        recipient = document.get("recipient") if isinstance(document, dict) else None
        return "no" if isinstance(recipient, dict) and recipient.get("identity") else "unknown"
    if not isinstance(document, dict):
        return "unknown"
    return _w3c(document, mine)


def counted(held: Iterable[Any]) -> list[Any]:
    """Of ``held``, the credentials that count toward the learner's skills and progress (issued to them)."""
    return [h for h in held if getattr(h, "subject_match", "unknown") == "yes"]
