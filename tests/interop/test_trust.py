"""Accreditation credentials and trust lists signed by Merit verify in the Digital Bazaar stack, and back.

The Digital Bazaar stack has only its stock contexts: accreditations and trust lists name only VC 2.0 and
Open Badges 3.0 (decision 0011), so it needs no context of Merit's.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.status import StatusList, status_entry, status_list_credential
from merit.core.trust import OfflineTrustList, Scope, accreditation_credential, trust_list
from merit.core.trust.claims import data_url
from merit.core.verify import Verifier
from tests.interop.conftest import DigitalBazaar

pytestmark = pytest.mark.interop
STATUS_URL = "https://trust.example/status/1"
NOW = datetime(2026, 10, 1, tzinfo=UTC)


def accreditation(authority: str, issuer: str, **options: Any) -> dict[str, Any]:
    return accreditation_credential(
        credential_id="urn:uuid:0b6f3c1e-5d7a-4a8e-9f10-2c3d4e5f6a7b",
        authority=authority,
        authority_name="Myndigheten för yrkeshögskolan",
        issuer=issuer,
        issuer_name="Skellefteå kommun",
        accrediting_body="the national agency for vocational education",
        qa_framework="ESG 2015",
        scope=Scope(3, 5, ("07",), ("micro-credential",), ("SE",)),
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        valid_until=datetime(2027, 12, 31, tzinfo=UTC),
        **options,
    )


@pytest.mark.parametrize("algorithm", ["Ed25519", "P-256"])
def test_merit_signed_accreditation_and_trust_list_verify_in_the_digital_bazaar_stack(
    dbstack: DigitalBazaar, algorithm: str
) -> None:
    authority = SigningKey.for_did_key(KeyPair.generate(algorithm))  # type: ignore[arg-type]
    issuer = SigningKey.for_did_key(KeyPair.generate())
    signed = sign_credential(accreditation(authority.controller, issuer.controller), authority)
    assert dbstack.verify(signed) == {"verified": True, "error": None, "statuses": []}
    listed = sign_credential(
        trust_list(
            list_id="https://trust.example/lists/se",
            authority=authority.controller,
            authority_name="Myndigheten för yrkeshögskolan",
            accreditations=[signed],
            valid_from=NOW,
        ),
        authority,
    )
    result = dbstack.verify(listed)
    assert result["verified"] is True, result
    forged = copy.deepcopy(signed)
    top = next(a for a in forged["credentialSubject"]["achievement"]["alignment"] if a["targetType"] == "ext:EQFMax")
    top["targetCode"] = "8"
    assert dbstack.verify(forged)["verified"] is False
    tampered = copy.deepcopy(listed)
    tampered["relatedResource"][0] = data_url(forged)
    assert dbstack.verify(tampered)["verified"] is False


def test_an_accreditations_status_entry_is_read_by_the_digital_bazaar_stack(dbstack: DigitalBazaar) -> None:
    authority = SigningKey.for_did_key(KeyPair.generate())
    unsigned = accreditation(authority.controller, "did:example:school", status_entries=[status_entry(STATUS_URL, 7)])
    signed = sign_credential(unsigned, authority)
    bits = StatusList()
    bits.set(7)
    revoked = sign_credential(
        status_list_credential(STATUS_URL, authority.controller, "revocation", bits, "2026-01-01T00:00:00Z"), authority
    )
    result = dbstack.verify(signed, documents={STATUS_URL: revoked})
    assert result["statuses"] == [{"purpose": "revocation", "verified": True, "status": True}]


def test_digital_bazaar_signed_trust_list_is_read_by_merit(dbstack: DigitalBazaar) -> None:
    authority = SigningKey.for_did_key(KeyPair.generate())
    issuer = "did:example:school"
    signed = dbstack.sign(accreditation(authority.controller, issuer), authority.to_secret_json(), "eddsa-rdfc-2022")
    unsigned = trust_list(
        list_id="https://trust.example/lists/se",
        authority=authority.controller,
        authority_name="Myndigheten för yrkeshögskolan",
        accreditations=[signed],
        valid_from=NOW,
    )
    theirs = dbstack.sign(unsigned, authority.to_secret_json(), "eddsa-rdfc-2022")
    offline = OfflineTrustList(theirs, Verifier(clock=lambda: NOW))
    assert offline.accreditations(issuer) == [signed]
