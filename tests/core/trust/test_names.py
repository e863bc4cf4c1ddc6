"""An unaccredited issuer named like an accredited organisation gets a named warning; the name is its own claim."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from merit.core.issue import sign_credential
from merit.core.keys import SigningKey
from merit.core.trust.names import Namesake, check_issuer_name, issuer_names, name_key
from merit.core.verify import Verifier
from merit.core.verify.report import ACCREDITATION, ISSUER_NAME
from tests.core.trust.conftest import Accredit
from tests.core.trust.test_check import NOW, Registry, micro_credential

ACCREDITED = "did:web:merit.example:orgs:yh-norr"


def test_name_keys_ignore_case_accents_and_spacing() -> None:
    assert name_key("Yrkeshögskolan Norr") == "yrkeshogskolan norr"
    assert name_key("  YRKESHOGSKOLAN \t norr ") == name_key("Yrkeshögskolan Norr")
    assert name_key("Yrkesho\u0308gskolan Norr") == name_key("Yrkeshögskolan Norr")  # Decomposed ö.
    assert name_key("Ｙｒｋｅｓｈöｇｓｋｏｌａｎ Norr") == name_key("Yrkeshögskolan Norr")  # Full-width (NFKD).
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("Yrkeshögskolan Söder") != name_key("Yrkeshögskolan Norr")


def test_issuer_names_reads_every_language() -> None:
    credential: dict[str, Any] = {"issuer": {"id": "did:example:x", "name": {"sv": "Skolan", "en": "The School"}}}
    assert issuer_names(credential) == ["Skolan", "The School"]
    credential["issuer"]["name"] = [{"@value": "Skolan", "@language": "sv"}]
    assert issuer_names(credential) == ["Skolan"]
    assert issuer_names({"issuer": "did:example:x"}) == []


class Directory:
    """The accredited organisations a caller knows, by name key; it records each key it was asked."""

    def __init__(self, *known: Namesake) -> None:
        self.known = known
        self.asked: list[str] = []

    def __call__(self, key: str) -> Sequence[Namesake]:
        self.asked.append(key)
        return [n for n in self.known if name_key(n.name) == key]


def named(issuer: SigningKey, name: str) -> dict[str, Any]:
    credential = micro_credential(issuer)
    del credential["proof"]
    credential["issuer"]["name"] = name
    return sign_credential(credential, issuer)


def test_an_unaccredited_namesake_gets_a_prominent_named_warning(issuer: SigningKey, authority: SigningKey) -> None:
    directory = Directory(Namesake(ACCREDITED, "Yrkeshögskolan Norr"))
    credential = named(issuer, "YRKESHOGSKOLAN  norr")
    trusted = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry()), namesakes=directory)
    report = trusted.verify_credential(credential)
    # Authentic and valid, so still verified; but the warning is in the report, named, with its data.
    assert report.outcome == "verified", report.to_json()
    assert report.check(ACCREDITATION).outcome == "not_applicable"  # type: ignore[union-attr]
    warning = report.check(ISSUER_NAME)
    assert warning is not None
    assert (warning.outcome, warning.code) == ("warning", "ISSUER_NAME_OF_ACCREDITED_ORGANISATION")
    assert warning.details == {
        "name": "YRKESHOGSKOLAN  norr",
        "issuer": issuer.controller,
        "namesakes": [{"did": ACCREDITED, "name": "Yrkeshögskolan Norr"}],
    }
    assert ACCREDITED in warning.message
    assert "its own claim" in warning.message
    assert any(w.startswith("issuer_name: ") for w in report.to_json()["warnings"])
    names = [c.name for c in report.checks]
    assert names.index(ISSUER_NAME) == names.index(ACCREDITATION) + 1


def test_no_warning_for_another_name_for_the_accredited_issuer_itself_or_without_a_lookup(
    issuer: SigningKey, authority: SigningKey, accredit: Accredit
) -> None:
    directory = Directory(Namesake(ACCREDITED, "Yrkeshögskolan Norr"), Namesake(issuer.controller, "Skellefteå kommun"))
    plain = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry()), namesakes=directory)
    assert plain.verify_credential(named(issuer, "Yrkeshögskolan Söder")).check(ISSUER_NAME) is None
    # The organisation itself, under its own name, is not its own namesake.
    assert check_issuer_name(named(issuer, "Skellefteå kommun"), directory) is None
    # An accredited issuer is not asked about at all: the accreditation check already says who it is.
    accredited = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry(accredit())), namesakes=directory)
    directory.asked.clear()
    report = accredited.verify_credential(micro_credential(issuer))
    assert report.check(ACCREDITATION).outcome == "passed"  # type: ignore[union-attr]
    assert (report.check(ISSUER_NAME), directory.asked) == (None, [])
    # Without a lookup, no check.
    unnamed = Verifier(clock=lambda: NOW, trust=([authority.controller], Registry()))
    assert unnamed.verify_credential(named(issuer, "Yrkeshögskolan Norr")).check(ISSUER_NAME) is None


def test_a_broken_lookup_fails_closed_in_its_own_check(issuer: SigningKey, authority: SigningKey) -> None:
    def broken(key: str) -> Sequence[Namesake]:
        raise RuntimeError("database gone")

    trusted = Verifier(
        clock=lambda: datetime(2026, 10, 1, tzinfo=UTC),
        trust=([authority.controller], Registry()),
        namesakes=broken,
    )
    report = trusted.verify_credential(named(issuer, "Anything"))
    assert report.check(ISSUER_NAME).outcome == "failed"  # type: ignore[union-attr]
