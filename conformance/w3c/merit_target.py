"""Prepare a fresh Merit installation as the W3C suites' target: migrate, one organisation, one API token.

Run with Merit's Python, with ``MERIT_HOME`` (an empty folder: a fresh SQLite database) and ``MERIT_BASE_URL``
(``http://localhost:PORT``, the address ``merit serve`` will answer on) set as ``merit serve`` will see them.
``--accredited`` also has a registry authority on the installation accredit the organisation for
micro-credentials. Prints one JSON line: ``{"did": ..., "token": ...}``.
"""

from __future__ import annotations

import argparse
import json
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accredited", action="store_true", help="accredit the organisation (EQF 4-6)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merit.server.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from merit.core import trust
    from merit.server.accounts.services import create_token
    from merit.server.issuing import services
    from merit.server.registry import services as registry

    call_command("migrate", interactive=False, verbosity=0)
    organisation = services.create_organisation(slug="w3c", name="W3C Suites College", country="SE")
    if args.accredited:
        authority = registry.create_authority(slug="w3c-registry", name="W3C Suites Registry", country="SE")
        decider = get_user_model().objects.create_user("w3c-authority", "authority@w3c.example")
        scope = trust.Scope(eqf_min=4, eqf_max=6, credential_types=("micro-credential",))
        application = registry.apply(
            organisation, authority, scope=scope, qa_framework="EQAVET", accrediting_body="W3C", actor="w3c"
        )
        registry.approve(application, user=decider, reason="W3C suites")
    _, token = create_token(organisation, "w3c-suites", ["issue", "status", "read"], actor="w3c")
    print(json.dumps({"did": organisation.did, "token": token}))


if __name__ == "__main__":
    main()
