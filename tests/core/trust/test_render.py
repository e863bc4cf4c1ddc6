"""Rendering accreditation credentials, withdrawals and trust lists: VC 2.0, safe mode, signed and verified."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import pytest

from merit.core import vc
from merit.core.contexts import CONTEXT_FILES
from merit.core.documents import bundled_document
from merit.core.errors import InvalidError, MalformedValueError
from merit.core.issue import sign_credential
from merit.core.jsonld import check_safe_mode
from merit.core.keys import SigningKey
from merit.core.status import status_entry
from merit.core.trust import TRUST_CONTEXT, scope_of, trust_list, withdrawal
from merit.core.verify import Verifier
from tests.core.trust.conftest import END, SCOPE, START, Accredit, unsigned_accreditation

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_the_trust_context_is_bundled_protected_and_uses_full_iris() -> None:
    assert CONTEXT_FILES[TRUST_CONTEXT] == "merit-trust-v1.jsonld"
    context = bundled_document(TRUST_CONTEXT)["@context"]
    assert context["@version"] == 1.1
    assert context["@protected"] is True
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        iri = definition if isinstance(definition, str) else definition["@id"]
        assert iri.startswith(("https://purl.org/merit/ns/trust#", "http://data.europa.eu/snb/model/elm/")), term
    assert context["trustedIssuer"]["@type"] == "@json"
    provenance = resources.files("merit.core.contexts").joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    assert "merit-trust-v1.jsonld | https://purl.org/merit/ns/trust/v1" in provenance
    # No term may clash with Merit's micro-credential context, so that the two can be used together.
    other = bundled_document("https://purl.org/merit/ns/eu-mc/v1")["@context"]
    assert not {t for t in context if not t.startswith("@")} & set(other)


def test_an_accreditation_is_a_vc2_credential_that_passes_safe_mode(authority: SigningKey, issuer: SigningKey) -> None:
    unsigned = unsigned_accreditation(authority.controller, issuer.controller)
    assert vc.check_credential(unsigned) == 2
    check_safe_mode(unsigned)
    assert unsigned["type"] == ["VerifiableCredential", "AccreditationCredential"]
    assert unsigned["issuer"] == {"id": authority.controller, "name": "Myndigheten för yrkeshögskolan"}
    assert unsigned["validFrom"] == "2025-01-01T00:00:00Z"
    assert unsigned["validUntil"] == "2027-12-31T23:59:59Z"
    subject = unsigned["credentialSubject"]
    assert subject["id"] == issuer.controller
    assert subject["type"] == "Accreditation"
    assert subject["decision"] == "granted"
    assert scope_of(unsigned) == SCOPE


def test_an_accreditation_signed_by_a_did_key_authority_verifies(accredit: Accredit) -> None:
    signed = accredit()
    report = Verifier(clock=lambda: NOW).verify_credential(signed)
    assert report.verified, report.to_json()
    signed["credentialSubject"]["accreditedFor"]["eqfMax"] = 8
    assert Verifier(clock=lambda: NOW).verify_credential(signed).outcome == "invalid"


def test_an_undefined_term_is_refused_before_signing(authority: SigningKey, issuer: SigningKey) -> None:
    unsigned = unsigned_accreditation(authority.controller, issuer.controller)
    unsigned["credentialSubject"]["accreditedFor"]["level"] = 9
    with pytest.raises(InvalidError):
        sign_credential(unsigned, authority)


@pytest.mark.parametrize(
    "overrides",
    [
        {"credential_id": "not a url"},
        {"authority": "https://agency.example"},
        {"issuer": "Skellefteå"},
        {"issuer_name": " "},
        {"qa_framework": ""},
        {"decision": "maybe"},
        {"valid_until": START},
    ],
)
def test_malformed_accreditations_are_refused(authority: SigningKey, overrides: dict[str, Any]) -> None:
    with pytest.raises(MalformedValueError):
        unsigned_accreditation(authority.controller, "did:example:issuer", **overrides)


def test_status_entries(authority: SigningKey) -> None:
    one = status_entry("https://trust.example/status/1", 7)
    unsigned = unsigned_accreditation(authority.controller, "did:example:i", status_entries=[one])
    assert unsigned["credentialStatus"] == one
    two = unsigned_accreditation(authority.controller, "did:example:i", status_entries=[one, one])
    assert two["credentialStatus"] == [one, one]
    check_safe_mode(unsigned)


def test_a_withdrawal_restates_the_accreditation_ending_at_the_withdrawal(accredit: Accredit) -> None:
    original = accredit(status_entries=[status_entry("https://trust.example/status/1", 7)])
    when = datetime(2026, 3, 1, tzinfo=UTC)
    replacement = withdrawal(original, credential_id="urn:uuid:withdrawal", withdrawn_at=when)
    assert "proof" not in replacement
    assert "credentialStatus" not in replacement
    assert replacement["validUntil"] == "2026-03-01T00:00:00Z"
    assert replacement["credentialSubject"]["decision"] == "withdrawn"
    assert replacement["credentialSubject"]["accreditedFor"] == original["credentialSubject"]["accreditedFor"]
    assert "proof" in original  # The original is left as it was.
    check_safe_mode(replacement)
    with pytest.raises(MalformedValueError):
        withdrawal(original, credential_id=original["id"], withdrawn_at=when)
    with pytest.raises(InvalidError, match="before it began"):
        withdrawal(original, credential_id="urn:uuid:w", withdrawn_at=START)
    with pytest.raises(InvalidError, match="already ended"):
        withdrawal(original, credential_id="urn:uuid:w", withdrawn_at=END)


def test_a_trust_list_carries_signed_accreditations_as_json(authority: SigningKey, accredit: Accredit) -> None:
    accreditations = [accredit(), accredit(credential_id="urn:uuid:second", issuer="did:example:other")]
    unsigned = trust_list(
        list_id="https://trust.example/lists/se",
        authority=authority.controller,
        authority_name="Myndigheten för yrkeshögskolan",
        accreditations=accreditations,
        valid_from=NOW,
    )
    assert unsigned["type"] == ["VerifiableCredential", "TrustListCredential"]
    assert unsigned["credentialSubject"]["trustedIssuer"] == accreditations
    check_safe_mode(unsigned)
    signed = sign_credential(unsigned, authority)
    assert Verifier(clock=lambda: NOW).verify_credential(signed).verified
    # The list's signature covers the exact JSON of each accreditation it carries.
    signed["credentialSubject"]["trustedIssuer"][0]["credentialSubject"]["name"] = "Forged"
    assert Verifier(clock=lambda: NOW).verify_credential(json.dumps(signed)).outcome == "invalid"


def test_a_trust_list_takes_only_signed_accreditations_by_its_authority(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    options: dict[str, Any] = {"list_id": "urn:uuid:l", "authority_name": "A", "valid_from": NOW}
    with pytest.raises(MalformedValueError, match="not signed"):
        trust_list(
            authority=authority.controller,
            accreditations=[unsigned_accreditation(authority.controller, issuer.controller)],
            **options,
        )
    with pytest.raises(MalformedValueError, match="not issued by"):
        trust_list(authority=issuer.controller, accreditations=[accredit()], **options)
    with pytest.raises(MalformedValueError):
        trust_list(authority=authority.controller, accreditations=[], **{**options, "list_id": "x y"})
