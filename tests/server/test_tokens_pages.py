"""The API tokens page: create with scopes, the secret shown once, the list, revocation."""

from __future__ import annotations

import logging
from typing import Any

from django.test import Client

from merit.server.accounts.models import ApiToken, AuditEvent, Organisation, Role
from tests.server.people import member_client


def test_create_a_token_shows_the_secret_once_and_it_works(college: Organisation, caplog: Any) -> None:
    owner, _ = member_client(college, Role.OWNER)
    page = owner.get("/workspace/college/tokens").content.decode()
    assert '<label for="id_name">' in page
    assert "<legend>Scopes</legend>" in page
    for n in range(4):
        assert f'<label for="id_scopes_{n}">' in page
    with caplog.at_level(logging.DEBUG):
        created = owner.post("/workspace/college/tokens", {"name": "Student records", "scopes": ["read", "issue"]})
    assert created.status_code == 201
    assert created["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(organisation=college)
    assert (token.name, token.scopes) == ("Student records", ["issue", "read"])
    html = created.content.decode()
    secret = html.split('id="secret" value="', 1)[1].split('"', 1)[0]
    assert secret.startswith(f"mrt_{token.prefix}_")
    assert "shown only this once" in html
    assert secret not in caplog.text
    assert all(secret.split("_", 2)[2] not in str(e.details) for e in AuditEvent.objects.all())

    again = owner.get("/workspace/college/tokens").content.decode()
    assert secret not in again
    assert secret.split("_", 2)[2] not in again
    assert f"mrt_{token.prefix}_…" in again
    assert "issue, read" in again

    api = Client().get("/api/v1/credentials", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200
    listed = owner.get("/workspace/college/tokens").content.decode()
    assert "never" not in listed.split("Student records", 1)[1].split("</tr>", 1)[0]


def test_revoke_a_token(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    created = owner.post("/workspace/college/tokens", {"name": "ci", "scopes": ["read"]}).content.decode()
    secret = created.split('id="secret" value="', 1)[1].split('"', 1)[0]
    token = ApiToken.objects.get(organisation=college)
    assert owner.get(f"/workspace/college/tokens/{token.pk}/revoke").status_code == 405
    assert owner.post(f"/workspace/college/tokens/{token.pk}/revoke")["Location"] == "/workspace/college/tokens"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/credentials", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert AuditEvent.objects.filter(organisation=college, action="token.revoked", target="ci").exists()
    # Revoked tokens are listed with the time, without a revoke button.
    assert f"/workspace/college/tokens/{token.pk}/revoke" not in owner.get("/workspace/college/tokens").content.decode()
    assert owner.post(f"/workspace/college/tokens/{token.pk}/revoke").status_code == 404


def test_token_form_errors_keep_the_input(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    no_scope = owner.post("/workspace/college/tokens", {"name": "Nightly export"})
    assert no_scope.status_code == 400
    html = no_scope.content.decode()
    assert "Choose at least one scope." in html
    assert 'aria-describedby="scopes_error"' in html
    assert 'value="Nightly export"' in html
    no_name = owner.post("/workspace/college/tokens", {"name": "", "scopes": ["status"]}).content.decode()
    assert 'aria-describedby="id_name_helptext id_name_error"' in no_name
    assert 'value="status" id="id_scopes_2" checked' in no_name
    unknown = owner.post("/workspace/college/tokens", {"name": "x", "scopes": ["admin"]})
    assert unknown.status_code == 400
    assert ApiToken.objects.filter(organisation=college).count() == 0


def test_token_names_are_escaped(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    created = owner.post("/workspace/college/tokens", {"name": "<script>alert(1)</script>", "scopes": ["read"]})
    for html in (created.content.decode(), owner.get("/workspace/college/tokens").content.decode()):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
