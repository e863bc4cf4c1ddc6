"""Fast paths of RDFC-1.0 that are proven to give the general path's bytes, and used only where they hold.

* **Proof configurations.** Two proofs by one key differ only in ``created``. The canonical form of a
  configuration is prepared once per everything else in it (context, type, cryptosuite, verification method,
  purpose, ...) with a sentinel ``created`` and the real value is substituted into that one line. This is exact
  when the template has at most one blank node (RDFC-1.0 then labels it ``_:c14n0`` whatever the literals are),
  the sentinel appears exactly once, as an ``xsd:dateTime`` literal, and ``created`` is an XML Schema dateTime
  (digits and ``-:.TZ+`` only, which N-Quads never escapes). pyld carries a string value into its literal
  verbatim, so the only line that changes is that one; :func:`proof_config_nquads` also checks, when it builds a
  template, that a second sentinel gives exactly the substituted result. Anything else goes to the general path.
"""

from __future__ import annotations

import json
import re
from typing import Any

from merit.core import ctxcache
from merit.core.bounded import keep
from merit.core.documents import Loader

_DATETIME = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_XSD_DATETIME = "^^<http://www.w3.org/2001/XMLSchema#dateTime>"
_SENTINELS = ("1111-11-11T11:11:11Z", "2222-02-22T22:22:22Z")
_BLANK = re.compile(r"_:[A-Za-z0-9_.-]+")
_TEMPLATE_LIMIT = 1024


class _Template:
    """A proof configuration's canonical lines, the one with the sentinel ``created`` kept apart."""

    def __init__(self, lines: list[str], index: int) -> None:
        self.others = lines[:index] + lines[index + 1 :]
        self.line = lines[index]
        self.seen = set(self.others)

    def render(self, created: str) -> str | None:
        line = self.line.replace(f'"{_SENTINELS[0]}"', f'"{created}"', 1)
        if line in self.seen:
            return None  # The substituted quad would merge with another one: leave it to the general path.
        return "".join(sorted([*self.others, line]))


def _template(text: str) -> _Template | None:
    """The template for a configuration canonicalized with the first sentinel, or ``None`` if it is unsafe."""
    sentinel = _SENTINELS[0]
    if text.count(sentinel) != 1 or text.count(f'"{sentinel}"{_XSD_DATETIME}') != 1:
        return None
    if set(_BLANK.findall(text)) - {"_:c14n0"}:
        return None
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if sentinel in line)
    return _Template(lines, index)


def proof_config_nquads(config: dict[str, Any], loader: Loader, hash_name: str) -> str:
    """The RDFC-1.0 canonical N-Quads of a proof configuration, from a template where that is proven exact."""
    from merit.core.canon import canonize

    created = config.get("created")
    partition = ctxcache.partition(loader)
    if partition is None or not isinstance(created, str) or not _DATETIME.fullmatch(created):
        return canonize(config, loader, hash_name)
    rest = {key: value for key, value in config.items() if key != "created"}
    try:
        key = json.dumps([list(config).index("created"), rest, hash_name], separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return canonize(config, loader, hash_name)
    if key in partition.templates:
        template = partition.templates.get(key)
    else:
        template = keep(partition.templates, key, _build(config, loader, hash_name), _TEMPLATE_LIMIT)
    rendered = template.render(created) if template is not None else None
    return rendered if rendered is not None else canonize(config, loader, hash_name)


def _build(config: dict[str, Any], loader: Loader, hash_name: str) -> _Template | None:
    from merit.core.canon import canonize

    texts = [canonize({**config, "created": sentinel}, loader, hash_name) for sentinel in _SENTINELS]
    template = _template(texts[0])
    if template is None or template.render(_SENTINELS[1]) != texts[1]:
        return None
    return template
