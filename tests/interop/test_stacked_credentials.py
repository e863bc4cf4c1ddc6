"""The stacked credential (a partial qualification awarded on two micro-credentials and a recognised unit) verifies
in the independent verifiers, did:web and status included, as the server issues it; and it passes the OB 3.0
schema. Its evidence entries (``digestSRI``) are read by none of them: the portal checks them."""

from __future__ import annotations

from typing import Any

import pytest

from merit.core.microcredential.schema import validate_ob3
from merit.server.issuing import services as issuing
from merit.server.stacking import services
from tests.interop.conftest import Loopback
from tests.interop.issued import VERIFIERS, verdict
from tests.interop.test_server_credentials import _published
from tests.server.stacking.conftest import JAN, make_world

pytestmark = pytest.mark.interop


@pytest.fixture(params=VERIFIERS)
def verifier(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


@pytest.fixture
def installation(settings: Any, loopback: Loopback) -> Loopback:
    settings.BASE_URL = loopback.base_url
    return loopback


def test_a_stacked_credential_verifies_and_revokes_everywhere(
    verifier: Any, installation: Loopback, client: Any, db: None
) -> None:
    world = make_world()
    made, _ = services.award(world.izba, world.qualification, JAN, world.basis(), actor="test")
    credential = made.credential.document
    assert credential["issuer"]["id"].startswith("did:web:localhost%3A")
    assert validate_ob3(credential) == []
    result = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert result.accepted, result
    # A component revoked later changes nothing for them: the stacked credential's status is its issuer's.
    issuing.set_status(world.izba, world.forklift.credential_id, "revoked", reason="test", actor="test")
    still = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert still.accepted, still
    issuing.set_status(world.izba, made.credential.credential_id, "revoked", reason="test", actor="test")
    revoked = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert not revoked.accepted, revoked
