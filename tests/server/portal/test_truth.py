"""Verification tells the truth: authentic is not accredited. A credential its issuer's accreditation does not cover
verifies with a plain "not covered"; an unaccredited issuer named like an accredited organisation is flagged; the
accreditation line is composed in the reader's language."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from merit.core import trust
from merit.core.issue import sign_credential
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing import services as issuing
from merit.server.registry import services as registry
from merit.server.registry.models import Accreditation
from tests.server.conftest import Api
from tests.server.portal.support import micro_credential, outside_key, paste
from tests.server.portal.test_portal import rows

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).parents[3]
AGENCY = "Myndigheten för yrkeshögskolan"


def accredit(organisation: Organisation, scope: trust.Scope | None = None) -> Accreditation:
    """``organisation`` accredited by the agency (this installation's authority, so a trust anchor)."""
    agency = registry.create_authority(slug="agency", name=AGENCY, country="SE")
    reviewer = get_user_model().objects.create_user("reviewer", password="a long and private passphrase")
    Membership.objects.create(user=reviewer, organisation=agency.organisation, role=Role.OWNER)
    application = registry.apply(
        organisation,
        agency,
        scope=scope or trust.Scope(eqf_min=4, eqf_max=6, isced_fields=("0713",)),
        qa_framework="EQAVET",
        accrediting_body=AGENCY,
        actor="owner",
        evidence=[("report.pdf", "application/pdf", b"%PDF-1.7 evidence")],
    )
    return registry.approve(application, user=reviewer)


def plain_words(html: str) -> str:
    """The page without its "Technical detail" sections, which quote the checks' own (English) messages."""
    return re.sub(r"<details>.*?</details>", "", html, flags=re.S)


def generic_vc(organisation: Organisation, **fields: Any) -> dict[str, Any]:
    """An unsigned plain VC like those the W3C suites send to /credentials/issue."""
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": organisation.did,
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    document.update(fields)
    return document


def eqf7_credential(organisation: Organisation) -> dict[str, Any]:
    """A micro-credential at EQF 7, outside an EQF 4–6 scope, signed by ``organisation`` through the VC-API path
    (which signs what it is given; only issuing from a specification is held to the registry's scope)."""
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    spec = parse_spec({**data, "eqfLevel": 7})
    unsigned = render_credential(spec, Learner(email="anna@example.se", name="Anna"), organisation.did)
    return issuing.issue_credential(organisation, unsigned, actor="test").document


def test_the_vc_api_issues_and_verifies_a_generic_vc_of_an_accredited_organisation(
    college_api: Api, college: Organisation
) -> None:
    accredit(college)
    issued = college_api.post("/credentials/issue", {"credential": generic_vc(college)})
    assert issued.status_code == 201, issued.content
    answer = college_api.post("/credentials/verify", {"verifiableCredential": issued.json()["verifiableCredential"]})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["verified"] is True
    assert body["errors"] == []
    check = next(c for c in body["report"]["checks"] if c["name"] == "accreditation")
    assert check["outcome"] == "warning"
    assert check["code"] == "ACCREDITATION_SCOPE_MISMATCH"
    assert check["details"]["covered"] is False
    assert check["details"]["gaps"][0] == {"rule": "eqf", "value": None}
    assert any(w.startswith(f"accreditation: {trust.NOT_COVERED}") for w in body["warnings"])


def test_an_unaccredited_issuer_without_valid_from_is_verified_not_could_not_check(
    college_api: Api, college: Organisation
) -> None:
    issued = college_api.post("/credentials/issue", {"credential": generic_vc(college)})
    body = college_api.post(
        "/credentials/verify", {"verifiableCredential": issued.json()["verifiableCredential"]}
    ).json()
    assert body["verified"] is True, body
    check = next(c for c in body["report"]["checks"] if c["name"] == "accreditation")
    assert (check["outcome"], check["message"]) == ("not_applicable", "issuer not accredited")


def test_an_out_of_scope_micro_credential_verifies_and_says_plainly_it_is_not_covered_in_swedish(
    client: Client, college: Organisation
) -> None:
    accredit(college)
    page = paste(client, json.dumps(eqf7_credential(college), ensure_ascii=False), "sv")
    html = page.content.decode()
    assert rows(page)["accreditation"] == "warning"
    assert rows(page)["signature"] == "verified"
    assert "Verifierat, med en varning: intyget är äkta och giltigt, men läs varningen." in html
    assert (
        "Omfattas inte: utfärdaren är ackrediterad av Myndigheten för yrkeshögskolan för EQF-nivåerna 4–6, "
        "ISCED-F-område 0713, men inte för det här intyget: dess EQF-nivå 7 ligger utanför de ackrediterade nivåerna."
        in html
    )
    assert "Äkta: signerat med nyckeln för did:web:" in html
    for english in ("accredited by", "outside the accredited", "Issued by", "does not cover"):
        assert english not in plain_words(html), english


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "en",
            "Accredited: Issued by Yrkeshögskolan Norr, accredited by Myndigheten för yrkeshögskolan for EQF "
            "levels 4–6, ISCED-F field 0713 from ",
        ),
        (
            "sv",
            "Ackrediterad: Utfärdat av Yrkeshögskolan Norr, som är ackrediterad av Myndigheten för yrkeshögskolan för "
            "EQF-nivåerna 4–6, ISCED-F-område 0713 från ",
        ),
        (
            "pl",
            "Akredytowany: Wydane przez Yrkeshögskolan Norr, z akredytacją Myndigheten för yrkeshögskolan "
            "dla poziomów EQF 4–6, dziedziny ISCED-F 0713 od ",
        ),
    ],
)
def test_the_accreditation_line_is_composed_in_the_readers_language(
    client: Client, college: Organisation, language: str, sentence: str
) -> None:
    accredit(college)
    page = paste(client, json.dumps(micro_credential(college), ensure_ascii=False), language)
    html = page.content.decode()
    assert rows(page)["accreditation"] == "verified"
    assert sentence in html
    if language != "en":
        readable = plain_words(html)
        assert "Issued by" not in readable
        assert "accredited by" not in readable


def test_an_unaccredited_namesake_of_an_accredited_organisation_is_flagged(
    client: Client, college: Organisation
) -> None:
    accredit(college)
    impostor = issuing.create_organisation(slug="impostor", name="YRKESHOGSKOLAN  norr", country="SE")
    page = paste(client, json.dumps(micro_credential(impostor), ensure_ascii=False))
    html = page.content.decode()
    assert "Authentic and valid, but beware: the issuer is not the accredited organisation its name suggests." in html
    assert "Verified: the credential is authentic and valid." not in html
    assert 'data-alert="issuer-name"' in html
    assert "Warning about the issuer's name" in html
    assert "the name of an accredited organisation, but it is another issuer" in html
    assert college.did in html
    assert rows(page)["issuer"] == "warning"
    assert rows(page)["accreditation"] == "na"
    assert "The name is the issuer&#x27;s own claim: no accreditation confirms it." in html
    # The college itself gets no such warning, and its name is confirmed by its accreditation.
    own = paste(client, json.dumps(micro_credential(college), ensure_ascii=False)).content.decode()
    assert 'data-alert="issuer-name"' not in own
    assert "Verified: the credential is authentic and valid." in own
    assert "no accreditation confirms it" not in own


def test_an_outside_did_key_issuer_using_an_accredited_name_is_flagged_by_the_vc_api(
    client: Client, college: Organisation
) -> None:
    accredit(college)
    key = outside_key()
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    unsigned = render_credential(spec, Learner(email="anna@example.se"), key.controller)
    unsigned["issuer"]["name"] = "Yrkesho\u0308gskolan Norr"  # Decomposed ö: the same name to a reader.
    credential = sign_credential(unsigned, key)
    body = client.post(
        "/credentials/verify", json.dumps({"verifiableCredential": credential}), content_type="application/json"
    ).json()
    assert body["verified"] is True
    check = next(c for c in body["report"]["checks"] if c["name"] == "issuer_name")
    assert (check["outcome"], check["code"]) == ("warning", "ISSUER_NAME_OF_ACCREDITED_ORGANISATION")
    assert check["details"]["namesakes"] == [{"did": college.did, "name": "Yrkeshögskolan Norr"}]
    assert any(w.startswith("issuer_name: ") for w in body["warnings"])


def test_a_receipt_records_the_warning(client: Client, college: Organisation) -> None:
    accredit(college)
    page = paste(client, json.dumps(eqf7_credential(college), ensure_ascii=False))
    receipt_url = page.content.decode().split('href="/verify/receipt/', 1)[1].split('"', 1)[0]
    receipt = json.loads(client.get(f"/verify/receipt/{receipt_url}").content)
    assert receipt["outcome"] == "verified"
    check = next(c for c in receipt["checks"] if c["name"] == "accreditation")
    assert (check["outcome"], check["code"]) == ("warning", "ACCREDITATION_SCOPE_MISMATCH")


def test_an_undeclared_open_badges_schema_deviation_is_a_named_warning_on_the_page(client: Client) -> None:
    key = outside_key()
    vector = ROOT / "tests" / "data" / "vectors" / "1edtech" / "obv3p0" / "credential-unsigned.json"
    unsigned = json.loads(vector.read_text())
    unsigned["issuer"]["id"] = key.controller
    unsigned["credentialSubject"]["achievement"]["achievementType"] = "Masterpiece"
    page = paste(client, json.dumps(sign_credential(unsigned, key)), "fi")
    html = page.content.decode()
    assert rows(page)["format"] == "warning"
    assert "Todennettu, varoituksin: todistus on aito ja voimassa, mutta lue varoitus." in html
    assert (
        "Se ei noudata Open Badges 3.0 -skeemaa, mutta ei myöskään ilmoita noudattavansa sitä, joten tämä ei ole "
        "virhe: credentialSubject.achievement.achievementType." in html
    )


def test_a_format_without_a_key_signature_gets_no_authentic_line() -> None:
    from merit.core.verify import Check, VerificationReport
    from merit.server.portal.report import describe

    hosted = VerificationReport("credential", [Check("issuer", "passed", "issued by A (https://a.example) for 'B'")])
    assert describe(hosted, {})["issuer"] is None
    signed = VerificationReport(
        "credential",
        [Check("issuer", "passed", "signed by the issuer did:example:a", details={"signedBy": "did:example:a"})],
    )
    with translation.override("en"):
        assert describe(signed, {})["issuer"]["authentic"] == "Authentic: signed with the key of did:example:a."


def test_the_open_badges_2_issuer_row_names_the_issuer_not_the_badge() -> None:
    """Regression: the row read the last word of the check's message, "Signed by its issuer, Printmaster'."."""
    from merit.core.openbadges2 import verify_assertion
    from merit.server.portal.report import describe

    example = json.loads((ROOT / "tests" / "data" / "ob2" / "spec-concepts-example.json").read_text())
    report = verify_assertion(example, fetch_json=lambda url: {example["id"]: example}[url])
    assert report.outcome == "verified", report.reason
    with translation.override("en"):
        row = next(r for r in describe(report, None)["rows"] if r["key"] == "issuer")
    assert row["message"] == (
        "Issued by Example Maker Society (https://example.org/issuer), which hosts it on its own site; "
        "the name is its own claim."
    )
    with translation.override("en"):
        row = next(r for r in describe(report, None)["rows"] if r["key"] == "format")
    assert row["message"] == "A well-formed Open Badges 2.0 assertion.", "not a W3C credential"
    with translation.override("sv"):
        row = next(r for r in describe(report, None)["rows"] if r["key"] == "issuer")
    assert "Example Maker Society (https://example.org/issuer)" in row["message"]
    assert row["message"].startswith("Utfärdat av")


def test_a_signed_open_badges_2_issuer_row_names_its_issuer() -> None:
    from merit.core.verify import Check, VerificationReport
    from merit.server.portal.report import describe, plain

    details = {"issuedBy": "https://a.example/issuer", "issuerName": "A School", "verification": "signed"}
    check = Check("issuer", "passed", "issued by A School (https://a.example/issuer) for 'Welding'", None, details)
    with translation.override("en"):
        assert plain(check) == "Signed by its issuer, A School (https://a.example/issuer); the name is its own claim."
    # No DID's key signed it: no "Authentic" line, as before.
    assert describe(VerificationReport("credential", [check]), {})["issuer"] is None


def test_the_content_panel_of_an_open_badges_2_assertion_shows_the_badge() -> None:
    """Regression: the panel read every document as an Open Badges 3.0 credential, so an OB 2.0 badge showed none
    of what it says; now the format's own reader (the one way in) fills it."""
    from merit.core.openbadges2 import verify_assertion
    from merit.server.portal.report import describe

    example = json.loads((ROOT / "tests" / "data" / "ob2" / "spec-concepts-example.json").read_text())
    report = verify_assertion(example, fetch_json=lambda url: {example["id"]: example}[url])
    with translation.override("en"):
        shown = describe(report, example, "ob2")["content"]
    assert shown["title"] == "3-D Printmaster"
    assert shown["issuer"] == "Example Maker Society"
    assert shown["description"].startswith("This badge is awarded for passing the 3-D printing knowledge")
