"""The accreditation check: every rule of the walk from trust anchor to credential, with its outcome and message."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from merit.core.errors import CouldNotVerifyError, TrustRegistryError
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.core.status import StatusList, status_entry, status_list_credential
from merit.core.trust import NOT_COVERED, Scope, check_accreditation, credential_facts, credential_type_of, withdrawal
from merit.core.verify import Verifier
from merit.core.verify.report import ACCREDITATION, ISSUER, VALIDITY
from tests.core.trust.conftest import AGENCY, Accredit

ROOT = Path(__file__).parents[3]
NOW = datetime(2026, 10, 1, tzinfo=UTC)
ISSUED = datetime(2026, 3, 1, tzinfo=UTC)
STATUS_URL = "https://trust.example/status/1"
SENTENCE = (
    f"Issued by Skellefteå kommun, accredited by {AGENCY} for EQF 3–5 in ISCED-F 07 (micro-credential; SE) "
    "from 2025-01-01 to 2027-12-31"
)


class Registry:
    """A registry in memory; ``reachable = False`` makes it fail as an unreachable network service would."""

    def __init__(self, *accreditations: dict[str, Any], reachable: bool = True) -> None:
        self.entries = list(accreditations)
        self.reachable = reachable

    def accreditations(self, issuer: str) -> list[dict[str, Any]]:
        if not self.reachable:
            raise TrustRegistryError("the trust registry at https://trust.example did not answer")
        return [copy.deepcopy(a) for a in self.entries if a.get("credentialSubject", {}).get("id") == issuer]


def micro_credential(issuer: SigningKey, issued: datetime = ISSUED, **changes: Any) -> dict[str, Any]:
    """The vocational example (EQF 5, ISCED-F 0713, Sweden), with ``changes`` to its specification, issued by
    ``issuer`` at ``issued``, signed."""
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    spec = parse_spec({**data, **changes})
    unsigned = render_credential(spec, Learner(email="anna@example.se"), issuer.controller, issued=issued)
    return sign_credential(unsigned, issuer)


def plain_credential(issuer: SigningKey) -> dict[str, Any]:
    """A plain VC, as the W3C suites issue: no achievement, no EQF level, no field, no issuance date."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer.controller,
        "credentialSubject": {"id": "did:example:alumnus", "alumniOf": "Example University"},
    }


def status_lists(authority: SigningKey, *revoked: int) -> dict[str, dict[str, Any]]:
    bits = StatusList()
    for index in revoked:
        bits.set(index)
    unsigned = status_list_credential(STATUS_URL, authority.controller, "revocation", bits, "2026-01-01T00:00:00Z")
    return {STATUS_URL: sign_credential(unsigned, authority)}


def verifier(lists: dict[str, dict[str, Any]] | None = None) -> Verifier:
    return Verifier(clock=lambda: NOW, fetch_status_list=None if lists is None else lists.__getitem__)


def check(credential: dict[str, Any], registry: Registry, anchors: list[str], lists: Any = None) -> Any:
    return check_accreditation(credential, anchors=anchors, registry=registry, verifier=verifier(lists))


def test_an_accredited_issuer_passes_with_a_readable_sentence(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    result = check(micro_credential(issuer), Registry(accredit()), [authority.controller])
    assert result.name == ACCREDITATION
    assert result.outcome == "passed"
    assert result.message == SENTENCE
    assert result.details["accredited"] is True
    assert result.details["authority"] == authority.controller


def test_the_verifier_adds_the_check_after_the_issuer_check(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    credential = micro_credential(issuer)
    trusted = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry(accredit())))
    report = trusted.verify_credential(credential)
    assert report.verified, report.to_json()
    names = [c.name for c in report.checks]
    assert names.index(ACCREDITATION) == names.index(ISSUER) + 1 < names.index(VALIDITY)
    assert report.check(ACCREDITATION).message == SENTENCE  # type: ignore[union-attr]
    # Without trust anchors the report is what it always was.
    assert Verifier(clock=lambda: NOW).verify_credential(credential).check(ACCREDITATION) is None


def test_an_unaccredited_issuer_is_not_accredited_but_its_credential_still_verifies(
    authority: SigningKey, issuer: SigningKey
) -> None:
    credential = micro_credential(issuer)
    result = check(credential, Registry(), [authority.controller])
    assert (result.outcome, result.message, result.details) == (
        "not_applicable",
        "issuer not accredited",
        {"accredited": False},
    )
    report = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry())).verify_credential(credential)
    assert report.verified
    assert report.check(ACCREDITATION).outcome == "not_applicable"  # type: ignore[union-attr]


def test_an_accreditation_by_an_authority_that_is_not_an_anchor_does_not_count(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    stranger = SigningKey.for_did_key(KeyPair.generate())
    result = check(micro_credential(issuer), Registry(accredit(stranger)), [authority.controller])
    assert result.outcome == "not_applicable"
    assert result.message == f"issuer not accredited by a trusted authority (only by {stranger.controller})"
    assert result.details == {"accredited": False, "authorities": [stranger.controller]}


def test_several_anchors(authority: SigningKey, issuer: SigningKey, accredit: Accredit) -> None:
    other = SigningKey.for_did_key(KeyPair.generate())
    registry = Registry(accredit(other))
    assert check(micro_credential(issuer), registry, [authority.controller, other.controller]).outcome == "passed"
    assert check(micro_credential(issuer), registry, [authority.controller]).outcome == "not_applicable"
    # Two anchors, one accreditation each: the one that covers the credential is the one reported.
    narrow = accredit(scope=Scope(6, 7, ("07",)))
    both = Registry(narrow, accredit(other, credential_id="urn:uuid:other"))
    result = check(micro_credential(issuer), both, [authority.controller, other.controller])
    assert result.outcome == "passed"
    assert result.details["authority"] == other.controller


def test_a_forged_accreditation_fails(authority: SigningKey, issuer: SigningKey, accredit: Accredit) -> None:
    forged = accredit(scope=Scope(3, 5, ("06",)))
    field = next(
        a for a in forged["credentialSubject"]["achievement"]["alignment"] if a["targetType"] == "ext:ISCEDField"
    )
    field["targetCode"] = "07"  # The signature covers the scope: changing it is forgery.
    result = check(micro_credential(issuer), Registry(forged), [authority.controller])
    assert result.outcome == "failed"
    assert result.code == "ACCREDITATION_FORGED"
    assert result.message.startswith(f"the accreditation {forged['id']} is forged or altered (proof:")
    # An accreditation that names the anchor as its issuer but is signed with another key is forged too.
    impostor = SigningKey.for_did_key(KeyPair.generate())
    unsigned = {k: v for k, v in accredit().items() if k != "proof"}
    claimed = sign_credential({**unsigned, "issuer": impostor.controller}, impostor)
    claimed["issuer"] = unsigned["issuer"]
    result = check(micro_credential(issuer), Registry(claimed), [authority.controller])
    assert (result.outcome, result.code) == ("failed", "ACCREDITATION_FORGED")


def test_a_valid_accreditation_outweighs_a_forged_one(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    forged = accredit(credential_id="urn:uuid:forged")
    forged["credentialSubject"]["name"] = "Someone else"
    assert check(micro_credential(issuer), Registry(forged, accredit()), [authority.controller]).outcome == "passed"


def test_an_accreditation_that_expired_before_issuance_does_not_cover_it(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    expired = accredit(valid_until=datetime(2025, 12, 31, tzinfo=UTC))
    result = check(micro_credential(issuer), Registry(expired), [authority.controller])
    assert (result.outcome, result.code) == ("warning", "ACCREDITATION_EXPIRED")
    assert result.message == (
        NOT_COVERED + "the accreditation expired on 2025-12-31, before the credential was issued on 2026-03-01"
    )
    assert (result.details["covered"], result.details["validUntil"], result.details["issued"]) == (
        False,
        "2025-12-31",
        "2026-03-01",
    )
    # The same accreditation covers a credential issued while it was valid, even though it has expired now.
    earlier = micro_credential(issuer, datetime(2025, 6, 1, tzinfo=UTC))
    assert check(earlier, Registry(expired), [authority.controller]).outcome == "passed"


def test_a_credential_issued_before_the_accreditation_began_is_not_covered(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    result = check(
        micro_credential(issuer, datetime(2024, 5, 1, tzinfo=UTC)), Registry(accredit()), [authority.controller]
    )
    assert (result.outcome, result.code) == ("warning", "ACCREDITATION_NOT_YET_VALID")
    assert result.message == NOT_COVERED + "it was issued on 2024-05-01, before the accreditation began on 2025-01-01"


def test_moments_on_the_same_day_are_shown_with_their_time(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    later = accredit(valid_from=datetime(2026, 3, 1, 12, tzinfo=UTC))
    result = check(micro_credential(issuer), Registry(later), [authority.controller])
    assert result.message == NOT_COVERED + (
        "it was issued on 2026-03-01T00:00:00Z, before the accreditation began on 2026-03-01T12:00:00Z"
    )
    assert (result.details["issued"], result.details["validFrom"]) == ("2026-03-01T00:00:00Z", "2026-03-01T12:00:00Z")


def test_a_scope_mismatch_is_a_warning_that_names_the_level_and_the_field(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    eqf6 = micro_credential(issuer, eqfLevel=6)
    result = check(eqf6, Registry(accredit()), [authority.controller])
    assert (result.outcome, result.code) == ("warning", "ACCREDITATION_SCOPE_MISMATCH")
    assert result.message == NOT_COVERED + "EQF level 6 is outside the accredited EQF 3–5"
    assert result.details["gaps"] == [{"rule": "eqf", "value": "6"}]
    assert result.details["scope"] == {
        "eqfMin": 3,
        "eqfMax": 5,
        "iscedFields": ["07"],
        "credentialTypes": ["micro-credential"],
        "regions": ["SE"],
    }
    assert (result.details["accredited"], result.details["covered"]) == (True, False)
    health = micro_credential(issuer, iscedField="0913")
    result = check(health, Registry(accredit()), [authority.controller])
    assert result.message == NOT_COVERED + "ISCED-F 0913 is outside the accredited ISCED-F 07"
    norway = accredit(scope=Scope(3, 5, ("07",), ("micro-credential",), ("NO",)))
    result = check(micro_credential(issuer), Registry(norway), [authority.controller])
    assert result.message == NOT_COVERED + "the region SE is outside the accredited NO"


def test_an_authentic_credential_outside_the_scope_still_verifies_with_the_warning_visible(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    eqf6 = micro_credential(issuer, eqfLevel=6)
    report = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry(accredit()))).verify_credential(eqf6)
    assert report.outcome == "verified", report.to_json()
    assert report.check(ACCREDITATION).outcome == "warning"  # type: ignore[union-attr]
    data = report.to_json()
    assert data["warnings"] == [f"accreditation: {NOT_COVERED}EQF level 6 is outside the accredited EQF 3–5"]
    assert data["reason"].startswith("verified, with a warning: accreditation: ")


def test_a_generic_credential_from_an_accredited_issuer_verifies_but_is_not_covered(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    unsigned = plain_credential(issuer)
    report = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry(accredit()))).verify_credential(
        sign_credential(unsigned, issuer)
    )
    assert report.outcome == "verified", report.to_json()
    found = report.check(ACCREDITATION)
    assert (found.outcome, found.code) == ("warning", "ACCREDITATION_NO_ISSUANCE_DATE")  # type: ignore[union-attr]
    unsigned["validFrom"] = "2026-03-01T00:00:00Z"
    report = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry(accredit()))).verify_credential(
        sign_credential(unsigned, issuer)
    )
    assert report.outcome == "verified", report.to_json()
    found = report.check(ACCREDITATION)
    assert (found.outcome, found.code) == ("warning", "ACCREDITATION_SCOPE_MISMATCH")  # type: ignore[union-attr]
    assert "the credential type example-alumni-credential is not one of the accredited micro-credential" in (
        found.message  # type: ignore[union-attr]
    )


def test_an_accreditation_for_another_issuer_fails(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    other = accredit(issuer="did:example:another-school")

    class Careless(Registry):
        def accreditations(self, issuer: str) -> list[dict[str, Any]]:
            return [copy.deepcopy(other)]

    result = check(micro_credential(issuer), Careless(), [authority.controller])
    assert (result.outcome, result.code) == ("failed", "ACCREDITATION_SUBJECT_MISMATCH")
    assert "is for did:example:another-school, not the issuer" in result.message


def test_an_unreachable_registry_is_could_not_check_never_not_accredited(
    authority: SigningKey, issuer: SigningKey
) -> None:
    result = check(micro_credential(issuer), Registry(reachable=False), [authority.controller])
    assert result.outcome == "could_not_check"
    assert result.code == "TRUST_REGISTRY_ERROR"
    assert (
        result.message
        == "the trust registry could not be checked: the trust registry at https://trust.example did not answer"
    )
    assert "not accredited" not in result.message
    trusted = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry(reachable=False)))
    assert trusted.verify_credential(micro_credential(issuer)).outcome == "could_not_verify"


def test_withdrawal_before_issuance_does_not_cover_and_after_issuance_still_covers(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    original = accredit(status_entries=[status_entry(STATUS_URL, 7)])
    withdrawn_at = datetime(2026, 6, 1, tzinfo=UTC)
    replacement = sign_credential(
        withdrawal(original, credential_id="urn:uuid:withdrawal", withdrawn_at=withdrawn_at), authority
    )
    lists = status_lists(authority, 7)  # The authority revoked the original credential.
    registry = Registry(original, replacement)
    before = check(micro_credential(issuer, datetime(2026, 3, 1, tzinfo=UTC)), registry, [authority.controller], lists)
    assert before.outcome == "passed"
    assert before.message.endswith("from 2025-01-01 to 2026-06-01")
    after = check(micro_credential(issuer, datetime(2026, 9, 1, tzinfo=UTC)), registry, [authority.controller], lists)
    assert (after.outcome, after.code) == ("warning", "ACCREDITATION_WITHDRAWN")
    assert after.message == (
        NOT_COVERED + "the accreditation was withdrawn on 2026-06-01, before the credential was issued on 2026-09-01"
    )
    # A revoked accreditation without its dated replacement no longer supports any credential.
    alone = check(micro_credential(issuer), Registry(original), [authority.controller], lists)
    assert (alone.outcome, alone.code) == ("warning", "ACCREDITATION_WITHDRAWN")
    assert "revoked" in alone.message
    # Not revoked: the original still covers the credential.
    assert (
        check(micro_credential(issuer), Registry(original), [authority.controller], status_lists(authority)).outcome
        == "passed"
    )


def test_an_accreditation_whose_status_cannot_be_fetched_could_not_be_checked(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    original = accredit(status_entries=[status_entry(STATUS_URL, 7)])
    result = check(micro_credential(issuer), Registry(original), [authority.controller], lists=None)
    assert result.outcome == "could_not_check"
    assert "could not be checked" in result.message
    # It might still pass, so it outweighs an accreditation that does not cover the credential.
    expired = accredit(credential_id="urn:uuid:expired", valid_until=datetime(2025, 6, 1, tzinfo=UTC))
    assert (
        check(micro_credential(issuer), Registry(expired, original), [authority.controller]).outcome
        == "could_not_check"
    )


def test_a_credential_without_an_issuance_date_is_not_covered_by_an_accreditation(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    credential = micro_credential(issuer)
    del credential["validFrom"]
    result = check(credential, Registry(accredit()), [authority.controller])
    assert (result.outcome, result.code) == ("warning", "ACCREDITATION_NO_ISSUANCE_DATE")
    assert result.message == NOT_COVERED + (
        "it states no issuance date (validFrom), so it cannot be shown to have been issued while its issuer was "
        "accredited"
    )


def test_a_credential_without_an_issuance_date_from_an_unaccredited_issuer_is_simply_not_accredited(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    credential = sign_credential(plain_credential(issuer), issuer)
    result = check(credential, Registry(), [authority.controller])
    assert (result.outcome, result.message) == ("not_applicable", "issuer not accredited")
    # Accredited only by an authority the verifier does not trust: also not accredited, not "could not check".
    stranger = SigningKey.for_did_key(KeyPair.generate())
    result = check(credential, Registry(accredit(stranger)), [authority.controller])
    assert result.outcome == "not_applicable"
    report = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry())).verify_credential(credential)
    assert report.outcome == "verified", report.to_json()


def test_the_issuers_own_status_list_is_not_accreditation_checked(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    url = "https://school.example/status/1"
    unsigned = render_credential(
        spec, Learner(email="a@example.se"), issuer.controller, issued=ISSUED, status_entries=[status_entry(url, 3)]
    )
    credential = sign_credential(unsigned, issuer)
    own = sign_credential(
        status_list_credential(url, issuer.controller, "revocation", StatusList(), "2026-01-01T00:00:00Z"), issuer
    )
    trusted = Verifier(
        clock=lambda: NOW,
        fetch_status_list={url: own}.__getitem__,
        trust=([authority.controller], Registry(accredit())),
    )
    report = trusted.verify_credential(credential)
    assert report.verified, report.to_json()


def test_malformed_registry_answers_fail_closed(authority: SigningKey, issuer: SigningKey, accredit: Accredit) -> None:
    class Odd(Registry):
        def accreditations(self, issuer: str) -> list[dict[str, Any]]:
            return self.entries

    not_accreditation = {**accredit(), "type": ["VerifiableCredential"]}
    for entry in ("junk", not_accreditation, {**accredit(), "issuer": 42}):
        result = check(micro_credential(issuer), Odd(entry), [authority.controller])  # type: ignore[arg-type]
        assert (result.outcome, result.code) == ("failed", "ACCREDITATION_FORGED"), result

    class Broken(Registry):
        def accreditations(self, issuer: str) -> list[dict[str, Any]]:
            raise CouldNotVerifyError("timed out")

    assert check(micro_credential(issuer), Broken(), [authority.controller]).outcome == "could_not_check"


def test_credential_facts(issuer: SigningKey) -> None:
    credential = micro_credential(issuer)
    assert credential_facts(credential) == (5, ["0713"], "micro-credential", "SE")
    credential["issuer"]["address"]["addressRegion"] = "SE-AC"
    assert credential_facts(credential)[3] == "SE-AC"
    credential["issuer"]["address"]["addressRegion"] = "NO-03"  # Not a subdivision of the issuer's country.
    assert credential_facts(credential)[3] == "SE"
    assert credential_type_of({"type": ["VerifiableCredential", "UnitOfQualification"]}) == "unit-of-qualification"
    assert (
        credential_type_of({"credentialSubject": {"achievement": {"achievementType": "Certificate"}}}) == "certificate"
    )
    assert credential_type_of({"type": "VerifiableCredential"}) == "credential"
    assert credential_facts({"issuer": "did:example:x", "credentialSubject": {}}) == (None, [], "credential", None)


def test_a_credential_whose_signature_fails_gets_no_accreditation_check(
    authority: SigningKey, issuer: SigningKey, accredit: Accredit
) -> None:
    credential = micro_credential(issuer)
    credential["name"] = "Forged"
    report = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry(accredit()))).verify_credential(
        credential
    )
    assert report.outcome == "invalid"
    assert report.check(ACCREDITATION) is None
