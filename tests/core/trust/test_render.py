"""Rendering accreditation credentials, withdrawals and trust lists: VC 2.0, safe mode, signed and verified."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from merit.core import vc
from merit.core.canon import canonize
from merit.core.contexts import CONTEXT_FILES
from merit.core.documents import bundled_document
from merit.core.errors import InvalidError, MalformedValueError
from merit.core.issue import sign_credential
from merit.core.jsonld import check_safe_mode
from merit.core.keys import SigningKey
from merit.core.microcredential import validate_ob3
from merit.core.status import status_entry
from merit.core.trust import (
    TRUST_CONTEXT,
    Scope,
    is_accreditation,
    is_trust_list,
    read_accreditation,
    scope_of,
    trust_list,
    trust_list_entries,
    withdrawal,
)
from merit.core.trust.claims import data_url
from merit.core.trust.render import OB3, VC2
from merit.core.verify import Verifier
from tests.core.trust.conftest import AGENCY, END, SCOPE, START, Accredit, unsigned_accreditation

LEGACY = Path(__file__).parents[2] / "data" / "legacy"

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_the_first_encodings_trust_context_stays_bundled_protected_and_uses_full_iris() -> None:
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


def alignment(credential: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(a for a in credential["credentialSubject"]["achievement"]["alignment"] if a["targetType"] == kind)


def test_an_accreditation_uses_the_open_badges_vocabulary_in_standard_contexts_only(
    authority: SigningKey, issuer: SigningKey
) -> None:
    unsigned = unsigned_accreditation(authority.controller, issuer.controller)
    assert vc.check_credential(unsigned) == 2
    check_safe_mode(unsigned)
    assert unsigned["@context"] == [VC2, OB3]
    assert validate_ob3({**unsigned, "type": ["VerifiableCredential", "OpenBadgeCredential"]}) == []
    assert unsigned["type"] == ["VerifiableCredential", "https://purl.org/merit/ns/trust#AccreditationCredential"]
    assert unsigned["issuer"] == {
        "id": authority.controller,
        "type": ["Profile"],
        "name": "Myndigheten för yrkeshögskolan",
    }
    assert unsigned["validFrom"] == "2025-01-01T00:00:00Z"
    assert unsigned["validUntil"] == "2027-12-31T23:59:59Z"
    subject = unsigned["credentialSubject"]
    assert subject["id"] == issuer.controller
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["achievementType"] == "QualityAssuranceCredential"
    assert alignment(unsigned, "ext:EQFMin")["targetUrl"] == "http://data.europa.eu/snb/eqf/3"
    assert alignment(unsigned, "ext:ISCEDField")["targetUrl"] == "http://data.europa.eu/snb/isced-f/07"
    claims = read_accreditation(unsigned)
    assert (claims.issuer, claims.issuer_name) == (issuer.controller, "Skellefteå kommun")
    assert (claims.accrediting_body, claims.qa_framework, claims.decision) == (AGENCY, "ESG 2015", "granted")
    assert claims.scope == SCOPE
    assert is_accreditation(unsigned)
    assert not is_trust_list(unsigned)


def test_every_claim_of_an_accreditation_is_signed(authority: SigningKey, issuer: SigningKey) -> None:
    quads = canonize(unsigned_accreditation(authority.controller, issuer.controller))
    for value in ("QualityAssuranceCredential", "ext:EQFMin", "ext:EQFMax", "http://data.europa.eu/snb/eqf/5"):
        assert f'"{value}"' in quads or f"<{value}>" in quads, value
    for value in ("ext:ISCEDField", '"07"', "ext:CredentialType", '"micro-credential"', "ext:Region", '"SE"'):
        assert value in quads, value
    for value in (AGENCY, "ESG 2015", '"granted"', "Skellefteå kommun"):
        assert value in quads, value


def test_an_accreditation_signed_by_a_did_key_authority_verifies(accredit: Accredit) -> None:
    signed = accredit()
    report = Verifier(clock=lambda: NOW).verify_credential(signed)
    assert report.verified, report.to_json()
    alignment(signed, "ext:EQFMax")["targetCode"] = "8"
    assert Verifier(clock=lambda: NOW).verify_credential(signed).outcome == "invalid"


def test_an_undefined_term_is_refused_before_signing(authority: SigningKey, issuer: SigningKey) -> None:
    unsigned = unsigned_accreditation(authority.controller, issuer.controller)
    unsigned["credentialSubject"]["achievement"]["level"] = 9
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
    assert read_accreditation(replacement).decision == "withdrawn"
    assert read_accreditation(original).decision == "granted"
    assert scope_of(replacement) == scope_of(original)
    assert "proof" in original  # The original is left as it was.
    check_safe_mode(replacement)
    with pytest.raises(MalformedValueError):
        withdrawal(original, credential_id=original["id"], withdrawn_at=when)
    with pytest.raises(InvalidError, match="before it began"):
        withdrawal(original, credential_id="urn:uuid:w", withdrawn_at=START)
    with pytest.raises(InvalidError, match="already ended"):
        withdrawal(original, credential_id="urn:uuid:w", withdrawn_at=END)


def test_an_accreditation_in_the_first_encoding_is_withdrawn_in_that_encoding() -> None:
    original = json.loads((LEGACY / "accreditation.json").read_text())
    when = datetime(2026, 3, 1, tzinfo=UTC)
    replacement = withdrawal(original, credential_id="urn:uuid:withdrawal", withdrawn_at=when)
    assert replacement["@context"] == original["@context"]
    assert replacement["credentialSubject"]["decision"] == "withdrawn"
    assert read_accreditation(replacement).decision == "withdrawn"
    assert scope_of(replacement) == scope_of(original) == Scope(5, 7, ("06",), ("micro-credential",), ("FI",))
    check_safe_mode(replacement)


def test_a_trust_list_carries_signed_accreditations_as_data_urls_with_digests(
    authority: SigningKey, accredit: Accredit
) -> None:
    accreditations = [accredit(), accredit(credential_id="urn:uuid:second", issuer="did:example:other")]
    unsigned = trust_list(
        list_id="https://trust.example/lists/se",
        authority=authority.controller,
        authority_name="Myndigheten för yrkeshögskolan",
        accreditations=accreditations,
        valid_from=NOW,
    )
    assert unsigned["@context"] == [VC2]
    assert unsigned["type"] == ["VerifiableCredential", "https://purl.org/merit/ns/trust#TrustListCredential"]
    assert [s["id"] for s in unsigned["credentialSubject"]] == [
        accreditations[0]["credentialSubject"]["id"],
        "did:example:other",
    ]
    assert all(r["id"].startswith("data:application/vc+ld+json;base64,") for r in unsigned["relatedResource"])
    assert all(r["digestSRI"].startswith("sha384-") for r in unsigned["relatedResource"])
    assert trust_list_entries(unsigned) == accreditations
    assert is_trust_list(unsigned)
    check_safe_mode(unsigned)
    signed = sign_credential(unsigned, authority)
    assert Verifier(clock=lambda: NOW).verify_credential(signed).verified
    # The list's signature covers the exact bytes of each accreditation it carries.
    forged = copy.deepcopy(signed)
    forged["relatedResource"][0] = data_url({**accreditations[0], "name": "Forged"})
    assert Verifier(clock=lambda: NOW).verify_credential(json.dumps(forged)).outcome == "invalid"
    # And an entry whose bytes do not match its digest is refused when the list is read.
    mismatched = copy.deepcopy(unsigned)
    mismatched["relatedResource"][0]["digestSRI"] = unsigned["relatedResource"][1]["digestSRI"]
    with pytest.raises(MalformedValueError, match="does not match its digest"):
        trust_list_entries(mismatched)
    for broken, message in (({"id": "https://x.example/a"}, "not a data: URL"), ({"id": "data:,{}"}, "no digestSRI")):
        with pytest.raises(MalformedValueError, match=message):
            trust_list_entries({**unsigned, "relatedResource": [broken]})


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


def test_a_trust_list_entry_needs_a_well_formed_sri_digest() -> None:
    from merit.core.trust.claims import data_url, trust_list_entries

    entry = data_url({"id": "urn:example:a"})
    with pytest.raises(MalformedValueError, match="has no digestSRI"):
        trust_list_entries({"relatedResource": [{k: v for k, v in entry.items() if k != "digestSRI"}]})
    with pytest.raises(MalformedValueError, match="digestSRI"):
        trust_list_entries({"relatedResource": [entry | {"digestSRI": "sha384-"}]})
    assert trust_list_entries({"relatedResource": [entry]}) == [{"id": "urn:example:a"}]
