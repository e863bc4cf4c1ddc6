"""Cards re-check status lists of other issuers too: fetched through the safe fetcher, verified, kept for a few
minutes; a list that cannot be fetched makes the card say "could not check", never "valid"."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from merit.core import vc
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.status import StatusList, status_entry, status_list_credential
from merit.server import netfetch
from merit.server.passport.models import CachedStatusList, HeldCredential

LIST_URL = "https://status.other-issuer.example/lists/1"


class OtherIssuer:
    """An issuer on another host: a did:key and a status list it publishes at :data:`LIST_URL`."""

    def __init__(self) -> None:
        self.key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
        self.bits = StatusList()
        self.reachable = True

    def published(self) -> bytes:
        unsigned = status_list_credential(
            LIST_URL, self.key.controller, "revocation", self.bits, vc.stamp(timezone.now())
        )
        return json.dumps(sign_credential(unsigned, self.key)).encode()

    def credential(self, index: int) -> bytes:
        unsigned = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": self.key.controller,
            "validFrom": "2026-01-15T00:00:00Z",
            "credentialSubject": {"id": "did:example:anna"},
            "credentialStatus": status_entry(LIST_URL, index, "revocation"),
        }
        return json.dumps(sign_credential(unsigned, self.key)).encode()

    def fetch(self, url: str, **options: Any) -> bytes:
        if url != LIST_URL or not self.reachable:
            raise netfetch.FetchFailed(f"{url} could not be reached", url)
        return self.published()


@pytest.fixture
def other(monkeypatch: pytest.MonkeyPatch) -> OtherIssuer:
    issuer = OtherIssuer()
    monkeypatch.setattr(netfetch, "fetch", issuer.fetch)
    return issuer


def card_state(client: Client) -> str:
    page = client.get("/passport/").content.decode()
    return page.split('class="badge state-', 1)[1].split('"', 1)[0]


def test_another_issuers_list_is_fetched_verified_and_cached(other: OtherIssuer, anna: tuple[Any, Client]) -> None:
    user, client = anna
    client.post("/passport/import", {"json": other.credential(41).decode()})
    assert HeldCredential.objects.get(owner=user).outcome == "verified"
    assert card_state(client) == "valid"
    other.bits.set(41, True)
    assert card_state(client) == "valid", "the list is reused for a few minutes"
    CachedStatusList.objects.update(fetched_at=timezone.now() - timedelta(minutes=6))
    assert card_state(client) == "revoked"
    CachedStatusList.objects.update(fetched_at=timezone.now() - timedelta(minutes=6))
    other.reachable = False
    assert card_state(client) == "could_not_check"


def test_a_list_signed_by_someone_else_is_not_believed(other: OtherIssuer, anna: tuple[Any, Client]) -> None:
    _user, client = anna
    client.post("/passport/import", {"json": other.credential(7).decode()})
    other.key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    CachedStatusList.objects.all().delete()
    assert card_state(client) == "could_not_check"
