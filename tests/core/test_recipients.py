"""The one check of a learner's e-mail address and DID (merit.core.recipients), as a table of inputs."""

from __future__ import annotations

import pytest

from merit.core import recipients
from merit.core.errors import MalformedValueError
from merit.core.microcredential import Learner

GOOD_EMAILS = [
    "anna.svensson@example.se",
    "jan.kowalski+kurs@example.pl",
    "o'brien@example.ie",
    "Åsa.Öberg@exempel.se",  # SMTPUTF8 local part.
    "erik@bücher.de",  # IDNA domain.
    "erik@xn--bcher-kva.de",
    "a@b.example",
    "x=1@example.org",  # "=" is fine inside the address.
]
BAD_EMAILS = [
    ("=1+1@example.org", recipients.EMAIL_FORMULA),
    ("+46701234567@example.se", recipients.EMAIL_FORMULA),
    ("-2+3@example.org", recipients.EMAIL_FORMULA),
    ("@SUM(A1)@example.org", recipients.EMAIL_FORMULA),
    ("erik.lind@example", recipients.EMAIL_NO_TOP_LEVEL_DOMAIN),
    ("erik.lind@localhost", recipients.EMAIL_NO_TOP_LEVEL_DOMAIN),
    ("erik.lind@example.", recipients.EMAIL_NO_TOP_LEVEL_DOMAIN),
    ("erik.lind@1.2.3.4", recipients.EMAIL_SYNTAX),
    ("erik.lind@example.123", recipients.EMAIL_SYNTAX),
    ("erik.lind@merit.test", recipients.EMAIL_RESERVED_DOMAIN),  # A special-use name (RFC 6761) never gets mail.
    ("erik.lind@skolan.local", recipients.EMAIL_RESERVED_DOMAIN),  # Multicast DNS (RFC 6762).
    ("erik.lind@Skolan.INVALID.", recipients.EMAIL_RESERVED_DOMAIN),
    ("erik.lind@home.arpa", recipients.EMAIL_RESERVED_DOMAIN),
    ("erik.lind@hidden.onion", recipients.EMAIL_RESERVED_DOMAIN),  # RFC 7686.
    ("erik lind@example.org", recipients.EMAIL_SYNTAX),
    ("erik.lind.example.org", recipients.EMAIL_SYNTAX),
    ("erik..lind@example.org", recipients.EMAIL_SYNTAX),
    ("erik@-example.org", recipients.EMAIL_SYNTAX),
    ("erik@exa_mple.org", recipients.EMAIL_SYNTAX),
    ("<erik@example.org>", recipients.EMAIL_SYNTAX),
    ("erik@[127.0.0.1]", recipients.EMAIL_SYNTAX),
]
GOOD_DIDS = [
    "did:web:example.org",
    "did:web:credentials.example.org:learners:anna",
    "did:web:example.org%3A8443",
    "did:web:xn--bcher-kva.de",
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "did:example:123456789abcdefghi",
    "did:ion:EiClkZMDxPKqC9c-umQfTkR8vvZ9JPhl_xLDI9Nfk38w5w",
    "did:jwk:eyJrdHkiOiJPS1AifQ",
]
BAD_DIDS = [
    ("did:bad", recipients.DID_SYNTAX),
    ("did:", recipients.DID_SYNTAX),
    ("did:web:", recipients.DID_SYNTAX),
    ("did:Web:example.org", recipients.DID_SYNTAX),  # Method names are lower case.
    ("did:example:a b", recipients.DID_SYNTAX),
    ("did:example:abc:", recipients.DID_SYNTAX),  # The identifier may not end with ":".
    ("did:example:%zz", recipients.DID_SYNTAX),
    ("did:example:" + "a" * 3000, recipients.DID_SYNTAX),
    ("DID:web:example.org", recipients.DID_SYNTAX),
    ("did:web:evil", recipients.DID_WEB),
    ("did:web:localhost%3A8000", recipients.DID_WEB),
    ("did:web:127.0.0.1", recipients.DID_WEB),
    ("did:web:-evil.org", recipients.DID_WEB),
    ("did:web:evil-.org", recipients.DID_WEB),
    ("did:web:example.org%3A99999", recipients.DID_WEB),
    ("did:web:example.org:..", recipients.DID_WEB),
    ("did:web:" + "a" * 64 + ".org", recipients.DID_WEB),
    ("did:web:xn--a.org", recipients.DID_WEB),  # Not valid punycode.
    ("did:key:z6Mk", recipients.DID_KEY),
    ("did:key:abc", recipients.DID_KEY),
]


@pytest.mark.parametrize("value", GOOD_EMAILS)
def test_good_email_addresses_pass(value: str) -> None:
    assert recipients.check_email(value) == value
    assert Learner(email=value).email == value


@pytest.mark.parametrize(("value", "reason"), BAD_EMAILS)
def test_bad_email_addresses_are_refused_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(recipients.RecipientError) as caught:
        recipients.check_email(value)
    assert (caught.value.reason, caught.value.value) == (reason, value)
    with pytest.raises(MalformedValueError):
        Learner(email=value)


@pytest.mark.parametrize("value", GOOD_DIDS)
def test_good_dids_pass(value: str) -> None:
    assert recipients.check_did(value) == value
    assert Learner(did=value).did == value


@pytest.mark.parametrize(("value", "reason"), BAD_DIDS)
def test_bad_dids_are_refused_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(recipients.RecipientError) as caught:
        recipients.check_did(value)
    assert caught.value.reason == reason
    with pytest.raises(MalformedValueError):
        Learner(did=value)
