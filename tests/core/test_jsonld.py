"""JSON-LD safe mode: what jsonld.js in safe mode rejects, Merit rejects, with the path in the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from merit.core import jsonld
from merit.core.canon import canonize
from merit.core.errors import DocumentNotAllowedError, MeritError, SafeModeError
from merit.core.jsonld import check_safe_mode

DATA = Path(__file__).parents[1] / "data"
DOCUMENTS = sorted(
    path
    for path in [*DATA.glob("vectors/**/*.json"), *DATA.glob("examples/**/*.json*")]
    if isinstance(json.loads(path.read_text()), dict) and "@context" in json.loads(path.read_text())
)
# The EU's own ELM sample misspells a property with a Greek capital Iota ("eIDASΙdentifier"), which its context
# does not define: a real undefined term, found by this check.
UNDEFINED = {"credential-sample.jsonld": "eIDASΙdentifier"}
OB3 = DATA / "vectors" / "1edtech" / "obv3p0" / "signed-credential.json"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(DATA)))
def test_published_documents(path: Path) -> None:
    document = json.loads(path.read_text())
    if path.name in UNDEFINED:
        with pytest.raises(SafeModeError, match=UNDEFINED[path.name]):
            check_safe_mode(document)
    else:
        check_safe_mode(document)


def _ob3() -> dict[str, Any]:
    return dict(json.loads(OB3.read_text()))


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


INJECTIONS = [
    ("top level", _set(("anything",), 1), "'anything' is not defined by the context at anything"),
    ("subject", _set(("credentialSubject", "anything"), 1), "at credentialSubject.anything"),
    ("achievement", _set(("credentialSubject", "achievement", "x"), "y"), "at credentialSubject.achievement.x"),
    ("proof", _set(("proof", 0, "foo"), "n"), "at proof[0].foo"),
    (
        "array element",
        _set(
            ("credentialSubject", "achievement", "alignment"),
            [{"type": ["Alignment"], "targetName": "a", "targetUrl": "https://a", "z": 1}],
        ),
        "alignment[0].z",
    ),
    ("type", _set(("type",), ["VerifiableCredential", "OpenBadgeCredential", "Forged"]), "type 'Forged'"),
    ("nested type", _set(("credentialSubject", "type"), ["AchievementSubject", "Forged"]), "credentialSubject.type[1]"),
    ("relative id", _set(("id",), "credentials/3732"), "relative IRI reference at id"),
    ("relative issuer", _set(("issuer", "id"), "issuer-1"), "relative IRI reference at issuer.id"),
    ("non-keyword @", _set(("credentialSubject", "@foo"), 1), "'@foo' is not a keyword"),
    ("null id", _set(("credentialSubject", "id"), None), "@id must be a string"),
]


@pytest.mark.parametrize(("name", "mutate", "message"), INJECTIONS, ids=[i[0] for i in INJECTIONS])
def test_injections_are_refused_with_their_path(name: str, mutate: Any, message: str) -> None:
    document = _ob3()
    if isinstance(document["proof"], dict):
        document["proof"] = [document["proof"]]
    check_safe_mode(document)
    mutate(document)
    with pytest.raises(SafeModeError) as caught:
        check_safe_mode(document)
    assert message in str(caught.value)


def test_direction_and_invalid_language_tags_are_refused() -> None:
    """jsonld.js safe mode refuses both; pyld drops a direction silently, so it would not be signed."""
    document = {
        "@context": {"title": {"@id": "http://purl.org/dc/terms/title", "@container": "@language"}},
        "@id": "urn:x",
        "title": {"en": "Title", "sv": "Titel"},
    }
    check_safe_mode(document)
    document["title"] = {"en": "Title", "not a tag": "dropped"}
    with pytest.raises(SafeModeError, match=r"'not a tag' is not a language tag at title\.not a tag"):
        check_safe_mode(document)
    document["@context"]["name"] = "https://schema.org/name"
    document["title"] = {"en": "Title"}
    document["name"] = {"@value": "x", "@language": "en", "@direction": "rtl"}
    with pytest.raises(SafeModeError, match="@direction is not supported"):
        check_safe_mode(document)
    document["@context"] = {"@direction": "ltr", "name": "https://schema.org/name"}
    with pytest.raises(SafeModeError, match="@direction is not supported"):
        check_safe_mode(document)


def test_a_context_changed_in_place_is_not_served_from_the_cache() -> None:
    context = {"name": "https://schema.org/name", "description": "https://schema.org/description"}
    document = {"@context": context, "@id": "urn:x", "name": "n", "description": "d"}
    check_safe_mode(document)
    del context["description"]  # The same object, now without the term: it must be undefined again.
    with pytest.raises(SafeModeError, match="'description' is not defined"):
        check_safe_mode(document)


def test_context_lists_that_join_to_the_same_text_are_not_confused() -> None:
    """Lists of context URLs are keyed by their URLs one a line: a URL with a line break in it must not share the
    key of the two URLs it looks like (it is refused, however often the two were accepted before)."""
    ob3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    base = "https://www.w3.org/ns/credentials/v2"
    keys = {
        jsonld._fingerprint(value)
        for value in ([base, ob3], [f"{base}\n{ob3}"], [base], base, [], [[base]], {"@vocab": base})
    }
    assert len(keys) == 7
    document = _ob3()
    document["@context"] = [base, ob3]
    check_safe_mode(document)
    document["@context"] = [f"{base}\n{ob3}"]
    with pytest.raises(MeritError):
        check_safe_mode(document)


def test_protected_term_redefinition_is_refused() -> None:
    document = _ob3()
    document["@context"] = [*document["@context"], {"name": "https://evil.example/name"}]
    with pytest.raises(SafeModeError, match="protected term 'name' is redefined"):
        check_safe_mode(document)


def test_import_is_refused() -> None:
    document = _ob3()
    document["@context"] = [*document["@context"], {"@import": "https://www.w3.org/ns/credentials/v2"}]
    with pytest.raises(SafeModeError, match="@import"):
        check_safe_mode(document)


def test_unknown_context_is_not_loaded() -> None:
    document = _ob3()
    document["@context"] = [*document["@context"], "https://evil.example/context.jsonld"]
    with pytest.raises(DocumentNotAllowedError, match="not bundled"):
        check_safe_mode(document)


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    document: dict[str, Any] = _ob3()
    value: Any = "deep"
    for _ in range(200):
        value = [value]
    document["credentialSubject"]["achievement"]["description"] = value
    with pytest.raises(SafeModeError, match="nested too deeply"):
        check_safe_mode(document)


def _quads(document: dict[str, Any]) -> int:
    return len(canonize(document).splitlines())


# Keys an attacker might add: defined terms of the OB 3.0 / VC 2.0 contexts and undefined ones.
KEYS = ["name", "description", "image", "narrative", "anything", "nme", "evidence", "x-custom", "https://ex.org/p"]
PLACES = [
    (),
    ("credentialSubject",),
    ("credentialSubject", "achievement"),
    ("credentialSubject", "achievement", "criteria"),
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(KEYS)), min_size=1, max_size=3, unique=True))
def test_agrees_with_pyld_on_what_would_go_unsigned(additions: list[tuple[tuple[str, ...], str]]) -> None:
    """Differential: Merit refuses exactly when pyld's JSON-LD to RDF silently drops an added value."""
    document = _ob3()
    del document["proof"]
    before = _quads(document)
    for place, key in additions:
        target: Any = document
        for step in place:
            target = target[step]
        assume(key not in target)
        target[key] = "added value"
    dropped = _quads(document) - before < len(additions)
    try:
        check_safe_mode(document)
        refused = False
    except SafeModeError:
        refused = True
    assert refused == dropped, additions
