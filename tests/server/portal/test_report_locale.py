"""The verification report for every reader: dates in the reader's locale, rows computed from a tampered
credential's content shown as "not checked", core errors and warnings in the reader's language, and text in another
language than the page's marked with ``lang``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from merit.core.verify import Check, VerificationReport
from merit.core.verify.report import PARSE, PROOF, STATUS, STRUCTURE, VALIDITY
from merit.server.accounts.models import Organisation
from merit.server.portal import corewords
from merit.server.portal.report import describe, plain
from tests.server.portal.support import micro_credential, paste, plain_credential, tampered
from tests.server.portal.test_portal import rows

pytestmark = pytest.mark.django_db
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _main(page: Any) -> str:
    html = page.content.decode()
    return html.split('<section class="verification"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_tampered_credential_shows_its_content_rows_as_not_checked(
    client: Client, college: Organisation, language: str
) -> None:
    page = paste(client, tampered(micro_credential(college)), language=language)
    found = rows(page)
    assert found["signature"] == "invalid"
    for key in ("status", "validity", "completeness"):
        assert found[key] == "unchecked", key
    assert [key for key, state in found.items() if state == "verified"] == ["format"]  # The bytes are well-formed.
    html = _main(page)
    reason = {
        "en": "The signature did not verify, so this content cannot be trusted.",
        "sv": "Signaturen kunde inte verifieras, så innehållet går inte att lita på.",
    }[language]
    assert html.count(reason) == 3
    assert html.count("✓") == 1  # Only "format and schema"; never status, validity or the EU elements.


def test_an_untampered_credential_keeps_its_rows(client: Client, college: Organisation) -> None:
    found = rows(paste(client, micro_credential(college)))
    assert found["status"] == found["validity"] == found["completeness"] == "verified"


def test_the_accreditation_row_of_a_tampered_credential_is_not_checked() -> None:
    checks = [
        Check(PARSE, "passed", "well-formed JSON object"),
        Check(PROOF, "failed", "the signature does not match the signed data", "PROOF_VERIFICATION_ERROR"),
        Check("accreditation", "passed", "accredited", details={"issuerName": "X", "accreditingBody": "Y"}),
        Check(STATUS, "passed", "not revoked or suspended"),
    ]
    with translation.override("en"):
        shown = describe(VerificationReport("credential", checks), {})
    states = {row["key"]: row["state"] for row in shown["rows"]}
    assert states["accreditation"] == states["status"] == "unchecked"
    assert states["signature"] == "invalid"
    assert shown["issuer"] is None  # No "Authentic" line either.


@pytest.mark.parametrize(
    ("language", "expired", "checked"),
    [("en", "It expired on 30 June 2021.", "December"), ("sv", "Det upphörde att gälla 30 juni 2021.", "december")],
)
def test_dates_are_in_the_readers_locale(
    client: Client, college: Organisation, language: str, expired: str, checked: str
) -> None:
    document = plain_credential(college, validFrom="2020-01-01T00:00:00Z", validUntil="2021-06-30T00:00:00Z")
    page = paste(client, document, language=language)
    html = _main(page)
    assert expired in html
    when = re.search(r'<p class="checked-at">(.*?)</p>', html, re.S)
    assert when
    assert checked in when.group(1)
    assert not ISO.search(when.group(1))
    visible = re.sub(r"<details>.*?</details>", "", html, flags=re.S)  # The technical detail keeps the core's text.
    visible = re.sub(r"<code>.*?</code>", "", visible, flags=re.S)
    assert not ISO.search(visible), ISO.findall(visible)


def test_the_issued_date_of_the_content_is_localised(client: Client, college: Organisation) -> None:
    page = paste(client, micro_credential(college), language="sv")
    issued = re.search(r"<dt>Utfärdat den</dt><dd>(.*?)</dd>", page.content.decode())
    assert issued
    assert not ISO.search(issued.group(1))
    assert re.search(r"\d{4}", issued.group(1))


def test_core_error_messages_are_composed_in_the_readers_language() -> None:
    english = "credentialSubject must be an object or a list of objects"
    check = Check(STRUCTURE, "failed", english, "MALFORMED_VALUE_ERROR")
    with translation.override("sv"):
        said = plain(check)
        unknown = plain(Check(VALIDITY, "could_not_check", "something odd", "SOMETHING_NEW"))
    assert english not in said
    assert "credentialSubject" not in said
    assert said == (
        "Det är inte ett välformat W3C-verifierbart intyg: ett värde har inte den form som dess specifikation kräver."
    )
    assert "something odd" not in unknown
    assert unknown.startswith("Kunde inte kontrolleras")


def test_core_warnings_are_said_in_the_readers_language() -> None:
    with translation.override("sv"):
        said = corewords.warning_text(
            "the credential has no credentialSchema, which the EDC profile requires of issued credentials"
        )
        old = corewords.warning_text("the credential uses the older VC Data Model 1.1")
        general = corewords.warning_text("a warning no one has seen before")
    assert "credentialSchema" in said
    assert "EDC profile" not in said
    assert said.startswith("Det saknar")
    assert old == "Det använder den äldre VC Data Model 1.1."
    assert "no one" not in general
    assert not corewords.known("a warning no one has seen before")


def test_fetch_failures_are_said_in_the_readers_language() -> None:
    with translation.override("sv"):
        assert corewords.fetch_failure("https://x.example/c answered HTTP 404") == "webbplatsen svarade HTTP 404"
        assert "x.example" in corewords.fetch_failure("could not connect to x.example")
        assert corewords.fetch_failure("whatever") == "webbplatsen gick inte att nå"


def test_the_technical_detail_is_marked_english(client: Client, college: Organisation) -> None:
    html = _main(paste(client, micro_credential(college), language="sv"))
    assert '<ul lang="en"><li><code>' in html


def test_english_content_on_a_swedish_page_carries_lang_en(client: Client, college: Organisation) -> None:
    document = micro_credential(college)
    # The example specification has Swedish and English titles; a Polish reader gets the English ones.
    html = _main(paste(client, document, language="pl"))
    assert re.search(r'<dd lang="en">Installing photovoltaic systems</dd>', html)
    assert re.search(r'<li lang="en">Install and commission', html)
    assert re.search(r'<li lang="en"><a href="http://data.europa.eu/esco/skill/', html)
    swedish = _main(paste(client, document, language="sv"))
    assert "<dd>Installation av solcellsanläggningar</dd>" in swedish  # In the page's language: no attribute.


def test_the_accreditation_sentence_names_every_kind_of_credential_in_the_readers_language() -> None:
    from merit.server.portal.accreditation import scope_text

    scope = {
        "eqfMin": 3,
        "eqfMax": 5,
        "credentialTypes": ["micro-credential", "unit-of-qualification", "qualification"],
    }
    with translation.override("sv"):
        said = scope_text(scope)
    assert said == "EQF-nivåerna 3–5, mikromeriter, delar av kvalifikationer, kvalifikationer"
    assert "qualification" not in said


@pytest.mark.parametrize(("language", "workload"), [("en", "7.5 ECTS credits"), ("sv", "7,5 ECTS-poäng")])
def test_numbers_are_written_as_the_reader_writes_them(
    client: Client, college: Organisation, language: str, workload: str
) -> None:
    assert workload in paste(client, micro_credential(college), language=language).content.decode()
