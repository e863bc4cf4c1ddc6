"""Importing qualifications: the dry run and import pages, the catalogue and detail pages, the API, the CLI; a bad
record or another owner refuses the whole file, and nothing is half-imported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from merit.cli.main import EXIT_USAGE, main
from merit.server.accounts.models import AuditEvent, Organisation, Role
from merit.server.accounts.services import create_token
from merit.server.issuing.services import create_organisation
from merit.server.qualifications import imports
from merit.server.qualifications.demo import import_demo_qualifications
from merit.server.qualifications.models import ImportBatch, Qualification, Unit
from tests.server.people import member_client

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "qualifications"
ZRK = (EXAMPLES / "zrk-90001.json").read_bytes()
CSV = (EXAMPLES / "seqf-solcellsinstallator.csv").read_bytes()
PL = "https://zrk.example/kwalifikacje/90001"
SE = "https://seqf.example/kvalifikationer/solcellsinstallator"
PV = "http://data.europa.eu/esco/skill/18d3f89a-6ac5-4ca6-bf93-0baec4e13bcd"
XXE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><kwalifikacja>&x;</kwalifikacja>'


@pytest.fixture
def registry(db: None) -> Organisation:
    return create_organisation(slug="demo-registry", name="Demo Registry", country="PL")


@pytest.fixture
def other(db: None) -> Organisation:
    return create_organisation(slug="other-body", name="Other Body", country="SE")


def _bad_zrk() -> bytes:
    good = json.loads(ZRK)["results"][0]
    return json.dumps([good, {**good, "kod": "90002", "url": PL + "2", "poziom": 11}]).encode()


def upload(client: Client, slug: str, content: bytes, name: str) -> Any:
    return client.post(
        f"/workspace/{slug}/qualifications/import", {"file": SimpleUploadedFile(name, content)}, follow=False
    )


# --- pages ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_designer_checks_then_imports_and_the_catalogue_finds_it_in_polish(registry: Organisation) -> None:
    client, _user = member_client(registry, Role.DESIGNER)
    response = upload(client, registry.slug, ZRK, "zrk.json")
    assert response.status_code == 302
    check = client.get(response["Location"])
    page = check.content.decode()
    assert "Obsługa magazynu z wykorzystaniem wózków jezdniowych (przykład)" in page  # The register's language.
    assert "Import 1 qualification" in page
    assert not Qualification.objects.exists()  # The dry run saved nothing.
    batch = ImportBatch.objects.get()
    done = client.post(f"/workspace/{registry.slug}/qualifications/import/{batch.key}/apply", follow=True)
    assert "1 qualification imported." in done.content.decode()
    row = Qualification.objects.get(iri=PL)
    assert row.organisation == registry
    assert Unit.objects.filter(qualification=row).count() == 3
    assert AuditEvent.objects.filter(action="qualifications.imported", organisation=registry).exists()
    # Searching in Polish, with or without diacritics, finds it by its title or a unit's title.
    for words in ("wózków jezdniowych", "wozkow", "Gospodarka magazynowa", "90001"):
        found = Client().get("/qualifications/", {"q": words}).content.decode()
        assert f'href="/qualifications/{row.pk}/"' in found, words
    assert f"/qualifications/{row.pk}/" not in Client().get("/qualifications/", {"q": "solcell"}).content.decode()
    # Applying twice imports nothing more.
    again = client.post(f"/workspace/{registry.slug}/qualifications/import/{batch.key}/apply")
    assert again.status_code == 409


@pytest.mark.django_db
def test_a_file_with_a_bad_record_lists_it_and_imports_nothing(registry: Organisation) -> None:
    client, _user = member_client(registry, Role.OWNER)
    check = client.get(upload(client, registry.slug, _bad_zrk(), "bad.json")["Location"])
    page = check.content.decode()
    assert "record 2 (90002)" in page
    assert "unknown PRK level" in page
    assert "Import 1 qualification" not in page
    batch = ImportBatch.objects.get()
    assert client.post(f"/workspace/{registry.slug}/qualifications/import/{batch.key}/apply").status_code == 409
    assert not Qualification.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "words"), [(XXE, "document type declaration"), (b"{not json", "not valid JSON")])
def test_hostile_or_malformed_files_are_refused_with_a_readable_message(
    registry: Organisation, content: bytes, words: str
) -> None:
    client, _user = member_client(registry, Role.OWNER)
    response = upload(client, registry.slug, content, "x.xml")
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_issuers_viewers_and_other_organisations_cannot_import(registry: Organisation, other: Organisation) -> None:
    issuer, _ = member_client(registry, Role.ISSUER)
    assert upload(issuer, registry.slug, ZRK, "zrk.json").status_code == 404
    outsider, _ = member_client(other, Role.OWNER)
    assert upload(outsider, registry.slug, ZRK, "zrk.json").status_code == 404
    anonymous = Client().post(f"/workspace/{registry.slug}/qualifications/import")
    assert anonymous.status_code == 302  # To the sign-in page.
    # Another member of the same organisation cannot apply someone else's dry run.
    owner, _ = member_client(registry, Role.OWNER)
    upload(owner, registry.slug, ZRK, "zrk.json")
    designer, _ = member_client(registry, Role.DESIGNER, "second@demo-registry.example")
    key = ImportBatch.objects.get().key
    assert designer.post(f"/workspace/{registry.slug}/qualifications/import/{key}/apply").status_code == 404
    assert not Qualification.objects.exists()


@pytest.mark.django_db
def test_another_organisation_cannot_change_an_imported_qualification(
    registry: Organisation, other: Organisation
) -> None:
    imports.import_file(registry, ZRK, filename="zrk.json", actor="t")
    batch = imports.check(other, ZRK, filename="zrk.json", actor="t")
    assert batch.errors == [{"record": PL, "message": "another organisation owns this qualification"}]
    with pytest.raises(imports.NotImportable):
        imports.apply(batch, actor="t")
    assert Qualification.objects.get().organisation == registry


@pytest.mark.django_db
def test_a_deleted_user_is_no_longer_named_by_their_imports(registry: Organisation) -> None:
    _client, user = member_client(registry, Role.OWNER)
    imports.check(registry, ZRK, filename="zrk.json", actor=user.get_username())
    user.delete()
    assert ImportBatch.objects.get().created_by == "deleted user"


@pytest.mark.django_db
def test_import_needs_the_csrf_token(registry: Organisation) -> None:
    _client, user = member_client(registry, Role.OWNER)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert upload(strict, registry.slug, ZRK, "zrk.json").status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_detail_page_shows_units_outcomes_rules_level_and_downloads(registry: Organisation) -> None:
    import_demo_qualifications({})
    row = Qualification.objects.get(iri=SE)
    page = Client().get(f"/qualifications/{row.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Solar PV installer (example)", "SeQF Level 5", "EQF level 5", "Roof mounting", "25 credits",
                 "All of: S1 Solar PV technology; S2 Electrical safety", "1 unit of: S3 Roof mounting",
                 "Sizes a solar PV system"):  # fmt: skip
        assert text in page, text
    # The register's texts in another language than the page's are marked with theirs (WCAG 3.1.2).
    assert '<span lang="sv">Skriftligt prov</span>' in page
    assert "Solcellsteknik" not in page  # The unit's title has an English text: that one is shown.
    assert f'<a href="{PV}" rel="noopener">install photovoltaic systems</a>' in page  # ESCO's label.
    elm = Client().get(f"/qualifications/{row.pk}/elm.jsonld")
    assert elm["Content-Type"] == "application/ld+json"
    assert json.loads(elm.content)["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/5"
    loq = Client().get(f"/qualifications/{row.pk}/loq.xml")
    assert loq["Content-Type"] == "application/xml"
    assert b'<EQFLevel uri="http://data.europa.eu/snb/eqf/5"/>' in loq.content
    merit = json.loads(Client().get(f"/qualifications/{row.pk}/qualification.json").content)
    assert merit["id"] == SE
    assert len(merit["units"]) == 4
    swedish = Client().get(f"/qualifications/{row.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Montage på tak" in swedish


@pytest.mark.django_db
def test_catalogue_filters(registry: Organisation) -> None:
    import_demo_qualifications({})
    pl, se = (Qualification.objects.get(iri=i).pk for i in (PL, SE))

    def listed(**params: str) -> set[int]:
        page = Client().get("/qualifications/", params).content.decode()
        return {pk for pk in (pl, se) if f'href="/qualifications/{pk}/"' in page}

    assert listed() == {pl, se}
    assert listed(kind="partial") == {pl}
    assert listed(country="se") == {se}
    assert listed(eqf="3") == {pl}
    assert listed(eqf="99") == {pl, se}  # An impossible level is no filter.
    assert Client().get("/qualifications/999999/").status_code == 404


@pytest.mark.django_db
def test_catalogue_pages_keep_the_search(registry: Organisation) -> None:
    rows = "\n".join(f"urn:q:{n},Kurs {n} & mer,SeQF,4,U,Del" for n in range(30))
    imports.import_file(registry, f"qualification,title_sv,framework,level,unit,unit_title_sv\n{rows}\n".encode(),
                        filename="t.csv", actor="t")  # fmt: skip
    page = Client().get("/qualifications/", {"q": "kurs & mer", "eqf": "4"}).content.decode()
    assert "30 qualifications" in page
    assert 'href="?q=kurs+%26+mer&amp;eqf=4&amp;page=2"' in page


# --- API ------------------------------------------------------------------------------------------------------------


def _token(organisation: Organisation, scopes: list[str]) -> dict[str, str]:
    _, secret = create_token(organisation, "ci", scopes, actor="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client: Client, content: bytes, headers: dict[str, str], query: str = "") -> Any:
    return client.post(f"/api/v1/qualifications/import{query}", {"file": SimpleUploadedFile("f", content)}, **headers)


@pytest.mark.django_db
def test_api_import_dry_run_then_import_list_search_detail_and_export(registry: Organisation) -> None:
    client, headers = Client(), _token(registry, ["design"])
    dry = _post(client, CSV, headers, "?dry_run=true")
    assert dry.status_code == 200
    assert dry.json()["plan"][0]["action"] == "create"
    assert not Qualification.objects.exists()
    done = _post(client, CSV, headers)
    assert done.status_code == 201
    assert [item["id"] for item in done.json()["imported"]] == [SE]
    again = _post(client, CSV, headers, "?dry_run=true")
    assert again.json()["plan"][0]["action"] == "update"
    listing = client.get("/api/v1/qualifications", {"q": "solcellsinstallator"}).json()
    assert listing["count"] == 1
    item = listing["items"][0]
    assert (item["eqfLevel"], item["country"], item["organisation"]) == (5, "SE", "demo-registry")
    pk = Qualification.objects.get().pk
    assert client.get("/api/v1/qualifications", {"iri": SE}).json()["count"] == 1
    assert client.get(f"/api/v1/qualifications/{pk}").json()["rules"][1]["count"] == 1
    elm = client.get(f"/api/v1/qualifications/{pk}/elm")
    assert elm["Content-Type"] == "application/ld+json"
    assert elm.json()["type"] == "Qualification"
    assert client.get(f"/api/v1/qualifications/{pk}/loq").content.startswith(b"<?xml")
    assert client.get("/api/v1/qualifications/999999").status_code == 404


@pytest.mark.django_db
def test_api_import_refusals_are_problem_json(registry: Organisation) -> None:
    client = Client()
    bad = _post(client, _bad_zrk(), _token(registry, ["design"]))
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["record"] == "record 2 (90002)"
    assert not Qualification.objects.exists()
    hostile = _post(client, XXE, _token(registry, ["design"]))
    assert hostile.status_code == 422
    assert "document type declaration" in hostile.json()["detail"]
    assert _post(client, ZRK, {}).status_code == 401
    assert _post(client, ZRK, _token(registry, ["read"])).status_code == 403
    assert not Qualification.objects.exists()


# --- demo and CLI ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_imports_both_fixed_qualifications(registry: Organisation) -> None:
    details: dict[str, Any] = {}
    import_demo_qualifications(details)
    assert details["qualifications"] == [PL, SE]
    pl = Qualification.objects.get(iri=PL)
    assert (pl.kind, pl.eqf_level, pl.code, pl.title["en"]) == (
        "partial", 3, "90001", "Warehouse operation with forklift trucks (example)"
    )  # fmt: skip
    assert [u.iri for u in pl.units.all()] == [f"{PL}#ZE1", f"{PL}#ZE2", f"{PL}#ZE3"]
    se = Qualification.objects.get(iri=SE)
    assert [(u.code, u.credits) for u in se.units.all()] == [("S1", 25), ("S2", 15), ("S3", 20), ("S4", 40)]


@pytest.mark.django_db(transaction=True)
def test_cli_imports_a_file(registry: Organisation, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["qualifications", "import", str(EXAMPLES / "seqf-solcellsinstallator.csv"),
                 "--organisation", "demo-registry"]) == 0  # fmt: skip
    assert "1 qualification(s) imported" in capsys.readouterr().out
    assert Qualification.objects.filter(iri=SE).exists()
    assert main(["qualifications", "import", str(EXAMPLES / "README.md"), "--organisation", "nobody"]) == EXIT_USAGE
    # A file that is not a table of qualifications imports nothing and fails.
    assert main(["qualifications", "import", str(EXAMPLES / "README.md"), "--organisation", "demo-registry"]) == 1
    assert Qualification.objects.count() == 1
