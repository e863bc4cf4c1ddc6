"""EU micro-credentials: the specification model, its lint, and rendering to Open Badges 3.0."""

from merit.core.microcredential.lint import LintReport, lint_spec
from merit.core.microcredential.render import Learner, identity_hash, issuer_profile, render_credential
from merit.core.microcredential.schema import validate_ob3
from merit.core.microcredential.spec import Spec, parse_spec
from merit.core.microcredential.view import extract_spec_view

__all__ = [
    "Learner",
    "LintReport",
    "Spec",
    "extract_spec_view",
    "identity_hash",
    "issuer_profile",
    "lint_spec",
    "parse_spec",
    "render_credential",
    "validate_ob3",
]
