"""The credential formats Merit reads, one module each behind the protocol of :mod:`.base`.

| name | module | what |
|---|---|---|
| ``edc`` | :mod:`.edc` | Europass Digital Credential (ELM 3), plain or JAdES-sealed |
| ``ob2`` | :mod:`.ob2` | Open Badges 2.0 assertion, hosted or signed |
| ``vc-jose``, ``vp-jose`` | :mod:`.jose` | VC-JOSE: ``application/vc+jwt``/``vp+jwt``, compact or enveloped |
| ``ob3-jwt`` | :mod:`.ob3jwt` | Open Badges 3.0 as a JWT (the ``vc`` claim) |
| ``vp``, ``vc`` | :mod:`.vcdi` | W3C VC 2.0/1.1 with Data Integrity proofs |

:data:`FORMATS` is the order in which they are tried: the first whose ``detect`` accepts a document wins (a
Europass credential is also a VC 1.1 document, and Europass must win).
"""

from __future__ import annotations

from merit.core.formats import Format, Sample
from merit.core.verify.formats.base import Context, CredentialFormat, replace_check
from merit.core.verify.formats.edc import EUROPASS
from merit.core.verify.formats.jose import VC_JOSE, VP_JOSE
from merit.core.verify.formats.ob2 import OB2
from merit.core.verify.formats.ob3jwt import OB3_JWT
from merit.core.verify.formats.vcdi import VC, VP

__all__ = ["BY_NAME", "FORMATS", "Context", "CredentialFormat", "find", "replace_check"]

FORMATS: tuple[CredentialFormat, ...] = (EUROPASS, OB2, VC_JOSE, VP_JOSE, OB3_JWT, VP, VC)
BY_NAME: dict[Format, CredentialFormat] = {f.name: f for f in FORMATS}


def find(sample: Sample) -> CredentialFormat | None:
    """The first format that recognises ``sample``, or None."""
    return next((f for f in FORMATS if f.detect(sample)), None)
