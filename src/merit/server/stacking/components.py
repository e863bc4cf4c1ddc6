"""What a stacked credential rests on, as a verification report shows it (``stacking/_stack.html``, included by
``portal/_report.html``): each component credential its ``evidence`` cites, with its state *now*, and each unit
recognised by validation.

A component is checked only when this installation issued it: its stored bytes against the cited digest, its status
now from the issuer's record. Anything else is "not checked" (Merit does not fetch credentials), never ✓. A
component revoked or suspended after the award is a warning row: the stacked credential's own status is its
issuer's decision, told by its own status list. When the stacked credential's signature fails, its evidence cannot
be trusted, so no component is checked at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from merit.core import related, vc
from merit.core.errors import MeritError
from merit.core.qualifications.award import Cited, cited, is_award
from merit.server import dates
from merit.server.issuing.models import IssuedCredential


def _row(item: Cited, state: str, message: str, **more: Any) -> dict[str, Any]:
    return {"kind": item.kind, "id": item.id, "name": item.name or item.id, "state": state, "message": message, **more}


def _component(item: Cited, awarded: datetime | None) -> dict[str, Any]:
    if not item.id or not item.digest:
        return _row(item, "unknown", _("Not checked: the entry gives no credential id and digest."))
    entry = {"digestSRI": item.digest}
    try:
        related.digests(entry)
    except MeritError:
        return _row(item, "invalid", _("Invalid: the digest is malformed."))
    candidates = list(
        IssuedCredential.objects.filter(credential_id=item.id).only(
            "document_json", "state", "state_changed_at", "organisation"
        )[:10]
    )
    if not candidates:
        return _row(
            item,
            "unknown",
            _("Not checked: it was not issued on this Merit installation, and Merit does not fetch credentials."),
        )
    record = next((c for c in candidates if related.matches(entry, c.document_json.encode("utf-8"))), None)
    if record is None:
        return _row(
            item,
            "invalid",
            _("Invalid component: the credential issued here under this id does not match the digest."),
        )
    if record.state == IssuedCredential.State.VALID:
        return _row(item, "verified", _("Valid now; the digest matches the credential issued here."))
    when = dates.moment(record.state_changed_at) if record.state_changed_at else ""
    after = awarded is None or record.state_changed_at is None or record.state_changed_at >= awarded
    revoked = record.state == IssuedCredential.State.REVOKED
    if not after:
        message = (
            _("Revoked on %(when)s, before the award; the digest matches.")
            if revoked
            else _("Suspended on %(when)s, before the award; the digest matches.")
        ) % {"when": when}
        return _row(item, "invalid", message, now=record.state)
    if when:
        message = (
            _("Revoked since the award (on %(when)s); the digest matches.")
            if revoked
            else _("Suspended since the award (on %(when)s); the digest matches.")
        ) % {"when": when}
    else:
        message = (
            _("Revoked since the award; the digest matches.")
            if revoked
            else _("Suspended since the award; the digest matches.")
        )
    return _row(item, "warning", message, now=record.state)


def describe_stack(document: dict[str, Any] | None, authentic: bool) -> dict[str, Any] | None:
    """The components section of a report, or None when ``document`` is no stacked credential. ``authentic``: the
    stacked credential's own signature verified (otherwise nothing it cites is checked)."""
    if not isinstance(document, dict) or not is_award(document):
        return None
    try:
        awarded: datetime | None = vc.parse_datetime(document.get("validFrom"), "validFrom")
    except MeritError:
        awarded = None
    rows = []
    for item in cited(document):
        if item.kind == "recognition":
            rows.append(_row(item, "neutral", item.narrative or "", unit=item.unit))
        elif not authentic:
            rows.append(_row(item, "unknown", _("Not checked: the stacked credential's signature did not verify.")))
        else:
            rows.append(_component(item, awarded))
    components = [r for r in rows if r["kind"] == "component"]
    return {
        "rows": rows,
        "components": len(components),
        "warnings": sum(1 for r in components if r["state"] == "warning"),
        "invalid": sum(1 for r in components if r["state"] == "invalid"),
        "unchecked": sum(1 for r in components if r["state"] == "unknown"),
    }
