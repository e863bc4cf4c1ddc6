"""Finding an organisation's issued credentials: the one query behind the workspace's credentials list, its CSV
export and ``GET /api/v1/credentials`` (and its CSV variant).

:func:`parse` reads the query string (``q``, ``state``, ``specification``, ``issued_after``, ``issued_before``,
``page``, ``per_page``, and the API's older ``limit`` and ``offset``) and raises :class:`BadQuery` naming the
parameter; :func:`find` returns the matching credentials, newest first; :func:`page` one page of them with the
paging metadata; :func:`csv_rows` the rows of the export, formula-safe.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from merit.core.errors import MalformedValueError
from merit.server.accounts.models import Organisation
from merit.server.bulk.rows import neutralise
from merit.server.issuing.learners import fold
from merit.server.issuing.models import IssuedCredential

PER_PAGE = 25
MAX_PER_PAGE = 500
MAX_PAGE = 10**7
MAX_OFFSET = 10**9
MAX_Q = 200
PARAMETERS = ("q", "state", "specification", "issued_after", "issued_before", "page", "per_page", "limit", "offset")
CSV_HEADER = [
    "credential_id",
    "learner_name",
    "learner_email_or_did",
    "micro_credential",
    "version",
    "issued_at",
    "state",
    "state_changed_at",
    "state_reason",
]


class BadQuery(MalformedValueError):
    """A search parameter that cannot be read (HTTP 400 on the API, a translated message on the page):
    ``parameter`` names it, ``reason`` is ``state``, ``date``, ``number``, ``range`` or ``length``."""

    code = "INVALID_QUERY"

    def __init__(self, parameter: str, reason: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter, self.reason = parameter, reason


@dataclass(frozen=True)
class CredentialQuery:
    q: str = ""
    state: str = ""
    specification: int | None = None
    issued_after: date | None = None
    issued_before: date | None = None
    page: int = 1
    per_page: int = PER_PAGE
    offset: int | None = None
    """Set by the API's ``offset`` (then ``page`` is ignored)."""

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string that asks for this search (with ``changes``), without empty or default values."""
        query = replace(self, **changes)
        values = {
            "q": query.q,
            "state": query.state,
            "specification": str(query.specification or ""),
            "issued_after": query.issued_after.isoformat() if query.issued_after else "",
            "issued_before": query.issued_before.isoformat() if query.issued_before else "",
            "page": str(query.page) if query.page != 1 else "",
            "per_page": str(query.per_page) if query.per_page != PER_PAGE else "",
        }
        return {name: value for name, value in values.items() if value}

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.state or self.specification or self.issued_after or self.issued_before)


def _number(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit():
        raise BadQuery(name, "number", "must be a whole number")
    value = int(text[:12]) if len(text) <= 12 else high + 1
    if not low <= value <= high:
        raise BadQuery(name, "range", f"must be between {low} and {high}")
    return value


def _date(params: Mapping[str, str], name: str) -> date | None:
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else _refuse_date(name)
    except ValueError:
        return _refuse_date(name)


def _refuse_date(name: str) -> date:
    raise BadQuery(name, "date", "must be a date written YYYY-MM-DD")


def parse(params: Mapping[str, str], *, per_page: int = PER_PAGE) -> CredentialQuery:
    """The search ``params`` ask for (a query string, as a mapping); :class:`BadQuery` for any it cannot read."""
    q = " ".join((params.get("q") or "").split())
    if len(q) > MAX_Q:
        raise BadQuery("q", "length", f"must be at most {MAX_Q} characters")
    state = (params.get("state") or "").strip()
    if state and state not in IssuedCredential.State.values:
        raise BadQuery("state", "state", "must be valid, suspended or revoked")
    specification = _number(params, "specification", 0, 1, 2**31 - 1) or None
    after, before = _date(params, "issued_after"), _date(params, "issued_before")
    if after and before and after > before:
        raise BadQuery("issued_before", "range", "must not be before issued_after")
    size = _number(params, "per_page", per_page, 1, MAX_PER_PAGE)
    size = _number(params, "limit", size, 1, MAX_PER_PAGE)
    offset = _number(params, "offset", -1, 0, MAX_OFFSET) if params.get("offset") else None
    number = _number(params, "page", 1, 1, MAX_PAGE)
    return CredentialQuery(q, state, specification, after, before, number, size, offset)


def _day_start(day: date, zone: tzinfo) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), zone)


def find(organisation: Organisation, query: CredentialQuery) -> QuerySet[IssuedCredential]:
    """The organisation's credentials that match ``query``, newest first (never another organisation's).

    ``q`` matches, word by word, the learner's name and e-mail address or DID ignoring case and accents, or the
    credential's id; dates are whole days in the organisation's time zone, both ends included."""
    found = IssuedCredential.objects.filter(organisation=organisation)
    for word in query.q.split():
        found = found.filter(Q(learner_search__contains=fold(word)) | Q(credential_id__icontains=word))
    if query.state:
        found = found.filter(state=query.state)
    if query.specification:
        found = found.filter(specification_id=query.specification)
    if query.issued_after:
        found = found.filter(issued_at__gte=_day_start(query.issued_after, organisation.zone()))
    if query.issued_before:
        found = found.filter(issued_at__lt=_day_start(query.issued_before + timedelta(days=1), organisation.zone()))
    return found.select_related("specification").order_by("-issued_at", "-pk")


@dataclass
class Page:
    items: list[IssuedCredential]
    total: int
    number: int
    per_page: int
    offset: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.offset + self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def first(self) -> int:
        return self.offset + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.items)


def page(organisation: Organisation, query: CredentialQuery) -> Page:
    """One page of :func:`find` (a page past the end is empty), with what the status controls need."""
    found = find(organisation, query)
    offset = query.offset if query.offset is not None else (query.page - 1) * query.per_page
    items = list(found.prefetch_related("status_entries__status_list")[offset : offset + query.per_page])
    return Page(items, found.count(), query.page, query.per_page, offset)


def title(record: IssuedCredential) -> str:
    """The micro-credential's title in the reader's language (its specification's), else the credential's name."""
    if record.specification is not None:
        return record.specification.title
    name = record.document.get("name")
    return name if isinstance(name, str) else ""


def _stamp(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def csv_rows(records: QuerySet[IssuedCredential]) -> Iterator[list[str]]:
    """The header and one row per credential, every cell neutralised against spreadsheet formulas."""
    yield CSV_HEADER
    for record in records.iterator(chunk_size=500):
        cells = [
            record.credential_id,
            record.learner_name,
            record.learner_contact,
            title(record),
            str(record.specification.version) if record.specification else "",
            _stamp(record.issued_at),
            record.state,
            _stamp(record.state_changed_at),
            record.state_reason,
        ]
        yield [neutralise(cell) for cell in cells]
