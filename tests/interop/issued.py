"""Every kind of credential Merit issues, made the way a user makes it, and what each independent verifier says.

The CLI kinds go through ``merit keygen``, ``merit sign`` and ``merit issue`` (:func:`merit.cli.main.main`); the
others through the core functions the server calls. :func:`verdict` reduces each verifier's own answer to
accepted or not, with its message.
"""

from __future__ import annotations

import copy
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from merit.cli.main import main
from merit.core.issue import sign_credential
from merit.core.keys import SigningKey
from merit.core.status import StatusList, status_list_credential
from merit.core.trust import Scope, accreditation_credential, trust_list
from tests.interop.conftest import DigitalBazaar, Driver, OpenBadgesLib, VerifierCore

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
VERIFIERS = ["dcc", "openbadgeslib", "dbstack"]


def merit(*args: str) -> Any:
    """Run the ``merit`` command in this process and return what it printed, as JSON."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def keygen(folder: Path) -> tuple[Path, str]:
    """A new did:key (``merit keygen``): the key file and the DID."""
    path = folder / f"key-{len(list(folder.glob('key-*.json')))}.json"
    return path, merit("keygen", "--out", str(path))["did"]


def plain_open_badge(issuer: str, **extra: Any) -> dict[str, Any]:
    """An Open Badges 3.0 credential with only the VC 2.0 and Open Badges 3.0 contexts, unsigned."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6f1d3c2a-8b4e-4f5a-9c6d-7e8f9a0b1c2d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Skellefteå yrkeshögskola"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Truckkort A+B",
        "credentialSubject": {
            "id": "did:example:anna",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.se/achievements/truckkort",
                "type": ["Achievement"],
                "name": "Truckkort A+B",
                "description": "Säker körning av motviktstruck.",
                "criteria": {"narrative": "Teoriprov och praktiskt prov."},
            },
        },
        **extra,
    }


def signed_file(folder: Path, key: Path, document: dict[str, Any]) -> dict[str, Any]:
    """``merit sign`` of ``document``."""
    path = folder / "unsigned.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return dict(merit("sign", "--key", str(key), str(path)))


def issued(key: Path, spec: Path, *extra: str) -> dict[str, Any]:
    """``merit issue`` of a specification to a learner."""
    return dict(
        merit("issue", str(spec), "--learner", "anna@example.se", "--name", "Anna Ångström", "--key", str(key), *extra)
    )


def status_list(url: str, key: SigningKey, revoked: tuple[int, ...] = ()) -> dict[str, Any]:
    """A signed revocation list (Bitstring Status List) with ``revoked`` set, as the server publishes one."""
    bits = StatusList()
    for index in revoked:
        bits.set(index)
    return sign_credential(status_list_credential(url, key.controller, "revocation", bits, "2026-01-01T00:00:00Z"), key)


def accreditation(authority: SigningKey, issuer: str) -> dict[str, Any]:
    """A signed accreditation credential (merit.core.trust.render)."""
    unsigned = accreditation_credential(
        credential_id="urn:uuid:0b6f3c1e-5d7a-4a8e-9f10-2c3d4e5f6a7b",
        authority=authority.controller,
        authority_name="Myndigheten för yrkeshögskolan",
        issuer=issuer,
        issuer_name="Skellefteå kommun",
        accrediting_body="the national agency for vocational education",
        qa_framework="EQAVET",
        scope=Scope(3, 5, ("07",), ("micro-credential",), ("SE",)),
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        valid_until=datetime(2030, 12, 31, tzinfo=UTC),
    )
    return sign_credential(unsigned, authority)


def signed_trust_list(authority: SigningKey, accreditations: list[dict[str, Any]]) -> dict[str, Any]:
    """A signed trust list of ``accreditations`` (merit.core.trust.render)."""
    unsigned = trust_list(
        list_id="https://trust.example/lists/se",
        authority=authority.controller,
        authority_name="Myndigheten för yrkeshögskolan",
        accreditations=accreditations,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return sign_credential(unsigned, authority)


def tampered(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its name changed after signing."""
    forged = copy.deepcopy(document)
    forged["name"] = "Forged"
    return forged


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    message: str
    answer: dict[str, Any]


def _verifier_core_message(result: dict[str, Any]) -> str:
    """verifier-core's error messages (texts, or objects for a presentation's), then the steps not valid."""
    errors = result.get("errors") or result.get("presentationResult", {}).get("errors") or []
    messages = [
        m if isinstance(m, str) else json.dumps(m, ensure_ascii=False) for m in (e.get("message") for e in errors)
    ]
    failed = [step["id"] for step in result.get("log", []) if step.get("valid") is not True]
    return "; ".join(messages + failed)


def verdict(
    driver: Driver,
    document: dict[str, Any],
    *,
    challenge: str | None = None,
    domain: str | None = None,
    documents: dict[str, Any] | None = None,
) -> Verdict:
    """What ``driver`` says of ``document``, each verifier called as it ships.

    verifier-core and openbadgeslib fetch status lists and did:web documents themselves (from
    :class:`~tests.interop.conftest.Loopback`; openbadgeslib's downloader with its loopback options); the Digital
    Bazaar stack has no fetching loader and is handed them as ``documents`` (DID or URL to document). openbadgeslib
    reads status bits with ``verify_status_list=False``: it can verify a status list's own proof only when the list
    is a JWT-VC (test_openbadgeslib_verifies_only_jwt_status_lists_by_default); the list's Data Integrity proof is
    verified on its own (test_status_list_credential).
    """
    presentation = "VerifiablePresentation" in document.get("type", [])
    if isinstance(driver, VerifierCore):
        if presentation:
            result = driver.verify_presentation(document, challenge)
            credentials = result.get("credentialResults", [])
            signed = result.get("presentationResult", {}).get("signature") == "valid"
            accepted = signed and all(driver.accepted(c) for c in credentials)
            messages = [_verifier_core_message(result)] + [_verifier_core_message(c) for c in credentials]
            return Verdict(accepted, "; ".join(m for m in messages if m), result)
        result = driver.verify_credential(document)
        return Verdict(driver.accepted(result), _verifier_core_message(result), result)
    if isinstance(driver, OpenBadgesLib):
        result = driver.verify(
            document, checkStatus="credentialStatus" in document, verifyStatusList=False, loopback=True
        )
        errors = [result["error"]] + [c["error"] for c in result.get("credentials", [])]
        return Verdict(result["verified"], "; ".join(e for e in errors if e), result)
    assert isinstance(driver, DigitalBazaar)
    options = {key: value for key, value in (("challenge", challenge), ("domain", domain)) if value is not None}
    result = driver.verify(document, documents=documents or {}, **options)
    revoked = any(status["status"] for status in result["statuses"])
    return Verdict(result["verified"] and not revoked, result["error"] or ("revoked" if revoked else ""), result)
