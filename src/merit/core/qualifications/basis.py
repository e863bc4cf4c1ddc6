"""What a qualification credential rests on (its *basis*): the component credentials, each exactly as verified,
and the units recognised by validation of prior or work-based learning. Validation produces it
(``merit.server.validation``); awarding (``merit.server.stacking``) checks it against the qualification's rules and
cites each part in the credential's ``evidence``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Piece:
    """A component credential: its ``id`` and its bytes exactly as received (a JSON document or a compact JWT)."""

    credential_id: str
    document: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.document).hexdigest()


@dataclass(frozen=True)
class Recognition:
    """A unit recognised by an assessor: the unit IRI, the decision's IRI (its page or record), the method
    (``interview``, ``observation``, ``test``, ``portfolio``), the supervision level and when."""

    unit: str
    decision: str
    method: str
    supervision: str | None
    decided_at: datetime
    assessor: str = ""


@dataclass(frozen=True)
class Basis:
    qualification: str
    pieces: tuple[Piece, ...] = ()
    recognitions: tuple[Recognition, ...] = ()
