"""``merit keygen``, ``merit sign`` and ``merit verify``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from merit.cli.io import Progress, UsageError, dump, read_json_file, read_text, write_secret
from merit.core.errors import MeritError, StatusRetrievalError
from merit.core.keys import KeyPair, SigningKey

EXIT_OK, EXIT_INVALID, EXIT_COULD_NOT_VERIFY = 0, 1, 2
_SYMBOLS = {
    "passed": "✔ passed",
    "warning": "! WARNING",
    "failed": "✘ FAILED",
    "could_not_check": "? could not check",
    "not_applicable": "- n/a",
}


def load_key(path: str) -> SigningKey:
    """Read a key file written by ``merit keygen``."""
    data = read_json_file(path)
    try:
        return SigningKey.from_secret_json(data)
    except MeritError as exc:
        raise UsageError(f"{path}: not a Merit key file ({exc})") from exc


def keygen(args: argparse.Namespace) -> int:
    pair = KeyPair.generate(args.type)
    if args.did_web:
        if not str(args.did_web).startswith("did:web:"):
            raise UsageError("--did-web must be a did:web DID")
        key = SigningKey(pair, args.did_web, f"{args.did_web}#{pair.public_key.multibase}")
    else:
        key = SigningKey.for_did_key(pair)
    write_secret(args.out, key.to_secret_json(), force=args.force)
    dump(
        {
            "did": key.controller,
            "verificationMethod": key.verification_method,
            "publicKeyMultibase": pair.public_key.multibase,
            "type": args.type,
        }
    )
    return EXIT_OK


def sign(args: argparse.Namespace) -> int:
    from merit.core.issue import sign_credential

    key = load_key(args.key)
    if not args.jsonl:
        document = read_json_file(args.file)
        try:
            dump(sign_credential(document, key, suite=args.suite))
        except MeritError as exc:
            print(f"merit sign: {exc}", file=sys.stderr)
            return EXIT_INVALID
        return EXIT_OK
    progress = Progress("signed")
    failures = 0
    for line in _lines(args.file):
        try:
            dump(sign_credential(_parse_line(line), key, suite=args.suite), compact=True)
            progress.step(True)
        except MeritError as exc:
            failures += 1
            dump({"error": exc.message, "code": exc.code}, compact=True)
            progress.step(False)
    progress.close()
    return EXIT_INVALID if failures else EXIT_OK


def _lines(path: str) -> Any:
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for line in stream:
            if line.strip():
                yield line
    finally:
        if stream is not sys.stdin:
            stream.close()


def _parse_line(line: str) -> dict[str, Any]:
    from merit.core.verify.parsing import parse_json

    return parse_json(line)


def _verifier(args: argparse.Namespace) -> Any:
    from merit.core.dids import Resolver
    from merit.core.verify import Verifier

    documents = {}
    for path in args.did_document:
        document = read_json_file(path)
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise UsageError(f"{path}: a DID document must be a JSON object with an id")
        documents[document["id"]] = document
    lists: dict[str, dict[str, Any]] = {}
    for path in args.status_list:
        document = read_json_file(path)
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise UsageError(f"{path}: a status list credential must be a JSON object with an id")
        lists[document["id"]] = document

    def fetch(url: str) -> dict[str, Any]:
        if url not in lists:
            raise StatusRetrievalError(f"status list {url} was not supplied (use --status-list FILE)")
        return lists[url]

    now = _parse_now(args.now) if args.now else None
    verifier = Verifier(
        resolve=Resolver(documents=documents).resolve_verification_method,
        fetch_status_list=fetch,
        clock=(lambda: now) if now else (lambda: datetime.now(UTC)),
    )
    if not getattr(args, "trust_list", None):
        return verifier
    from merit.core.errors import MeritError
    from merit.core.trust import OfflineTrustList

    try:
        registry = OfflineTrustList(read_json_file(args.trust_list), verifier)
    except MeritError as exc:
        raise UsageError(f"{args.trust_list}: the trust list cannot be used: {exc.message}") from exc
    from merit.core.trust.names import directory

    anchors = list(args.trust_anchor) or [registry.authority]
    verifier.trust = (anchors, registry)
    verifier.namesakes = directory(registry.namesakes())
    return verifier


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--now {value!r} is not an ISO 8601 date-time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _verify_text(verifier: Any, text: str, args: argparse.Namespace) -> tuple[str, Any]:
    """The format and report of one document, through the core's one way in (as the portal does)."""
    from merit.core.verify.dispatch import verify

    return verify(text, verifier=verifier, challenge=args.challenge, domain=args.domain)


def _exit_code(outcome: str) -> int:
    return {"verified": EXIT_OK, "invalid": EXIT_INVALID}.get(outcome, EXIT_COULD_NOT_VERIFY)


def print_report(report: Any, indent: str = "") -> None:
    """Print a report for people: one line per check, symbols and words (not colour alone)."""
    for check in report.checks:
        print(f"{indent}{_SYMBOLS[check.outcome]:<18} {check.name}: {check.message}")
    for warning in report.warnings:
        print(f"{indent}{'! warning':<18} {warning}")
    for index, inner in enumerate(report.credentials, 1):
        print(f"{indent}credential {index}: {inner.outcome.upper().replace('_', ' ')}")
        print_report(inner, indent + "    ")


def verify(args: argparse.Namespace) -> int:
    from merit.core.verify.dispatch import NotACredentialError

    verifier = _verifier(args)
    if args.jsonl:
        progress = Progress("verified")
        worst = EXIT_OK
        for line in _lines(args.file):
            try:
                fmt, report = _verify_text(verifier, line, args)
            except NotACredentialError as exc:
                dump({"verified": False, "reason": exc.message, "code": exc.code}, compact=True)
                progress.step(False)
                worst = max(worst, EXIT_INVALID)
                continue
            dump({"format": fmt, **report.to_json()}, compact=True)
            progress.step(report.verified)
            worst = max(worst, _exit_code(report.outcome))
        progress.close()
        return worst
    try:
        fmt, report = _verify_text(verifier, read_text(args.file), args)
    except NotACredentialError as exc:
        print(f"merit verify: {exc.message}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        dump({"format": fmt, **report.to_json()})
    else:
        print(f"{'format':<18} {_FORMATS.get(fmt, fmt)}")
        print_report(report)
        verdict = {"verified": "VERIFIED", "invalid": "INVALID", "could_not_verify": "COULD NOT VERIFY"}
        print(f"{verdict[report.outcome]}: {report.reason}")
    return _exit_code(report.outcome)


_FORMATS = {
    "vc": "W3C verifiable credential (Data Integrity)",
    "vp": "W3C verifiable presentation (Data Integrity)",
    "vc-jose": "W3C verifiable credential (VC-JOSE, application/vc+jwt)",
    "vp-jose": "W3C verifiable presentation (VC-JOSE, application/vp+jwt)",
    "ob3-jwt": "Open Badges 3.0 credential as a JWT",
    "ob2": "Open Badges 2.0 assertion",
    "edc": "Europass Digital Credential (ELM 3)",
}
