"""What became of each learner of a job: issued, e-mailed, bounced, claimed, or not issued and why; a page of them
for the job page and the API, and the CSV with the claim links for the issuer (``docs/decisions/0019-spreadsheets.md``).
Reads only: the claim links' tokens are unsealed here for the export, never stored anew."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from merit.server.bulk.models import IssuanceJob, IssuanceRow
from merit.server.bulk.rows import neutralise
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink

PER_PAGE = 50
OUTCOMES = {
    "pending": pgettext_lazy("learner's result", "waiting"),
    "failed": pgettext_lazy("learner's result", "not issued"),
    "issued": pgettext_lazy("learner's result", "issued"),
    "emailed": pgettext_lazy("learner's result", "e-mailed"),
    "bounced": pgettext_lazy("learner's result", "bounced"),
    "claimed": pgettext_lazy("learner's result", "claimed"),
}


@dataclass
class Result:
    number: int
    name: str
    email: str
    did: str
    outcome: str
    detail: str
    link: ClaimLink | None

    @property
    def learner(self) -> str:
        return self.email or self.did

    @property
    def label(self) -> str:
        return str(OUTCOMES[self.outcome])

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.number,
            "name": self.name,
            "email": self.email,
            "did": self.did,
            "outcome": self.outcome,
            "detail": self.detail,
        }


def _link(row: IssuanceRow) -> ClaimLink | None:
    try:
        return row.credential.claim_link if row.credential is not None else None
    except ClaimLink.DoesNotExist:
        return None


def result_of(row: IssuanceRow) -> Result:
    link = _link(row)
    detail = ""
    if row.state == IssuanceRow.State.REJECTED:
        outcome, detail = "failed", row.error
    elif row.state == IssuanceRow.State.PENDING:
        outcome = "pending"
    elif link is not None and link.claimed_at is not None:
        outcome = "claimed"
    elif link is not None and link.bounced_at is not None:
        outcome, detail = "bounced", link.bounce_reason
    elif link is not None and link.sent_at is not None:
        outcome = "emailed"
    else:
        outcome = "issued"
    data = row.data if isinstance(row.data, dict) else {}
    return Result(
        number=row.number,
        name=str(data.get("name", "")),
        email=str(data.get("email", "")),
        did=str(data.get("did", "")),
        outcome=outcome,
        detail=detail,
        link=link,
    )


def _rows(job: IssuanceJob) -> Any:
    return job.rows.select_related("credential__claim_link").order_by("number")


def page(job: IssuanceJob, number: object = 1, per_page: int = PER_PAGE) -> tuple[Page[Any], list[Result]]:
    """Page ``number`` of the job's rows (a number out of range gives the nearest page)."""
    paginator = Paginator(_rows(job), per_page)
    found = paginator.get_page(number)
    return found, [result_of(row) for row in found.object_list]


def counts(job: IssuanceJob) -> dict[str, int]:
    """How many rows had each outcome (one query, whatever the job's size)."""
    issued = Q(state=IssuanceRow.State.ISSUED)
    claimed = Q(credential__claim_link__claimed_at__isnull=False)
    bounced = Q(credential__claim_link__bounced_at__isnull=False)
    sent = Q(credential__claim_link__sent_at__isnull=False)
    tally = job.rows.aggregate(
        pending=Count("pk", filter=Q(state=IssuanceRow.State.PENDING)),
        failed=Count("pk", filter=Q(state=IssuanceRow.State.REJECTED)),
        claimed=Count("pk", filter=issued & claimed),
        bounced=Count("pk", filter=issued & ~claimed & bounced),
        emailed=Count("pk", filter=issued & ~claimed & ~bounced & sent),
        issued=Count("pk", filter=issued & ~claimed & ~bounced & ~sent),
    )
    return {code: int(tally[code] or 0) for code in OUTCOMES}


def export_csv(job: IssuanceJob, delimiter: str = ",") -> str:
    """Every row's outcome with its claim link while the link is open (not yet claimed or expired), as CSV whose
    cells cannot run as formulas."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(
        [_("Row"), _("E-mail address"), "DID", _("Name"), _("Result"), _("Details"), _("Claim link"), _("Link expires")]
    )
    for row in _rows(job).iterator(chunk_size=2000):
        result = result_of(row)
        token = delivery.token_of(result.link) if result.link is not None else None
        url = delivery.claim_url(token) if token else ""
        expires = result.link.expires_at.isoformat(timespec="seconds") if token and result.link else ""
        cells = [result.email, result.did, result.name, result.label, result.detail, url, expires]
        writer.writerow([str(result.number)] + [neutralise(cell) for cell in cells])
    return out.getvalue()
