"""Every kind of credential Merit issues verifies in the independent verifiers, as they ship and offline.

The verifiers: the Digital Credentials Consortium's ``@digitalcredentials/verifier-core`` 1.0.0-beta.11 (the
verifier of Learner Credential Wallet and VerifierPlus), openbadgeslib 4.6.3's Data Integrity verifier, and the
Digital Bazaar stack with its stock contexts (tests/interop/conftest.py). None is given a context of Merit's; each
runs under a guard that refuses every connection not to loopback, and a refused connection fails the test. Status
lists are served over HTTPS on loopback, where the verifiers fetch them themselves.

Micro-credentials, accreditations and trust lists name only the VC 2.0 and Open Badges 3.0 contexts (decision
0011); before that they named Merit's private contexts, and every independent verifier refused them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from merit.cli.commands import load_key
from merit.core.issue import sign_credential
from merit.core.jwt import enveloped, sign_jwt
from merit.core.keys import KeyPair, SigningKey
from merit.core.present import presentation, sign_presentation
from merit.core.status import status_entry
from merit.core.verify import dispatch
from tests.core.verify.conftest import ob3_unsigned
from tests.interop.conftest import Loopback, OpenBadgesLib, VerifierCore
from tests.interop.issued import (
    EXAMPLES,
    VERIFIERS,
    accreditation,
    issued,
    keygen,
    plain_open_badge,
    signed_file,
    signed_trust_list,
    status_list,
    tampered,
    verdict,
)

pytestmark = pytest.mark.interop


@pytest.fixture(params=VERIFIERS)
def verifier(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


def test_merit_sign_plain_open_badge(verifier: Any, tmp_path: Path) -> None:
    """(a) ``merit sign`` of an Open Badges 3.0 credential with a did:key: accepted; tampered after signing: refused."""
    key, did = keygen(tmp_path)
    signed = signed_file(tmp_path, key, plain_open_badge(did))
    accepted = verdict(verifier, signed)
    assert accepted.accepted, accepted
    refused = verdict(verifier, tampered(signed))
    assert not refused.accepted, refused


# The contexts every one of the three ships: a credential may use any of them and stay readable everywhere.
COMMON_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://w3id.org/security/data-integrity/v2",
]
CLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


@pytest.mark.parametrize("context", COMMON_CONTEXTS[2:])
def test_the_contexts_every_verifier_ships(verifier: Any, tmp_path: Path, context: str) -> None:
    """An Open Badges 3.0 credential (VC 2.0 and OB 3.0.3 contexts, test (a)) that also names one more of the common
    contexts is accepted everywhere."""
    key, did = keygen(tmp_path)
    document = plain_open_badge(did)
    assert document["@context"] == COMMON_CONTEXTS[:2]
    document["@context"] = [*document["@context"], context]
    result = verdict(verifier, signed_file(tmp_path, key, document))
    assert result.accepted, result


def test_an_open_badge_naming_the_clr_context_is_read_by_none(
    dcc: VerifierCore, openbadgeslib: OpenBadgesLib, dbstack: Any, tmp_path: Path
) -> None:
    """The CLR 2.0 context is not in the Open Badges allowlist of openbadgeslib (it bundles it for CLR credentials
    only), verifier-core would fetch it (refused offline) and the Digital Bazaar stack's stock packages do not ship
    it: an Open Badges credential that names it is refused by all three."""
    key, did = keygen(tmp_path)
    document = plain_open_badge(did)
    document["@context"] = [*document["@context"], CLR]
    signed = signed_file(tmp_path, key, document)
    assert verdict(openbadgeslib, signed).message == (
        f"OB3VerificationError: JSON-LD context '{CLR}' is not in the bundled allowlist; remote contexts are never "
        "fetched during verification"
    )
    answer = dcc.raw(op="verifyCredential", credential=signed)
    assert CLR in answer["refused"]
    assert answer["result"]["errors"][0]["message"] == "The signature is not valid."
    assert not verdict(dbstack, signed).accepted


@pytest.mark.parametrize("spec", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_merit_issue_examples(verifier: Any, tmp_path: Path, spec: Path) -> None:
    """(b) ``merit issue`` of each example micro-credential with a did:key."""
    key, _ = keygen(tmp_path)
    credential = issued(key, spec, "--grade", _grade(spec))
    result = verdict(verifier, credential)
    assert result.accepted, result
    assert not verdict(verifier, tampered(credential)).accepted


def _grade(spec: Path) -> str:
    """The highest grade the specification allows."""
    return str(json.loads(spec.read_text(encoding="utf-8"))["grading"]["allowedValues"][-1])


def _holder_presentation(
    credential: dict[str, Any],
    *,
    for_assertion_verifiers: bool = True,
    holder: SigningKey | None = None,
    presentation_id: str | None = None,
) -> dict[str, Any]:
    """A presentation as the passport signs one: a proof set by the holder key, ``authentication`` then
    ``assertionMethod``, both with the challenge and domain (docs/decisions/0012-presentation-proofs.md)."""
    holder = holder or SigningKey.for_did_key(KeyPair.generate())
    unsigned = presentation([credential], holder.controller, presentation_id)
    return sign_presentation(
        unsigned, holder, challenge="c-42", domain="jobs.example", for_assertion_verifiers=for_assertion_verifiers
    )


def test_presentation_of_a_plain_open_badge(verifier: Any, tmp_path: Path) -> None:
    """(c) A presentation (``merit.core.present``, the proof set): accepted by all three, verifier-core by its
    ``assertionMethod`` proof, the others by its ``authentication`` proof; changed after signing: refused."""
    key, did = keygen(tmp_path)
    signed = _holder_presentation(signed_file(tmp_path, key, plain_open_badge(did)))
    result = verdict(verifier, signed, challenge="c-42", domain="jobs.example")
    assert result.accepted, result
    assert not verdict(verifier, tampered(signed), challenge="c-42", domain="jobs.example").accepted


def test_presentation_challenge_where_it_is_checked(dbstack: Any, dcc: VerifierCore, tmp_path: Path) -> None:
    """The Digital Bazaar stack checks the authentication proof's challenge: the proof set does not let a presentation
    pass there for another challenge. verifier-core never checks one (it accepts whatever it is told)."""
    key, did = keygen(tmp_path)
    signed = _holder_presentation(signed_file(tmp_path, key, plain_open_badge(did)))
    refused = verdict(dbstack, signed, challenge="other", domain="jobs.example")
    assert not refused.accepted
    assert "The challenge is not as expected" in refused.message, refused
    assert verdict(dcc, signed, challenge="other").accepted


def test_which_proof_each_verifier_reads(
    dcc: VerifierCore, openbadgeslib: OpenBadgesLib, dbstack: Any, tmp_path: Path
) -> None:
    """A signature replaced in one proof of the set (by a valid one of the same key over another document): each
    verifier refuses the presentation only when it reads that proof. verifier-core reads only the assertionMethod
    proof, the Digital Bazaar stack only the authentication one (jsonld-signatures passes over proofs of another
    purpose), the openbadgeslib driver both; Merit reads both (tests/core/verify/test_presentations.py), which is why
    no garbage proof rides along unnoticed in a presentation Merit accepts."""
    key, did = keygen(tmp_path)
    credential = signed_file(tmp_path, key, plain_open_badge(did))
    holder = SigningKey.for_did_key(KeyPair.generate())
    signed = _holder_presentation(credential, holder=holder)
    other = _holder_presentation(credential, holder=holder, presentation_id="urn:uuid:another")
    reads = {"dcc": {1}, "dbstack": {0}, "openbadgeslib": {0, 1}}
    for index in (0, 1):
        forged = copy.deepcopy(signed)
        forged["proof"][index]["proofValue"] = other["proof"][index]["proofValue"]
        for name, driver in (("dcc", dcc), ("dbstack", dbstack), ("openbadgeslib", openbadgeslib)):
            result = verdict(driver, forged, challenge="c-42", domain="jobs.example")
            assert result.accepted is (index not in reads[name]), (name, index, result)


def test_verifier_core_refuses_every_authentication_only_presentation(dcc: VerifierCore, tmp_path: Path) -> None:
    """verifier-core checks a presentation's proof with AssertionProofPurpose, so a presentation signed only for
    ``authentication`` (what VC Data Integrity and the VC-API ask of a holder, and what Merit signs unless asked for
    the proof set) never passes, whatever its challenge; the credentials inside are checked on their own and
    accepted. The Digital Bazaar stack and openbadgeslib accept it."""
    key, did = keygen(tmp_path)
    signed = _holder_presentation(signed_file(tmp_path, key, plain_open_badge(did)), for_assertion_verifiers=False)
    assert signed["proof"]["proofPurpose"] == "authentication"
    for challenge in ("c-42", None):
        result = verdict(dcc, signed, challenge=challenge)
        assert not result.accepted
        assert result.answer["presentationResult"]["signature"] == "invalid"
        (error,) = result.answer["presentationResult"]["errors"]
        assert error["message"]["errors"][0]["message"] == (
            "Did not verify any proofs; insufficient proofs matched the acceptable suite(s) and required purpose(s)."
        )
        assert [dcc.accepted(c) for c in result.answer["credentialResults"]] == [True]


@pytest.mark.parametrize(("algorithm", "suite"), [("P-256", "ecdsa-rdfc-2019"), ("Ed25519", "eddsa-jcs-2022")])
def test_verifier_core_reads_only_eddsa_rdfc(dcc: VerifierCore, tmp_path: Path, algorithm: str, suite: str) -> None:
    """verifier-core's suites are eddsa-rdfc-2022 and Ed25519Signature2020: a proof set in another suite is as unread
    as an authentication proof. The passport's holder keys are Ed25519, signed in eddsa-rdfc-2022."""
    key, did = keygen(tmp_path)
    holder = SigningKey.for_did_key(KeyPair.generate(algorithm))  # type: ignore[arg-type]
    unsigned = presentation([signed_file(tmp_path, key, plain_open_badge(did))], holder.controller)
    signed = sign_presentation(unsigned, holder, challenge="c-42", suite=suite, for_assertion_verifiers=True)
    result = verdict(dcc, signed, challenge="c-42")
    assert result.answer["presentationResult"]["signature"] == "invalid", result


@pytest.mark.parametrize("name", ["openbadgeslib", "dbstack"])
def test_an_authentication_only_presentation(request: pytest.FixtureRequest, tmp_path: Path, name: str) -> None:
    verifier = request.getfixturevalue(name)
    key, did = keygen(tmp_path)
    signed = _holder_presentation(signed_file(tmp_path, key, plain_open_badge(did)), for_assertion_verifiers=False)
    result = verdict(verifier, signed, challenge="c-42", domain="jobs.example")
    assert result.accepted, result
    assert not verdict(verifier, tampered(signed), challenge="c-42", domain="jobs.example").accepted


def test_an_assertion_only_presentation(openbadgeslib: OpenBadgesLib, dbstack: Any, tmp_path: Path) -> None:
    """A presentation whose one proof is for assertionMethod (what verifier-core would accept alone) authenticates
    no holder: the Digital Bazaar stack and the openbadgeslib driver refuse it, as Merit does."""
    key, did = keygen(tmp_path)
    signed = _holder_presentation(signed_file(tmp_path, key, plain_open_badge(did)))
    signed["proof"] = signed["proof"][1]
    for driver in (openbadgeslib, dbstack):
        assert not verdict(driver, signed, challenge="c-42", domain="jobs.example").accepted


def test_presentation_of_a_micro_credential(verifier: Any, tmp_path: Path) -> None:
    """(c) A presentation of an issued micro-credential (the proof set): accepted by all three."""
    key, _ = keygen(tmp_path)
    signed = _holder_presentation(issued(key, EXAMPLES[0], "--grade", _grade(EXAMPLES[0])))
    result = verdict(verifier, signed, challenge="c-42", domain="jobs.example")
    assert result.accepted, result


def test_status_list_credential(verifier: Any, loopback: Loopback) -> None:
    """(d) A status list credential as Merit signs it (Bitstring Status List, VC 2.0 context only)."""
    key = SigningKey.for_did_key(KeyPair.generate())
    listed = status_list(f"{loopback.base_url}/status/list-a", key, revoked=(3,))
    result = verdict(verifier, listed)
    assert result.accepted, result
    # The same list with bit 3 cleared, the signature kept: a forged "not revoked".
    cleared = status_list(f"{loopback.base_url}/status/list-a", key)["credentialSubject"]["encodedList"]
    forged = {**listed, "credentialSubject": {**listed["credentialSubject"], "encodedList": cleared}}
    assert not verdict(verifier, forged).accepted


def test_status_entry_fetched_over_loopback(verifier: Any, loopback: Loopback, tmp_path: Path) -> None:
    """(d) A ``merit sign``ed credential with a revocation entry; the verifier fetches its list from loopback."""
    key, did = keygen(tmp_path)
    url = f"{loopback.base_url}/status/{did[-12:]}"
    entry = status_entry(url, 41)
    credential = signed_file(tmp_path, key, plain_open_badge(did, credentialStatus=entry))
    loopback.publish(url, status_list(url, load_key(str(key)), revoked=(40, 42)))
    valid = verdict(verifier, credential, documents=loopback.served())
    assert valid.accepted, valid
    loopback.publish(url, status_list(url, load_key(str(key)), revoked=(41,)))
    revoked = verdict(verifier, credential, documents=loopback.served())
    assert not revoked.accepted, revoked
    if isinstance(verifier, VerifierCore):
        assert verifier.step(revoked.answer, "revocation_status")["valid"] is False
    if isinstance(verifier, OpenBadgesLib):
        assert f"Credential status 'revocation' is set at index 41 in {url}" in revoked.message


def test_openbadgeslib_verifies_only_jwt_status_lists_by_default(
    openbadgeslib: OpenBadgesLib, tmp_path: Path, loopback: Loopback
) -> None:
    """openbadgeslib verifies a status list's own proof (its default, ``verify_status_list=True``) only for a JWT-VC
    list; a Data Integrity list like Merit's is refused by name. The tests above read the bit with
    ``verify_status_list=False`` and verify the list credential's proof separately (test_status_list_credential)."""
    key, did = keygen(tmp_path)
    url = f"{loopback.base_url}/status/default-{did[-12:]}"
    credential = signed_file(tmp_path, key, plain_open_badge(did, credentialStatus=status_entry(url, 5)))
    loopback.publish(url, status_list(url, load_key(str(key))))
    result = openbadgeslib.verify(credential, checkStatus=True, verifyStatusList=True, loopback=True)
    assert result["verified"] is False
    assert result["error"] == (
        f"OB3VerificationError: status list {url} is not a signed JWT-VC, so its proof cannot be verified "
        "(verify_list=True requires a signed list)"
    )


def test_status_lists_over_plain_http(dcc: VerifierCore, openbadgeslib: OpenBadgesLib, loopback: Loopback) -> None:
    """A status list at an http:// URL (an installation at http://localhost:8000): verifier-core fetches and reads
    it; openbadgeslib's downloader refuses plain HTTP unless told ``allow_insecure=True``."""
    key = SigningKey.for_did_key(KeyPair.generate())
    url = f"{loopback.plain_url}/status/plain"
    credential = sign_credential(plain_open_badge(key.controller, credentialStatus=status_entry(url, 7)), key)
    loopback.publish(url, status_list(url, key, revoked=(7,)))
    theirs = dcc.verify_credential(credential)
    assert dcc.step(theirs, "valid_signature")["valid"] is True
    assert dcc.step(theirs, "revocation_status")["valid"] is False
    refused = openbadgeslib.verify(credential, checkStatus=True, verifyStatusList=False)
    assert refused["error"] == (
        f"OB3VerificationError: could not fetch status list {url}: Refusing to download {url} over insecure 'http' "
        "scheme; HTTPS is required (pass allow_insecure=True to override)."
    )
    allowed = openbadgeslib.verify(credential, checkStatus=True, verifyStatusList=False, loopback=True)
    assert allowed["error"] == f"OB3VerificationError: Credential status 'revocation' is set at index 7 in {url}"


def test_issued_micro_credential_with_status(verifier: Any, loopback: Loopback, tmp_path: Path) -> None:
    """(d) ``merit issue --status-list``: a micro-credential with a revocation entry."""
    key, _ = keygen(tmp_path)
    url = f"{loopback.base_url}/status/issued"
    credential = issued(key, EXAMPLES[0], "--grade", _grade(EXAMPLES[0]), "--status-list", url, "--status-index", "9")
    loopback.publish(url, status_list(url, load_key(str(key))))
    result = verdict(verifier, credential, documents=loopback.served())
    assert result.accepted, result


def test_accreditation_credential(verifier: Any) -> None:
    """(e) An accreditation credential (merit.core.trust.render, issue.sign_credential)."""
    authority = SigningKey.for_did_key(KeyPair.generate())
    school = SigningKey.for_did_key(KeyPair.generate())
    signed = accreditation(authority, school.controller)
    result = verdict(verifier, signed)
    assert result.accepted, result


def test_trust_list(verifier: Any) -> None:
    """(e) A trust list carrying an accreditation."""
    authority = SigningKey.for_did_key(KeyPair.generate())
    school = SigningKey.for_did_key(KeyPair.generate())
    listed = signed_trust_list(authority, [accreditation(authority, school.controller)])
    result = verdict(verifier, listed)
    assert result.accepted, result


def _forged_token(token: str, issuer: SigningKey) -> str:
    """``token`` with the payload of another token by the same issuer: its signature no longer matches."""
    head, _body, signature = token.split(".")
    other = sign_jwt(ob3_unsigned(issuer.controller) | {"name": "Not what was issued"}, issuer).split(".")[1]
    return f"{head}.{other}.{signature}"


def test_presentation_with_enveloped_jwt_credentials(dbstack: Any, dcc: VerifierCore, tmp_path: Path) -> None:
    """A presentation as the passport makes it, with a Data Integrity credential, a VC-JOSE credential and an Open
    Badges 3.0 JWT (EnvelopedVerifiableCredentials, application/vc+jwt and application/jwt).

    Merit verifies the presentation's proof and every credential inside, the enveloped tokens as what they are. The
    Digital Bazaar stack verifies the presentation's proof (the envelopes are part of what it signs) and the Data
    Integrity credential, but not the envelopes' content: ``@digitalbazaar/vc`` 7 verifies each entry as a Data
    Integrity credential and refuses an envelope ("type" must include VerifiableCredential). verifier-core
    1.0.0-beta.11 reads no envelope either: the presentation's signature is valid, the Data Integrity credential is
    verified, each envelope is "not a Verifiable Credential - it does not have a digital signature" (no_proof). Both
    refuse the presentation once a token inside is changed, by its proof; Merit refuses the token itself too."""
    key, did = keygen(tmp_path)
    credential = signed_file(tmp_path, key, plain_open_badge(did))
    issuer = SigningKey.for_did_key(KeyPair.generate())
    vc_jose = sign_jwt(ob3_unsigned(issuer.controller), issuer, form="vc-jose")
    ob3 = sign_jwt(ob3_unsigned(issuer.controller), issuer)
    holder = SigningKey.for_did_key(KeyPair.generate())

    def presented(tokens: tuple[str, str], presentation_id: str = "urn:uuid:enveloped") -> dict[str, Any]:
        entries = [credential, enveloped(tokens[0]), enveloped(tokens[1], "ob3")]
        unsigned = presentation(entries, holder.controller, presentation_id)
        return sign_presentation(
            unsigned, holder, challenge="c-42", domain="jobs.example", for_assertion_verifiers=True
        )

    signed = presented((vc_jose, ob3))
    fmt, report = dispatch.verify(signed, challenge="c-42", domain="jobs.example")
    assert (fmt, report.outcome) == ("vp", "verified"), report.reason
    assert [r.outcome for r in report.credentials] == ["verified"] * 3
    theirs = dbstack.verify(signed, challenge="c-42", domain="jobs.example")
    assert theirs["presentationVerified"] is True, theirs
    assert [c["verified"] for c in theirs["credentialResults"]] == [True, False, False], theirs
    assert {c["error"] for c in theirs["credentialResults"][1:]} == {'"type" must include `VerifiableCredential`.'}
    core = dcc.verify_presentation(signed, "c-42")
    assert core["presentationResult"]["signature"] == "valid", core
    results = core["credentialResults"]
    assert dcc.accepted(results[0]), results[0]
    assert [[e["name"] for e in r.get("errors", [])] for r in results[1:]] == [["no_proof"], ["no_proof"]], results

    changed = copy.deepcopy(signed)
    changed["verifiableCredential"][2] = enveloped(_forged_token(ob3, issuer), "ob3")
    assert dispatch.verify(changed, challenge="c-42", domain="jobs.example")[1].outcome == "invalid"
    assert dbstack.verify(changed, challenge="c-42", domain="jobs.example")["presentationVerified"] is False
    assert dcc.verify_presentation(changed, "c-42")["presentationResult"]["signature"] != "valid"
    resigned = presented((vc_jose, _forged_token(ob3, issuer)), "urn:uuid:resigned")
    report = dispatch.verify(resigned, challenge="c-42", domain="jobs.example")[1]
    assert (report.check("proof").outcome, report.check("credentials").outcome) == ("passed", "failed")
    assert [r.outcome for r in report.credentials] == ["verified", "verified", "invalid"]
    assert dbstack.verify(resigned, challenge="c-42", domain="jobs.example")["presentationVerified"] is True
