"""Europass Digital Credentials (EDC, European Learning Model v3): reading, display in the reader's language, and a
report that says plainly what was not checked.

ELM v3 and the EDC application profile: https://europa.eu/europass/elm-browser/ and
https://github.com/european-commission-empl/European-Learning-Model (context
``http://data.europa.eu/snb/model/context/edc-ap``; required properties from the SHACL shapes
``EDC-generic-no-cv.ttl``). Sealed credentials are a JAdES JSON serialisation (ETSI TS 119 182-1) whose
``payload`` is the credential; Merit does not check eIDAS seals yet, so :func:`verify_edc` reports the ``proof``
check as ``could_not_check`` and such a credential is *could not verify*, never *verified*.

ELM text is language-tagged (``{"en": "...", "fr": "..."}``): :func:`edc_view` picks the reader's language, then
the credential's primary language, then English, then the first one present.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from merit.core import formats
from merit.core.credview import CredentialView, UnitAlignment
from merit.core.errors import InvalidError, MalformedValueError, MeritError, ParsingError, RangeError
from merit.core.microcredential import vocab
from merit.core.texts import is_language_map, pick
from merit.core.verify import parsing
from merit.core.verify.report import PARSE, PROOF, STRUCTURE, VALIDITY, Check, VerificationReport

__all__ = ["MAX_LANGUAGES", "SEAL_NOT_CHECKED", "edc_view", "is_edc", "unwrap", "verify_edc", "view_of"]

Clock = Callable[[], datetime]

MAX_LANGUAGES = 100
"""The most entries one language map may have (the EU has 24 official languages; EDC offers about 30)."""
SEAL_NOT_CHECKED = (
    "Europass seals (eIDAS) are not checked yet; this credential is kept and shown but its signature has not been "
    "verified"
)
_EQF = vocab.SNB + "eqf/"
_AUTHORITY = "http://publications.europa.eu/resource/authority/"
# ISO 639-2 codes of the EU language authority (as in displayParameter.primaryLanguage) → BCP 47 tags.
_LANGUAGE_CODES = (
    "BUL=bg CES=cs DAN=da DEU=de ELL=el ENG=en SPA=es EST=et FIN=fi FRA=fr GLE=ga HRV=hr HUN=hu ITA=it LIT=lt "
    "LAV=lv MLT=mt NLD=nl POL=pl POR=pt RON=ro SLK=sk SLV=sl SWE=sv NOR=no ISL=is MKD=mk SRP=sr TUR=tr SQI=sq "
    "BOS=bs UKR=uk CAT=ca EUS=eu GLG=gl LTZ=lb"
)
_LANGUAGES = dict(pair.split("=") for pair in _LANGUAGE_CODES.split(" "))
# ISO 3166-1 alpha-3 codes of the EU country authority → alpha-2, as extract_spec_view gives countries.
_COUNTRY_CODES = (
    "AUT=AT BEL=BE BGR=BG HRV=HR CYP=CY CZE=CZ DNK=DK EST=EE FIN=FI FRA=FR DEU=DE GRC=GR HUN=HU IRL=IE ITA=IT "
    "LVA=LV LTU=LT LUX=LU MLT=MT NLD=NL POL=PL PRT=PT ROU=RO SVK=SK SVN=SI ESP=ES SWE=SE ISL=IS LIE=LI NOR=NO "
    "CHE=CH GBR=GB MKD=MK SRB=RS TUR=TR ALB=AL MNE=ME BIH=BA UKR=UA MDA=MD"
)
_COUNTRIES = dict(pair.split("=") for pair in _COUNTRY_CODES.split(" "))


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _node(value: Any) -> dict[str, Any]:
    """The first object of a property that may hold one object, an array of them, or nothing."""
    value = _first(value)
    return value if isinstance(value, dict) else {}


def unwrap(document: Any, max_bytes: int = parsing.MAX_BYTES) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The credential (from an object, JSON text, or a JAdES-sealed envelope) and the seal's protected header if it
    was sealed; raises :class:`~merit.core.errors.ParsingError` or :class:`~merit.core.errors.RangeError`."""
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParsingError(f"the document is not UTF-8 text (byte {exc.start})") from exc
    if isinstance(document, str):
        if document.lstrip().startswith("<"):
            raise ParsingError("this is XML (a Europass credential of ELM 2?); Merit reads ELM 3 JSON-LD only")
        document = parsing.parse_json(document, max_bytes)
    elif isinstance(document, dict):
        parsing.check_depth(document)
    else:
        raise ParsingError("the document must be a JSON object")
    sealed = formats.jades_payload(document, max_bytes)
    if sealed is None:
        return document, None
    signatures = document.get("signatures") or [document.get("signature")]
    header: dict[str, Any] = {}
    protected = _node(signatures).get("protected")
    if isinstance(protected, str):
        try:
            header = parsing.parse_json(formats.b64url_decode(protected), 262_144)
        except (ValueError, MeritError):
            header = {}
    return sealed, header


def is_edc(document: Any) -> bool:
    """True when ``document`` is a Europass credential (its ``@context`` includes the ELM context), sealed or not."""
    return formats.detect(document) == "edc"


class _Reader:
    """Reads ELM literals and concepts in a chosen order of languages."""

    def __init__(self, languages: list[str]) -> None:
        self.languages = languages

    def text(self, value: Any) -> str | None:
        return pick(value, self.languages)[0]

    def note(self, value: Any) -> str | None:
        """The text of an ELM ``Note`` (``noteLiteral``), or of a plain literal."""
        node = _first(value)
        return self.text(node.get("noteLiteral")) if isinstance(node, dict) else self.text(node)

    def label(self, concept: Any) -> str | None:
        """A concept's ``prefLabel`` in the reader's language, else Merit's label for its IRI, else the IRI."""
        concept = _first(concept)
        iri = concept.get("id") if isinstance(concept, dict) else concept
        label = self.text(concept.get("prefLabel")) if isinstance(concept, dict) else None
        if label:
            return label
        return vocab.ALL_CONCEPTS.get(iri, iri) if isinstance(iri, str) else None

    def assessment(self, assessment: dict[str, Any]) -> str | None:
        """The type of a LearningAssessment (its specification's ``dcType``), else its title."""
        return self.label(_node(assessment.get("specifiedBy")).get("dcType")) or self.text(assessment.get("title"))

    def name(self, agent: Any) -> str | None:
        agent = _node(agent)
        return (
            self.text(agent.get("legalName")) or self.text(agent.get("prefLabel")) or self.text(agent.get("fullName"))
        )


def _languages(credential: dict[str, Any], language: str) -> list[str]:
    display = _node(credential.get("displayParameter"))
    ordered = [language]
    for concept in formats.as_list(display.get("primaryLanguage")) + formats.as_list(display.get("language")):
        iri = concept.get("id") if isinstance(concept, dict) else concept
        if isinstance(iri, str) and iri.rsplit("/", 1)[-1] in _LANGUAGES:
            ordered.append(_LANGUAGES[iri.rsplit("/", 1)[-1]])
    return list(dict.fromkeys(ordered))


def _country(agent: dict[str, Any]) -> str | None:
    address = _node(_node(agent.get("location")).get("address"))
    code = _node(address.get("countryCode")).get("id") or address.get("countryCode")
    if not isinstance(code, str) or not code.startswith(_AUTHORITY + "country/"):
        return None
    alpha3 = code.rsplit("/", 1)[-1]
    return _COUNTRIES.get(alpha3, alpha3)


def _skills(outcomes: list[dict[str, Any]], read: _Reader) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        for skill in formats.as_list(outcome.get("relatedESCOSkill")) + formats.as_list(outcome.get("relatedSkill")):
            iri = skill.get("id") if isinstance(skill, dict) else skill
            if isinstance(iri, str) and iri.startswith(vocab.ESCO_SKILL) and iri not in found:
                label = read.text(skill.get("prefLabel")) if isinstance(skill, dict) else None
                found[iri] = {"uri": iri, "label": label or vocab.esco_label(iri)}
    return list(found.values())


def edc_view(document: Any, language: str = "en") -> dict[str, Any]:
    """The display data of a Europass credential in ``language`` (a BCP 47 tag), keyed like
    :func:`merit.core.microcredential.view.extract_spec_view`, plus ``credentialTitle``, ``credentialType``,
    ``issuerName``, ``language`` (the tag the title was read in) and ``sealed``."""
    return _view(document, language)[0]


def _units(claim: dict[str, Any]) -> list[UnitAlignment]:
    """The parts of qualifications the claim is: its ``specifiedBy`` specification (by its IRI) when that states
    ``isPartOf`` another one (ELM's link from a unit's learning achievement specification to the qualification).
    The learner achieved the part itself, so it is covered fully."""
    unit = _node(claim.get("specifiedBy")).get("id")
    if not isinstance(unit, str) or ":" not in unit:
        return []
    found = []
    for parent in formats.as_list(_node(claim.get("specifiedBy")).get("isPartOf")):
        iri = parent.get("id") if isinstance(parent, dict) else parent
        if isinstance(iri, str) and ":" in iri:
            found.append(UnitAlignment(unit, "full", iri))
    return found


def _view(document: Any, language: str) -> tuple[dict[str, Any], list[UnitAlignment]]:
    credential, seal = unwrap(document)
    read = _Reader(_languages(credential, language))
    display = _node(credential.get("displayParameter"))
    subject = _node(credential.get("credentialSubject"))
    claim = _node(subject.get("hasClaim"))
    spec = _node(claim.get("specifiedBy"))
    issuer = _node(credential.get("issuer"))
    awarding = _node(_node(claim.get("awardedBy")).get("awardingBody")) or issuer
    outcomes = [o for o in formats.as_list(spec.get("learningOutcome")) if isinstance(o, dict)]
    assessments = [a for a in formats.as_list(claim.get("provenBy")) if isinstance(a, dict)]
    credits = [c for c in formats.as_list(spec.get("creditPoint")) if isinstance(c, dict)]
    accreditation = _node(spec.get("accreditation")) or _node(awarding.get("accreditation"))
    eqf = _node(spec.get("eqfLevel")).get("id") or spec.get("eqfLevel")
    title_map = claim.get("title") or spec.get("title")
    title, tag = pick(title_map, read.languages)
    given, family = read.text(subject.get("givenName")), read.text(subject.get("familyName"))
    view: dict[str, Any] = {
        "title": title or read.text(display.get("title")),
        "titles": title_map if is_language_map(title_map) else None,
        "description": read.text(claim.get("description")) or read.text(spec.get("description")),
        "learner": subject.get("id"),
        "learnerName": read.text(subject.get("fullName")) or " ".join(n for n in (given, family) if n) or None,
        "awardingBody": read.name(awarding),
        "issuerName": read.name(issuer),
        "issuerId": issuer.get("id") if issuer else credential.get("issuer"),
        "country": _country(awarding) or _country(issuer),
        "issued": credential.get("issued") or credential.get("issuanceDate") or credential.get("validFrom"),
        "validUntil": credential.get("validUntil") or credential.get("expirationDate"),
        "learningOutcomes": [t for t in (read.text(o.get("title")) for o in outcomes) if t],
        "skills": _skills(outcomes, read),
        "ects": next((c.get("point") for c in credits if _node(c.get("framework")).get("id") == vocab.ECTS), None),
        "hours": spec.get("volumeOfLearning") if isinstance(spec.get("volumeOfLearning"), str) else None,
        "eqfLevel": int(eqf.removeprefix(_EQF)) if isinstance(eqf, str) and eqf.removeprefix(_EQF).isdigit() else None,
        "field": read.label(spec.get("thematicArea")),
        "assessment": [
            label
            for label in (
                read.label(_node(a.get("specifiedBy")).get("dcType")) or read.text(a.get("title")) for a in assessments
            )
            if label
        ],
        "participation": read.label(spec.get("mode")),
        "learningSetting": read.label(spec.get("learningSetting")),
        "qualityAssurance": read.label(accreditation.get("dcType")) or read.text(accreditation.get("title")),
        "qualityAssuranceBody": read.name(accreditation.get("accreditingAgent")),
        "supervision": read.label(_node(assessments).get("idVerification")),
        "prerequisites": read.note(spec.get("entryRequirement")),
        "grade": read.note(_node(assessments).get("grade")),
        "furtherInformation": read.note(claim.get("additionalNote")),
        "credentialTitle": read.text(display.get("title")),
        "credentialType": read.label(credential.get("credentialProfiles")),
        "language": tag,
        "sealed": seal is not None,
    }
    return formats.complete_view(view, "edc"), _units(claim)


def view_of(document: Any, languages: Sequence[str | None] = ("en",)) -> CredentialView:
    """The :class:`~merit.core.credview.CredentialView` of a Europass credential, its texts read in the first of
    ``languages`` the credential has (see :func:`edc_view`)."""
    wanted = next((language for language in languages if language), "en")
    data, units = _view(document, wanted)
    view = CredentialView.from_keys(data, "edc")
    view.units = units
    return view


def _walk_language_maps(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if is_language_map(item):
                yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_edc(credential: dict[str, Any], warnings: list[str]) -> None:
    """The properties the EDC application profile requires (``EDC-generic-no-cv.ttl``: ``sh:minCount 1``)."""
    if not formats.ELM_CONTEXTS.intersection(formats.contexts(credential)):
        raise MalformedValueError(f"not a Europass credential: its @context does not include {formats.ELM_CONTEXT}")
    for wanted in ("VerifiableCredential", "EuropeanDigitalCredential"):
        if wanted not in formats.types(credential):
            raise MalformedValueError(f"a Europass credential must have type {wanted}")
    for key in ("id", "credentialProfiles", "displayParameter", "issuer", "credentialSubject", "validFrom"):
        if credential.get(key) in (None, "", [], {}):
            raise MalformedValueError(f"the credential has no {key}")
    display = _node(credential["displayParameter"])
    if not pick(display.get("title"), [])[0]:
        raise MalformedValueError("the credential's displayParameter has no title")
    if not isinstance(credential["issuer"], str) and not pick(_node(credential["issuer"]).get("legalName"), [])[0]:
        raise MalformedValueError("the issuer has no legalName")
    claims = formats.as_list(_node(credential["credentialSubject"]).get("hasClaim"))
    if not claims or not all(isinstance(claim, dict) for claim in claims):
        raise MalformedValueError("the credential subject has no claim (hasClaim)")
    for claim in claims:
        if not pick(claim.get("title"), [])[0]:
            raise MalformedValueError(f"the claim {claim.get('id', '')} has no title".replace("  ", " "))
        if not _node(claim.get("awardedBy")).get("awardingBody"):
            raise MalformedValueError(f"the claim {pick(claim.get('title'), [])[0]!r} has no awarding body")
    for key in ("issued", "credentialSchema"):
        if key not in credential:
            warnings.append(f"the credential has no {key}, which the EDC profile requires of issued credentials")
    for language_map in _walk_language_maps(credential):
        if len(language_map) > MAX_LANGUAGES:
            raise RangeError(f"a text is given in {len(language_map)} languages; the limit is {MAX_LANGUAGES}")


def _date(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedValueError(f"{name} must be a date-time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedValueError(f"{name} is not a date-time: {value[:40]!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def verify_edc(
    document: Any, *, clock: Clock = _utc_now, max_bytes: int = parsing.MAX_BYTES, clock_skew: timedelta = timedelta(0)
) -> VerificationReport:
    """Check a Europass credential's form, required fields and dates; the seal is reported not checked.

    The outcome is ``invalid`` when the document is malformed, lacks a required ELM field or has expired, and
    otherwise ``could_not_verify``, because the eIDAS seal is not checked (:data:`SEAL_NOT_CHECKED`).
    """
    report = VerificationReport("credential")
    now = clock()
    report.checked_at = _stamp(now)
    try:
        credential, seal = unwrap(document, max_bytes)
    except MeritError as exc:
        report.add(Check(PARSE, "failed", exc.message, exc.code))
        return report
    report.document = credential
    report.add(Check(PARSE, "passed", "a JAdES-sealed JSON credential" if seal is not None else "well-formed JSON"))
    try:
        check_edc(credential, report.warnings)
    except InvalidError as exc:
        report.add(Check(STRUCTURE, "failed", exc.message, exc.code))
        return report
    report.add(Check(STRUCTURE, "passed", "a Europass Digital Credential (ELM 3) with the required fields"))
    details: dict[str, Any] = {"sealed": seal is not None}
    if seal is not None:
        details.update({k: seal[k] for k in ("alg", "sigT") if isinstance(seal.get(k), str)})
    else:
        report.warnings.append("the credential is not sealed")
    report.add(Check(PROOF, "could_not_check", SEAL_NOT_CHECKED, "UNSUPPORTED_CRYPTOSUITE", details))
    try:
        start = _date(credential.get("validFrom"), "validFrom")
        end = _date(credential.get("validUntil") or credential.get("expirationDate"), "validUntil")
        if start is not None and now + clock_skew < start:
            raise InvalidError(f"not yet valid: valid from {_stamp(start)}")
        if end is not None and now - clock_skew > end:
            raise InvalidError(f"expired on {_stamp(end)}")
        until = f", until {_stamp(end)}" if end else " (no end date)"
        report.add(Check(VALIDITY, "passed", f"valid now{until}"))
    except InvalidError as exc:
        report.add(Check(VALIDITY, "failed", exc.message, exc.code))
    return report
