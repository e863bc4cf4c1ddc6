"""Issuer names that resemble an accredited organisation's: the name in a credential is the issuer's own claim.

Anyone can sign a credential as "Yrkeshögskolan Norr". The signature proves only which key signed it; whether the
signer is the accredited school of that name is what the ``accreditation`` check answers. When it does not pass,
:func:`check_issuer_name` compares the issuer's display names with the names of accredited organisations that the
caller knows (its own and those of the registries and trust lists it consults, through ``lookup``) and warns when
one matches, ignoring case, accents and spacing: NFKD, combining marks removed, case-folded, white space collapsed
(Unicode TR15 normalisation forms, https://unicode.org/reports/tr15/).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from merit.core import vc
from merit.core.verify.report import ISSUER_NAME, Check


class Namesake(NamedTuple):
    """An accredited organisation: its DID and its name as the registry has it."""

    did: str
    name: str


NameLookup = Callable[[str], Sequence[Namesake]]
"""The accredited organisations whose :func:`name_key` is the given key."""


def directory(namesakes: Iterable[Namesake]) -> NameLookup:
    """A :data:`NameLookup` over ``namesakes`` (duplicates dropped)."""
    by_key: dict[str, list[Namesake]] = {}
    for namesake in dict.fromkeys(namesakes):
        by_key.setdefault(name_key(namesake.name), []).append(namesake)
    return lambda key: list(by_key.get(key, []))


def name_key(name: str) -> str:
    """``name`` with case, accents and spacing ignored: ``"  YRKESHOGSKOLAN  norr"`` and ``"Yrkeshögskolan Norr"``
    have the same key."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _texts(value: Any) -> list[str]:
    """Every text of a name: a string, a language map, a value object or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        if "@value" in value:
            return _texts(value["@value"])
        return [text for item in value.values() for text in _texts(item)]
    return []


def issuer_names(credential: dict[str, Any]) -> list[str]:
    """The display names the credential gives its issuer (``issuer.name``, in every language it has)."""
    issuer = credential.get("issuer")
    names = _texts(issuer.get("name")) if isinstance(issuer, dict) else []
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def check_issuer_name(credential: dict[str, Any], lookup: NameLookup) -> Check | None:
    """A ``warning`` when the issuer, which the accreditation check did not find accredited for this credential,
    calls itself by the name of an accredited organisation other than itself; ``None`` when no name matches."""
    issuer = vc.issuer_id(credential)
    for name in issuer_names(credential):
        key = name_key(name)
        others = sorted({n for n in lookup(key) if n.did != issuer and name_key(n.name) == key})
        if others:
            dids = ", ".join(n.did for n in others)
            return Check(
                ISSUER_NAME,
                "warning",
                f"the issuer calls itself {name!r}, the name of the accredited organisation {dids}, but it is not "
                f"that organisation: it is {issuer}, and the name is its own claim",
                "ISSUER_NAME_OF_ACCREDITED_ORGANISATION",
                {"name": name, "issuer": issuer, "namesakes": [{"did": n.did, "name": n.name} for n in others]},
            )
    return None
