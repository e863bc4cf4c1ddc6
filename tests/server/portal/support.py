"""Credentials for the portal's tests: issued by an organisation of this installation, or by outside issuers
(``did:key``) signed with ``merit.core``."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner
from merit.core.status import StatusList, status_entry, status_list_credential
from merit.server.accounts.models import Organisation
from merit.server.issuing import services
from merit.server.issuing.models import Specification

ROOT = Path(__file__).parents[3]


def specification(organisation: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


def micro_credential(organisation: Organisation, **options: Any) -> dict[str, Any]:
    """A signed Open Badges 3.0 micro-credential (one revocation entry) from ``organisation``."""
    found = Specification.objects.filter(organisation=organisation, key="solar").first()
    spec = found or specification(organisation)
    learner = Learner(email="anna@example.se", name="Anna Svensson")
    return services.issue_from_specification(spec, learner, actor="test", grade="VG", **options).document


def plain_credential(organisation: Organisation, **fields: Any) -> dict[str, Any]:
    """A signed plain VC 2.0 credential (revocation and suspension entries) from ``organisation``."""
    document = json.loads((ROOT / "tests" / "data" / "vectors" / "w3c-vc-di-eddsa" / "unsigned.json").read_text())
    del document["issuer"]
    document["id"] = f"urn:uuid:{uuid.uuid4()}"
    document.update(fields)
    return services.issue_credential(organisation, document, actor="test").document


def outside_key() -> SigningKey:
    return SigningKey.for_did_key(KeyPair.generate())


def outside_credential(key: SigningKey, status_url: str | None = None, **fields: Any) -> dict[str, Any]:
    """A plain VC 2.0 credential signed by an outside ``did:key`` issuer, with a status entry at ``status_url``."""
    document = json.loads((ROOT / "tests" / "data" / "vectors" / "w3c-vc-di-eddsa" / "unsigned.json").read_text())
    document["issuer"] = key.controller
    document["id"] = f"urn:uuid:{uuid.uuid4()}"
    if status_url is not None:
        document["credentialStatus"] = status_entry(status_url, 7, "revocation")
    document.update(fields)
    return sign_credential(document, key)


def outside_status_list(key: SigningKey, url: str, revoked: bool = False) -> bytes:
    """The signed status list credential an outside issuer publishes at ``url`` (bit 7 set when revoked)."""
    bits = StatusList()
    if revoked:
        bits.set(7)
    unsigned = status_list_credential(url, key.controller, "revocation", bits, "2026-01-01T00:00:00Z")
    return json.dumps(sign_credential(unsigned, key)).encode()


def upload(client: Client, content: bytes, name: str = "credential.json", kind: str = "application/json") -> Any:
    return client.post("/verify/", {"source": "file", "file": SimpleUploadedFile(name, content, kind)})


def paste(client: Client, document: Any, language: str = "en", **extra: str) -> Any:
    text = document if isinstance(document, str) else json.dumps(document)
    return client.post("/verify/", {"source": "text", "text": text, **extra}, HTTP_ACCEPT_LANGUAGE=language)


def tampered(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["name"] = "Something the issuer never said"
    return changed
