"""The embedded server's demo data: organisations, published specifications, credentials that verify."""

from __future__ import annotations

import io
import os
import pty
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from merit.server.accounts.models import Organisation
from merit.server.demo import (
    LEARNERS,
    ORGANISATIONS,
    SECRETS_FILE,
    announce,
    create_demo_data,
    save_sign_in_details,
)
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.passport.models import HeldCredential
from merit.server.portal import services as portal
from merit.server.registry.models import Accreditation

SAFETY = "warehouse-safety"


def test_demo_data_is_complete_and_verifies(db: None) -> None:
    details = create_demo_data()
    assert len(details["users"]) == 2 + len(ORGANISATIONS) + 2 + 1, (
        "operator, authority, an owner each, two learners, the assessor"
    )
    assert all(token.startswith("mrt_") for _, token in details["tokens"])
    assert Organisation.objects.count() == len(ORGANISATIONS) + 1, "and the registry authority's own"
    published = Specification.objects.filter(state=Specification.State.PUBLISHED)
    assert published.count() == len(ORGANISATIONS) + 1, "and the warehouse-safety one mapped to a unit"
    records = list(IssuedCredential.objects.filter(specification__isnull=False).exclude(specification__key=SAFETY))
    assert len(records) == len(ORGANISATIONS) * len(LEARNERS)
    # Each issuer's list finds its learners by name, as for credentials issued in the workspace.
    assert {(r.learner_name, r.learner_contact) for r in records} == {(name, email) for email, name in LEARNERS}
    verifier = services.verifier()
    outcomes = {record.state: verifier.verify_credential(record.document).outcome for record in records}
    assert outcomes == {"valid": "verified", "revoked": "invalid"}
    # The registry authority accredited every organisation (Izba Logistyki as the certifying institution of the
    # Polish qualification, issue 14), and the employer's verifier (the portal's, which consults the registry) says so.
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
        "izba-logistyki": ("passed", True),
    }
    # Two for micro-credentials, and two naming the demo qualifications (one of them, Izba's, for both).
    assert Accreditation.objects.count() == 4
    # The two learners with accounts hold their credentials, one from each organisation, in their passports.
    for email, _name in LEARNERS[:2]:
        held = HeldCredential.objects.filter(owner__username=email)
        jans = 2 * (email == "jan.kowalski@example.pl")
        assert held.count() == len(ORGANISATIONS) + jans, "Jan's warehouse-safety and his partial qualification"
        assert all(h.recipient_verified and h.outcome == "verified" for h in held)


def _secrets(details: dict[str, Any]) -> list[str]:
    return [password for _, password, _ in details["users"]] + [token for _, token in details["tokens"]]


def test_the_demo_secrets_go_to_a_private_file_and_not_to_a_pipe(db: None, tmp_path: Path) -> None:
    details = create_demo_data()
    (tmp_path / SECRETS_FILE).write_text("old")
    (tmp_path / SECRETS_FILE).chmod(0o644)
    out = io.StringIO()  # Not a terminal, as when the output goes to a log.
    path = announce(details, tmp_path, out)
    assert path == tmp_path / SECRETS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "readable only by its owner, also when it was there before"
    saved = path.read_text()
    assert all(secret in saved for secret in _secrets(details))
    printed = out.getvalue()
    assert str(path) in printed
    assert not any(secret in printed for secret in _secrets(details))


def test_the_demo_secrets_are_shown_on_a_terminal(db: None, tmp_path: Path) -> None:
    details = create_demo_data()
    main, secondary = pty.openpty()
    with os.fdopen(secondary, "w", encoding="utf-8") as terminal:
        announce(details, tmp_path, terminal)
    shown = b""
    while chunk := _read(main):
        shown += chunk
    os.close(main)
    assert all(secret.encode() in shown for secret in _secrets(details))
    assert str(tmp_path / SECRETS_FILE).encode() in shown


def _read(descriptor: int) -> bytes:
    try:
        return os.read(descriptor, 65536)
    except OSError:  # EIO once the terminal's other end is closed and everything is read.
        return b""


def test_a_symbolic_link_in_place_of_the_file_is_refused(db: None, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("")
    (tmp_path / SECRETS_FILE).symlink_to(target)
    with pytest.raises(OSError, match="symbolic links"):  # ELOOP: O_NOFOLLOW.
        save_sign_in_details({"users": [("u", "p", "r")], "tokens": []}, tmp_path)
    assert target.read_text() == ""


def _serve(home: Path, stdout: int, database: str) -> subprocess.Popen[bytes]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MERIT_")}, "MERIT_HOME": str(home)}
    env["DATABASE_URL"] = database  # A new, empty database, so that serve creates the demo data.
    command = [sys.executable, "-m", "merit.cli.main", "serve", "--no-worker", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.STDOUT)


def _until_running(read: Any) -> bytes:
    seen = b""
    deadline = time.monotonic() + 240
    while b"Merit is running" not in seen and time.monotonic() < deadline:
        chunk = read()
        if not chunk:
            break
        seen += chunk
    return seen


def test_merit_serve_does_not_print_the_secrets_into_a_log(tmp_path: Path, database: str) -> None:
    """``merit serve`` with its output going to a pipe (a log, a service manager): the path, not the secrets. (On
    a terminal they are shown: ``test_the_demo_secrets_are_shown_on_a_terminal``.)"""
    home = tmp_path / "home"
    server = _serve(home, subprocess.PIPE, database)
    assert server.stdout is not None
    try:
        printed = _until_running(lambda: server.stdout.read1(65536))  # type: ignore[union-attr]
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
    assert b"Merit is running" in printed, printed.decode(errors="replace")
    path = home / SECRETS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    secrets = re.findall(r"^  \S+\s+(\S+)\s+(?:owner|registry|learner)", text, re.M)
    secrets += re.findall(r"^  .+: (mrt_\S+)$", text, re.M)
    assert len(secrets) == 6 + 3, text
    assert str(path).encode() in printed
    assert not any(secret.encode() in printed for secret in secrets)


def test_the_demo_authority_works_in_the_registry_pages_not_the_admin(db: None) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    create_demo_data()
    authority = get_user_model().objects.get(username="authority")
    assert not authority.is_staff
    assert not authority.is_superuser
    assert get_user_model().objects.get(username="operator").is_superuser
    client = Client()
    client.force_login(authority)
    landing = client.get("/workspace/")
    assert (landing.status_code, landing["Location"]) == (302, "/registry/review/")
    review = client.get("/registry/review/")
    assert review.status_code == 200
    assert "Review for Merit Demo Registry" in review.content.decode()
    assert client.get("/admin/").status_code == 302, "the admin is for the operator"


def test_the_demo_walks_a_learning_pathway(db: None) -> None:
    """Issue 14's demo: a Polish partial qualification with three sets of learning outcomes, two covered by Jan's
    credentials, a Swedish vocational qualification with units, one validation case decided by an assessor, and
    the partial qualification awarded on that basis."""
    from django.contrib.auth import get_user_model

    from merit.server.passport import pathways
    from merit.server.qualifications.models import Qualification, UnitMapping
    from merit.server.stacking.models import Award
    from merit.server.validation.models import Decision

    details = create_demo_data()
    polish = Qualification.objects.get(iri="https://zrk.example/kwalifikacje/90001")
    swedish = Qualification.objects.get(iri="https://seqf.example/kvalifikationer/solcellsinstallator")
    assert (polish.kind, polish.eqf_level, polish.units.count()) == ("partial", 3, 3)
    assert (swedish.kind, swedish.eqf_level, swedish.units.count()) == ("full", 5, 4)
    assert UnitMapping.objects.filter(state=UnitMapping.State.APPROVED).count() == 3
    jan = get_user_model().objects.get(username="jan.kowalski@example.pl")
    (standing, *_) = pathways.overview(jan)
    assert standing.row == polish
    assert standing.followed
    # ZE1 and ZE2 by his micro-credentials; ZE3 (recognised by validation) by the partial qualification awarded to
    # him, which covers every unit and is in his passport.
    award = Award.objects.get(qualification=polish)
    awarded = HeldCredential.objects.get(owner=jan, credential_id=award.credential.credential_id)
    states = {s.unit.code: (s.state, s.by) for s in standing.progress.units}
    assert [code for code, (state, _by) in states.items() if state == "done"] == ["ZE1", "ZE2", "ZE3"]
    assert states["ZE3"][1] == (str(awarded.pk),)
    assert standing.progress.complete
    (decision,) = Decision.objects.filter(case__qualification=polish)
    assert (decision.outcome, decision.method, decision.unit.code) == ("recognised", "observation", "ZE3")
    assert decision.assessor == "izba-assessor"
    assert award.organisation.slug == "izba-logistyki"
    assert sorted(c.kind for c in award.components.all()) == ["credential", "credential", "recognition"]
    report = portal.verifier().verify_credential(award.credential.document)
    assert report.outcome == "verified"
    assert any("90001" in note for note in details["awards"])
