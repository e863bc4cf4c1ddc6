"""The Polish Integrated Qualifications Register (ZRK/IQR) importer: the legacy XML API's fields and the current JSON
API's records, as documented (``docs/pathways.md``, "ZRK fields"). No real response was available to build against,
so the fields follow the documentation and the fixtures are ours.

A record's fields: ``id``, ``kod`` (code), ``nazwa`` (name; a text, or language → text), ``rodzaj`` (1 = *pełna*,
full; 2 = *cząstkowa*, partial), ``status`` (*włączona*, *funkcjonująca*: active; *zawieszona*: suspended;
*archiwalna*: archived), ``poziom`` or ``poziom_prk`` (PRK level 1–8, EQF the same number), ``charakterystyka``
(description), ``isced`` (ISCED-F code; the JSON API has ISCED codes) and ``zestawy_efektow_uczenia_sie``: the sets
of learning outcomes (``kod``, ``nazwa``, ``efekty_uczenia_sie``: each ``opis`` with ``kryteria_weryfikacji`` and,
Merit's addition, ``esco`` skill IRIs; ``sposob_weryfikacji``; ``punkty``). Every other field (``dziedzina``,
``pkd``, ``polon``, ...) is kept in ``extra`` uninterpreted. A unit's IRI is ``<qualification IRI>#<set code>``;
the qualification's IRI is its ``url`` when the record has one, else ``base`` followed by its code.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from merit.core.qualifications import levels
from merit.core.qualifications.batch import Batch, ImportRefused, check_size, esco_skills
from merit.core.qualifications.loq import parse_xml
from merit.core.qualifications.model import Outcome, Qualification, Text, Unit

BASE = "urn:zrk:"
"""The IRI prefix for a record without a ``url`` (ZRK's own address pattern is not documented)."""
KINDS = {"1": "full", "2": "partial", "pelna": "full", "czastkowa": "partial"}
STATUSES = {"wlaczona": "active", "funkcjonujaca": "active", "zawieszona": "suspended", "archiwalna": "archived"}
READ = {
    "id", "kod", "nazwa", "rodzaj", "status", "poziom", "poziom_prk", "charakterystyka", "url", "isced",
    "zestawy_efektow_uczenia_sie",
}  # fmt: skip
LISTS = {"zestawy_efektow_uczenia_sie", "efekty_uczenia_sie", "kryteria_weryfikacji", "kwalifikacje", "results"}


class _Bad(Exception):
    pass


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.strip().lower().replace("ł", "l"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _str(record: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise _Bad(f"{key} is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Bad(f"{key} must be a text, not {type(value).__name__}")
    return str(value).strip()


def _text(record: dict[str, Any], key: str, *, required: bool = False) -> Text | None:
    value = record.get(key)
    if isinstance(value, dict):
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise _Bad(f"{key} must be a text or a map of languages to texts")
        texts = {k: v.strip() for k, v in value.items() if v.strip()}
    else:
        text = _str(record, key)
        texts = {"pl": text} if text else {}
    if required and not texts:
        raise _Bad(f"{key} is missing")
    return texts or None


def _list(record: dict[str, Any], key: str) -> list[Any]:
    value = record.get(key)
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise _Bad(f"{key} must be a list")
    return value


def _unit(iri: str, data: Any, position: int) -> Unit:
    if not isinstance(data, dict):
        raise _Bad(f"set of learning outcomes {position} must be an object")
    code = _str(data, "kod") or str(position)
    where = f"set {code}"
    try:
        outcomes = []
        for number, item in enumerate(_list(data, "efekty_uczenia_sie"), start=1):
            if isinstance(item, str):
                item = {"opis": item}
            if not isinstance(item, dict):
                raise _Bad(f"learning outcome {number} must be an object")
            criteria = []
            for criterion in _list(item, "kryteria_weryfikacji"):
                if not isinstance(criterion, str):
                    raise _Bad(f"learning outcome {number}: a verification criterion must be a text")
                if criterion.strip():
                    criteria.append({"pl": criterion.strip()})
            esco = _list(item, "esco")
            if not all(isinstance(iri, str) for iri in esco):
                raise _Bad(f"learning outcome {number}: esco must be a list of ESCO skill IRIs")
            try:
                skills = esco_skills(" ".join(esco), f"learning outcome {number}")
            except ValueError as exc:
                raise _Bad(str(exc)) from exc
            text = _text(item, "opis", required=True) or {}
            outcomes.append(Outcome(text=text, esco=skills, criteria=tuple(criteria)))
        points = data.get("punkty")
        if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0):
            raise _Bad("punkty must be a number of credits, zero or more")
        return Unit(
            iri=f"{iri}#{code}",
            code=code,
            title=_text(data, "nazwa", required=True) or {},
            outcomes=tuple(outcomes),
            verification=_text(data, "sposob_weryfikacji"),
            credits=float(points) if points is not None else None,
        )
    except _Bad as exc:
        raise _Bad(f"{where}: {exc}") from exc


def _qualification(record: Any, base: str) -> Qualification:
    if not isinstance(record, dict):
        raise _Bad("a qualification must be an object")
    code = _str(record, "kod", required=True)
    kind = KINDS.get(_fold(_str(record, "rodzaj", required=True)))
    if kind is None:
        raise _Bad(f"rodzaj must be 1 (pełna) or 2 (cząstkowa), not {record.get('rodzaj')!r}")
    status_word = _str(record, "status") or "funkcjonująca"
    status = STATUSES.get(_fold(status_word))
    if status is None:
        raise _Bad(f"unknown status {status_word!r} (włączona, funkcjonująca, zawieszona or archiwalna)")
    level_text = _str(record, "poziom_prk") or _str(record, "poziom")
    concept = levels.find("PQF", level_text) if level_text else None
    if level_text and concept is None:
        raise _Bad(f"unknown PRK level {level_text!r} (1 to 8)")
    isced = _str(record, "isced")
    if isced and not (isced.isdigit() and len(isced) in (2, 3, 4)):
        raise _Bad(f"isced must be an ISCED-F code of 2 to 4 digits, not {isced!r}")
    url = _str(record, "url")
    if url and not url.startswith(("https://", "http://")):
        raise _Bad("url must be an http(s) address")
    iri = url or f"{base}{code}"
    sets = _list(record, "zestawy_efektow_uczenia_sie")
    extra = {key: value for key, value in record.items() if key not in READ}
    if record.get("id") not in (None, ""):
        extra["zrkId"] = record["id"]
    return Qualification(
        iri=iri,
        code=code,
        kind="full" if kind == "full" else "partial",
        title=_text(record, "nazwa", required=True) or {},
        language="pl",
        source="zrk",
        description=_text(record, "charakterystyka"),
        country="PL",
        nqf_level=concept.iri if concept else None,
        eqf_level=concept.eqf if concept else None,
        isced=isced or None,
        status=status,
        units=tuple(_unit(iri, item, position) for position, item in enumerate(sets, start=1)),
        extra=extra,
    )


def _xml_value(element: Any) -> Any:
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return (element.text or "").strip()
    if element.tag in LISTS:
        return [_xml_value(child) for child in children]
    return {child.tag: _xml_value(child) for child in children}


def records(content: bytes) -> list[Any]:
    """The records of a ZRK response: JSON (one record, a list, or a page ``{"count", "results"}``) or the legacy
    XML (one ``kwalifikacja`` or a ``kwalifikacje`` list)."""
    check_size(content)
    if content.lstrip()[:1] == b"<":
        root = parse_xml(content)
        if root.tag == "kwalifikacja":
            return [_xml_value(root)]
        if root.tag == "kwalifikacje":
            return list(_xml_value(root))
        raise ImportRefused("this is not a ZRK XML response (its root must be kwalifikacja or kwalifikacje)")
    try:
        data = json.loads(content)
    except UnicodeDecodeError as exc:
        raise ImportRefused("the file is not UTF-8 JSON") from exc
    except RecursionError as exc:
        raise ImportRefused("the JSON is nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"the file is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list):
        raise ImportRefused("a ZRK response must be a qualification, a list of them or a page of results")
    return data


def read(content: bytes, base: str = BASE) -> Batch:
    batch = Batch()
    for position, record in enumerate(records(content), start=1):
        name = f"record {position}"
        if isinstance(record, dict) and isinstance(record.get("kod"), (str, int)) and record.get("kod") != "":
            name = f"{name} ({record['kod']})"
        try:
            batch.add(name, _qualification(record, base))
        except _Bad as exc:
            batch.fail(name, str(exc))
    return batch
