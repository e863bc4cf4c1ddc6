"""The offline trust list: verified once, refused when tampered with, and used as a registry by the verifier."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from merit.core.errors import CouldNotVerifyError, DidResolutionError, MalformedValueError, TrustListError
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.trust import OfflineTrustList, Scope, TrustRegistry, trust_list
from merit.core.trust.claims import data_url, trust_list_entries
from merit.core.verify import Verifier
from merit.core.verify.report import ACCREDITATION
from tests.core.trust.conftest import Accredit, unsigned_accreditation
from tests.core.trust.test_check import NOW, SENTENCE, micro_credential

LIST_ID = "https://trust.example/lists/se"


def signed_list(authority: SigningKey, accreditations: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    unsigned = trust_list(
        list_id=LIST_ID,
        authority=authority.controller,
        authority_name="Myndigheten för yrkeshögskolan",
        accreditations=accreditations,
        valid_from=datetime(2026, 9, 1, tzinfo=UTC),
        **options,
    )
    return sign_credential(unsigned, authority)


def test_an_offline_list_answers_for_the_issuers_it_accredits(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    ours, theirs = accredit(), accredit(credential_id="urn:uuid:other", issuer="did:example:other")
    offline = OfflineTrustList(signed_list(authority, [ours, theirs]), Verifier(clock=lambda: NOW))
    registry: TrustRegistry = offline
    assert registry.accreditations(issuer.controller) == [ours]
    assert registry.accreditations("did:example:nobody") == []
    assert offline.issuers == sorted([issuer.controller, "did:example:other"])
    assert offline.authority == authority.controller
    # What it hands out is a copy: a caller cannot change the list.
    registry.accreditations(issuer.controller)[0]["credentialSubject"]["name"] = "Changed"
    assert registry.accreditations(issuer.controller) == [ours]


def test_the_verifier_checks_accreditation_against_an_offline_list(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    verifier = Verifier(clock=lambda: NOW)
    offline = OfflineTrustList(signed_list(authority, [accredit()]), verifier)
    trusted = Verifier(clock=lambda: NOW, trust=([authority.controller], offline))
    report = trusted.verify_credential(micro_credential(issuer))
    assert report.verified, report.to_json()
    assert report.check(ACCREDITATION).message == SENTENCE  # type: ignore[union-attr]


def test_a_tampered_list_is_refused(authority: SigningKey, accredit: Accredit) -> None:
    document = signed_list(authority, [accredit()])
    changed = accredit()
    changed["credentialSubject"]["name"] = "Someone else"
    document["relatedResource"][0] = data_url(changed)
    with pytest.raises(TrustListError, match="the trust list was refused \\(proof:"):
        OfflineTrustList(document, Verifier(clock=lambda: NOW))
    with pytest.raises(TrustListError, match="refused"):
        OfflineTrustList(b"{not json", Verifier(clock=lambda: NOW))


def test_an_expired_list_is_refused(authority: SigningKey, accredit: Accredit) -> None:
    document = signed_list(authority, [accredit()], valid_until=datetime(2026, 9, 15, tzinfo=UTC))
    with pytest.raises(TrustListError, match="expired"):
        OfflineTrustList(document, Verifier(clock=lambda: NOW))


def test_a_list_that_could_not_be_verified_is_not_used(authority: SigningKey, accredit: Accredit) -> None:
    def unreachable(method: str, purpose: str) -> Any:
        raise DidResolutionError("the authority's DID document could not be fetched")

    with pytest.raises(CouldNotVerifyError) as raised:
        OfflineTrustList(signed_list(authority, [accredit()]), Verifier(clock=lambda: NOW, resolve=unreachable))
    assert not isinstance(raised.value, TrustListError)


def test_other_credentials_and_malformed_lists_are_refused(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    plain = sign_credential(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": authority.controller,
            "credentialSubject": {"id": issuer.controller},
        },
        authority,
    )
    with pytest.raises(TrustListError, match="not a trust list"):
        OfflineTrustList(plain, Verifier(clock=lambda: NOW))
    stranger = SigningKey.for_did_key(KeyPair.generate())
    unsigned = trust_list(
        list_id=LIST_ID, authority=authority.controller, authority_name="A", accreditations=[], valid_from=NOW
    )
    for entries, message in (
        ([data_url(accredit(stranger))], "not issued by its authority"),
        ([data_url({**accredit(), "credentialSubject": {"type": "AchievementSubject"}})], "names no accredited issuer"),
        (
            [
                {
                    "id": "data:application/vc+ld+json,%5B%5D",
                    "digestSRI": "sha256-T1PNoYwrqgwDVLtfmj7L5e0Sq02OEbqHPC8RFhICuUU=",
                }
            ],
            "not a",
        ),
    ):
        unsigned["relatedResource"] = entries
        with pytest.raises(TrustListError, match=message):
            OfflineTrustList(sign_credential(unsigned, authority), Verifier(clock=lambda: NOW))


def test_a_trust_list_in_the_first_encoding_still_works() -> None:
    """The trust list in ``tests/data/legacy`` (Merit's trust/v1 context, before decision 0011) is still read."""
    legacy = Path(__file__).parents[2] / "data" / "legacy"
    offline = OfflineTrustList(json.loads((legacy / "trust-list.json").read_text()), Verifier(clock=lambda: NOW))
    credential = json.loads((legacy / "microcredential.json").read_text())
    assert offline.issuers == [credential["issuer"]["id"]]
    report = Verifier(clock=lambda: NOW, trust=([offline.authority], offline)).verify_credential(credential)
    assert report.verified, report.to_json()
    assert report.check(ACCREDITATION).message == (  # type: ignore[union-attr]
        "Issued by University of Eastern Finland (example), accredited by Finnish Education Evaluation Centre (FINEEC) "
        "for EQF 5–7 in ISCED-F 06 (micro-credential; FI) from 2025-01-01 to 2030-12-31"
    )


def test_trust_list_entries_must_be_data_urls() -> None:
    with pytest.raises(MalformedValueError, match="must be a list of data: URLs"):
        trust_list_entries({"relatedResource": ["junk"]})


def test_a_credential_in_the_first_encoding_is_checked_against_a_current_accreditation(authority: SigningKey) -> None:
    legacy = Path(__file__).parents[2] / "data" / "legacy"
    credential = json.loads((legacy / "microcredential.json").read_text())
    fields = Scope(5, 7, ("06",), ("micro-credential",), ("FI",))
    unsigned = unsigned_accreditation(authority.controller, credential["issuer"]["id"], scope=fields)
    offline = OfflineTrustList(
        signed_list(authority, [sign_credential(unsigned, authority)]), Verifier(clock=lambda: NOW)
    )
    report = Verifier(clock=lambda: NOW, trust=([authority.controller], offline)).verify_credential(credential)
    assert report.check(ACCREDITATION).outcome == "passed"  # type: ignore[union-attr]
    narrow = unsigned_accreditation(authority.controller, credential["issuer"]["id"], scope=Scope(isced_fields=("07",)))
    offline = OfflineTrustList(
        signed_list(authority, [sign_credential(narrow, authority)]), Verifier(clock=lambda: NOW)
    )
    check = Verifier(clock=lambda: NOW, trust=([authority.controller], offline)).verify_credential(credential)
    assert check.check(ACCREDITATION).outcome == "warning"  # type: ignore[union-attr]
    assert check.check(ACCREDITATION).message == (  # type: ignore[union-attr]
        "the accreditation does not cover this credential: ISCED-F 0688 is outside the accredited ISCED-F 07"
    )
