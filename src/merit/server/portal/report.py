"""A verification report in plain language, in the reader's language, for pages (the portal, share pages).

:func:`describe` turns a :class:`~merit.core.verify.VerificationReport` into what ``portal/_report.html`` shows:
one row per thing a person cares about (format and schema, signature, issuer identity, revocation and
suspension, validity period, completeness against the EU mandatory elements of Council Recommendation
2022/C 243/02 Annex I), each in one of three states (verified, invalid, could not check; plus "not applicable",
and "not checked" for the rows computed from the credential's content when its signature fails:
:func:`untrusted`), and beside it the credential's content; dates in the reader's locale (``merit.server.dates``).
Include the template with ``{% include "portal/_report.html" %}`` and
the context variable ``verification`` set to ``describe(...)``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from merit.core import credview, edc, formats, openbadges2, texts
from merit.core.credview import Concept
from merit.core.microcredential.view import extract_spec_view, view_of
from merit.core.qualifications.award import is_award
from merit.core.verify import Check, VerificationReport, dispatch
from merit.core.verify.report import (
    ACCREDITATION,
    CHALLENGE,
    CREDENTIALS,
    HOLDER,
    ISSUER,
    ISSUER_NAME,
    PARSE,
    PROOF,
    SAFE_MODE,
    SCHEMA,
    STATUS,
    STRUCTURE,
    VALIDITY,
)
from merit.server import dates, esco
from merit.server.portal.accreditation import accreditation_text, standing
from merit.server.portal.corewords import code_text, known, warning_text
from merit.server.qualifications import mapping
from merit.server.workspace import vocabulary

COMPLETENESS = "eu_mandatory_elements"
_GROUPS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("format", gettext_lazy("Format and schema"), (PARSE, STRUCTURE, SCHEMA, SAFE_MODE)),
    ("signature", gettext_lazy("Signature"), (PROOF, CHALLENGE)),
    ("issuer", gettext_lazy("Issuer identity"), (ISSUER, ISSUER_NAME)),
    ("accreditation", gettext_lazy("Accreditation"), (ACCREDITATION,)),
    ("holder", gettext_lazy("Holder"), (HOLDER,)),
    ("status", gettext_lazy("Not revoked or suspended"), (STATUS,)),
    ("validity", gettext_lazy("Validity period"), (VALIDITY,)),
    ("credentials", gettext_lazy("Credentials in the presentation"), (CREDENTIALS,)),
    ("completeness", gettext_lazy("EU micro-credential: mandatory elements"), (COMPLETENESS,)),
]
_EXPECTED = {
    "credential": ("format", "signature", "issuer", "status", "validity", "completeness"),
    "presentation": ("format", "signature", "credentials"),
}
_MANDATORY = {
    "identification of the learner": gettext_lazy("Identification of the learner"),
    "title of the micro-credential": gettext_lazy("Title of the micro-credential"),
    "country/region of the issuer": gettext_lazy("Country or region of the issuer"),
    "awarding body": gettext_lazy("Awarding body"),
    "date of issuing": gettext_lazy("Date of issuing"),
    "learning outcomes": gettext_lazy("Learning outcomes"),
    "notional workload": gettext_lazy("Notional workload"),
    "type of assessment": gettext_lazy("Type of assessment"),
    "form of participation": gettext_lazy("Form of participation"),
    "type of quality assurance": gettext_lazy("Type of quality assurance"),
}
_OUTCOME_STATES = {
    "passed": "verified",
    "warning": "warning",
    "failed": "invalid",
    "could_not_check": "unknown",
    "not_applicable": "na",
}
# Rows computed from the credential's own content: when its signature fails they say "not checked", never ✓.
_FROM_CONTENT = ("accreditation", "status", "validity", "completeness")
_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def completeness_check(document: dict[str, Any]) -> Check:
    """Whether ``document`` carries every Annex I mandatory element (the ``missing`` of its format's view)."""
    kind = formats.detect(document)
    if kind == "edc":
        missing = edc.edc_view(document)["missing"]
    elif kind == "ob2":
        missing = formats.complete_view(openbadges2.assertion_view(document), "ob2")["missing"]
    else:
        subject = document.get("credentialSubject")
        subject = subject[0] if isinstance(subject, list) and subject else subject
        if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
            return Check(COMPLETENESS, "not_applicable", "not a micro-credential (no achievement)")
        if is_award(document):  # Annex I is for micro-credentials; its qualification credential is stacked from them.
            return Check(COMPLETENESS, "not_applicable", "a qualification credential, not a micro-credential")
        missing = extract_spec_view(document)["missing"]
    if missing:
        return Check(COMPLETENESS, "failed", "missing: " + ", ".join(missing), "INCOMPLETE", {"missing": missing})
    return Check(COMPLETENESS, "passed", "every mandatory element is present")


def _date(text: str) -> str:
    """The first date in a core message or a credential, in the reader's locale (``merit.server.dates``)."""
    return dates.day(text)


def _issuer_passed(check: Check) -> str:
    """Who issued it, from the issuer check's details: the DID whose key signed a W3C credential (``signedBy``), or
    the issuer profile of an Open Badges 2.0 assertion (``issuedBy``, ``issuerName``), signed or hosted by it."""
    details = check.details
    if isinstance(details.get("signedBy"), str):
        return _("Signed by its issuer, %(issuer)s.") % {"issuer": details["signedBy"]}
    if isinstance(details.get("issuedBy"), str):
        facts = {"name": str(details.get("issuerName") or ""), "id": details["issuedBy"]}
        if details.get("verification") == "hosted":
            return _("Issued by %(name)s (%(id)s), which hosts it on its own site; the name is its own claim.") % facts
        return _("Signed by its issuer, %(name)s (%(id)s); the name is its own claim.") % facts
    return _("Signed by its issuer.")


def plain(check: Check) -> str:
    """What ``check`` means for a person, in their language."""
    name, outcome, code, message = check.name, check.outcome, check.code or "", check.message
    if name == COMPLETENESS:
        if outcome == "failed":
            missing = [str(_MANDATORY.get(m, m)) for m in check.details.get("missing", [])]
            return _("Missing mandatory elements: %(missing)s.") % {"missing": ", ".join(missing)}
        if outcome == "passed":
            return _("Every mandatory element of an EU micro-credential is present.")
        return _("Not a micro-credential: it describes no achievement.")
    if name == ACCREDITATION:
        return accreditation_text(check)
    if name == ISSUER_NAME:
        return _(
            "This issuer calls itself “%(name)s”, the name of an accredited organisation, but it is another "
            "issuer. The name is the issuer's own claim: do not take it for the accredited organisation (%(did)s)."
        ) % {
            "name": check.details.get("name", ""),
            "did": ", ".join(str(n.get("did")) for n in check.details.get("namesakes", [])),
        }
    if name == SCHEMA and outcome == "warning":
        first = str((check.details.get("errors") or [message])[0])
        return _(
            "It does not follow the Open Badges 3.0 schema, which it does not declare, so this is not an error: "
            "%(where)s."
        ) % {"where": first.split(": ", 1)[0]}
    if name == PROOF and message == edc.SEAL_NOT_CHECKED:
        return _(
            "Could not check: Europass seals (eIDAS) are not checked yet, so its signature has not been verified. "
            "The rest of the report still applies."
        )
    if outcome == "passed":
        return {
            PARSE: _("Well-formed JSON."),
            STRUCTURE: _("A well-formed Open Badges 2.0 assertion.")
            if check.details.get("format") == "ob2"
            else _("A well-formed W3C verifiable credential or presentation."),
            SCHEMA: _("Valid against the Open Badges 3.0 schema."),
            SAFE_MODE: _("Every property is defined, so the signature covers all of it."),
            PROOF: _("The signature is valid: nothing has changed since it was signed."),
            CHALLENGE: _("The presentation was made for this request."),
            ISSUER: _issuer_passed(check),
            HOLDER: _("Signed by the person who presents it."),
            STATUS: _("The issuer has not revoked or suspended it."),
            VALIDITY: _("Valid now, until %(date)s.") % {"date": _date(message)}
            if "until" in message
            else _("Valid now; it does not expire."),
            CREDENTIALS: _("Every credential in it is verified."),
        }.get(name, _("Passed."))
    if outcome == "not_applicable":
        return _("It has no status entry, so its issuer cannot revoke it.") if name == STATUS else _("Not applicable.")
    if outcome == "could_not_check":
        if code == "FETCH_BUSY":
            return _(
                "Could not check: too many verifications are fetching from other sites right now; "
                "try again in a moment."
            )
        if name == STATUS:
            return _(
                "Could not check: the issuer's status list could not be fetched, "
                "so we cannot say whether it was revoked."
            )
        if code == "methodNotSupported":
            return _("Could not check: the issuer uses a kind of identifier (DID method) that Merit cannot resolve.")
        if code == "FETCH_REFUSED":
            return _("Could not check: the issuer's key is at an address Merit does not fetch from.")
        if code in ("FETCH_FAILED", "notFound"):
            return _("Could not check: the issuer's public key could not be fetched.")
        if code == "UNSUPPORTED_CRYPTOSUITE":
            return _("Could not check: the credential uses a kind of signature that Merit does not support.")
        if code == "LOADING_DOCUMENT_FAILED":
            return _("Could not check: the credential uses a vocabulary (JSON-LD context) that Merit does not know.")
        if name == CREDENTIALS:
            return _("A credential in it could not be fully verified.")
        return _("Could not check: %(reason)s.") % {"reason": code_text(code)}
    if name == STATUS:
        if code == "REVOKED":
            return _("The issuer has revoked this credential.")
        if code == "SUSPENDED":
            return _("The issuer has suspended this credential.")
        return _("Its status list is not valid: %(reason)s.") % {"reason": code_text(code)}
    if name == VALIDITY:
        if message.startswith("expired"):
            return _("It expired on %(date)s.") % {"date": _date(message)}
        return _("It is not valid yet: it is valid from %(date)s.") % {"date": _date(message)}
    if name == ISSUER or (name == PROOF and ("verification method" in message or "not authorised" in message)):
        return _("It was signed with a key that its issuer does not control.")
    return {
        PARSE: _("It is not well-formed JSON."),
        STRUCTURE: _("It is not a well-formed W3C verifiable credential: %(reason)s.") % {"reason": code_text(code)},
        SCHEMA: _("It does not follow the Open Badges 3.0 schema (see the technical detail)."),
        SAFE_MODE: _("It contains properties that are not defined, which the signature would not protect."),
        PROOF: _("The signature does not match: the credential was changed after it was signed."),
        CHALLENGE: _("The presentation was made for another request: its challenge or domain does not match."),
        HOLDER: _("The presentation was not signed by its holder."),
        CREDENTIALS: _("At least one credential in it is invalid."),
    }.get(name, _("This check did not pass: %(reason)s.") % {"reason": code_text(code)})


def _row(key: str, label: Any, checks: list[Check], stopped: bool) -> dict[str, Any]:
    if not checks:
        state = "unknown"
        message = _("Not checked, because an earlier check did not pass.") if stopped else _("Not checked.")
        return {"key": key, "label": str(label), "state": state, "message": message, "details": []}
    order = ("failed", "could_not_check", "warning", "passed", "not_applicable")
    worst = min(checks, key=lambda c: order.index(c.outcome))
    if worst.outcome == "passed":
        # Name what passed most meaningfully: the last passing check of the group says the most.
        worst = checks[-1] if key != "format" else next((c for c in checks if c.name == SCHEMA), checks[-1])
    return {
        "key": key,
        "label": str(label),
        "state": _OUTCOME_STATES[worst.outcome],
        "message": plain(worst),
        "details": [f"{c.name}: {c.message}" for c in checks],
    }


def signature_failed(checks: list[Check]) -> bool:
    """Whether the proof check failed: the content was changed after signing, or was never signed by anyone."""
    return any(c.name == PROOF and c.outcome == "failed" for c in checks)


def untrusted(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (one of :data:`_FROM_CONTENT`) as "not checked": what it was computed from cannot be trusted."""
    return {
        **row,
        "state": "unchecked",
        "message": _("The signature did not verify, so this content cannot be trusted."),
    }


def _other_language(tag: str | None, language: str) -> str:
    """``tag`` when it names another language than the page's ``language``, else ``""`` (also when unknown)."""
    if not tag or not _TAG.fullmatch(tag) or tag.split("-")[0].lower() == language:
        return ""
    return tag


def _labels() -> dict[str, str]:
    return {iri: name for iri, _english, name in vocabulary.concepts()}


def _web_link(value: Any) -> str | None:
    """``value`` when it is an http(s) URL, so that a credential cannot put a ``javascript:`` link on the page."""
    return value if isinstance(value, str) and re.match(r"https?://", value) else None


def _skill(label: str | None, uri: str | None) -> dict[str, Any]:
    """A skill of the credential: ESCO's label in the reader's language where Merit has it (``merit.server.esco``),
    with ``lang`` set when the text shown is in another language than the page's."""
    shown = esco.skill_label(uri, label) if uri else None
    return {
        "label": shown.text if shown else label,
        "lang": shown.lang if shown else "",
        "uri": _web_link(uri),
    }


def _number(value: Decimal | None) -> str | None:
    """A number as the reader writes it: ``7.5`` in English, ``7,5`` in Swedish (None stays None)."""
    written = credview.plain(value)
    return None if written is None else number_format(Decimal(written))


def _label(concept: Concept | None, labels: dict[str, str]) -> str | None:
    """A concept in the reader's language when Merit's vocabulary knows it, else its own label."""
    if concept is None:
        return None
    return labels.get(concept.iri or "", concept.label)


def content(document: dict[str, Any], report: VerificationReport | None = None, fmt: str = "vc") -> dict[str, Any]:
    """The credential's content, readable, in the reader's language where the credential has it (from the
    :class:`~merit.core.credview.CredentialView` its format's reader fills, whichever of Merit's encodings it uses)."""
    language = (get_language() or "en").split("-")[0]
    view = view_of(document) if report is None else dispatch.view(fmt, document, report, language)  # type: ignore[arg-type]
    wanted = [language]
    labels = _labels()

    def text(value: dict[str, str]) -> str | None:
        return view.text(value, wanted)

    def marked(value: dict[str, str]) -> dict[str, str | None]:
        """A text with ``lang``: its language tag when that is not the page's (``""`` when it is or is unknown)."""
        found = view.text(value, wanted)
        tag = next((key for key, item in value.items() if item == found), None) if found else None
        return {"text": found, "lang": _other_language(tag, language)}

    title = marked(view.title)
    if not title["text"]:
        found, tag = texts.pick(document.get("name"), wanted)
        title = {"text": found, "lang": _other_language(tag, language)}
    description = marked(view.description)
    return {
        "title": title["text"],
        "description": description["text"],
        # The language of a text shown in another language than the page's (for its lang attribute).
        "lang": {"title": title["lang"], "description": description["lang"]},
        "issuer": view.awarding_body,
        "issuer_id": view.issuer_id,
        "country": view.country,
        "region": view.region,
        "learner": view.learner_name,
        "issued": _date(view.issued) if view.issued else None,
        "valid_until": _date(view.valid_until) if view.valid_until else None,
        "outcomes": [t for t in (marked(o.text) for o in view.outcomes) if t["text"]],
        "skills": [_skill(s.label, s.uri) for s in view.skills if s.label or s.uri],
        "eqf": view.eqf_level,
        "ects": _number(view.ects),
        "hours": _number(view.hours),
        "assessment": [_label(c, labels) for c in view.assessment],
        "assessment_description": text(view.assessment_description),
        "participation": _label(view.mode, labels),
        "quality_assurance": _label(view.quality_assurance, labels),
        "quality_assurance_body": view.quality_assurance_body,
        "grade": view.grade,
        "units": mapping.describe(view.units, language),
    }


_CHANGED = {"REVOKED": "revoked", "SUSPENDED": "suspended"}


def status_change(checks: list[Check], document: dict[str, Any] | None) -> dict[str, Any] | None:
    """When and why the issuer revoked or suspended the credential, where Merit knows it (a credential an
    organisation of this installation issued): only for an authentic credential (the signature passed) whose status
    check found the state the issuer's record holds. ``reason`` is the issuer's own text (the template escapes it)."""
    status = next((c for c in checks if c.name == STATUS), None)
    signed = any(c.name == PROOF and c.outcome == "passed" for c in checks)
    if document is None or status is None or status.outcome != "failed" or not signed:
        return None
    from merit.server.portal.services import status_change as recorded  # Services read the database.

    found = recorded(document)
    if found is None or found["state"] != _CHANGED.get(status.code or ""):
        return None
    return found


def describe(report: VerificationReport, document: dict[str, Any] | None, fmt: str = "vc") -> dict[str, Any]:
    """The report as ``portal/_report.html`` shows it (see the module documentation); ``fmt`` is the format the one
    way in found (:func:`merit.core.verify.dispatch.verify`), whose reader fills the content panel."""
    document = document if document is not None else report.document
    checks = list(report.checks)
    if report.kind == "credential" and document is not None:
        checks.append(completeness_check(document))
    stopped = report.outcome != "verified"
    tampered = signature_failed(checks)
    rows = []
    for key, label, names in _GROUPS:
        found = [c for c in checks if c.name in names]
        if (found or key in _EXPECTED[report.kind]) and (key not in ("completeness",) or found):
            row = _row(key, label, found, stopped)
            rows.append(untrusted(row) if tampered and key in _FROM_CONTENT else row)
    headlines = {
        "verified": _("Verified: the credential is authentic and valid."),
        "invalid": _("Invalid: do not rely on this credential."),
        "could_not_verify": _("Could not verify: some checks could not be carried out."),
    }
    if report.kind == "presentation":
        headlines = {
            "verified": _("Verified: the presentation and every credential in it are authentic and valid."),
            "invalid": _("Invalid: do not rely on this presentation."),
            "could_not_verify": _("Could not verify: some checks could not be carried out."),
        }
    state = {"verified": "verified", "invalid": "invalid", "could_not_verify": "unknown"}[report.outcome]
    headline = headlines[report.outcome]
    problem = next((r for r in rows if r["state"] == "invalid"), None) or next(
        (r for r in rows if r["state"] == "unknown"), None
    )
    reason = problem["message"] if problem and report.outcome != "verified" else ""
    alerts = [plain(c) for c in checks if c.name == ISSUER_NAME and c.outcome == "warning"]
    cautions = [c for c in checks if c.outcome == "warning"]
    if report.outcome == "verified" and alerts:
        state = "warning"
        headline = _(
            "Authentic and valid, but beware: the issuer is not the accredited organisation its name suggests."
        )
    elif report.outcome == "verified" and cautions:
        state = "warning"
        headline = _("Verified, with a warning: the credential is authentic and valid, but read the warning.")
        # The accreditation's own warning is on the "Who issued it" line below; say any other one here.
        others = [c for c in cautions if c.name != ACCREDITATION or report.kind != "credential"]
        reason = plain(others[0]) if others else ""
    shown = content(document, report, fmt) if report.kind == "credential" and document is not None else None
    return {
        "kind": report.kind,
        "outcome": report.outcome,
        "state": state,
        "headline": headline,
        "reason": reason,
        "alerts": alerts,
        "issuer": standing(checks, shown["issuer"] if shown else None) if report.kind == "credential" else None,
        "checked_at": dates.moment(report.checked_at) if report.checked_at else "",
        "rows": rows,
        # Each warning in the reader's language, with the core's English beside it as the technical detail.
        "warnings": [
            {"text": warning_text(warning), "technical": "" if known(warning) else warning}
            for warning in report.warnings
        ],
        "content": shown,
        "credentials": [describe(inner, inner.document) for inner in report.credentials],
        "receipt_url": None,
        "status_change": status_change(checks, document) if report.kind == "credential" else None,
        "stack": _stack(checks, document) if report.kind == "credential" else None,
    }


def _stack(checks: list[Check], document: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stacked credential's components and their state now (``merit.server.stacking.components``), checked only
    when its own signature verified."""
    from merit.server.stacking.components import describe_stack  # Stacking builds on the portal's verifier.

    return describe_stack(document, any(c.name == PROOF and c.outcome == "passed" for c in checks))
