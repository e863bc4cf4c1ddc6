"""The embedded server's demo data: organisations, published specifications, credentials that verify."""

from __future__ import annotations

from merit.server.accounts.models import Organisation
from merit.server.demo import LEARNERS, ORGANISATIONS, create_demo_data
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.passport.models import HeldCredential
from merit.server.portal import services as portal
from merit.server.registry.models import Accreditation


def test_demo_data_is_complete_and_verifies(db: None) -> None:
    details = create_demo_data()
    assert len(details["users"]) == 1 + len(ORGANISATIONS) + 2, "the authority, an owner each, two learners"
    assert all(token.startswith("mrt_") for _, token in details["tokens"])
    assert Organisation.objects.count() == len(ORGANISATIONS) + 1, "and the registry authority's own"
    assert Specification.objects.filter(state=Specification.State.PUBLISHED).count() == len(ORGANISATIONS)
    records = list(IssuedCredential.objects.filter(specification__isnull=False))
    assert len(records) == len(ORGANISATIONS) * len(LEARNERS)
    verifier = services.verifier()
    outcomes = {record.state: verifier.verify_credential(record.document).outcome for record in records}
    assert outcomes == {"valid": "verified", "revoked": "invalid"}
    # The registry authority accredited two of the organisations; the third issues unaccredited, and the
    # employer's verifier (the portal's, which consults the registry) says which is which.
    portal_verifier = portal.verifier()
    accredited = {}
    for record in records:
        if record.state == "valid":
            report = portal_verifier.verify_credential(record.document)
            assert report.outcome == "verified"
            (check,) = [c for c in report.checks if c.name == "accreditation"]
            accredited[record.organisation.slug] = (check.outcome, check.details.get("accredited"))
    assert accredited == {
        "yrkeshogskolan-norr": ("passed", True),
        "university-east": ("passed", True),
        "izba-logistyki": ("not_applicable", False),
    }
    assert Accreditation.objects.count() == 2
    # The two learners with accounts hold their credentials, one from each organisation, in their passports.
    for email, _name in LEARNERS[:2]:
        held = HeldCredential.objects.filter(owner__username=email)
        assert held.count() == len(ORGANISATIONS)
        assert all(h.recipient_verified and h.outcome == "verified" for h in held)
