"""Purpose links: a credential's PDF and its LinkedIn entry each use one share link, made once, shown to the learner
and revocable; LinkedIn gets the issuer's LinkedIn organisation id when its profile has one."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.test import Client
from pypdf import PdfReader

from merit.server.issuing.models import Specification
from merit.server.passport.models import Share
from tests.server.passport.test_sharing import claimed


def _linkedin(client: Client, pk: int) -> dict[str, str]:
    response = client.post(f"/passport/credentials/{pk}/linkedin")
    return {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}


def _pdf_link(client: Client, pk: int) -> str:
    """The link the PDF names (its text says it beside the QR code)."""
    content = client.get(f"/passport/credentials/{pk}/credential.pdf").content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\n", "")
    return "https://merit.test/s/" + text.split("https://merit.test/s/", 1)[1][:32]


def test_pdfs_and_linkedin_reuse_one_link_each(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    first, second = _pdf_link(client, held.pk), _pdf_link(client, held.pk)
    assert first == second
    assert Share.objects.filter(owner=user, purpose="pdf").count() == 1
    one, two = _linkedin(client, held.pk), _linkedin(client, held.pk)
    assert one["certUrl"] == two["certUrl"] != first[:32]
    assert Share.objects.filter(owner=user, purpose="linkedin").count() == 1
    assert Share.objects.filter(owner=user).count() == 2
    page = client.get("/passport/shares").content.decode()
    assert page.count('data-purpose="pdf"') == 1
    assert page.count('data-purpose="linkedin"') == 1
    assert f'href="{one["certUrl"]}"' in page, "the learner sees the link LinkedIn shows"


def test_a_revoked_purpose_link_is_replaced_by_a_new_one(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    before = _linkedin(client, held.pk)["certUrl"]
    share = Share.objects.get(owner=user, purpose="linkedin")
    client.post(f"/passport/shares/{share.pk}/revoke")
    assert Client().get(before.removeprefix("https://merit.test")).status_code == 410
    after = _linkedin(client, held.pk)["certUrl"]
    assert after != before
    assert Client().get(after.removeprefix("https://merit.test")).status_code == 200


def test_linkedin_gets_the_issuers_organisation_id(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    assert "organizationId" not in _linkedin(client, held.pk)
    solar.organisation.linkedin_id = "4711042"
    solar.organisation.save()
    query = _linkedin(client, held.pk)
    assert query["organizationId"] == "4711042"
    assert "organizationName" not in query


def test_another_learner_cannot_reuse_or_see_the_links(solar: Specification, anna: tuple[Any, Client]) -> None:
    from tests.server.passport.conftest import learner_client

    user, client = anna
    held = claimed(solar, client, user)
    _linkedin(client, held.pk)
    _bo, stranger = learner_client("bo@example.se")
    assert stranger.post(f"/passport/credentials/{held.pk}/linkedin").status_code == 404
    assert "data-purpose" not in stranger.get("/passport/shares").content.decode()


def test_the_owner_gives_the_linkedin_id_in_the_profile(college: Any) -> None:
    from merit.server.accounts.models import Role
    from tests.server.people import member_client

    owner, _ = member_client(college, Role.OWNER)
    profile = {"name": college.name, "country": "SE"}
    assert 'id="id_linkedin_id"' in owner.get("/workspace/college/profile").content.decode()
    refused = owner.post("/workspace/college/profile", {**profile, "linkedin_id": "linkedin.com/company/x"})
    assert refused.status_code == 400
    assert "Enter the number only" in refused.content.decode()
    assert owner.post("/workspace/college/profile", {**profile, "linkedin_id": "4711042"}).status_code == 302
    college.refresh_from_db()
    assert college.linkedin_id == "4711042"
