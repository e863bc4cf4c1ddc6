"""The scope of an accreditation: which EQF levels, ISCED-F fields, credential types and regions it covers.

An empty restriction covers everything of its kind (a scope with no regions covers every region). ISCED-F codes
are hierarchical (ISCED-F 2013: two-digit broad fields, three-digit narrow and four-digit detailed fields), so a
broad code such as ``07`` covers ``071`` and ``0713``; regions are ISO 3166-1 alpha-2 countries or ISO 3166-2
subdivisions, and a country such as ``SE`` covers its subdivisions such as ``SE-AC``. A credential that does not
state a level, a field or a region is not covered by a scope that restricts it: an accreditation never covers
more than it says. References: https://ec.europa.eu/ploteus/en/content/descriptors-page (EQF),
https://uis.unesco.org/en/topic/international-standard-classification-education-isced (ISCED-F 2013).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from merit.core.errors import MalformedValueError

ISCED_IRI = "http://data.europa.eu/snb/isced-f/"
_ISCED = re.compile(r"^[0-9]{2,4}$")
_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_TYPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
MAX_QUALIFICATIONS = 200


def check_eqf(value: Any, name: str) -> int | None:
    """``value`` as an EQF level (1 to 8) or None; raises when it is anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
        raise MalformedValueError(f"{name} must be an EQF level from 1 to 8")
    return value


def isced_code(value: str) -> str:
    """The ISCED-F code of ``value``, which is a code (``0713``) or its EU concept IRI."""
    code = value.removeprefix(ISCED_IRI)
    if not _ISCED.match(code):
        raise MalformedValueError(f"{value!r} is not an ISCED-F 2013 field code or IRI")
    return code


def region_code(value: str) -> str:
    """``value`` as an upper-case ISO 3166-1 alpha-2 or ISO 3166-2 code; raises when it is neither."""
    code = value.strip().upper()
    if not _REGION.match(code):
        raise MalformedValueError(f"{value!r} is not an ISO 3166-1 alpha-2 or ISO 3166-2 code")
    return code


def _quietly(parse: Callable[[str], str], value: str | None) -> str | None:
    """``parse(value)``, or None when the value is absent or malformed (a credential that states no usable code)."""
    try:
        return parse(value) if isinstance(value, str) and value else None
    except MalformedValueError:
        return None


@dataclass(frozen=True)
class Gap:
    """One way a scope does not cover a credential: the ``rule`` (``eqf``, ``isced``, ``type``, ``region`` or
    ``qualification``: a qualification credential whose qualification the scope does not name) and
    the credential's value for it (``None`` when the credential states none)."""

    rule: str
    value: str | None

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "value": self.value}


@dataclass(frozen=True)
class Scope:
    """What an accreditation covers; an empty tuple (or no EQF bound) restricts nothing."""

    eqf_min: int | None = None
    eqf_max: int | None = None
    isced_fields: tuple[str, ...] = ()
    credential_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    """IRIs of the qualifications the accredited institution may award (a register's identifiers, ZRK or QDR). They
    restrict nothing about micro-credentials: :meth:`gaps` ignores them, :meth:`names` asks about them."""

    def __post_init__(self) -> None:
        low = check_eqf(self.eqf_min, "eqf_min")
        high = check_eqf(self.eqf_max, "eqf_max")
        if low is not None and high is not None and low > high:
            raise MalformedValueError(f"eqf_min ({low}) is above eqf_max ({high})")
        object.__setattr__(self, "isced_fields", tuple(isced_code(code) for code in self.isced_fields))
        object.__setattr__(self, "regions", tuple(region_code(code) for code in self.regions))
        for kind in self.credential_types:
            if not _TYPE.match(kind):
                raise MalformedValueError(f"{kind!r} is not a credential type such as 'micro-credential'")
        if len(self.qualifications) > MAX_QUALIFICATIONS:
            raise MalformedValueError(f"a scope names at most {MAX_QUALIFICATIONS} qualifications")
        for iri in self.qualifications:
            if not isinstance(iri, str) or not _IRI.match(iri):
                raise MalformedValueError(f"{iri!r} is not a qualification IRI (an absolute http or https URL)")
        object.__setattr__(self, "qualifications", tuple(dict.fromkeys(self.qualifications)))

    def names(self, qualification: str) -> bool:
        """Whether this scope names ``qualification`` (an IRI): then the institution may award it."""
        return qualification in self.qualifications

    def gaps(self, eqf: int | None, isced: str | None, credential_type: str, region: str | None) -> list[Gap]:
        """Each way this scope does not cover a credential with these properties; empty when it covers it."""
        found: list[Gap] = []
        if self.eqf_min is not None or self.eqf_max is not None:
            if eqf is None:
                found.append(Gap("eqf", None))
            elif not (self.eqf_min or 1) <= eqf <= (self.eqf_max or 8):
                found.append(Gap("eqf", str(eqf)))
        if self.isced_fields:
            code = _quietly(isced_code, isced)
            if code is None or not any(code.startswith(field) for field in self.isced_fields):
                found.append(Gap("isced", code))
        if self.credential_types and credential_type not in self.credential_types:
            found.append(Gap("type", credential_type))
        if self.regions:
            place = _quietly(region_code, region)
            if place is None or not any(place == r or place.startswith(r + "-") for r in self.regions):
                found.append(Gap("region", place))
        return found

    def covers(self, eqf: int | None, isced: str | None, credential_type: str, region: str | None) -> list[str]:
        """The reasons this scope does not cover a credential with these properties, in words; empty when it does."""
        return [self.explain(gap) for gap in self.gaps(eqf, isced, credential_type, region)]

    def explain(self, gap: Gap) -> str:
        """One gap in English words, such as ``EQF level 6 is outside the accredited EQF 3–5``."""
        if gap.rule == "eqf":
            if gap.value is None:
                return f"the credential states no EQF level, and the accreditation is for {self._eqf()}"
            return f"EQF level {gap.value} is outside the accredited {self._eqf()}"
        if gap.rule == "isced":
            if gap.value is None:
                return f"the credential states no ISCED-F field, and the accreditation is for {self._fields()}"
            return f"ISCED-F {gap.value} is outside the accredited {self._fields()}"
        if gap.rule == "type":
            return f"the credential type {gap.value} is not one of the accredited {', '.join(self.credential_types)}"
        if gap.rule == "qualification":
            if gap.value is None:
                return "the credential names no qualification, and awarding one needs an accreditation naming it"
            return f"the accreditation does not name the qualification {gap.value}"
        if gap.value is None:
            return "the issuer states no country or region code, and the accreditation is for " + ", ".join(
                self.regions
            )
        return f"the region {gap.value} is outside the accredited {', '.join(self.regions)}"

    def facts(self) -> dict[str, Any]:
        """The scope as plain data for a report (independent of how an accreditation credential encodes it)."""
        facts: dict[str, Any] = {
            "eqfMin": self.eqf_min,
            "eqfMax": self.eqf_max,
            "iscedFields": list(self.isced_fields),
            "credentialTypes": list(self.credential_types),
            "regions": list(self.regions),
        }
        if self.qualifications:
            facts["qualifications"] = list(self.qualifications)
        return facts

    def _eqf(self) -> str:
        low, high = self.eqf_min, self.eqf_max
        if low is None and high is None:
            return "any EQF level"
        if low == high:
            return f"EQF {low}"
        if high is None:
            return f"EQF {low} and above"
        if low is None:
            return f"EQF up to {high}"
        return f"EQF {low}\u2013{high}"

    def _fields(self) -> str:
        return "ISCED-F " + " or ".join(self.isced_fields) if self.isced_fields else "any ISCED-F field"

    def describe(self) -> str:
        """The scope in words, such as ``EQF 3–5 in ISCED-F 07`` or ``EQF 4 in ISCED-F 0713 (micro-credential, SE)``."""
        text = f"{self._eqf()} in {self._fields()}"
        extra = [", ".join(self.credential_types)] if self.credential_types else []
        extra += [", ".join(self.regions)] if self.regions else []
        if self.qualifications:
            count = len(self.qualifications)
            extra.append(f"{count} qualification{'s' if count != 1 else ''} to award")
        return f"{text} ({'; '.join(extra)})" if extra else text

    @classmethod
    def from_accreditation(cls, credential: dict[str, Any]) -> Scope:
        """The scope an accreditation credential states, in either of Merit's encodings
        (:func:`merit.core.trust.claims.read_accreditation`); raises :class:`MalformedValueError`."""
        from merit.core.trust.claims import read_accreditation  # claims imports this module.

        return read_accreditation(credential).scope

    def to_json(self) -> dict[str, Any]:
        """The scope as JSON (the registry API's ``scope``, and ``accreditedFor`` in the first encoding)."""
        data: dict[str, Any] = {"type": "AccreditationScope"}
        if self.eqf_min is not None:
            data["eqfMin"] = self.eqf_min
        if self.eqf_max is not None:
            data["eqfMax"] = self.eqf_max
        if self.isced_fields:
            data["iscedField"] = [ISCED_IRI + code for code in self.isced_fields]
        if self.credential_types:
            data["credentialType"] = list(self.credential_types)
        if self.regions:
            data["region"] = list(self.regions)
        if self.qualifications:
            data["qualification"] = list(self.qualifications)
        return data


def strings(value: Any, name: str) -> tuple[str, ...]:
    """``value`` (a string or a list of strings) as a tuple; raises naming ``name`` when it is anything else."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    if not all(isinstance(item, str) for item in items):
        raise MalformedValueError(f"{name} must be a string or a list of strings")
    return tuple(items)


def scope_of(accreditation: dict[str, Any]) -> Scope:
    """The :class:`Scope` an accreditation credential states, in either encoding (:meth:`Scope.from_accreditation`)."""
    return Scope.from_accreditation(accreditation)
