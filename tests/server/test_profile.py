"""The organisation profile: editing, the logo (checked by its bytes, served safely), and signing keys."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from merit.server.accounts.models import AuditEvent, Organisation, Role
from merit.server.issuing import services
from tests.server.people import member_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PROFILE = {"name": "Yrkeshögskolan Norr AB", "country": "FI", "region": "Lappi", "registration_id": "556000-1234"}


def upload(content: bytes, name: str = "logo.png", content_type: str = "image/png") -> Any:
    return SimpleUploadedFile(name, content, content_type)


def test_owner_edits_the_profile(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    page = owner.get("/workspace/college/profile").content.decode()
    for name in ("name", "country", "region", "registration_id", "homepage", "logo"):
        assert f'<label for="id_{name}">' in page
    assert 'value="Yrkeshögskolan Norr"' in page
    assert 'enctype="multipart/form-data"' in page
    saved = owner.post("/workspace/college/profile", {**PROFILE, "homepage": "https://norr.example"})
    assert saved["Location"] == "/workspace/college/profile"
    college.refresh_from_db()
    assert (college.name, college.country, college.region) == ("Yrkeshögskolan Norr AB", "FI", "Lappi")
    assert college.homepage == "https://norr.example"
    event = AuditEvent.objects.get(organisation=college, action="organisation.updated")
    assert set(event.details["fields"]) == {"name", "country", "region", "registration_id", "homepage"}


def test_bad_profile_input_keeps_everything_and_saves_nothing(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    response = owner.post("/workspace/college/profile", {**PROFILE, "country": "Sweden", "homepage": "nope nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="id_country_helptext id_country_error"' in html
    assert "Enter a valid URL." in html
    assert 'value="Yrkeshögskolan Norr AB"' in html
    assert 'value="556000-1234"' in html
    college.refresh_from_db()
    assert college.name == "Yrkeshögskolan Norr"


def test_logo_png_and_jpeg_are_stored_and_served(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    # The type comes from the bytes: a PNG named .jpg is still a PNG.
    owner.post("/workspace/college/profile", {**PROFILE, "logo": upload(PNG, "logo.jpg", "image/jpeg")})
    college.refresh_from_db()
    assert (bytes(college.logo), college.logo_type) == (PNG, "image/png")
    served = Client().get("/orgs/college/logo")
    assert served.status_code == 200
    assert served.content == PNG
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"].startswith("public, max-age=")
    etag = served["ETag"]
    assert Client().get("/orgs/college/logo", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert '<img src="/orgs/college/logo"' in owner.get("/workspace/college/profile").content.decode()

    owner.post("/workspace/college/profile", {**PROFILE, "logo": upload(JPEG, "logo.png")})
    again = Client().get("/orgs/college/logo")
    assert again["Content-Type"] == "image/jpeg"
    assert again["ETag"] != etag
    # Saving without a new file keeps the logo.
    owner.post("/workspace/college/profile", PROFILE)
    assert Client().get("/orgs/college/logo").content == JPEG


def test_svg_large_and_disguised_logos_are_refused(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for content, name, message in [
        (svg, "logo.svg", "must be a PNG or JPEG image"),
        (svg, "logo.png", "must be a PNG or JPEG image"),
        (b"GIF89a" + b"\x00" * 20, "logo.png", "must be a PNG or JPEG image"),
        (PNG + b"\x00" * (512 * 1024), "big.png", "larger than 512 KB"),
    ]:
        response = owner.post("/workspace/college/profile", {**PROFILE, "logo": upload(content, name)})
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert 'aria-describedby="id_logo_helptext id_logo_error"' in html
        assert 'value="Lappi"' in html
    college.refresh_from_db()
    assert (college.logo_type, college.region) == ("", "")
    assert Client().get("/orgs/college/logo").status_code == 404
    assert Client().get("/orgs/nobody/logo").status_code == 404


def test_keys_are_listed_and_rotated(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    first = college.keys.get()
    page = owner.get("/workspace/college/profile").content.decode()
    assert college.did in page
    assert first.fragment in page
    assert "Ed25519" in page
    assert owner.post("/workspace/college/profile/rotate-key", {"algorithm": "RSA"}).status_code == 302
    assert college.keys.count() == 1
    assert owner.post("/workspace/college/profile/rotate-key", {"algorithm": "P-256"}).status_code == 302
    first.refresh_from_db()
    assert first.retired_at is not None
    new = college.keys.get(retired_at__isnull=True)
    assert new.algorithm == "P-256"
    assert services.signing_key(college).verification_method.endswith(new.fragment)
    assert AuditEvent.objects.filter(organisation=college, action="key.created", target=new.fragment).exists()
    listed = owner.get("/workspace/college/profile").content.decode()
    assert first.fragment in listed
    assert new.fragment in listed


def test_organisation_names_are_escaped(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    owner.post("/workspace/college/profile", {**PROFILE, "name": "<script>alert(1)</script>"})
    for path in (
        "/workspace/college/profile",
        "/workspace/college/members",
        "/workspace/college/tokens",
        "/workspace/college/",
    ):
        html = owner.get(path).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
