"""Several registries at once: an issuer this installation does not know is looked up in another installation's
registry (through the safe fetcher); an unreachable registry makes the check "could not check"."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from merit.core import trust
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.server import netfetch
from merit.server.portal import services as portal

ROOT = Path(__file__).parents[3]
REMOTE = "https://registry.other-country.example"


@pytest.fixture
def remote(settings: Any, monkeypatch: pytest.MonkeyPatch, db: None) -> dict[str, Any]:
    authority = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    issuer = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    accreditation = sign_credential(
        trust.accreditation_credential(
            credential_id=f"{REMOTE}/accreditations/1",
            authority=authority.controller,
            authority_name="Narodowa Agencja",
            issuer=issuer.controller,
            issuer_name="Szkoła",
            accrediting_body="Narodowa Agencja",
            qa_framework="EQAVET",
            scope=trust.Scope(3, 5, ("07",)),
            valid_from=datetime(2025, 1, 1, tzinfo=UTC),
            valid_until=None,
        ),
        authority,
    )
    state: dict[str, Any] = {"reachable": True, "issuer": issuer, "listed": 0}
    record = {"did": issuer.controller, "accreditations": [{"credentials": [accreditation]}]}

    def fetch(url: str, **options: Any) -> bytes:
        if not state["reachable"]:
            raise netfetch.FetchFailed(f"{url} could not be reached", url)
        if url == f"{REMOTE}/registry/v1/issuers/{issuer.controller}":
            text = json.dumps(record)
            return (
                text.replace('"did": ', '"accreditations": [], "did": ', 1).encode()
                if state.get("twice")
                else text.encode()
            )
        if url.startswith(f"{REMOTE}/registry/v1/issuers?"):
            state["listed"] += 1
            return json.dumps({"items": [{"did": issuer.controller, "name": "Szkoła"}], "pageSize": 500}).encode()
        raise netfetch.FetchFailed(f"{url} answered HTTP 404", url)

    monkeypatch.setattr(netfetch, "fetch", fetch)
    settings.MERIT_TRUST_ANCHORS = authority.controller
    settings.MERIT_TRUST_REGISTRIES = REMOTE
    return state


def credential(issuer: SigningKey) -> dict[str, Any]:
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    return sign_credential(render_credential(spec, Learner(email="a@example.pl"), issuer.controller), issuer)


def test_an_issuer_accredited_in_another_registry_is_recognised(remote: dict[str, Any]) -> None:
    check = portal.verifier().verify_credential(credential(remote["issuer"])).check("accreditation")
    assert check is not None
    assert check.outcome == "passed"
    assert "accredited by Narodowa Agencja for EQF 3–5 in ISCED-F 07" in check.message


def test_an_unreachable_registry_is_could_not_check_never_not_accredited(remote: dict[str, Any]) -> None:
    remote["reachable"] = False
    report = portal.verifier().verify_credential(credential(remote["issuer"]))
    check = report.check("accreditation")
    assert check is not None
    assert check.outcome == "could_not_check"
    assert "could not be reached" in check.message
    assert report.outcome == "could_not_verify"


def test_an_issuer_unknown_everywhere_is_not_accredited(remote: dict[str, Any]) -> None:
    stranger = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    check = portal.verifier().verify_credential(credential(stranger)).check("accreditation")
    assert check is not None
    assert check.outcome == "not_applicable"


def test_a_registry_answer_with_duplicate_keys_is_not_read(remote: dict[str, Any]) -> None:
    remote["twice"] = True  # Two "accreditations" keys: JSON readers disagree on which one wins.
    check = portal.verifier().verify_credential(credential(remote["issuer"])).check("accreditation")
    assert check is not None
    assert check.outcome == "could_not_check"
    assert "gave an answer Merit cannot read" in check.message


def test_a_namesake_of_an_issuer_accredited_in_another_registry_is_flagged(remote: dict[str, Any]) -> None:
    from django.core.cache import cache

    cache.clear()
    stranger = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    document = credential(stranger)
    del document["proof"]
    document["issuer"]["name"] = "  SZKOŁA "  # Case and spacing ignored (ł has no decomposition: it stays).
    report = portal.verifier().verify_credential(sign_credential(document, stranger))
    assert report.check("accreditation").outcome == "not_applicable"  # type: ignore[union-attr]
    check = report.check("issuer_name")
    assert check is not None
    assert check.outcome == "warning"
    assert check.details["namesakes"] == [{"did": remote["issuer"].controller, "name": "Szkoła"}]
    assert report.verified
    # The remote list of names is cached: a second verification does not fetch it again.
    portal.verifier().verify_credential(sign_credential(document, stranger))
    assert remote["listed"] == 1
