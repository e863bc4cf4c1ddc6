"""What a learner's passport shows of an Open Badges 2.0 badge, in the keys of ``extract_spec_view``.

https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html#BadgeClass and ``#Alignment``. The EU
elements come from alignments (ESCO skills, EQF levels) and from the edubadges extensions that many European
issuers add to badge classes (``extensions:ECTSExtension``, ``EQFExtension``, ``StudyLoadExtension``,
``LearningOutcomeExtension``, https://openbadgespec.org/extensions/).
"""

from __future__ import annotations

from typing import Any

from merit.core import formats
from merit.core.credview import CredentialView
from merit.core.microcredential import vocab
from merit.core.openbadges2.model import link_id

_EQF = vocab.SNB + "eqf/"
_ALIGNMENT_KEYS = ("targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _extension(badge: dict[str, Any], name: str) -> Any:
    """The value of the edubadges-style extension ``extensions:<name>Extension`` (``{"<name>": value}``)."""
    for key in (f"extensions:{name}Extension", f"https://w3id.org/openbadges/extensions#{name}Extension"):
        extension = badge.get(key)
        if isinstance(extension, dict):
            return extension.get(name)
    return None


def _evidence(entry: Any) -> str | None:
    return link_id(entry) or (_text(entry.get("narrative")) if isinstance(entry, dict) else None)


def _eqf(alignments: list[dict[str, Any]], badge: dict[str, Any]) -> int | None:
    for alignment in alignments:
        url = str(alignment.get("targetUrl", ""))
        if url.startswith(_EQF) and url.removeprefix(_EQF).isdigit():
            return int(url.removeprefix(_EQF))
        if str(alignment.get("targetFramework", "")).upper().startswith("EQF"):
            code = str(alignment.get("targetCode", "")).strip()
            if code.isdigit():
                return int(code)
    level = _extension(badge, "EQF")
    if isinstance(level, int) and not isinstance(level, bool) and 1 <= level <= 8:
        return level
    return None


def assertion_view(
    assertion: dict[str, Any], badge: dict[str, Any] | None = None, issuer: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The display data of an assertion, its BadgeClass and issuer Profile (taken from the assertion when embedded
    and not given), keyed like :func:`merit.core.microcredential.view.extract_spec_view`, plus ``criteria``,
    ``alignments``, ``image``, ``issuerUrl``, ``tags`` and ``evidence``."""
    if badge is None and isinstance(assertion.get("badge"), dict):
        badge = assertion["badge"]
    badge = badge or {}
    if issuer is None and isinstance(badge.get("issuer"), dict):
        issuer = badge["issuer"]
    issuer = issuer or {}
    alignments = [a for a in formats.as_list(badge.get("alignment")) if isinstance(a, dict)]
    criteria = badge.get("criteria")
    narrative = _text(criteria.get("narrative")) if isinstance(criteria, dict) else None
    outcome = _text(_extension(badge, "LearningOutcome"))
    recipient = assertion.get("recipient")
    recipient = recipient if isinstance(recipient, dict) else {}
    ects = _extension(badge, "ECTS")
    hours = _extension(badge, "StudyLoad")
    view: dict[str, Any] = {
        "title": _text(badge.get("name")),
        "description": _text(badge.get("description")),
        "learner": recipient.get("type") if recipient.get("hashed") is True else _text(recipient.get("identity")),
        "awardingBody": _text(issuer.get("name")),
        "issuerId": link_id(issuer) or link_id(badge.get("issuer")),
        "issuerUrl": _text(issuer.get("url")),
        "issued": assertion.get("issuedOn"),
        "validUntil": assertion.get("expires"),
        "learningOutcomes": [text for text in (outcome, narrative) if text],
        "skills": [
            {"uri": a.get("targetUrl"), "label": a.get("targetName")}
            for a in alignments
            if str(a.get("targetFramework", "")).upper().startswith("ESCO")
            or str(a.get("targetUrl", "")).startswith(vocab.ESCO_SKILL)
        ],
        "ects": ects if isinstance(ects, int | float) and not isinstance(ects, bool) else None,
        "hours": f"PT{hours}H" if isinstance(hours, int) and not isinstance(hours, bool) and hours > 0 else None,
        "eqfLevel": _eqf(alignments, badge),
        "furtherInformation": narrative,
        "criteria": {"url": link_id(criteria), "narrative": narrative},
        "alignments": [
            {
                key: a.get(key)
                for key in ("targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")
            }
            for a in alignments
        ],
        "image": link_id(assertion.get("image")) or link_id(badge.get("image")),
        "tags": [t for t in formats.as_list(badge.get("tags")) if isinstance(t, str)],
        "evidence": [_evidence(e) for e in formats.as_list(assertion.get("evidence")) if _evidence(e)],
        "grade": None,
    }
    return formats.complete_view(view, "ob2")


def view_of(
    assertion: dict[str, Any],
    languages: Any = None,
    badge: dict[str, Any] | None = None,
    issuer: dict[str, Any] | None = None,
) -> CredentialView:
    """The :class:`~merit.core.credview.CredentialView` of an assertion (Open Badges 2.0 texts have no language)."""
    return CredentialView.from_keys(assertion_view(assertion, badge, issuer), "ob2")
