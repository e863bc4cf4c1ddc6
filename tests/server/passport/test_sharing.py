"""Share links (public, expiring, revocable, re-verified live), signed presentations and LinkedIn."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from merit.core.jwt import sign_jwt
from merit.core.keys import KeyPair, SigningKey
from merit.core.present import sign_presentation
from merit.server.issuing import services
from merit.server.issuing.models import Specification
from merit.server.passport import services as passport
from merit.server.passport.models import HeldCredential, Share
from merit.server.portal.services import verify_document
from tests.core.verify.conftest import ob3_unsigned
from tests.server.passport.conftest import issue_to, learner_client


def claimed(specification: Specification, client: Client, user: Any, email: str = "anna@example.se") -> HeldCredential:
    record, token = issue_to(specification, email)
    client.post(f"/claim/{token}/passport")
    held = HeldCredential.objects.get(owner=user, credential_id=record.credential_id)
    return held


def share_token(page: str) -> str:
    return page.split("https://merit.test/s/", 1)[1].split('"', 1)[0]


def test_a_share_is_verified_live_then_revoked(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    page = client.post("/passport/shares", {"credential": [held.pk], "days": "30", "label": "Job at Solel AB"})
    token = share_token(page.content.decode())
    visitor = Client()
    shared = visitor.get(f"/s/{token}")
    assert shared.status_code == 200
    text = shared.content.decode()
    assert "Installing photovoltaic systems" in text
    assert "Verified: the credential is authentic and valid." in text
    services.set_status(solar.organisation, held.credential_id, "revoked", reason="fraud", actor="test")
    assert "✗</span> Revoked" in visitor.get(f"/s/{token}").content.decode()
    client.post(f"/passport/shares/{Share.objects.get(owner=user).pk}/revoke")
    assert visitor.get(f"/s/{token}").status_code == 410
    assert visitor.get("/s/not-a-real-token").status_code == 404


def test_an_expired_share_is_gone(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    token = share_token(client.post("/passport/shares", {"credential": [held.pk], "days": "7"}).content.decode())
    Share.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(f"/s/{token}").status_code == 410


def test_shares_hold_only_the_learners_own_credentials(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    _bo, stranger = learner_client("bo@example.se")
    response = stranger.post("/passport/shares", {"credential": [held.pk], "days": "30"})
    assert "Choose at least one credential" in response.content.decode()
    assert not Share.objects.exists()
    client.post("/passport/shares", {"credential": [held.pk], "days": "30"})
    assert stranger.post(f"/passport/shares/{Share.objects.get().pk}/revoke").status_code == 404
    assert Share.objects.get().revoked_at is None
    assert client.post("/passport/shares", {"credential": [held.pk], "days": "3"}).status_code == 200
    assert Share.objects.count() == 1, "only the offered lifetimes"


def test_a_signed_presentation_answers_the_verifiers_challenge(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    response = client.post(
        "/passport/presentation", {"credential": [held.pk], "challenge": "c-123", "domain": "jobs.example"}
    )
    assert response["Content-Type"] == "application/vp+ld+json"
    document = json.loads(response.content)
    assert document["holder"].startswith("did:key:z6Mk")
    assert document["verifiableCredential"] == [held.document]
    # A proof set by the holder key: authentication (Merit, the VC-API) and assertionMethod (verifier-core), both
    # bound to the challenge and domain (decision 0012).
    proofs = document["proof"]
    assert [p["proofPurpose"] for p in proofs] == ["authentication", "assertionMethod"]
    assert {(p["verificationMethod"].partition("#")[0], p["challenge"], p["domain"]) for p in proofs} == {
        (document["holder"], "c-123", "jobs.example")
    }
    verifier = services.verifier()
    assert verifier.verify_presentation(document, challenge="c-123", domain="jobs.example").verified
    wrong = verifier.verify_presentation(document, challenge="other", domain="jobs.example")
    assert wrong.outcome == "invalid"
    assert wrong.check("challenge_and_domain").outcome == "failed"
    again = json.loads(client.post("/passport/presentation", {"credential": [held.pk]}).content)
    assert again["holder"] == document["holder"], "one holder key per learner, kept"


def test_linkedin_gets_the_credential_and_a_public_verification_page(
    solar: Specification, anna: tuple[Any, Client]
) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    response = client.post(f"/passport/credentials/{held.pk}/linkedin")
    url = urlparse(response["Location"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://www.linkedin.com/profile/add"
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == held.title
    assert query["organizationName"] == "Yrkeshögskolan Norr"
    assert query["issueYear"] == str(held.issued_at.year)
    assert query["certId"] == held.credential_id
    assert Client().get(query["certUrl"].removeprefix("https://merit.test")).status_code == 200


def test_jwt_credentials_are_presented_enveloped_and_verified_inside(
    solar: Specification, anna: tuple[Any, Client]
) -> None:
    """A passport with a Data Integrity credential, a VC-JOSE credential and an Open Badges 3.0 JWT makes one
    presentation: the JWTs go in as EnvelopedVerifiableCredentials holding the kept tokens byte for byte
    (application/vc+jwt, application/jwt), and Merit's one way in verifies each credential inside."""
    user, client = anna
    ours = claimed(solar, client, user)
    key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    tokens = {"vc-jose": sign_jwt(ob3_unsigned(key.controller), key, form="vc-jose")}
    tokens["ob3-jwt"] = sign_jwt(ob3_unsigned(key.controller) | {"id": "urn:uuid:ob3-jwt"}, key)
    for name, token in tokens.items():
        client.post("/passport/import", {"file": SimpleUploadedFile(f"{name}.jwt", token.encode(), "application/jwt")})
    held = {h.format: h for h in HeldCredential.objects.filter(owner=user)}
    assert set(held) == {"vc", "vc-jose", "ob3-jwt"}
    page = client.get("/passport/presentation").content.decode()
    assert all(f'value="{h.pk}"' in page for h in held.values()), "every W3C credential can be chosen"
    chosen = [ours.pk, held["vc-jose"].pk, held["ob3-jwt"].pk]
    response = client.post("/passport/presentation", {"credential": chosen, "challenge": "c-7", "domain": "hr.example"})
    document = json.loads(response.content)
    entries = {str(e.get("id")).partition(",")[0]: e for e in document["verifiableCredential"]}
    assert entries["data:application/vc+jwt"]["id"] == f"data:application/vc+jwt,{tokens['vc-jose']}"
    assert entries["data:application/jwt"]["id"] == f"data:application/jwt,{tokens['ob3-jwt']}"
    assert all(entries[k]["type"] == "EnvelopedVerifiableCredential" for k in entries if k.startswith("data:"))
    assert ours.document in document["verifiableCredential"]
    fmt, report = verify_document(document, challenge="c-7", domain="hr.example")
    assert (fmt, report.outcome) == ("vp", "verified"), report.reason
    forms = sorted(r.check("proof").message.split(" (")[1].split(" ")[0] for r in report.credentials)
    assert forms == ["JWT", "VC-JOSE", "eddsa-rdfc-2022"]
    assert all(r.outcome == "verified" for r in report.credentials)
    # A changed token: the holder's proof no longer matches, and the credential inside fails on its own (the
    # presentation signed again as it is, by the same holder key).
    head, _body, signature = tokens["ob3-jwt"].split(".")
    other = sign_jwt(ob3_unsigned(key.controller) | {"name": "Not what was issued"}, key).split(".")[1]
    forged = copy.deepcopy(document)
    for entry in forged["verifiableCredential"]:
        if entry.get("id", "").startswith("data:application/jwt,"):
            entry["id"] = f"data:application/jwt,{head}.{other}.{signature}"
    changed = verify_document(forged, challenge="c-7", domain="hr.example")[1]
    assert changed.outcome == "invalid"
    assert changed.check("proof").outcome == "failed"
    del forged["proof"]
    holder = passport.holder_key(user)
    resigned = sign_presentation(forged, holder, challenge="c-7", domain="hr.example")
    report = verify_document(resigned, challenge="c-7", domain="hr.example")[1]
    assert report.outcome == "invalid"
    assert report.check("proof").outcome == "passed"
    assert report.check("credentials").outcome == "failed"
    assert [r.outcome for r in report.credentials].count("invalid") == 1
