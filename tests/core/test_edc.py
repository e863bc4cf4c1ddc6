"""Europass Digital Credentials (ELM v3): the EU samples, languages, the honest report, and bad input."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from merit.core.edc import MAX_LANGUAGES, SEAL_NOT_CHECKED, edc_view, is_edc, unwrap, verify_edc
from merit.core.microcredential.view import extract_spec_view

DATA = Path(__file__).parents[1] / "data"
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def load(name: str) -> Any:
    path = DATA / "edc" / name if (DATA / "edc" / name).exists() else DATA / "examples" / name
    return json.loads(path.read_text(encoding="utf-8"))


SAMPLES = ["credential-sample.jsonld", "AA-Annex1-MC-signed.jsonld", "Sample-MC-Annex1-unsigned.jsonld"]


@pytest.mark.parametrize("name", [*SAMPLES, "Sample-MC-Annex1-signed.jsonld", "Sample-CertOfPart-signed.jsonld"])
def test_eu_samples_could_not_verify_because_the_seal_is_not_checked(name: str) -> None:
    report = verify_edc(load(name), clock=clock)
    assert report.outcome == "could_not_verify", report.to_json()
    assert [c.name for c in report.checks] == ["parse", "structure", "proof", "validity_period"]
    assert report.check("structure").outcome == "passed"
    proof = report.check("proof")
    assert proof.outcome == "could_not_check"
    assert proof.message == SEAL_NOT_CHECKED
    assert "Europass seals (eIDAS) are not checked yet" in proof.message


def test_sealed_credential_is_unwrapped_and_its_seal_described() -> None:
    sealed = load("AA-Annex1-MC-signed.jsonld")
    assert set(sealed) == {"payload", "signatures"}
    credential, header = unwrap(sealed)
    assert credential["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert header is not None
    assert header["alg"] == "RS256"
    report = verify_edc(sealed, clock=clock)
    assert report.check("parse").message == "a JAdES-sealed JSON credential"
    assert report.check("proof").details == {"sealed": True, "alg": "RS256", "sigT": "2024-05-28T09:51:19Z"}
    assert report.document == credential


def test_unsealed_credential_is_said_to_be_unsealed() -> None:
    report = verify_edc(load("Sample-MC-Annex1-unsigned.jsonld"), clock=clock)
    assert report.check("proof").details == {"sealed": False}
    assert "the credential is not sealed" in report.warnings


def test_sealed_and_unsealed_read_the_same() -> None:
    sealed = edc_view(load("Sample-MC-Annex1-signed.jsonld"))
    plain = edc_view(load("Sample-MC-Annex1-unsigned.jsonld"))
    assert sealed["sealed"] is True
    assert plain["sealed"] is False
    for key in ("title", "learningOutcomes", "skills", "ects", "eqfLevel", "assessment", "participation"):
        assert sealed[key] == plain[key]


def test_micro_credential_view() -> None:
    view = edc_view(load("AA-Annex1-MC-signed.jsonld"))
    assert set(extract_spec_view({})) <= set(view)
    assert view["format"] == "edc"
    assert view["title"] == "Digital micro-credential creation"
    assert view["credentialTitle"] == "Micro-Credential"
    assert view["awardingBody"] == "Learning Provider"
    assert view["issuerName"] == "ORGANIZACION TEST"
    assert view["country"] == "IE"
    assert view["learnerName"] == "Ana Andromeda"
    assert view["issued"] == "2024-05-28T11:51:19+02:00"
    assert view["eqfLevel"] == 6
    assert str(view["ects"]) == "2"
    assert view["hours"] == "P2DT12H"
    assert view["participation"] == "Blended"
    assert view["learningSetting"] == "non-formal learning"
    assert view["assessment"] == ["artefact assessment"]
    assert view["supervision"] == "Unsupervised without ID Verification"
    assert view["grade"] == "Pass"
    assert len(view["learningOutcomes"]) == 2
    assert "Communication, collaboration and creativity" in view["learningOutcomes"]
    assert all(skill["uri"].startswith("http://data.europa.eu/esco/skill/") for skill in view["skills"])
    assert {"uri", "label"} == set(view["skills"][0])
    assert len({skill["uri"] for skill in view["skills"]}) == len(view["skills"])
    assert view["missing"] == ["type of quality assurance"]  # The sample states no accreditation.


def test_french_reader_gets_french_text() -> None:
    document = load("credential-sample.jsonld")
    french = edc_view(document, "fr")
    assert french["title"] == "une sorte de réussite scolaire"
    assert french["issuerName"] == "un nom légal"
    assert french["language"] == "fr"
    assert french["titles"] == {"en": "some kind of learning achievement", "fr": "une sorte de réussite scolaire"}
    assert edc_view(document, "fr-BE")["title"] == "une sorte de réussite scolaire"
    assert edc_view(document, "FR")["language"] == "fr"


def test_other_readers_fall_back_to_the_primary_language() -> None:
    document = load("credential-sample.jsonld")
    german = edc_view(document, "de")
    assert german["title"] == "some kind of learning achievement"
    assert german["language"] == "en"
    document["displayParameter"]["primaryLanguage"]["id"] = (
        "http://publications.europa.eu/resource/authority/language/FRA"
    )
    assert edc_view(document, "de")["title"] == "une sorte de réussite scolaire"


def test_spanish_learning_outcome_with_english_fallback() -> None:
    outcomes = edc_view(load("Sample-MC-Annex1-unsigned.jsonld"), "es")["learningOutcomes"]
    assert outcomes == ["Communication, collaboration and creativity", "Contento digital"]


def test_text_only_in_another_language_is_still_shown() -> None:
    document = load("credential-sample.jsonld")
    document["credentialSubject"]["hasClaim"]["title"] = {"sv": "Svetsning"}
    assert edc_view(document, "pl")["title"] == "Svetsning"


def test_detection() -> None:
    assert is_edc(load("credential-sample.jsonld"))
    assert is_edc(load("AA-Annex1-MC-signed.jsonld"))
    assert is_edc(json.dumps(load("credential-sample.jsonld")))
    assert not is_edc(json.loads((DATA / "examples" / "openbadges" / "basicOpenBadgeCredential.json").read_text()))


# Bad input.


def test_not_an_edc_credential_is_invalid() -> None:
    badge = json.loads((DATA / "examples" / "openbadges" / "basicOpenBadgeCredential.json").read_text())
    report = verify_edc(badge, clock=clock)
    assert report.outcome == "invalid"
    assert report.check("structure").outcome == "failed"
    assert "not a Europass credential" in report.check("structure").message
    assert report.check("proof") is None  # Nothing is said about a seal of something that is not EDC.


@pytest.mark.parametrize("text", ["{broken", '{"a": 1, "a": 2}', "[]", b"\xff\xfe", "", "NaN"])
def test_broken_json_is_invalid_at_parse(text: str | bytes) -> None:
    report = verify_edc(text, clock=clock)
    assert report.outcome == "invalid"
    assert [c.name for c in report.checks] == ["parse"]


def test_xml_is_refused_plainly() -> None:
    report = verify_edc('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><europassCredential/>', clock=clock)
    assert report.check("parse").outcome == "failed"
    assert "XML" in report.check("parse").message


def test_sealed_envelope_with_broken_payload_is_invalid() -> None:
    sealed = load("AA-Annex1-MC-signed.jsonld")
    sealed["payload"] = sealed["payload"][:-10]
    assert verify_edc(sealed, clock=clock).check("parse").outcome == "failed"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("displayParameter",), "has no displayParameter"),
        (("validFrom",), "has no validFrom"),
        (("credentialSubject", "hasClaim"), "has no claim"),
        (("credentialSubject", "hasClaim", "title"), "has no title"),
        (("credentialSubject", "hasClaim", "awardedBy"), "has no awarding body"),
        (("issuer", "legalName"), "issuer has no legalName"),
        (("displayParameter", "title"), "displayParameter has no title"),
        (("type",), "must have type VerifiableCredential"),
    ],
)
def test_missing_required_fields(path: tuple[str, ...], message: str) -> None:
    document = load("credential-sample.jsonld")
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    report = verify_edc(document, clock=clock)
    assert report.outcome == "invalid"
    assert message in report.check("structure").message


def test_expired_credential_is_invalid() -> None:
    report = verify_edc(load("credential-sample.jsonld"), clock=lambda: datetime(2025, 1, 1, tzinfo=UTC))
    assert report.outcome == "invalid"
    assert report.check("validity_period").message == "expired on 2024-09-25T00:00:00Z"


def test_huge_language_map_is_refused_and_still_displayable() -> None:
    document = load("credential-sample.jsonld")
    document["credentialSubject"]["hasClaim"]["title"] = {f"en-x{i}": "t" for i in range(5000)}
    report = verify_edc(document, clock=clock)
    assert report.check("structure").code == "RANGE_ERROR"
    assert f"the limit is {MAX_LANGUAGES}" in report.check("structure").message
    assert edc_view(document, "en")["title"] == "t"  # The view reads it in one pass without failing.


def test_document_over_the_size_limit_is_refused() -> None:
    document = load("credential-sample.jsonld")
    document["credentialSubject"]["hasClaim"]["title"] = {"en": "x" * (3 * 1024 * 1024)}
    report = verify_edc(json.dumps(document), clock=clock)
    assert report.check("parse").code == "RANGE_ERROR"


def test_deeply_nested_document_is_refused() -> None:
    document: dict[str, Any] = copy.deepcopy(load("credential-sample.jsonld"))
    nested: Any = {}
    for _ in range(200):
        nested = {"n": nested}
    document["evidence"] = nested
    assert verify_edc(document, clock=clock).check("parse").code == "RANGE_ERROR"


def test_view_of_sparse_documents_does_not_fail() -> None:
    view = edc_view({"@context": ["http://data.europa.eu/snb/model/context/edc-ap"], "credentialSubject": []})
    assert view["title"] is None
    assert view["learningOutcomes"] == []
    assert "title of the micro-credential" in view["missing"]
