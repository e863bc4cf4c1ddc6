"""The W3C and 1EdTech signing test vectors, matched byte for byte at every step.

Each vector folder gives the canonical document, the canonical proof configuration, both hashes, the combined
hash, the signature and the signed document. Ed25519 signatures are deterministic, so Merit must reproduce the
signed document exactly; ECDSA signatures are randomised, so Merit verifies the vector's signature and its own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from merit.core import multibase as mb
from merit.core.documents import default_loader
from merit.core.keys import KeyPair, PublicKey, SigningKey
from merit.core.proofs import SUITES, create_proof, hash_data, sign, verify_proofs
from merit.core.proofs.suites import canonical_bytes
from tests.core.proofs.resolvers import StaticResolver

VECTORS = Path(__file__).parents[2] / "data" / "vectors"
EDDSA = VECTORS / "w3c-vc-di-eddsa"
ECDSA = VECTORS / "w3c-vc-di-ecdsa"


@dataclass(frozen=True)
class Vector:
    folder: Path
    suffix: str
    suite: str
    key_file: Path

    @property
    def name(self) -> str:
        return f"{self.folder.relative_to(VECTORS)}"

    def text(self, stem: str) -> str:
        return (self.folder / f"{stem}{self.suffix}.txt").read_text().strip()

    def json(self, stem: str) -> Any:
        return json.loads((self.folder / f"{stem}{self.suffix}.json").read_text())


W3C_VECTORS = [
    Vector(EDDSA / "eddsa-rdfc-2022", "DataInt", "eddsa-rdfc-2022", EDDSA / "keyPair.json"),
    Vector(EDDSA / "eddsa-rdfc-2022" / "employ", "DataInt", "eddsa-rdfc-2022", EDDSA / "keyPair.json"),
    Vector(EDDSA / "eddsa-jcs-2022", "JCS", "eddsa-jcs-2022", EDDSA / "keyPair.json"),
    Vector(EDDSA / "Ed25519Signature2020", "EdSig", "Ed25519Signature2020", EDDSA / "keyPair.json"),
    Vector(ECDSA / "ecdsa-rdfc-2019-p256", "ECDSAP256", "ecdsa-rdfc-2019", ECDSA / "p256KeyPair.json"),
    Vector(ECDSA / "ecdsa-rdfc-2019-p256" / "employ", "ECDSAP256", "ecdsa-rdfc-2019", ECDSA / "p256KeyPair.json"),
    Vector(ECDSA / "ecdsa-rdfc-2019-p384", "ECDSAP384", "ecdsa-rdfc-2019", ECDSA / "p384KeyPair.json"),
    Vector(ECDSA / "ecdsa-rdfc-2019-p384" / "employ", "ECDSAP384", "ecdsa-rdfc-2019", ECDSA / "p384KeyPair.json"),
    Vector(ECDSA / "ecdsa-jcs-2019-p256", "JCSECDSAP256", "ecdsa-jcs-2019", ECDSA / "p256KeyPair.json"),
    Vector(ECDSA / "ecdsa-jcs-2019-p384", "JCSECDSAP384", "ecdsa-jcs-2019", ECDSA / "p384KeyPair.json"),
]


def signing_key(vector: Vector) -> SigningKey:
    data = json.loads(vector.key_file.read_text())
    secret = data.get("secretKeyMultibase") or data["privateKeyMultibase"]
    return SigningKey.for_did_key(KeyPair.from_secret_multibase(secret))


def unsigned(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "proof"}


@pytest.mark.parametrize("vector", W3C_VECTORS, ids=lambda v: v.name)
def test_w3c_vector_every_step(vector: Vector) -> None:
    suite = SUITES[vector.suite]
    key = signing_key(vector)
    signed = vector.json("signed")
    document = unsigned(signed)
    config = vector.json("proofConfig")
    hash_name = suite.hash_name(key.key_pair.algorithm)

    canon_document = canonical_bytes(suite, document, default_loader, hash_name)
    assert canon_document.decode().strip() == vector.text("canonDoc")
    canon_config = canonical_bytes(suite, config, default_loader, hash_name)
    assert canon_config.decode().strip() == vector.text("proofCanon")
    assert hashlib.new(hash_name, canon_document).hexdigest() == vector.text("docHash")
    assert hashlib.new(hash_name, canon_config).hexdigest() == vector.text("proofHash")
    data = hash_data(suite, key.key_pair.algorithm, document, config, default_loader)
    assert data.hex() == vector.text("combinedHash")
    assert mb.encode_base58btc(bytes.fromhex(vector.text("sigHex"))) == vector.text("sigBTC58")
    assert signed["proof"]["proofValue"] == vector.text("sigBTC58")

    resolver = StaticResolver.for_did_keys([key])
    results = verify_proofs(signed, resolver)
    assert [r.suite for r in results] == [vector.suite]

    ours = sign(document, key, suite=vector.suite, created=config["created"])
    if key.key_pair.algorithm == "Ed25519":
        assert ours == signed
    else:
        assert ours["proof"]["proofValue"] != signed["proof"]["proofValue"]  # ECDSA is randomised.
        assert verify_proofs(ours, resolver)[0].suite == vector.suite


@pytest.mark.parametrize("name", ["obv3p0", "clrv2p0"])
def test_1edtech_vector_every_step(name: str) -> None:
    folder = VECTORS / "1edtech" / name
    info = json.loads((folder / "key-and-hashes.json").read_text())
    document = json.loads((folder / "credential-unsigned.json").read_text())
    signed = json.loads((folder / "signed-credential.json").read_text())
    proof = json.loads((folder / "proof.json").read_text())
    suite = SUITES["eddsa-rdfc-2022"]

    canon_document = canonical_bytes(suite, document, default_loader)
    assert canon_document.decode() == (folder / "document-canon.txt").read_text()
    config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": document["@context"]}
    canon_config = canonical_bytes(suite, config, default_loader)
    assert canon_config.decode() == (folder / "proof-canon.txt").read_text()
    assert hashlib.sha256(canon_document).hexdigest() == info["documentHashHex"]
    assert hashlib.sha256(canon_config).hexdigest() == info["proofHashHex"]

    seed = bytes.fromhex(info["privateKeyHex"])[:32]
    key_pair = KeyPair.from_secret_multibase(mb.encode_base58btc(mb.ED25519_PRIV + seed))
    assert key_pair.public_key.raw.hex() == info["publicKeyHex"]
    key = SigningKey(key_pair, info["controller"], info["verificationMethod"])
    made = create_proof(document, key, created=proof["created"])
    assert made["proofValue"] == info["proofValue"] == proof["proofValue"]
    assert mb.decode_base58btc(made["proofValue"]).hex() == info["signatureHex"]
    signed_proofs = signed["proof"] if isinstance(signed["proof"], list) else [signed["proof"]]
    assert signed_proofs == [proof]

    resolver = StaticResolver({info["verificationMethod"]: (info["controller"], key_pair.public_key)})
    assert verify_proofs(signed, resolver)[0].controller == info["controller"]


def test_proof_set_and_chain_vectors() -> None:
    folder = EDDSA / "proof-set-chain"
    keys = json.loads((folder / "multiKeyPairs.json").read_text())
    public = {}
    for pair in keys.values():
        pk = PublicKey.from_multibase(pair["publicKeyMultibase"])
        did = f"did:key:{pair['publicKeyMultibase']}"
        public[f"{did}#{pair['publicKeyMultibase']}"] = (did, pk)
    resolver = StaticResolver(public)
    for name in ("signedProofSet1.json", "signedProofSet2.json", "signedProofChain1.json", "signedProofChain2.json"):
        document = json.loads((folder / name).read_text())
        proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
        assert len(verify_proofs(document, resolver)) == len(proofs), name
