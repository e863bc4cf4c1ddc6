"""The demo's qualifications (COMMON demo data of issue 14): the Polish partial qualification 90001 from a ZRK JSON
response and the Swedish SeQF solar PV installer from Merit's CSV, both imported by the demo registry authority
through the importers, as a registry would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from merit.server.accounts.models import Organisation
from merit.server.qualifications import imports

EXAMPLES = Path(__file__).parents[4] / "examples" / "qualifications"
FILES = ("zrk-90001.json", "seqf-solcellsinstallator.csv")
AUTHORITY = "demo-registry"


def import_demo_qualifications(details: dict[str, Any]) -> None:
    """Import the two demo qualifications for ``demo-registry``; ``details["qualifications"]`` lists their IRIs."""
    organisation = Organisation.objects.get(slug=AUTHORITY)
    found = details.setdefault("qualifications", [])
    for name in FILES:
        path = EXAMPLES / name
        saved = imports.import_file(organisation, path.read_bytes(), filename=name, actor="demo")
        found += [row.iri for row in saved]
