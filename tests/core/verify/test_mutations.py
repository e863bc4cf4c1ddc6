"""Property: any single mutation of a signed credential is rejected (never "verified")."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merit.core.verify import Verifier

VERIFIER = Verifier(clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))
Path = tuple[str | int, ...]


def leaves(value: Any, path: Path = ()) -> list[Path]:
    """Every path to a string, number or boolean in a JSON value."""
    if isinstance(value, dict):
        return [p for key, child in value.items() for p in leaves(child, (*path, key))]
    if isinstance(value, list):
        return [p for index, child in enumerate(value) for p in leaves(child, (*path, index))]
    return [path]


def containers(value: Any, path: Path = ()) -> list[Path]:
    """Every path to an object."""
    if isinstance(value, dict):
        return [path, *(p for key, child in value.items() for p in containers(child, (*path, key)))]
    if isinstance(value, list):
        return [p for index, child in enumerate(value) for p in containers(child, (*path, index))]
    return []


def parent_and_key(document: Any, path: Path) -> tuple[Any, str | int]:
    target = document
    for step in path[:-1]:
        target = target[step]
    return target, path[-1]


def changed(value: Any, text: str) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return str(value) + text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_leaf_is_rejected(signed: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(leaves(signed)))
    text = data.draw(st.text(min_size=1, max_size=3))
    mutated = copy.deepcopy(signed)
    parent, key = parent_and_key(mutated, path)
    parent[key] = changed(parent[key], text)
    assert not VERIFIER.verify_credential(mutated).verified, path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_removed_property_is_rejected(signed: dict[str, Any], data: st.DataObject) -> None:
    paths = [p for p in leaves(signed) if isinstance(p[-1], str)]
    path = data.draw(st.sampled_from(paths))
    mutated = copy.deepcopy(signed)
    parent, key = parent_and_key(mutated, path)
    del parent[key]
    assert not VERIFIER.verify_credential(mutated).verified, path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_added_property_is_rejected(signed: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(containers(signed)))
    name = data.draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10))
    mutated = copy.deepcopy(signed)
    target = mutated
    for step in path:
        target = target[step]
    if name in target:
        name += "X"
    target[name] = "added"
    assert not VERIFIER.verify_credential(mutated).verified, (path, name)
