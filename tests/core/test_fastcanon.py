"""The proof configuration template and the no-blank-node shortcut, each against the general path byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merit.core import ctxcache, fastcanon
from merit.core.canon import canonize
from merit.core.documents import DocumentLoader, default_loader
from merit.core.errors import MeritError, SafeModeError
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.verify import Verifier
from tests.core.generated import credentials
from tests.core.test_canon_fast import DOCUMENTS

CONFIGS = [(name, document) for name, document in DOCUMENTS if "proofConfig" in name or "(proof config" in name]
ED25519 = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
P256 = SigningKey.for_did_key(KeyPair.generate("P-256"))


def config(key: SigningKey, created: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022" if key is ED25519 else "ecdsa-rdfc-2019",
        "created": created,
        "verificationMethod": key.verification_method,
        "proofPurpose": "assertionMethod",
        **extra,
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
    }


def general(document: dict[str, Any], hash_name: str = "sha256") -> str | type[BaseException]:
    try:
        return canonize(document, default_loader, hash_name, cached=False)
    except MeritError as exc:
        return type(exc)


def templated(document: dict[str, Any], hash_name: str = "sha256", loader: Any = default_loader) -> Any:
    try:
        return fastcanon.proof_config_nquads(document, loader, hash_name)
    except MeritError as exc:
        return type(exc)


def _stamp(moment: datetime, fraction: bool, offset: int) -> str:
    zone = timezone(timedelta(minutes=offset)) if offset else UTC
    text = moment.astimezone(zone).isoformat(timespec="microseconds" if fraction else "seconds")
    return text.replace("+00:00", "Z")


STAMPS = st.builds(
    _stamp,
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)),
    st.booleans(),
    st.sampled_from([0, 60, -300, 330, 840]),
)


@pytest.mark.parametrize("hash_name", ["sha256", "sha384"])
@pytest.mark.parametrize(("name", "document"), CONFIGS, ids=[name for name, _ in CONFIGS])
def test_every_vector_configuration_matches_the_general_path(name: str, document: Any, hash_name: str) -> None:
    for created in (
        document.get("created"),
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00.123+02:00",
        "-0044-03-15T12:00:00Z",
    ):
        changed = {**document, "created": created} if created is not None else document
        assert templated(changed, hash_name) == general(changed, hash_name)


def test_the_vector_configurations_are_found_and_use_templates() -> None:
    assert len(CONFIGS) >= 20
    for _, document in CONFIGS:
        templated(document)
    partition = ctxcache.partition(default_loader)
    assert partition is not None
    assert sum(1 for template in partition.templates.values() if template is not None) >= 5


@settings(max_examples=300, deadline=None)
@given(STAMPS, st.sampled_from(["sha256", "sha384"]), st.booleans())
def test_generated_created_values_match_the_general_path(created: str, hash_name: str, ecdsa: bool) -> None:
    document = config(P256 if ecdsa else ED25519, created)
    assert templated(document, hash_name) == general(document, hash_name)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30) | st.integers() | st.none() | st.lists(STAMPS, max_size=2))
def test_any_other_created_value_goes_to_the_general_path(created: Any) -> None:
    document = config(ED25519, "2026-01-01T00:00:00Z")
    document["created"] = created
    assert templated(document) == general(document)


@pytest.mark.parametrize(
    "extra",
    [
        # A second quad that becomes identical to the created quad when the values are equal.
        {"http://purl.org/dc/terms/created": {"@value": "2026-01-01T00:00:00Z", "@type": "xsd:dateTime"}},
        # More blank nodes: the labels could depend on the created literal.
        {"proofValue": "z1", "domain": {"type": "Thing"}},
        {"nonce": "1111-11-11T11:11:11Z"},
        {"previousProof": "urn:uuid:1", "challenge": "1111-11-11T11:11:11Z"},
        {"id": "urn:uuid:8b1b1c53-5a2e-4f1c-9c8c-3c6a4d7e8f90"},
        {"domain": ["a.example", "b.example"], "challenge": "abc"},
    ],
)
def test_unusual_configurations_match_the_general_path(extra: dict[str, Any]) -> None:
    for created in ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"):
        document = config(ED25519, created, **extra)
        document["@context"] = [*document["@context"], {"xsd": "http://www.w3.org/2001/XMLSchema#"}]
        assert templated(document) == general(document)


def test_created_mapped_to_an_iri_goes_to_the_general_path() -> None:
    context = {"@version": 1.1, "created": {"@id": "http://purl.org/dc/terms/created", "@type": "@id"}}
    document = {"@context": context, "type": "https://example.org/Proof", "created": "2026-01-01T00:00:00Z"}
    assert templated(document) == general(document)


def test_an_undefined_term_in_a_configuration_is_dropped_the_same_way() -> None:
    document = config(ED25519, "2026-01-01T00:00:00Z", undefinedTerm="x")
    assert templated(document) == general(document)


def test_a_loader_with_other_documents_has_its_own_templates() -> None:
    url = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    changed = {"@context": {"@vocab": "https://example.org/changed#"}}
    document = config(ED25519, "2026-01-01T00:00:00Z")
    loader = DocumentLoader(extra={url: changed})
    assert templated(document, loader=loader) == canonize(document, loader, cached=False)
    assert templated(document) == general(document)
    assert templated(document, loader=DocumentLoader(fallback=default_loader)) == general(document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_signing_with_the_fast_paths_verifies_and_safe_mode_still_holds(credential: dict[str, Any]) -> None:
    key = ED25519
    credential = {**credential, "issuer": {**credential["issuer"], "id": key.controller}}
    credential["validFrom"] = "2020-01-01T00:00:00Z"  # Generated issue dates may lie in the future.
    signed = sign_credential(credential, key)
    verifier = Verifier()
    assert verifier.verify_credential(signed).verified
    tampered = {**signed, "credentialSubject": {**signed["credentialSubject"], "anything": "unsigned"}}
    assert not verifier.verify_credential(tampered).verified
    with pytest.raises(SafeModeError):
        sign_credential({**credential, "undefinedTerm": 1}, key)
