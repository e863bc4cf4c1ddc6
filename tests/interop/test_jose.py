"""What Merit issues as a JWT verifies with panva/jose (``interop/jose``), an independent JOSE implementation, and
with OpenSSL; a changed token does not."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from merit.core.jwt import sign_jwt
from merit.core.keys import KeyPair, SigningKey
from tests.core.verify.conftest import ob3_unsigned

ROOT = Path(__file__).parents[2]
FOLDER = ROOT / "interop" / "jose"


def jose(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed; the interoperability tests need it (apt-get install nodejs)")
    if not (FOLDER / "node_modules" / "jose").is_dir():
        pytest.fail("panva/jose is not installed: run 'npm ci --prefix interop/jose'")
    done = subprocess.run(
        [node, str(FOLDER / "verify.mjs")], input=json.dumps(requests), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def _changed(token: str) -> str:
    head, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.get("vc", payload)["name"] = "Forged"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"{head}.{forged}.{signature}"


@pytest.mark.parametrize("algorithm", ["Ed25519", "P-256", "P-384"])
def test_panva_jose_verifies_what_merit_issues(algorithm: str) -> None:
    key = SigningKey.for_did_key(KeyPair.generate(algorithm))  # type: ignore[arg-type]
    credential = ob3_unsigned(key.controller) | {"validUntil": "2099-01-01T00:00:00Z"}
    ob3, vc_jose = sign_jwt(credential, key), sign_jwt(credential, key, form="vc-jose")
    jwk = key.key_pair.public_key.jwk()
    answers = jose(
        [
            {"token": ob3, "jwk": jwk, "typ": "JWT"},
            {"token": vc_jose, "jwk": jwk, "typ": "vc+jwt"},
            {"token": _changed(ob3), "jwk": jwk},
            {"token": _changed(vc_jose), "jwk": jwk},
        ]
    )
    assert [a["ok"] for a in answers] == [True, True, False, False], answers
    assert answers[0]["payload"]["vc"] == credential
    assert answers[0]["payload"]["iss"] == key.controller
    assert answers[0]["header"]["kid"] == key.verification_method
    assert answers[1]["payload"] == credential
    assert answers[1]["header"]["cty"] == "vc"
    assert "signature verification failed" in answers[2]["error"]


def test_openssl_verifies_an_es256_signature(tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is not installed")
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pair = KeyPair.generate("P-256")
    key = SigningKey.for_did_key(pair)
    token = sign_jwt(ob3_unsigned(key.controller), key, form="vc-jose")
    signing_input, signature = token.rsplit(".", 1)
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    assert len(raw) == 64  # JWS ES256: r || s, 32 bytes each (RFC 7518 section 3.4).
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), pair.public_key.raw)
    (tmp_path / "key.pem").write_bytes(point.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    (tmp_path / "data").write_bytes(signing_input.encode())
    (tmp_path / "sig").write_bytes(der)
    command = [openssl, "dgst", "-sha256", "-verify", str(tmp_path / "key.pem"), "-signature", str(tmp_path / "sig")]
    done = subprocess.run([*command, str(tmp_path / "data")], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "Verified OK", done.stderr
    (tmp_path / "data").write_bytes(signing_input.encode() + b"x")
    done = subprocess.run([*command, str(tmp_path / "data")], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "Verification failure"
