"""Differential tests of the native JSON-LD to RDF conversion (merit.core.tordf) against the general path.

The general path is pyld's toRdf with nothing shared; both feed Merit's RDFC-1.0 (tested in test_rdfc.py). They
must agree byte for byte on every fixture in the repository, on generated credentials and on generated documents
that use every JSON-LD construct Merit's contexts allow. Where the native path takes a document, safe mode's own
walk must accept it too, because :func:`merit.core.jsonld.check_safe_mode` then trusts the conversion. (jsonld.js
is compared in tests/interop.)
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from merit.core import rdfc, tordf
from merit.core.canon import canonize
from merit.core.documents import default_loader
from merit.core.errors import MeritError
from merit.core.jsonld import check_safe_mode, safe_quads, walk_safe_mode
from tests.core.generated import credentials, extended_credentials
from tests.core.jsonld_strategies import documents
from tests.core.test_canon_fast import DOCUMENTS, _examples, general

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def native(document: Any, hash_name: str = "sha256") -> str | None:
    """The native path's canonical N-Quads, or ``None`` where it leaves the document to the general path."""
    try:
        quads = tordf.to_quads(document, default_loader)
    except tordf.Unsupported:
        return None
    return rdfc.canonicalize(quads, hash_name)


def walker_accepts(document: Any) -> bool:
    try:
        walk_safe_mode(document, default_loader)
    except MeritError:
        return False
    return True


def check(document: Any, hash_name: str = "sha256") -> bool:
    """Assert the native path agrees with the general one and with safe mode; return whether it took the document."""
    text = native(document, hash_name)
    if text is None:
        return False
    assert text == general(document, hash_name)
    assert walker_accepts(document), "the native path took a document that safe mode refuses"
    return True


@pytest.mark.parametrize("hash_name", ["sha256", "sha384"])
def test_every_fixture_the_native_path_takes_matches_the_general_path(hash_name: str) -> None:
    taken = [name for name, document in DOCUMENTS if check(document, hash_name)]
    # The signed W3C, 1EdTech and Merit fixtures, their unsigned forms and proof configurations are nearly all taken.
    assert len(taken) >= 0.8 * len(DOCUMENTS), sorted({name for name, _ in DOCUMENTS} - set(taken))


def test_every_merit_example_takes_the_native_path() -> None:
    for name, document in _examples():
        assert check(document), name


@SETTINGS
@given(credentials())
def test_generated_micro_credentials_take_the_native_path(credential: dict[str, Any]) -> None:
    assert check(credential)
    assert check(credential, "sha384")


@SETTINGS
@given(extended_credentials())
def test_generated_values_match_where_taken(credential: dict[str, Any]) -> None:
    check(credential)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_construct_matches_the_general_path(generated: tuple[dict[str, Any], bool]) -> None:
    document, supported = generated
    taken = check(document)
    if supported:
        assert taken, "a document of supported constructs went to the general path"
    assert canonize(document) == general(document) or isinstance(general(document), type)


def test_a_presentation_with_a_credential_in_a_graph_matches() -> None:
    credential = next(document for name, document in DOCUMENTS if "proof" in document and "(" not in name)
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiablePresentation",
        "holder": "did:example:holder",
        "verifiableCredential": [credential, copy.deepcopy(credential)],
    }
    assert check(presentation)


@pytest.mark.parametrize(
    "unsafe",
    [
        {"undefinedTerm": "x"},
        {"type": "UndefinedType"},
        {"id": "relative/iri"},
        {"credentialSubject": {"id": "did:example:1", "name": {"@value": "x", "@language": "en_GB"}}},
        {"@foo": "x"},
        {"credentialSubject": {"@direction": "ltr"}},
        {"credentialSubject": {"name": {"@value": None}}},
    ],
)
def test_documents_safe_mode_refuses_are_left_to_it(unsafe: dict[str, Any]) -> None:
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential", **unsafe}
    with pytest.raises(tordf.Unsupported):
        tordf.to_quads(document, default_loader)
    with pytest.raises(MeritError):
        check_safe_mode(document)


def test_unsupported_constructs_are_left_to_the_general_path() -> None:
    context = {"@vocab": "https://example.org/v#", "idx": {"@id": "https://example.org/v#idx", "@container": "@index"}}
    for body in ({"n": 1.5}, {"idx": {"a": "x"}}, {"@reverse": {"r": {"@id": "urn:x"}}}, {"n": 10**21}):
        document = {"@context": context, **body}
        with pytest.raises(tordf.Unsupported):
            tordf.to_quads(document, default_loader)
        assert canonize(document) == general(document)


def test_safe_mode_hands_over_the_quads_of_the_document_without_its_proof() -> None:
    signed = [document for name, document in DOCUMENTS if "proof" in document and "(" not in name]
    assert len(signed) > 10
    for document in signed:
        unsigned = {key: value for key, value in document.items() if key != "proof"}
        quads = safe_quads(document)
        if quads is not None:
            assert rdfc.canonicalize(quads) == general(unsigned)
    context = ["https://www.w3.org/ns/credentials/v2", {"n": "https://example.org/n"}]
    assert safe_quads({"@context": context, "type": "VerifiableCredential", "n": 1.5}) is None  # Left to pyld.
