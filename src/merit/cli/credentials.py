"""``merit lint``, ``merit issue`` and ``merit inspect``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from merit.cli.commands import EXIT_INVALID, EXIT_OK, load_key
from merit.cli.io import UsageError, dump, read_json_file
from merit.core.errors import MeritError


def lint(args: argparse.Namespace) -> int:
    from merit.core.microcredential import lint_spec

    report = lint_spec(read_json_file(args.spec))
    if args.json:
        dump(report.to_json())
    else:
        for error in report.errors:
            print(f"✘ error       {error}")
        for suggestion in report.suggestions:
            print(f"• suggestion  {suggestion}")
        if report.ok:
            print("OK: every mandatory element of the EU Recommendation (Annex I) is present and valid.")
        else:
            print(f"NOT READY: {len(report.errors)} problem(s) must be fixed before issuing.")
    return EXIT_OK if report.ok else EXIT_INVALID


def _datetime(value: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"{option} {value!r} is not an ISO 8601 date-time") from exc
    if moment.tzinfo is None:
        raise UsageError(f"{option} needs a time zone, for example 2027-12-31T23:59:59Z")
    return moment


def issue(args: argparse.Namespace) -> int:
    from merit.core.issue import sign_credential
    from merit.core.microcredential import Learner, parse_spec, render_credential
    from merit.core.status import status_entry

    key = load_key(args.key)
    learner_value = str(args.learner)
    learner_args = {"did": learner_value} if learner_value.startswith("did:") else {"email": learner_value}
    if (args.status_list is None) != (args.status_index is None):
        raise UsageError("--status-list and --status-index go together")
    try:
        spec = parse_spec(read_json_file(args.spec))
        learner = Learner(name=args.name, **learner_args)
        entries = [status_entry(args.status_list, args.status_index)] if args.status_list else None
        credential = render_credential(
            spec,
            learner,
            key.controller,
            credential_id=args.credential_id,
            issued=datetime.now(UTC),
            valid_until=_datetime(args.valid_until, "--valid-until") if args.valid_until else None,
            grade=args.grade,
            status_entries=entries,
        )
        if args.format == "di":
            dump(sign_credential(credential, key, suite=args.suite))
        else:
            from merit.core.jwt import sign_jwt

            if args.suite:
                raise UsageError("--suite is for Data Integrity proofs; a JWT's algorithm follows the key")
            print(sign_jwt(credential, key, form="ob3" if args.format == "jwt" else "vc-jose"))
    except MeritError as exc:
        print(f"merit issue: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return " / ".join(f"{text} [{lang}]" for lang, text in value.items())
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value if v)
    return "" if value is None else str(value)


def _read_credential(path: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """A credential file: JSON, or a JWT (the JOSE header and the credential it carries, not verified)."""
    from merit.cli.io import read_text
    from merit.core.formats import jws_parts
    from merit.core.jwt import credential_of

    text = read_text(path).strip()
    if text.startswith("{"):
        return None, read_json_file(path)
    try:
        header, _payload = jws_parts(text)
        return header, credential_of(text)
    except MeritError as exc:
        raise UsageError(f"{path}: neither a JSON credential nor a JWT ({exc.message})") from exc


def inspect(args: argparse.Namespace) -> int:
    from merit.core.microcredential import extract_spec_view

    header, document = _read_credential(args.file)
    view = extract_spec_view(document)
    rows = [
        ("Micro-credential", view["title"]),
        ("Titles", view["titles"]),
        ("Awarded by", view["awardingBody"]),
        ("Issuer", view["issuerId"]),
        ("Country / region", ", ".join(x for x in (view["country"], view["region"]) if x)),
        ("Learner", view["learnerName"] or view["learner"]),
        ("Issued", view["issued"]),
        ("Valid until", view["validUntil"] or "no end date"),
        ("EQF level", view["eqfLevel"]),
        ("Field (ISCED-F)", view["field"]),
        ("Workload", ", ".join(x for x in (f"{view['ects']} ECTS" if view["ects"] else "", view["hours"] or "") if x)),
        ("Assessment", view["assessment"]),
        ("Participation", ", ".join(x for x in (view["participation"], view["learningSetting"]) if x)),
        ("Supervision", view["supervision"]),
        ("Quality assurance", ", ".join(x for x in (view["qualityAssurance"], view["qualityAssuranceBody"]) if x)),
        ("Prerequisites", view["prerequisites"]),
        ("Integration", view["integration"]),
        ("Part of", view["partOf"]),
        ("Grade", view["grade"]),
        ("Further information", view["furtherInformation"]),
    ]
    for label, value in rows:
        text = _text(value)
        if text:
            print(f"{label:<20} {text}")
    print("Learning outcomes")
    for outcome in view["learningOutcomes"]:
        print(f"  • {_text(outcome)}")
    if view["skills"]:
        print("Skills (ESCO)")
        for skill in view["skills"]:
            print(f"  • {skill['label']}  <{skill['uri']}>")
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
    for proof in proofs:
        if isinstance(proof, dict):
            suite = proof.get("cryptosuite") or proof.get("type")
            print(f"{'Signed':<20} {suite} by {proof.get('verificationMethod')} at {proof.get('created')}")
    if header is not None:
        print(
            f"{'Signed':<20} JWS {header.get('alg')} ({header.get('typ') or 'no typ'}) by {header.get('kid') or 'jwk'}"
        )
    elif not proofs:
        print(f"{'Signed':<20} no (unsigned)")
    if view["missing"]:
        print(f"{'Missing (Annex I)':<20} {', '.join(view['missing'])}")
    else:
        print(f"{'Annex I':<20} every mandatory element is present")
    print("(Use 'merit verify' to check the signature, issuer, dates and status.)")
    return EXIT_OK
