"""JSON-LD context documents bundled with Merit.

Every file in this folder is a byte-exact copy of a published context (see ``PROVENANCE.md``), except
Merit's own extension context. ``index.json`` maps the canonical URL a credential uses to the file that
answers it. The interoperability tests hand these same documents to jsonld.js only to compare canonicalization; the
independent verifiers there use the contexts their own packages ship (``interop/``).
"""

from __future__ import annotations

import json
from importlib import resources

CONTEXT_FILES: dict[str, str] = json.loads(resources.files(__name__).joinpath("index.json").read_text(encoding="utf-8"))
