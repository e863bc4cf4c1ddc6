"""An accreditation scope that names qualifications: rendered in the accreditation credential, read back from both
encodings, and refused when a name is not an IRI."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from merit.core import trust
from merit.core.errors import MalformedValueError
from merit.core.jsonld import check_safe_mode
from merit.core.trust import claims

ZRK = "https://zrk.example/kwalifikacje/90001"
SEQF = "https://seqf.example/kvalifikationer/solcellsinstallator"


def accreditation(scope: trust.Scope) -> dict[str, object]:
    return trust.accreditation_credential(
        credential_id="https://registry.example/accreditations/1",
        authority="did:web:registry.example",
        authority_name="Demo registry",
        issuer="did:web:merit.example:orgs:izba",
        issuer_name="Izba",
        accrediting_body="IBE",
        qa_framework="EQAVET",
        scope=scope,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        valid_until=None,
    )


def test_the_qualifications_are_alignments_and_read_back() -> None:
    scope = trust.Scope(eqf_min=3, qualifications=(ZRK, SEQF))
    credential = accreditation(scope)
    alignments = credential["credentialSubject"]["achievement"]["alignment"]  # type: ignore[index]
    named = [a["targetUrl"] for a in alignments if a["targetType"] == claims.QUALIFICATION]
    assert named == [ZRK, SEQF]
    check_safe_mode(credential)
    read = claims.read_accreditation(credential)  # type: ignore[arg-type]
    assert read.scope == scope
    assert read.scope.names(ZRK)
    assert not read.scope.names("https://zrk.example/kwalifikacje/90002")
    assert "2 qualifications to award" in scope.describe()


def test_the_first_encoding_reads_them_too() -> None:
    legacy = {
        "@context": ["https://www.w3.org/ns/credentials/v2", claims.LEGACY_CONTEXT],
        "type": ["VerifiableCredential", "AccreditationCredential"],
        "credentialSubject": {"id": "did:web:x", "accreditedFor": {"qualification": [ZRK]}},
    }
    assert claims.read_accreditation(legacy).scope.qualifications == (ZRK,)
    assert trust.Scope(qualifications=(ZRK,)).to_json()["qualification"] == [ZRK]


def test_qualifications_do_not_restrict_micro_credentials() -> None:
    scope = trust.Scope(qualifications=(ZRK,))
    assert scope.gaps(4, "0713", "micro-credential", "SE") == []


@pytest.mark.parametrize("iri", ["90001", "javascript:alert(1)", "https://zrk.example/a b", ""])
def test_a_name_that_is_not_an_iri_is_refused(iri: str) -> None:
    with pytest.raises(MalformedValueError):
        trust.Scope(qualifications=(iri,))
    with pytest.raises(MalformedValueError):
        claims.read_accreditation(accreditation_with_target(iri))


def accreditation_with_target(iri: str) -> dict[str, object]:
    credential = accreditation(trust.Scope())
    credential["credentialSubject"]["achievement"]["alignment"].append(  # type: ignore[index]
        {"type": ["Alignment"], "targetType": claims.QUALIFICATION, "targetName": "x", "targetUrl": iri}
    )
    return credential
