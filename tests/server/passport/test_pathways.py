"""A learner's progress toward qualifications in the passport: only their own, valid credentials from an issuer
accredited for the qualification count, every other one says why; the pages, the API and the data export."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from merit.core import trust
from merit.core.qualifications.model import Qualification, Rule, Unit
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing import services as issuing
from merit.server.issuing.models import Specification
from merit.server.passport import demo_pathways, pathways, yourdata
from merit.server.passport import services as passport
from merit.server.passport.models import HeldCredential
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.models import Following, UnitMapping
from merit.server.qualifications.models import Qualification as Row
from merit.server.registry import services as registry
from merit.server.registry.models import Accreditation
from tests.server.passport.conftest import issue_to, learner_client, specification_of

pytestmark = pytest.mark.django_db
IRI = "https://seqf.example/kvalifikationer/solcellsinstallator"


def units(**options: Any) -> tuple[Unit, ...]:
    names = {"S1": "Solcellsteknik", "S2": "Elsäkerhet", "S3": "Montage på tak", "S4": "Lärande i arbete"}
    credits = {"S1": 25, "S2": 15, "S3": 20, "S4": 40}
    return tuple(
        Unit(f"{IRI}#{code}", code, {"sv": name}, credits=credits[code], **options.get(code, {}))
        for code, name in names.items()
    )


def save_qualification(owner: Organisation, **options: Any) -> Row:
    rules = (Rule("all", units=(f"{IRI}#S1", f"{IRI}#S2")), Rule("choose", units=(f"{IRI}#S3", f"{IRI}#S4"), count=1))
    q = Qualification(
        iri=IRI,
        code="SE-SOL-5",
        kind="full",
        title={"sv": "Solcellsinstallatör (exempel)", "en": "Solar PV installer (example)"},
        language="sv",
        eqf_level=5,
        units=units(**options.pop("unit_options", {})),
        rules=rules,
        **options,
    )
    return qualifications.save(owner, q, actor="test")


def map_to(specification: Specification, *codes: str, state: str = "approved") -> None:
    row = Row.objects.get(iri=IRI)
    for code in codes:
        UnitMapping.objects.create(
            organisation=specification.organisation,
            specification_key=specification.key,
            unit=row.units.get(code=code),
            state=state,
            requested_by="test",
        )


def accredit(organisation: Organisation, *, names: bool = True) -> Accreditation:
    agency = registry.create_authority(slug="agency", name="Myndigheten för yrkeshögskolan", country="SE")
    reviewer = get_user_model().objects.create_user("reviewer", password="a long and private passphrase")
    Membership.objects.create(user=reviewer, organisation=agency.organisation, role=Role.OWNER)
    application = registry.apply(
        organisation,
        agency,
        scope=trust.Scope(eqf_min=4, eqf_max=6, isced_fields=("0713",)),
        qa_framework="EQAVET",
        accrediting_body="Myndigheten för yrkeshögskolan",
        actor="owner",
        evidence=[("report.pdf", "application/pdf", b"%PDF-1.7 evidence")],
    )
    accreditation = registry.approve(application, user=reviewer)
    if names:
        Accreditation.objects.filter(pk=accreditation.pk).update(qualifications=[IRI])
    return accreditation


def hold(user: Any, specification: Specification, email: str | None = None) -> HeldCredential:
    record, _token = issue_to(specification, email or user.email)
    added = passport.add_credential(user, record.document_json.encode("utf-8"), source="claim")
    assert added.held is not None
    return added.held


@pytest.fixture
def setting(college: Organisation, employer: Organisation, solar: Specification, anna: Any) -> dict[str, Any]:
    """The Swedish qualification (imported by ``employer``, standing in for the registry), the college's solar
    micro-credential mapped to S1 and the college accredited for the qualification; Anna holds one."""
    row = save_qualification(employer)
    map_to(solar, "S1")
    accredit(college)
    user, client = anna
    held = hold(user, solar)
    return {"row": row, "user": user, "client": client, "held": held, "solar": solar}


def reasons(standing: pathways.Standing) -> set[tuple[int, str, str | None]]:
    return {(held.pk, reason, unit) for held, reason, unit in standing.excluded}


def states(standing: pathways.Standing) -> dict[str, str]:
    return {s.unit.code: s.state for s in standing.progress.units}


def test_a_held_credential_keeps_what_it_covers(setting: dict[str, Any]) -> None:
    held = HeldCredential.objects.get(pk=setting["held"].pk)
    assert held.specification == "college/solar"
    assert held.supervision == "supervised-with-id"
    assert "practical-assessment" in held.assessment


def test_an_accredited_issuers_credential_counts(setting: dict[str, Any]) -> None:
    (standing,) = pathways.overview(setting["user"])
    assert standing.row.iri == IRI
    assert not standing.followed
    assert states(standing) == {"S1": "done", "S2": "missing", "S3": "missing", "S4": "missing"}
    assert (standing.done, standing.missing, standing.progress.complete) == (1, 3, False)
    assert standing.excluded == []


def test_without_an_accreditation_naming_the_qualification_nothing_counts(
    college: Organisation, employer: Organisation, solar: Specification, anna: Any
) -> None:
    save_qualification(employer)
    map_to(solar, "S1")
    accredit(college, names=False)
    held = hold(anna[0], solar)
    (standing,) = pathways.overview(anna[0])
    assert reasons(standing) == {(held.pk, "not-accredited", None)}
    assert states(standing)["S1"] == "missing"


def test_a_mapping_awaiting_approval_covers_nothing(
    college: Organisation, employer: Organisation, solar: Specification, anna: Any
) -> None:
    save_qualification(employer)
    map_to(solar, "S1", state="proposed")
    accredit(college)
    hold(anna[0], solar)
    assert pathways.overview(anna[0]) == []


@pytest.mark.parametrize("change", ["revoked", "suspended"])
def test_a_revoked_or_suspended_credential_does_not_count(setting: dict[str, Any], change: str) -> None:
    held = setting["held"]
    issuing.set_status(setting["solar"].organisation, held.credential_id, change, reason="test", actor="test")
    standing = pathways.detail(setting["user"], setting["row"].pk)
    assert standing is not None
    assert reasons(standing) == {(held.pk, change, None)}
    assert states(standing)["S1"] == "missing"


def test_someone_elses_credential_does_not_count(setting: dict[str, Any]) -> None:
    user, solar = setting["user"], setting["solar"]
    theirs = hold(user, solar, email="omar@example.se")
    assert theirs.subject_match == "no"
    standing = pathways.detail(user, setting["row"].pk)
    assert standing is not None
    assert reasons(standing) == {(theirs.pk, "not-yours", None)}
    assert states(standing)["S1"] == "done"


def test_a_qualification_only_someone_elses_credential_covers_is_not_listed(
    college: Organisation, employer: Organisation, solar: Specification, anna: Any
) -> None:
    save_qualification(employer)
    map_to(solar, "S1")
    accredit(college)
    hold(anna[0], solar, email="omar@example.se")
    assert pathways.overview(anna[0]) == []


def test_two_copies_of_one_credential_count_once(setting: dict[str, Any]) -> None:
    user, held = setting["user"], setting["held"]
    again = json.dumps(json.loads(bytes(held.original)), indent=2).encode("utf-8")  # Other bytes, same credential.
    copy = passport.add_credential(user, again, source="import").held
    assert copy is not None
    assert copy.pk != held.pk
    standing = pathways.detail(user, setting["row"].pk)
    assert standing is not None
    assert reasons(standing) == {(copy.pk, "duplicate", None)}
    assert standing.progress.rules[0].have == 1


def test_one_credential_mapped_to_two_units_of_one_rule_counts_for_one(setting: dict[str, Any]) -> None:
    map_to(setting["solar"], "S2")
    standing = pathways.detail(setting["user"], setting["row"].pk)
    assert standing is not None
    assert (standing.progress.rules[0].have, standing.progress.rules[0].need) == (1.0, 2.0)
    assert sorted(states(standing).values()) == ["done", "missing", "missing", "missing"]
    assert reasons(standing) == {(setting["held"].pk, "used", f"{IRI}#S2")}


def test_a_credential_outside_the_validity_window_does_not_count(setting: dict[str, Any]) -> None:
    Row.objects.filter(pk=setting["row"].pk).update(validity_months=12)
    HeldCredential.objects.filter(pk=setting["held"].pk).update(issued_at=timezone.now() - timedelta(days=800))
    standing = pathways.detail(setting["user"], setting["row"].pk)
    assert standing is not None
    assert reasons(standing) == {(setting["held"].pk, "outside-window", None)}


def test_a_less_supervised_credential_does_not_count_where_supervision_is_required(
    college: Organisation, employer: Organisation, anna: Any
) -> None:
    save_qualification(employer, unit_options={"S1": {"min_supervision": "supervised-with-id"}})
    spec = specification_of(college, "solar-installation-vocational", "solar-online")
    data = dict(spec.data, supervision="unsupervised-with-id")
    draft, _ = issuing.save_specification(college, "solar-online", data, actor="test")
    weak = issuing.publish_specification(draft, actor="test")
    map_to(weak, "S1")
    accredit(college)
    held = hold(anna[0], weak)
    assert held.supervision == "unsupervised-with-id"
    (standing,) = pathways.overview(anna[0])
    assert reasons(standing) == {(held.pk, "supervision", f"{IRI}#S1")}


def test_fillers_are_the_published_micro_credentials_mapped_to_missing_units(
    setting: dict[str, Any], college: Organisation
) -> None:
    roof = specification_of(college, "solar-installation-vocational", "roof")
    map_to(roof, "S3")
    standing = pathways.detail(setting["user"], setting["row"].pk)
    assert standing is not None
    (filler,) = standing.fillers[f"{IRI}#S3"]
    assert (filler.issuer, filler.counts) == ("Yrkeshögskolan Norr", True)
    assert f"{IRI}#S1" not in standing.fillers


# Pages.


def test_the_pages_show_progress_a_chart_and_its_table(setting: dict[str, Any]) -> None:
    client, row = setting["client"], setting["row"]
    overview = client.get("/passport/pathways/").content.decode()
    assert f'data-qualification="{row.pk}"' in overview
    assert "1 of 4" in overview
    page = client.get(f"/passport/pathways/{row.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<figure id="pathway-chart">' in html
    assert 'role="img"' in html
    assert '<table id="units">' in html
    assert html.count('data-state="done"') == 2  # One box in the chart, one row in the table.
    assert "All of these units: you have 1 of 2" in html
    assert "1 of these units: you have 0" in html
    assert "style=" not in html
    assert '<td lang="sv">S2 Elsäkerhet' in html  # Swedish unit titles on an English page say so.


def test_an_excluded_credential_says_why_on_the_page(setting: dict[str, Any]) -> None:
    issuing.set_status(
        setting["solar"].organisation, setting["held"].credential_id, "revoked", reason="test", actor="test"
    )
    html = setting["client"].get(f"/passport/pathways/{setting['row'].pk}/").content.decode()
    assert 'data-reason="revoked"' in html
    assert "it has been revoked" in html


def test_the_reasons_are_in_the_readers_language(setting: dict[str, Any]) -> None:
    issuing.set_status(
        setting["solar"].organisation, setting["held"].credential_id, "revoked", reason="test", actor="test"
    )
    client = setting["client"]
    client.post("/language", {"language": "sv", "next": "/passport/"})
    html = client.get(f"/passport/pathways/{setting['row'].pk}/").content.decode()
    assert 'data-reason="revoked"' in html
    assert "it has been revoked" not in html


def test_follow_asks_first_then_follows_and_unfollows(setting: dict[str, Any]) -> None:
    client, row, user = setting["client"], setting["row"], setting["user"]
    page = client.get(f"/passport/pathways/{row.pk}/follow")
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content
    assert not Following.objects.filter(user=user).exists()
    assert client.post(f"/passport/pathways/{row.pk}/follow").status_code == 302
    assert Following.objects.filter(user=user, qualification=row).count() == 1
    client.post(f"/passport/pathways/{row.pk}/follow")
    assert Following.objects.filter(user=user).count() == 1
    assert client.get(f"/passport/pathways/{row.pk}/unfollow").status_code == 200
    client.post(f"/passport/pathways/{row.pk}/unfollow")
    assert not Following.objects.filter(user=user).exists()
    assert client.get("/passport/pathways/999999/follow").status_code == 404


def test_a_followed_qualification_is_listed_before_any_credential_counts(employer: Organisation, anna: Any) -> None:
    row = save_qualification(employer)
    user, client = anna
    client.post(f"/passport/pathways/{row.pk}/follow")
    (standing,) = pathways.overview(user)
    assert standing.followed
    assert standing.done == 0
    assert "0 of 4" in client.get("/passport/pathways/").content.decode()


def test_following_needs_the_csrf_token(setting: dict[str, Any]) -> None:
    user, row = setting["user"], setting["row"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(f"/passport/pathways/{row.pk}/follow").status_code == 403
    assert not Following.objects.filter(user=user).exists()


def test_the_search_finds_qualifications_to_follow(setting: dict[str, Any]) -> None:
    html = setting["client"].get("/passport/pathways/", {"q": "elsakerhet"}).content.decode()
    assert '<ul id="found">' in html
    assert f"/passport/pathways/{setting['row'].pk}/follow" in html
    html = setting["client"].get("/passport/pathways/", {"q": "nothing like it"}).content.decode()
    assert "No qualification matches." in html


def test_another_learner_never_sees_anna_s_progress(setting: dict[str, Any]) -> None:
    _bob, client = learner_client("bob@example.se")
    assert b"data-qualification" not in client.get("/passport/pathways/").content
    html = client.get(f"/passport/pathways/{setting['row'].pk}/").content.decode()
    assert 'data-state="done"' not in html
    assert f"/passport/credentials/{setting['held'].pk}/" not in html
    assert Client().get("/passport/pathways/").status_code == 302


# API.


def test_the_api_gives_progress_with_reason_codes(setting: dict[str, Any]) -> None:
    client, row = setting["client"], setting["row"]
    issuing.set_status(
        setting["solar"].organisation, setting["held"].credential_id, "suspended", reason="test", actor="test"
    )
    listing = client.get("/api/v1/passport/pathways").json()
    assert [p["qualification"] for p in listing["pathways"]] == [IRI]
    detail = client.get(f"/api/v1/passport/pathways/{row.pk}").json()
    assert [u["state"] for u in detail["units"]] == ["missing"] * 4
    assert detail["excluded"] == [
        {"credential": {"id": setting["held"].pk, "title": setting["held"].title}, "unit": None, "reason": "suspended"}
    ]
    assert [(r["kind"], r["have"], r["need"]) for r in detail["rules"]] == [("all", 0, 2), ("choose", 0, 1)]
    missing = client.get("/api/v1/passport/pathways/999999")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"


def test_the_api_needs_a_signed_in_learner(setting: dict[str, Any]) -> None:
    answer = Client().get("/api/v1/passport/pathways")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert "sign in first" in answer.json()["detail"]


# The learner's data.


def test_followed_qualifications_are_exported_and_deleted_with_the_account(setting: dict[str, Any]) -> None:
    user, row = setting["user"], setting["row"]
    pathways.follow(user, row)
    archive = zipfile.ZipFile(io.BytesIO(yourdata.export(user)))
    summary = json.loads(archive.read("summary.json"))
    assert [f["qualification"] for f in summary["followedQualifications"]] == [IRI]
    yourdata.delete_account(user)
    assert not Following.objects.exists()


def test_in_the_demo_jan_follows_the_polish_qualification(employer: Organisation) -> None:
    assert demo_pathways.create() is False  # Neither Jan nor the qualification yet.
    jan, _client = learner_client(demo_pathways.LEARNER)
    polish = Qualification(
        iri=demo_pathways.QUALIFICATION,
        code="90001",
        kind="partial",
        title={"pl": "Obsługa magazynu z wykorzystaniem wózków jezdniowych (przykład)"},
        language="pl",
        units=tuple(Unit(f"{demo_pathways.QUALIFICATION}#ZE{n}", f"ZE{n}", {"pl": f"ZE{n}"}) for n in (1, 2, 3)),
    )
    row = qualifications.save(employer, polish, actor="test")
    assert demo_pathways.create() is True
    (standing,) = pathways.overview(jan)
    assert standing.row == row
    assert standing.followed


def test_the_migration_fills_what_cards_kept_before_cover(setting: dict[str, Any]) -> None:
    from importlib import import_module

    from django.apps import apps

    fill = import_module("merit.server.passport.migrations.0005_pathway_units").fill
    HeldCredential.objects.update(units=[], specification="", assessment=[], supervision="")
    fill(apps, None)
    held = HeldCredential.objects.get(pk=setting["held"].pk)
    assert (held.specification, held.supervision) == ("college/solar", "supervised-with-id")
    assert "practical-assessment" in held.assessment


def test_the_units_a_credential_from_elsewhere_states_are_kept() -> None:
    from merit.core.keys import KeyPair, SigningKey
    from merit.core.microcredential import Learner, parse_spec, render_credential
    from merit.core.microcredential.units import UnitCover
    from merit.core.microcredential.view import view_of
    from tests.server.passport.conftest import ROOT

    row = save_qualification(issuing.create_organisation(slug="registry", name="Registry", country="SE"))
    key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    covers = [
        UnitCover(unit=f"{IRI}#S2", unit_name="Elsäkerhet", qualification=row.iri, qualification_name="Q"),
        UnitCover(
            unit=f"{IRI}#S3", unit_name="Montage", qualification=row.iri, qualification_name="Q", coverage="partial"
        ),
    ]
    document = render_credential(spec, Learner(email="anna@example.se"), key.controller, units=covers)
    found = pathways.stored_fields(document, view_of(document))
    assert found["units"] == [
        {"unit": f"{IRI}#S2", "coverage": "full", "qualification": row.iri},
        {"unit": f"{IRI}#S3", "coverage": "partial", "qualification": row.iri},
    ]
    assert found["specification"] == ""


def test_a_credential_from_an_issuer_elsewhere_says_it_is_not_accredited(employer: Organisation, anna: Any) -> None:
    from merit.core.issue import sign_credential
    from merit.core.keys import KeyPair, SigningKey
    from merit.core.microcredential import Learner, parse_spec, render_credential
    from merit.core.microcredential.units import UnitCover
    from tests.server.passport.conftest import ROOT

    save_qualification(employer)
    key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    covers = [UnitCover(unit=f"{IRI}#S1", unit_name="Solcellsteknik", qualification=IRI, qualification_name="Q")]
    unsigned = render_credential(spec, Learner(email="anna@example.se", name="Anna"), key.controller, units=covers)
    content = json.dumps(sign_credential(unsigned, key)).encode("utf-8")
    held = passport.add_credential(anna[0], content, source="import").held
    assert held is not None
    assert held.units == [{"unit": f"{IRI}#S1", "coverage": "full", "qualification": IRI}]
    (standing,) = pathways.overview(anna[0])
    assert reasons(standing) == {(held.pk, "not-accredited", None)}
