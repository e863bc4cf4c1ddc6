"""EU micro-credentials: the specification model, its lint, rendering to Open Badges 3.0, and ESCO skills."""

from typing import TYPE_CHECKING

from merit.core.microcredential.lint import LintReport, lint_spec
from merit.core.microcredential.render import Learner, identity_hash, issuer_profile, render_credential
from merit.core.microcredential.schema import validate_ob3
from merit.core.microcredential.spec import Spec, parse_spec
from merit.core.microcredential.view import extract_spec_view, view_of

if TYPE_CHECKING:
    from merit.core.microcredential import esco
    from merit.core.microcredential.esco import Concept, Skill

__all__ = [
    "Concept",
    "Learner",
    "LintReport",
    "Skill",
    "Spec",
    "esco",
    "extract_spec_view",
    "identity_hash",
    "issuer_profile",
    "lint_spec",
    "parse_spec",
    "render_credential",
    "validate_ob3",
    "view_of",
]


def __getattr__(name: str) -> object:
    # The ESCO module is imported on first use only: ``merit verify`` imports this package, and its cold start
    # should not pay for the taxonomy's code.
    if name in {"esco", "Concept", "Skill"}:
        import importlib

        module = importlib.import_module(f"{__name__}.esco")
        return module if name == "esco" else getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
