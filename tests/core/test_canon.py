"""The W3C RDFC-1.0 test suite (https://w3c.github.io/rdf-canon/tests/), run through Merit's canonicalization.

Evaluation tests compare canonical N-Quads byte for byte. ``pyoxigraph`` does not expose the issued-identifier
map, so each map test checks that relabelling the input with the expected map yields exactly Merit's canonical
output. The one negative test (a poison graph) must be refused quickly rather than run forever.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from merit.core.canon import canonize, canonize_nquads
from merit.core.errors import RangeError

SUITE = Path(__file__).parents[1] / "data" / "rdf-canon"
ENTRIES: list[dict[str, Any]] = json.loads((SUITE / "manifest.jsonld").read_text())["entries"]


def _hash(entry: dict[str, Any]) -> str:
    return "sha384" if entry.get("hashAlgorithm") == "SHA384" else "sha256"


def _entries(kind: str) -> list[dict[str, Any]]:
    return [entry for entry in ENTRIES if entry["type"] == kind]


@pytest.mark.parametrize("entry", _entries("rdfc:RDFC10EvalTest"), ids=lambda e: e["id"])
def test_evaluation(entry: dict[str, Any]) -> None:
    given = (SUITE / entry["action"]).read_text()
    expected = (SUITE / entry["result"]).read_text()
    assert canonize_nquads(given, _hash(entry)) == expected


@pytest.mark.parametrize("entry", _entries("rdfc:RDFC10MapTest"), ids=lambda e: e["id"])
def test_issued_identifier_map(entry: dict[str, Any]) -> None:
    given = (SUITE / entry["action"]).read_text()
    mapping: dict[str, str] = json.loads((SUITE / entry["result"]).read_text())

    def relabel(term: Any) -> Any:
        return ox.BlankNode(mapping[term.value]) if isinstance(term, ox.BlankNode) else term

    quads = ox.parse(given, format=ox.RdfFormat.N_QUADS)
    relabelled = sorted(
        f"{ox.Quad(relabel(q.subject), q.predicate, relabel(q.object), relabel(q.graph_name))} .\n" for q in quads
    )
    assert "".join(dict.fromkeys(relabelled)) == canonize_nquads(given, _hash(entry))


@pytest.mark.parametrize("entry", _entries("rdfc:RDFC10NegativeEvalTest"), ids=lambda e: e["id"])
def test_poison_graph_is_refused(entry: dict[str, Any]) -> None:
    with pytest.raises(RangeError, match="poison"):
        canonize_nquads((SUITE / entry["action"]).read_text(), _hash(entry))


def test_control_characters_are_escaped() -> None:
    """RDFC-1.0 escapes control characters in literals (interop note 1: pyld's own serializer does not)."""
    document = {
        "@context": {"name": "https://schema.org/name"},
        "@id": "urn:example:1",
        "name": 'a\u0000b\u0007c\bd\te\nf\u000bg\u000ch\ri\u001fj\u007fk"l\\m',
    }
    line = canonize(document)
    assert line == (
        "<urn:example:1> <https://schema.org/name> "
        '"a\\u0000b\\u0007c\\bd\\te\\nf\\u000Bg\\fh\\ri\\u001Fj\\u007Fk\\"l\\\\m" .\n'
    )
