"""Differential tests: every fast canonicalization path against the general path, byte for byte.

The general path is pyld's toRdf with nothing shared between calls, then pyoxigraph's RDFC-1.0
(``canonize(..., cached=False)``). The fast paths (the processed-context cache of :mod:`merit.core.ctxcache`, the
proof configuration template and the no-blank-node shortcut of :mod:`merit.core.fastcanon`) must give the same
bytes on every vector and fixture in the repository and on generated credentials, or refuse the same documents.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from merit.core import ctxcache
from merit.core.canon import canonize
from merit.core.contexts import CONTEXT_FILES
from merit.core.documents import DocumentLoader, default_loader
from merit.core.errors import MeritError
from merit.core.microcredential import Learner, parse_spec, render_credential
from tests.core.generated import credentials, extended_credentials

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"


def _documents() -> list[tuple[str, Any]]:
    """Every JSON-LD document in tests/data (anything with an @context), the proofs and their configurations."""
    found: list[tuple[str, Any]] = []
    for path in sorted([*DATA.rglob("*.json"), *DATA.rglob("*.jsonld")]):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if not isinstance(document, dict) or "@context" not in document:
            continue
        name = str(path.relative_to(DATA))
        found.append((name, document))
        unsigned = {key: value for key, value in document.items() if key != "proof"}
        if unsigned != document:
            found.append((name + " (unsigned)", unsigned))
            proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
            for index, proof in enumerate(proofs):
                if isinstance(proof, dict):
                    config = {k: v for k, v in proof.items() if k != "proofValue"}
                    config.setdefault("@context", document["@context"])
                    found.append((f"{name} (proof config {index})", config))
    return found


def _examples() -> list[tuple[str, Any]]:
    found = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        spec = parse_spec(json.loads(path.read_text(encoding="utf-8")))
        learner = Learner(email="anna@example.se", name="Anna Svensson")
        found.append((path.name, render_credential(spec, learner, "did:example:issuer")))
    return found


DOCUMENTS = _documents() + _examples()


def general(document: Any, hash_name: str = "sha256") -> str | type[BaseException]:
    """The general path's canonical N-Quads, or the kind of Merit error it raised."""
    try:
        return canonize(document, default_loader, hash_name, cached=False)
    except MeritError as exc:
        return type(exc)


def fast(document: Any, hash_name: str = "sha256", loader: Any = default_loader) -> str | type[BaseException]:
    try:
        return canonize(document, loader, hash_name)
    except MeritError as exc:
        return type(exc)


def test_the_fixtures_are_found() -> None:
    assert len(DOCUMENTS) > 60
    assert sum(1 for _, document in DOCUMENTS if isinstance(general(document), str)) > 50


@pytest.mark.parametrize("hash_name", ["sha256", "sha384"])
@pytest.mark.parametrize(("name", "document"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_every_fixture_matches_the_general_path(name: str, document: Any, hash_name: str) -> None:
    expected = general(document, hash_name)
    # Twice: the first call fills the caches, the second is served from them.
    assert fast(document, hash_name) == expected
    assert fast(document, hash_name) == expected


def test_fixtures_interleaved_match_the_general_path() -> None:
    """Every fixture after every other: whatever one document leaves in the caches must not change another's."""
    expected = {name: general(document) for name, document in DOCUMENTS}
    for _ in range(2):
        for name, document in DOCUMENTS:
            assert fast(document) == expected[name], name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_generated_credentials_match_the_general_path(credential: dict[str, Any]) -> None:
    assert fast(credential) == general(credential)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extended_credentials())
def test_generated_values_match_the_general_path(credential: dict[str, Any]) -> None:
    """Language maps, nested objects, arrays, numbers, booleans, dates and control characters."""
    assert fast(credential) == general(credential)


def test_an_inline_context_is_part_of_the_key() -> None:
    base = {"@context": ["https://www.w3.org/ns/credentials/v2", {"a": "https://example.org/one#a"}]}
    other = {"@context": ["https://www.w3.org/ns/credentials/v2", {"a": "https://example.org/two#a"}]}
    for document in (base, other, base, other):
        assert fast({**document, "a": "x"}) == general({**document, "a": "x"})
    assert fast({**base, "a": "x"}) != fast({**other, "a": "x"})


def test_a_context_changed_in_place_is_not_served_stale() -> None:
    context: dict[str, Any] = {"a": "https://example.org/one#a"}
    document = {"@context": ["https://www.w3.org/ns/credentials/v2", context], "a": "x"}
    first = fast(document)
    context["a"] = "https://example.org/two#a"
    assert fast(document) == general(document) != first


def test_loaders_with_different_documents_do_not_share_caches() -> None:
    url = "https://www.w3.org/ns/credentials/examples/v2"
    changed = {"@context": {"@vocab": "https://example.org/changed#"}}
    assert url in CONTEXT_FILES
    document = {"@context": ["https://www.w3.org/ns/credentials/v2", url], "type": "VerifiableCredential", "q": 1}
    bundled = fast(document)
    swapped = fast(document, loader=DocumentLoader(extra={url: changed}))
    assert bundled != swapped
    assert fast(document) == bundled
    assert "https://example.org/changed#q" in str(swapped)


def test_a_loader_with_a_fallback_gets_no_cache() -> None:
    assert ctxcache.partition(DocumentLoader(fallback=default_loader)) is None
    assert ctxcache.partition(default_loader) is ctxcache.partition(DocumentLoader())
    assert ctxcache.partition(DocumentLoader(extra={})) is ctxcache.partition(DocumentLoader())
    extra = {"https://example.org/a": {"@context": {"a": "https://example.org/a#"}}}
    assert ctxcache.partition(DocumentLoader(extra=extra)) is not ctxcache.partition(DocumentLoader())
