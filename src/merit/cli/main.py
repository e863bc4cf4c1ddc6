"""The ``merit`` command: keys, signing, issuing, verifying and inspecting micro-credentials.

Exit codes: 0 success (for ``verify``: verified; for ``lint``: complete and valid), 1 invalid, 2 could not
verify, 64 usage error. Heavy modules are imported by each command, so ``merit verify`` starts quickly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from merit import __version__
from merit.cli.io import UsageError

SUITES = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022", "ecdsa-jcs-2019", "Ed25519Signature2020")
EXIT_USAGE = 64


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="merit", description="EU micro-credentials as Open Badges 3.0 / W3C VC 2.0")
    parser.add_argument("--version", action="version", version=f"merit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    keygen = commands.add_parser("keygen", help="create a signing key (did:key, or a key for a did:web)")
    keygen.add_argument("--out", required=True, help="file to write the secret key to (mode 0600)")
    keygen.add_argument("--type", choices=("Ed25519", "P-256"), default="Ed25519", help="key type (default Ed25519)")
    keygen.add_argument("--did-web", metavar="DID", help="bind the key to this did:web DID instead of a did:key")
    keygen.add_argument("--force", action="store_true", help="overwrite an existing key file")

    sign = commands.add_parser("sign", help="sign an unsigned VC 2.0 credential whose issuer is the key's DID")
    sign.add_argument("file", nargs="?", default="-", help="credential JSON file, or - for standard input")
    sign.add_argument("--key", required=True, help="key file written by 'merit keygen'")
    sign.add_argument("--suite", choices=SUITES, default=None, help="cryptosuite (default: by key type)")
    sign.add_argument("--jsonl", action="store_true", help="one document per line in, one per line out")

    issue = commands.add_parser("issue", help="issue a micro-credential from a specification to a learner")
    issue.add_argument("spec", help="micro-credential specification (JSON)")
    issue.add_argument("--learner", required=True, help="the learner's e-mail address or DID")
    issue.add_argument("--name", help="the learner's name, as it should appear on the credential")
    issue.add_argument("--key", required=True, help="the issuer's key file")
    issue.add_argument("--suite", choices=SUITES, default=None, help="cryptosuite (default: by key type)")
    issue.add_argument("--id", dest="credential_id", help="credential id (default: a new urn:uuid)")
    issue.add_argument("--valid-until", help="end of validity (date-time with time zone)")
    issue.add_argument("--grade", help="the learner's grade, when the specification defines results")
    issue.add_argument("--status-list", metavar="URL", help="status list credential URL for a revocation entry")
    issue.add_argument("--status-index", type=int, help="index in that status list")
    issue.add_argument(
        "--format",
        choices=("di", "jwt", "vc-jose"),
        default="di",
        help="di: JSON with a Data Integrity proof (default); jwt: an Open Badges 3.0 JWT; vc-jose: application/vc+jwt",
    )

    verify = commands.add_parser("verify", help="verify a credential or presentation")
    verify.add_argument(
        "file", nargs="?", default="-", help="JSON or JWT file (any format Merit reads), or - for standard input"
    )
    verify.add_argument("--json", action="store_true", help="print the full report as JSON")
    verify.add_argument("--status-list", action="append", default=[], metavar="FILE", help="a status list credential")
    verify.add_argument("--did-document", action="append", default=[], metavar="FILE", help="a DID document")
    verify.add_argument("--now", help="verify as of this date-time (default: now)")
    verify.add_argument("--challenge", help="the challenge a presentation must carry")
    verify.add_argument("--domain", help="the domain a presentation must carry")
    verify.add_argument(
        "--trust-list", metavar="FILE", help="an authority's signed trust list: check the issuer's accreditation"
    )
    verify.add_argument(
        "--trust-anchor", action="append", default=[], metavar="DID", help="a trusted authority (default: the list's)"
    )
    verify.add_argument("--jsonl", action="store_true", help="one document per line in, one report per line out")

    lint = commands.add_parser("lint", help="check a specification against the EU mandatory elements")
    lint.add_argument("spec", help="micro-credential specification (JSON)")
    lint.add_argument("--json", action="store_true", help="print the report as JSON")

    inspect = commands.add_parser("inspect", help="show a credential readably")
    inspect.add_argument("file", nargs="?", default="-", help="credential JSON file, or - for standard input")

    serve = commands.add_parser("serve", help="run the Merit server (SQLite by default; DATABASE_URL for PostgreSQL)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    serve.add_argument("--no-demo", action="store_true", help="do not create demo data on first start")
    serve.add_argument("--no-worker", action="store_true", help="do not start a background worker process")

    worker = commands.add_parser("worker", help="run background jobs (bulk issuance) from the database queue")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle (default 1)")

    esco = commands.add_parser("esco", help="ESCO labels in other languages (from the official CSV exports)")
    esco_commands = esco.add_subparsers(dest="esco_command", required=True, metavar="ESCO_COMMAND")
    esco_import = esco_commands.add_parser(
        "import", help="import an official ESCO CSV export of one language (skills_pl.csv, skillGroups_pl.csv, ...)"
    )
    esco_import.add_argument("files", nargs="+", metavar="FILE", help="ESCO CSV export files of one language")
    esco_import.add_argument("--language", help="the files' language (default: from the name, skills_pl.csv: pl)")
    esco_import.add_argument(
        "--into", metavar="DIR", help="where to keep the labels (default: $MERIT_ESCO_LABELS or $MERIT_HOME/esco)"
    )

    qualifications = commands.add_parser("qualifications", help="qualifications from the registers (ZRK, QDR, CSV)")
    qualification_commands = qualifications.add_subparsers(dest="qualifications_command", required=True)
    qualification_import = qualification_commands.add_parser("import", help="import LOQ XML, ZRK, JSON or CSV")
    qualification_import.add_argument("file", metavar="FILE", help="the file to import")
    qualification_import.add_argument("--organisation", required=True, metavar="SLUG", help="who imports it")

    demo = commands.add_parser("demo", help="walk through designing, issuing, verifying and revoking")
    demo.add_argument("--dir", help="keep the demo's files in this folder (default: a temporary folder)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command in ("keygen", "sign", "verify"):
            from merit.cli import commands

            return int(getattr(commands, args.command)(args))
        if args.command in ("issue", "lint", "inspect"):
            from merit.cli import credentials

            return int(getattr(credentials, args.command)(args))
        if args.command in ("serve", "worker"):
            from merit.cli import serve

            return int(serve.run(args) if args.command == "serve" else serve.worker(args))
        if args.command == "esco":
            from merit.cli import esco

            return int(esco.import_labels(args))
        if args.command == "qualifications":
            from merit.cli import qualifications

            return int(qualifications.import_file(args))
        from merit.cli import demo

        return int(demo.run(args))
    except UsageError as exc:
        print(f"merit {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
