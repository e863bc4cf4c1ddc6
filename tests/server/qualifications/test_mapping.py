"""Mapping micro-credentials to units of qualifications (decision 0025): the designer's page (search, map, remove;
another organisation refused; CSRF), the owner's approval (awaiting → approved or refused with a reason; members
read, owners and issuers decide; audited), issuance carrying only approved mappings as alignments, and the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from merit.core.credview import UnitAlignment
from merit.core.jsonld import check_safe_mode
from merit.core.microcredential import Learner, validate_ob3, view_of
from merit.core.microcredential.units import QUALIFICATION, UNIT
from merit.core.qualifications.model import Qualification, Unit
from merit.server.accounts.models import AuditEvent, Membership, Organisation, Role
from merit.server.accounts.services import create_token
from merit.server.issuing import services as issuing
from merit.server.issuing.models import Specification
from merit.server.qualifications import mapping
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.models import Unit as UnitRow
from merit.server.qualifications.models import UnitMapping
from merit.server.registry import services as registry
from merit.server.registry.models import Authority
from tests.server.conftest import Api

ROOT = Path(__file__).parents[3]
ZRK = "https://zrk.example/kwalifikacje/90001"


def member(organisation: Organisation, role: str, name: str, **options: Any) -> Client:
    user = get_user_model().objects.create_user(name, password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client(**options)
    client.force_login(user)
    return client


def _qualification() -> Qualification:
    titles = {"ZE1": "Bezpieczna praca w magazynie", "ZE2": "Obsługa wózka jezdniowego", "ZE3": "Gospodarka"}
    return Qualification(
        iri=ZRK,
        code="90001",
        kind="partial",
        title={"pl": "Obsługa magazynu z wykorzystaniem wózków jezdniowych", "en": "Warehouse operation"},
        language="pl",
        units=tuple(Unit(iri=f"{ZRK}#{c}", code=c, title={"pl": t}) for c, t in titles.items()),
    )


@pytest.fixture
def authority(db: None) -> Authority:
    found = registry.create_authority(slug="zrk", name="Rejestr", country="PL")
    qualifications.save(found.organisation, _qualification(), actor="import")
    return found


@pytest.fixture
def izba(db: None) -> Organisation:
    return issuing.create_organisation(slug="izba", name="Izba Logistyki", country="PL")


@pytest.fixture
def forklift(izba: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "forklift-workplace-validation.json").read_text())
    specification, _report = issuing.save_specification(izba, "forklift", data, actor="t")
    return issuing.publish_specification(specification, actor="t")


def unit(code: str) -> UnitRow:
    return UnitRow.objects.get(iri=f"{ZRK}#{code}")


def test_the_designer_finds_maps_and_removes(authority: Authority, izba: Organisation, forklift: Specification) -> None:
    designer = member(izba, Role.DESIGNER, "designer")
    page = designer.get("/workspace/izba/specifications/forklift/units?q=wozka")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Obsługa wózka jezdniowego" in body
    assert "90001" in body
    assert designer.get("/workspace/izba/specifications/forklift/units?q=nothing-like-it").status_code == 200
    posted = designer.post(
        "/workspace/izba/specifications/forklift/units", {"unit": unit("ZE2").pk, "coverage": "partial", "q": "wozka"}
    )
    assert posted.status_code == 302
    assert posted["Location"].endswith("?q=wozka")
    found = UnitMapping.objects.get()
    assert (found.specification_key, found.coverage, found.state) == ("forklift", "partial", "proposed")
    assert "awaiting approval" in designer.get("/workspace/izba/specifications/forklift/").content.decode()
    bad = designer.post("/workspace/izba/specifications/forklift/units", {"unit": unit("ZE1").pk, "coverage": "most"})
    assert bad.status_code == 400
    assert "The mapping was not saved" in bad.content.decode()
    assert designer.post("/workspace/izba/specifications/forklift/units", {"unit": "x"}).status_code == 400
    removed = designer.post(f"/workspace/izba/specifications/forklift/units/{found.pk}/remove")
    assert removed.status_code == 302
    assert not UnitMapping.objects.exists()
    assert AuditEvent.objects.filter(action="mapping.removed", organisation=izba).exists()


def test_others_are_refused_and_csrf_is_checked(
    authority: Authority, izba: Organisation, college: Organisation, forklift: Specification
) -> None:
    stranger = member(college, Role.OWNER, "stranger")
    assert stranger.get("/workspace/izba/specifications/forklift/units").status_code == 404
    assert stranger.post("/workspace/izba/specifications/forklift/units", {"unit": unit("ZE2").pk}).status_code == 404
    viewer = member(izba, Role.VIEWER, "viewer")
    assert viewer.get("/workspace/izba/specifications/forklift/units").status_code == 404
    designer = member(izba, Role.DESIGNER, "designer")
    assert designer.get("/workspace/izba/specifications/unknown/units").status_code == 404
    mapped = mapping.propose(izba, "forklift", unit("ZE2"), "full", actor="t")
    assert stranger.post(f"/workspace/izba/specifications/forklift/units/{mapped.pk}/remove").status_code == 404
    strict = member(izba, Role.OWNER, "strict", enforce_csrf_checks=True)
    assert strict.post("/workspace/izba/specifications/forklift/units", {"unit": unit("ZE1").pk}).status_code == 403
    assert UnitMapping.objects.count() == 1


def test_the_authority_approves_or_refuses_with_a_reason(
    authority: Authority, izba: Organisation, forklift: Specification
) -> None:
    first = mapping.propose(izba, "forklift", unit("ZE2"), "full", actor="designer")
    second = mapping.propose(izba, "forklift", unit("ZE3"), "partial", actor="designer")
    reader = member(authority.organisation, Role.VIEWER, "reader")
    page = reader.get("/registry/mappings/")
    assert page.status_code == 200
    assert "Izba Logistyki" in page.content.decode()
    assert reader.post(f"/registry/mappings/{first.pk}/decide", {"decision": "approve"}).status_code == 404
    assert member(izba, Role.OWNER, "izba-owner").get("/registry/mappings/").status_code == 404
    decider = member(authority.organisation, Role.ISSUER, "decider")
    unexplained = decider.post(f"/registry/mappings/{second.pk}/decide", {"decision": "refuse", "reason": " "})
    assert unexplained.status_code == 302
    assert UnitMapping.objects.get(pk=second.pk).state == "proposed"
    decider.post(f"/registry/mappings/{first.pk}/decide", {"decision": "approve"})
    decider.post(f"/registry/mappings/{second.pk}/decide", {"decision": "refuse", "reason": "ZE3 needs records"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.decided_by, second.state, second.reason) == (
        "approved",
        "decider",
        "refused",
        "ZE3 needs records",
    )
    assert (
        decider.post(f"/registry/mappings/{first.pk}/decide", {"decision": "refuse", "reason": "x"}).status_code == 302
    )
    assert UnitMapping.objects.get(pk=first.pk).state == "approved", "decided once"
    for organisation in (authority.organisation, izba):
        actions = set(AuditEvent.objects.filter(organisation=organisation).values_list("action", flat=True))
        assert {"mapping.approved", "mapping.refused"} <= actions
    designer = member(izba, Role.DESIGNER, "designer")
    assert "ZE3 needs records" in designer.get("/workspace/izba/specifications/forklift/units").content.decode()
    preview = designer.get("/workspace/izba/specifications/forklift/").content.decode()
    assert preview.count("ext:QualificationUnit") == 1, "the preview carries the approved unit, not the refused one"


def test_approval_follows_the_owner(authority: Authority, izba: Organisation) -> None:
    reader = member(authority.organisation, Role.VIEWER, "reader")
    assert reader.post("/registry/mappings/setting", {"authority": authority.pk, "requires": "no"}).status_code == 404
    decider = member(authority.organisation, Role.OWNER, "decider")
    assert "A mapping counts at once" in decider.get("/registry/mappings/").content.decode()
    decider.post("/registry/mappings/setting", {"authority": authority.pk, "requires": "no"})
    authority.refresh_from_db()
    assert authority.requires_mapping_approval is False
    assert AuditEvent.objects.filter(action="mapping.approval-setting", organisation=authority.organisation).exists()
    assert mapping.propose(izba, "forklift", unit("ZE1"), "full", actor="t").state == "approved"
    institution = issuing.create_organisation(slug="inst", name="Institution", country="PL")
    other = Qualification(
        iri="https://inst.example/q",
        code="Q",
        kind="full",
        title={"en": "Q"},
        language="en",
        units=(Unit(iri="https://inst.example/q#u", code="U", title={"en": "U"}),),
    )
    qualifications.save(institution, other, actor="t")
    theirs = UnitRow.objects.get(iri="https://inst.example/q#u")
    assert mapping.propose(izba, "forklift", theirs, "full", actor="t").state == "proposed"
    assert mapping.propose(institution, "own", theirs, "full", actor="t").state == "approved"
    owner = member(institution, Role.OWNER, "inst-owner")
    waiting = UnitMapping.objects.get(organisation=izba, unit=theirs)
    assert owner.post(f"/registry/mappings/{waiting.pk}/decide", {"decision": "approve"}).status_code == 302
    assert UnitMapping.objects.get(pk=waiting.pk).state == "approved"
    both = member(institution, Role.OWNER, "both")
    Membership.objects.create(user=get_user_model().objects.get(username="both"), organisation=izba, role=Role.OWNER)
    asked = mapping.propose(izba, "other", theirs, "partial", actor="t")
    both.post(f"/registry/mappings/{asked.pk}/decide", {"decision": "approve"})
    assert UnitMapping.objects.get(pk=asked.pk).state == "proposed", "nobody decides about their own organisation"


def test_issued_credentials_carry_only_approved_mappings(
    authority: Authority, izba: Organisation, forklift: Specification
) -> None:
    approved = mapping.propose(izba, "forklift", unit("ZE2"), "full", actor="t")
    mapping.decide(approved, True, reason="", actor="t")
    mapping.propose(izba, "forklift", unit("ZE3"), "partial", actor="t")  # Awaiting approval: not carried.
    record = issuing.issue_from_specification(forklift, Learner(email="jan.kowalski@example.pl"), actor="t")
    credential = record.document
    alignments = credential["credentialSubject"]["achievement"]["alignment"]
    ours = [(a["targetType"], a["targetUrl"]) for a in alignments if a["targetType"] in (UNIT, QUALIFICATION)]
    assert ours == [(UNIT, f"{ZRK}#ZE2"), (QUALIFICATION, ZRK)]
    assert next(a for a in alignments if a["targetType"] == UNIT)["targetName"] == "Obsługa wózka jezdniowego"
    assert validate_ob3(credential) == []
    check_safe_mode(credential)
    assert view_of(credential).units == [UnitAlignment(f"{ZRK}#ZE2", "full", ZRK)]
    assert issuing.verifier().verify_credential(credential).verified
    [batch] = issuing.issue_batch(forklift, [(Learner(email="anna@example.se"), None)], actor="t")
    assert not isinstance(batch, Exception)
    assert view_of(batch.document).units == [UnitAlignment(f"{ZRK}#ZE2", "full", ZRK)]


def test_the_api_maps_lists_removes_and_decides(
    authority: Authority, izba: Organisation, college: Organisation, forklift: Specification, client: Client
) -> None:
    _, design = create_token(izba, "design", ["design", "read"], actor="t")
    _, reader = create_token(izba, "reader", ["read"], actor="t")
    _, strange = create_token(college, "other", ["design", "read"], actor="t")
    _, decides = create_token(authority.organisation, "registry", ["issue", "read"], actor="t")
    api = Api(client, design)
    path = f"/api/v1/specifications/{forklift.pk}/units"
    made = api.post(path, {"unit": f"{ZRK}#ZE2", "coverage": "full"})
    assert made.status_code == 201
    assert made.json()["state"] == "proposed"
    assert api.post(path, {"unit": f"{ZRK}#ZE2"}, token=reader).status_code == 403
    assert api.post(path, {"unit": f"{ZRK}#ZE2"}, token=strange).status_code == 404
    unknown = api.post(path, {"unit": "https://nowhere.example/u"})
    assert unknown.status_code == 422
    assert unknown["Content-Type"].startswith("application/problem+json")
    assert api.post(path, {"unit": f"{ZRK}#ZE1", "coverage": "most"}).status_code in (400, 422)
    assert api.post(path, "{not json").status_code == 400
    assert [m["unit"] for m in api.get(path, token=reader).json()["items"]] == [f"{ZRK}#ZE2"]
    listed = api.get("/registry/v1/unit-mappings?state=proposed", token=decides).json()["items"]
    assert [m["specification"] for m in listed] == ["forklift"]
    assert api.get("/registry/v1/unit-mappings", token=strange).json()["items"] == []
    decision = f"/registry/v1/unit-mappings/{made.json()['id']}/decision"
    assert api.post(decision, {"decision": "approve"}, token=strange).status_code in (403, 404)
    assert api.post(decision, {"decision": "refuse"}, token=decides).status_code == 400
    assert api.post(decision, {"decision": "approve"}, token=decides).json()["state"] == "approved"
    assert api.post(decision, {"decision": "approve"}, token=decides).status_code == 400
    gone = client.delete(f"{path}/{made.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {design}")
    assert gone.status_code == 204
    assert not UnitMapping.objects.exists()
    again = client.delete(f"{path}/{made.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {design}")
    assert again.status_code == 404


def test_portal_and_passport_say_which_units_it_covers(
    authority: Authority, izba: Organisation, forklift: Specification, client: Client
) -> None:
    from merit.server.passport import services as passport

    approved = mapping.propose(izba, "forklift", unit("ZE2"), "partial", actor="t")
    mapping.decide(approved, True, reason="", actor="t")
    record = issuing.issue_from_specification(forklift, Learner(email="jan.kowalski@example.pl"), actor="t")
    page = client.post("/verify/", {"source": "text", "text": record.document_json}).content.decode()
    assert "Covers unit ZE2 Obsługa wózka jezdniowego of qualification 90001 Warehouse operation partly" in page
    jan = get_user_model().objects.create_user("jan", "jan.kowalski@example.pl", "a long and private passphrase")
    added = passport.add_credential(jan, record.document_json.encode(), source="upload")
    client.force_login(jan)
    card = client.get(f"/passport/credentials/{added.held.pk}/").content.decode()
    assert "Covers unit ZE2 Obsługa wózka jezdniowego" in card
    UnitRow.objects.filter(pk=unit("ZE2").pk).delete()  # Not in the catalogue any more: the IRI is shown.
    page = client.post("/verify/", {"source": "text", "text": record.document_json}).content.decode()
    assert f"Covers unit {ZRK}#ZE2 of qualification 90001 Warehouse operation partly" in page


def test_describe_never_trusts_a_unit_of_another_qualification(authority: Authority) -> None:
    said = [UnitAlignment(f"{ZRK}#ZE1", "full", "https://elsewhere.example/q")]
    assert mapping.describe(said, "en") == [
        {
            "unit": f"{ZRK}#ZE1",
            "qualification": "https://elsewhere.example/q",
            "coverage": "full",
            "text": f"covers unit {ZRK}#ZE1 of qualification https://elsewhere.example/q fully",
        }
    ]


def test_the_demo_maps_its_micro_credentials_to_the_imported_qualifications(db: None) -> None:
    from merit.server.demo import create_demo_data

    details = create_demo_data()
    assert "notes" not in details
    found = {(m.specification_key, m.unit.code, m.state) for m in UnitMapping.objects.select_related("unit")}
    assert found == {
        ("forklift-workplace-validation", "ZE2", "approved"),
        ("warehouse-safety", "ZE1", "approved"),
        ("solar-installation-vocational", "S1", "approved"),
    }
    from merit.server.passport.models import HeldCredential

    carried = [view_of(h.document).units for h in HeldCredential.objects.filter(owner__email="jan.kowalski@example.pl")]
    assert [UnitAlignment(f"{ZRK}#ZE1", "full", ZRK)] in carried, "warehouse-safety, issued after its mapping"
    assert carried.count([]) == 3, "the credentials issued before carry none"
