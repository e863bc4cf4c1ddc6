"""Independent interoperability: Merit and the Digital Bazaar stack verify what the other signs.

The Digital Bazaar stack (``@digitalbazaar/vc`` 7.3 with its cryptosuites and jsonld.js) runs offline with its stock
contexts, from the npm packages that ship them (``interop/dbstack.mjs``). Both directions, every supported suite, an
Open Badges 3.0 credential carrying control characters and non-ASCII text, a micro-credential, and the W3C example
credential (handed its test vector context, ``https://www.w3.org/ns/credentials/examples/v2``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from merit.core.documents import bundled_document
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.core.present import presentation, sign_presentation
from merit.core.verify import Verifier
from tests.interop.conftest import DigitalBazaar
from tests.interop.issued import plain_open_badge

pytestmark = pytest.mark.interop
ROOT = Path(__file__).parents[2]
SUITES = [("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256"), ("eddsa-jcs-2022", "Ed25519")]
VERIFIER = Verifier()
# Text pasted from elsewhere: control characters, quotes, backslashes and scripts other than Latin.
PASTED = 'bell\u0007 nul\u0000 "quoted" \\ é 中文 🚀'
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"


def open_badge(issuer: str) -> dict[str, Any]:
    credential = plain_open_badge(issuer)
    credential["credentialSubject"]["achievement"]["description"] = PASTED
    return credential


def micro_credential(issuer: str) -> dict[str, Any]:
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    credential = render_credential(spec, Learner(email="anna@example.se", name="Anna Ångström"), issuer, grade="VG")
    credential["credentialSubject"]["achievement"]["description"] = PASTED
    return credential


def w3c_example(issuer: str) -> dict[str, Any]:
    path = ROOT / "tests" / "data" / "vectors" / "w3c-vc-di-eddsa" / "unsigned.json"
    return {**json.loads(path.read_text()), "issuer": issuer}


DOCUMENTS = {"open-badge": open_badge, "micro-credential": micro_credential, "w3c-example": w3c_example}
# The W3C example's context is the test vectors' own (an @vocab for examples), which no stock loader ships.
VECTOR_CONTEXTS = {"w3c-example": {EXAMPLES_CONTEXT: bundled_document(EXAMPLES_CONTEXT)}}


@pytest.mark.parametrize(("suite", "algorithm"), SUITES, ids=[s[0] for s in SUITES])
@pytest.mark.parametrize("name", DOCUMENTS)
def test_merit_signs_digital_bazaar_verifies(dbstack: DigitalBazaar, suite: str, algorithm: str, name: str) -> None:
    key = SigningKey.for_did_key(KeyPair.generate(algorithm))  # type: ignore[arg-type]
    signed = sign_credential(DOCUMENTS[name](key.controller), key, suite=suite)
    documents = VECTOR_CONTEXTS.get(name, {})
    result = dbstack.verify(signed, documents=documents)
    assert result["verified"] is True, result
    assert result["error"] is None
    tampered = copy.deepcopy(signed)
    tampered["name"] = "Forged"
    assert dbstack.verify(tampered, documents=documents)["verified"] is False


@pytest.mark.parametrize(("suite", "algorithm"), SUITES, ids=[s[0] for s in SUITES])
@pytest.mark.parametrize("name", DOCUMENTS)
def test_digital_bazaar_signs_merit_verifies(dbstack: DigitalBazaar, suite: str, algorithm: str, name: str) -> None:
    key = SigningKey.for_did_key(KeyPair.generate(algorithm))  # type: ignore[arg-type]
    signed = dbstack.sign(
        DOCUMENTS[name](key.controller), key.to_secret_json(), suite, documents=VECTOR_CONTEXTS.get(name, {})
    )
    assert signed["proof"]["cryptosuite"] == suite
    report = VERIFIER.verify_credential(signed)
    assert report.verified, report.to_json()
    tampered = copy.deepcopy(signed)
    tampered["name"] = "Forged"
    assert VERIFIER.verify_credential(tampered).outcome == "invalid"


def test_both_refuse_an_injected_undefined_term(dbstack: DigitalBazaar) -> None:
    key = SigningKey.for_did_key(KeyPair.generate())
    signed = sign_credential(open_badge(key.controller), key)
    assert dbstack.verify(signed)["verified"] is True
    signed["credentialSubject"]["forgedScore"] = "100"
    assert dbstack.verify(signed)["verified"] is False
    assert VERIFIER.verify_credential(signed).outcome == "invalid"


@pytest.mark.parametrize(("suite", "algorithm"), SUITES[:2], ids=[s[0] for s in SUITES[:2]])
def test_presentations_both_ways(dbstack: DigitalBazaar, suite: str, algorithm: str) -> None:
    issuer = SigningKey.for_did_key(KeyPair.generate())
    holder = SigningKey.for_did_key(KeyPair.generate(algorithm))  # type: ignore[arg-type]
    credential = sign_credential(open_badge(issuer.controller), issuer)
    unsigned = presentation([credential], holder.controller)
    for proof_set in (False, True):  # with the assertionMethod proof too (decision 0012), which the stack passes over
        ours = sign_presentation(
            unsigned, holder, challenge="c-42", domain="jobs.example", suite=suite, for_assertion_verifiers=proof_set
        )
        assert dbstack.verify(ours, challenge="c-42", domain="jobs.example")["verified"] is True
        assert dbstack.verify(ours, challenge="other", domain="jobs.example")["verified"] is False
    theirs = dbstack.sign(
        unsigned, holder.to_secret_json(), suite, purpose="authentication", challenge="c-43", domain="jobs.example"
    )
    report = VERIFIER.verify_presentation(theirs, challenge="c-43", domain="jobs.example")
    assert report.verified, report.to_json()
    assert VERIFIER.verify_presentation(theirs, challenge="c-44", domain="jobs.example").outcome == "invalid"
