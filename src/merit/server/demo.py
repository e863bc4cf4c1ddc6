"""Demo data for the embedded server: a registry authority (its reviewer a member of its organisation, not staff;
an operator for Django admin) that has accredited two of the issuer organisations (the third issues unaccredited,
as verifiers then say), published micro-credentials, API tokens, and learners with credentials (some revoked).
Built through the services."""

from __future__ import annotations

import json
import os
import secrets
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from merit.core import trust
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.accounts.services import create_token, mark_verified
from merit.server.issuing import learners, services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.passport import demo_pathways
from merit.server.passport import services as passport
from merit.server.qualifications import demo_mapping
from merit.server.qualifications.demo import import_demo_qualifications
from merit.server.registry import services as registry
from merit.server.stacking import demo as stacking_demo
from merit.server.validation import demo as validation_demo

EXAMPLES = Path(__file__).parents[3] / "examples"
ORGANISATIONS = [
    ("yrkeshogskolan-norr", "Yrkeshögskolan Norr", "SE", "Västerbotten", "solar-installation-vocational.json"),
    (
        "izba-logistyki",
        "Polska Izba Logistyki i Magazynowania",
        "PL",
        "mazowieckie",
        "forklift-workplace-validation.json",
    ),
    (
        "university-east",
        "University of Eastern Finland (example)",
        "FI",
        "Pohjois-Savo",
        "data-analysis-university-online.json",
    ),
]
ACCREDITED = {
    # Organisation slug: the accrediting body, the quality-assurance framework and the scope the authority approves.
    "yrkeshogskolan-norr": (
        "Myndigheten för yrkeshögskolan (example)",
        "EQAVET",
        trust.Scope(eqf_min=4, eqf_max=6, isced_fields=("0713",), credential_types=("micro-credential",)),
    ),
    "university-east": (
        "Finnish Education Evaluation Centre (example)",
        "ESG",
        trust.Scope(eqf_min=6, eqf_max=8, credential_types=("micro-credential",)),
    ),
}
SECRETS_FILE = "demo-credentials.txt"
LEARNERS = [
    ("anna.svensson@example.se", "Anna Svensson"),
    ("jan.kowalski@example.pl", "Jan Kowalski"),
    ("aino.virtanen@example.fi", "Aino Virtanen"),
    ("omar.haddad@example.se", "Omar Haddad"),
]


def _spec(name: str) -> dict[str, Any]:
    path = EXAMPLES / name
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    return dict(json.loads(resources.files("merit.cli").joinpath("demo-spec.json").read_text(encoding="utf-8")))


def create_demo_data() -> dict[str, Any]:
    """Create the demo data once; returns the sign-in details to print."""
    users = get_user_model()
    details: dict[str, Any] = {"users": [], "tokens": []}
    with transaction.atomic():
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser("operator", "operator@merit.example", password)
        details["users"].append(("operator", password, "operator of this installation (/admin/)"))
        authority = registry.create_authority(slug="demo-registry", name="Merit Demo Registry", country="SE")
        # The authority's reviewer is a member of its organisation, not staff: it decides in the registry pages.
        password = secrets.token_urlsafe(12)
        decider = users.objects.create_user("authority", "authority@merit.example", password)
        Membership.objects.create(user=decider, organisation=authority.organisation, role=Role.ISSUER)
        details["users"].append(("authority", password, "registry authority's reviewer (/registry/review/)"))
        for slug, name, country, region, spec_file in ORGANISATIONS:
            organisation = services.create_organisation(slug=slug, name=name, country=country, region=region)
            password = secrets.token_urlsafe(12)
            owner = users.objects.create_user(f"{slug}-owner", f"owner@{slug}.example", password)
            Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
            details["users"].append((owner.username, password, f"owner of {name} (/workspace/)"))
            _, token = create_token(organisation, "demo", ["issue", "status", "read"], actor="demo")
            details["tokens"].append((name, token))
            data = _spec(spec_file)
            data["awardingBody"] = {**data["awardingBody"], "name": name, "country": country, "region": region}
            spec = Specification.objects.create(
                organisation=organisation,
                key=spec_file.removesuffix(".json"),
                data=data,
                state=Specification.State.PUBLISHED,
                published_at=timezone.now(),
            )
            if slug in ACCREDITED:
                body, framework, scope = ACCREDITED[slug]
                application = registry.apply(
                    organisation, authority, scope=scope, qa_framework=framework, accrediting_body=body, actor="demo"
                )
                registry.approve(application, user=decider, reason="demo data")
            _issue_examples(organisation, spec)
        for email, name in LEARNERS[:2]:
            password = secrets.token_urlsafe(12)
            learner = users.objects.create_user(email, email, password, first_name=name)
            mark_verified(learner)
            for record in IssuedCredential.objects.filter(specification__isnull=False).order_by("pk"):
                if passport.issued_to(record.document, [email]):
                    passport.add_credential(learner, record.document_json.encode("utf-8"), source="claim")
            details["users"].append((email, password, f"learner {name} (/passport/)"))
        # Learning pathways (issue 14), in this order: imports, accreditations, mapping, progress, validation, award.
        import_demo_qualifications(details)
        stacking_demo.accredit_demo_institutions()
        demo_mapping.create_demo_mappings(details)
        demo_pathways.create()  # Jan follows the Polish qualification.
        validation_demo.create_validation_demo(details)
        stacking_demo.award_demo(details, source=validation_demo.jans_basis)
    return details


def _issue_examples(organisation: Organisation, specification: Specification) -> None:
    spec = parse_spec(specification.data)
    grade = spec.grading.allowed_values[-1] if spec.grading and spec.grading.allowed_values else None
    for index, (email, name) in enumerate(LEARNERS):
        learner = Learner(email=email, name=name)
        unsigned = render_credential(spec, learner, organisation.did, grade=grade)
        record = services.issue_credential(organisation, unsigned, actor="demo", specification=specification)
        learners.remember(record, learner)  # The issuer's record of whom it issued it to, as issuance keeps it.
        if index == len(LEARNERS) - 1:
            services.set_status(organisation, record.credential_id, "revoked", reason="issued in error", actor="demo")


def sign_in_text(details: dict[str, Any]) -> str:
    """The demo's passwords and API tokens, as the operator reads them."""
    lines = [
        "Sign in (organisation owners at /workspace/, the registry authority at /registry/review/, the operator at "
        "/admin/) with these passwords:"
    ]
    lines += [f"  {username:<32} {password:<18} {role}" for username, password, role in details["users"]]
    lines.append("API tokens (Authorization: Bearer ...):")
    lines += [f"  {name}: {token}" for name, token in details["tokens"]]
    return "\n".join(lines) + "\n"


def save_sign_in_details(details: dict[str, Any], home: Path) -> Path:
    """Write the demo's secrets to ``home/demo-credentials.txt``, readable only by its owner (mode 0600, also when
    the file was there before; a symbolic link in its place is refused)."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / SECRETS_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(sign_in_text(details))
    return path


def announce(details: dict[str, Any], home: Path, out: TextIO) -> Path:
    """Save the demo's secrets and tell the operator where they are. They are printed only when ``out`` is a
    terminal: written to a pipe or a file they would end up in logs."""
    path = save_sign_in_details(details, home)
    print("Demo data created.", file=out)
    if out.isatty():
        print(sign_in_text(details) + f"(Also in {path}, readable only by you.)", file=out)
    else:
        print(f"The demo's passwords and API tokens are in {path} (readable only by you).", file=out)
    return path
