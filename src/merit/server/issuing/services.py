"""Issuing services: the one place that calls ``merit.core`` and writes the issuing tables."""

from __future__ import annotations

import json
import math
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from merit.core import vc
from merit.core.dids import Resolver, did_web_document
from merit.core.errors import InvalidError, MalformedValueError, MeritError, StatusRetrievalError
from merit.core.issue import DATA_INTEGRITY, DEFAULT_SUITES, sign_credential
from merit.core.jwt import sign_jwt
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, LintReport, Spec, lint_spec, parse_spec, render_credential
from merit.core.microcredential.spec import AwardingBody
from merit.core.proofs import SUITES
from merit.core.status import MIN_ENTRIES, credential_status, status_entry, status_list_credential
from merit.core.status import StatusList as Bits
from merit.core.verify import Verifier
from merit.server import bulkwrite
from merit.server.accounts.models import AuditEvent, Organisation, did_prefix
from merit.server.issuing import learners, transitions
from merit.server.issuing.models import IssuedCredential, OrganisationKey, Specification, StatusEntry, StatusList
from merit.server.issuing.requests import MAX_ID, CredentialExists, NoKeyForSuite, Securing
from merit.server.issuing.sealing import seal, unseal

PURPOSES = ("revocation", "suspension")
FILL_LIMIT = 0.75
"""A list stops taking new entries at 75% so that random allocation stays cheap; then a new list opens."""


def audit(organisation: Organisation | None, actor: str, action: str, target: str = "", **details: Any) -> None:
    AuditEvent.objects.create(organisation=organisation, actor=actor, action=action, target=target, details=details)


def _context(organisation: Organisation, fragment: str) -> str:
    return f"merit-key:{organisation.pk}:{fragment}"


def add_key(organisation: Organisation, algorithm: str = "Ed25519", actor: str = "system") -> OrganisationKey:
    """Create a signing key for ``organisation``; the newest unretired key signs."""
    pair = KeyPair.generate(algorithm)  # type: ignore[arg-type]
    fragment = pair.public_key.multibase
    key = OrganisationKey.objects.create(
        organisation=organisation,
        fragment=fragment,
        algorithm=algorithm,
        public_key_multibase=pair.public_key.multibase,
        encrypted_secret=seal(pair.secret_multibase, _context(organisation, fragment)),
    )
    audit(organisation, actor, "key.created", fragment, algorithm=algorithm)
    return key


def rotate_key(organisation: Organisation, algorithm: str | None = None, actor: str = "system") -> OrganisationKey:
    """Retire the signing key and create a new one; retired keys stay in the DID document for verification."""
    with transaction.atomic():
        current = organisation.keys.filter(retired_at__isnull=True).order_by("-created_at").first()
        if current is not None:
            current.retired_at = timezone.now()
            current.save(update_fields=["retired_at"])
            audit(organisation, actor, "key.retired", current.fragment)
        return add_key(organisation, algorithm or (current.algorithm if current else "Ed25519"), actor)


def create_organisation(
    *, slug: str, name: str, country: str, algorithm: str = "Ed25519", **profile: Any
) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(slug=slug, name=name, country=country, **profile)
        add_key(organisation, algorithm)
        audit(organisation, "system", "organisation.created", slug)
    return organisation


def signing_key(organisation: Organisation, suite: str | None = None) -> SigningKey:
    """The newest active key, or with ``suite`` the newest active key of a type that cryptosuite signs with."""
    keys = organisation.keys.filter(retired_at__isnull=True).order_by("-created_at")
    if suite is not None:
        algorithms = SUITES[suite].algorithms
        keys = keys.filter(algorithm__in=algorithms)
    key = keys.first()
    if key is None and suite is not None:
        raise NoKeyForSuite(f"{organisation.name} has no active {' or '.join(algorithms)} key for {suite}")
    if key is None:
        raise InvalidError(f"{organisation.name} has no active signing key")
    pair = KeyPair.from_secret_multibase(unseal(key.encrypted_secret, _context(organisation, key.fragment)))
    return SigningKey(pair, organisation.did, f"{organisation.did}#{key.fragment}")


def signing_suite(organisation: Organisation) -> str:
    """The cryptosuite of the Data Integrity proof the organisation's signing key makes (nothing is unsealed)."""
    key = organisation.keys.filter(retired_at__isnull=True).order_by("-created_at").first()
    if key is None:
        raise InvalidError(f"{organisation.name} has no active signing key")
    return DEFAULT_SUITES[key.algorithm]


def did_document(organisation: Organisation) -> dict[str, Any]:
    """The organisation's DID document: every key, retired ones too, so older credentials still verify."""
    methods = []
    for key in organisation.keys.order_by("created_at"):
        methods.append(
            {
                "id": f"{organisation.did}#{key.fragment}",
                "type": "Multikey",
                "controller": organisation.did,
                "publicKeyMultibase": key.public_key_multibase,
            }
        )
    document = did_web_document(organisation.did, [])
    ids = [m["id"] for m in methods]
    return {**document, "verificationMethod": methods, "assertionMethod": ids, "authentication": ids}


def status_list_url(status_list: StatusList) -> str:
    return f"{settings.BASE_URL}/status/{status_list.organisation.slug}/{status_list.purpose}/{status_list.sequence}"


_LIST_FIELDS = ("organisation_id", "purpose", "sequence", "size", "allocated")
"""What allocating reads of a status list: not its bits or its signed credential (tens of kilobytes)."""


_OPEN_ATTEMPTS = 8
"""How many times opening a list may lose the race for a sequence number before giving up (each loss means
another transaction opened one, so more than one or two is already unusual)."""


def _free_sequence(organisation: Organisation, purpose: str, first: int) -> int:
    """The first list number from ``first`` on that no other transaction is opening right now.

    On PostgreSQL each number is claimed with a transaction-scoped advisory lock, tried without waiting, so a
    worker that finds another one opening list ``n`` takes ``n + 1`` at once instead of waiting for the other's
    batch to end. (A number whose opener rolls back is left unused; the numbers need not be consecutive.)"""
    if connection.vendor != "postgresql":
        return first  # SQLite runs one writing transaction at a time.
    with connection.cursor() as cursor:
        for sequence in range(first, first + _OPEN_ATTEMPTS):
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"merit.status_list:{organisation.pk}:{purpose}:{sequence}"],
            )
            if cursor.fetchone()[0]:
                return sequence
    return first  # Every number is being opened; the unique constraint settles it.


def _open_list(organisation: Organisation, purpose: str, *, skip_locked: bool = False) -> StatusList:
    """The organisation's oldest list for ``purpose`` with room left, locked (the caller holds a transaction); a
    new list when every list is full. With ``skip_locked``, a list another transaction holds counts as full, so
    that two workers issuing at once each allocate from a list of their own instead of waiting for each other.

    The lock is ``FOR NO KEY UPDATE``: it keeps other allocations out but lets status entries and credentials that
    refer to the list or the organisation be inserted meanwhile. Nothing else is locked: a new list takes the next
    sequence number no other transaction is opening (``_free_sequence``), and the unique constraint settles any
    race left. (Locking the organisation's row instead held it to the end of the whole batch, so two workers took
    turns rather than working at once.)"""
    lists = StatusList.objects.filter(
        organisation=organisation, purpose=purpose, allocated__lt=F("size") * FILL_LIMIT
    ).only(*_LIST_FIELDS)
    for _ in range(_OPEN_ATTEMPTS):
        current = lists.select_for_update(skip_locked=skip_locked, no_key=True).order_by("sequence").first()
        if current is None:
            last = StatusList.objects.filter(organisation=organisation, purpose=purpose).aggregate(n=Max("sequence"))
            try:
                with transaction.atomic():
                    current = StatusList.objects.create(
                        organisation=organisation,
                        purpose=purpose,
                        sequence=_free_sequence(organisation, purpose, (last["n"] or 0) + 1),
                        size=MIN_ENTRIES,
                        bits=bytes(MIN_ENTRIES // 8),
                    )
            except IntegrityError:
                continue  # Another transaction opened that number first; it is visible now, so look again.
        current.organisation = organisation  # So that ``status_list_url`` does not load it again.
        return current
    raise RuntimeError(f"could not open a {purpose} status list for {organisation.slug}")


def _allocate(organisation: Organisation, purpose: str) -> tuple[StatusList, int]:
    """A random free index in the organisation's open list for ``purpose`` (caller holds a transaction)."""
    return _allocate_many(organisation, purpose, 1, skip_locked=False)[0]


def _allocate_many(
    organisation: Organisation, purpose: str, count: int, *, skip_locked: bool = True
) -> list[tuple[StatusList, int]]:
    """``count`` random free indexes in the organisation's open lists for ``purpose``, opening new lists as they
    fill (the caller holds a transaction; the list rows are locked). One query checks a whole batch of candidates,
    and indexes are used in the order they were drawn, so their order says nothing about the order of issuing."""
    found: list[tuple[StatusList, int]] = []
    while len(found) < count:
        current = _open_list(organisation, purpose, skip_locked=skip_locked)
        room = math.ceil(current.size * FILL_LIMIT) - current.allocated
        wanted = min(count - len(found), room)
        chosen: dict[int, None] = {}
        while len(chosen) < wanted:
            missing = wanted - len(chosen)
            candidates = list(dict.fromkeys(secrets.randbelow(current.size) for _ in range(missing * 2)))
            candidates = [index for index in candidates if index not in chosen]
            taken = set(
                StatusEntry.objects.filter(status_list=current, index__in=candidates).values_list("index", flat=True)
            )
            chosen.update(dict.fromkeys([index for index in candidates if index not in taken][:missing]))
        found += [(current, index) for index in chosen]
        current.allocated += len(chosen)
        StatusList.objects.filter(pk=current.pk).update(allocated=current.allocated, updated_at=timezone.now())
    return found


def _status_of(allocations: list[tuple[StatusList, int]]) -> dict[str, Any] | list[dict[str, Any]]:
    """The ``credentialStatus`` of a credential holding ``allocations``: one entry per purpose, in their order."""
    return credential_status([status_entry(status_list_url(lst), index, lst.purpose) for lst, index in allocations])


def _prepared(
    organisation: Organisation, credential: dict[str, Any], credential_id: str | None = None
) -> dict[str, Any]:
    """The credential as Merit signs it: the organisation as issuer, an id (unless the caller names the credential
    by ``credential_id`` instead, as the VC-API allows) and a start of validity (``validFrom`` in VC 2.0,
    ``issuanceDate`` in VC 1.1) when absent."""
    if not isinstance(credential, dict):
        raise MalformedValueError("the credential must be a JSON object")
    if "credentialStatus" in credential:
        raise MalformedValueError("Merit allocates credentialStatus itself; leave it out")
    version = vc.context_version(credential)
    issuer = credential.get("issuer")
    if "issuer" in credential and (issuer is None or (isinstance(issuer, dict) and issuer.get("id", "") is None)):
        raise MalformedValueError("issuer must be a URL or an object whose id is a URL, not null")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id not in (None, organisation.did):
        raise InvalidError(f"the issuer must be the organisation's DID {organisation.did}, not {issuer_id}")
    document = dict(credential)
    document["issuer"] = {**issuer, "id": organisation.did} if isinstance(issuer, dict) else organisation.did
    if credential_id is not None and document.get("id", credential_id) != credential_id:
        raise MalformedValueError("options.credentialId names a credential without an id; this one has another id")
    if credential_id is None:
        document.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    if isinstance(document.get("id"), str) and len(document["id"]) > MAX_ID:
        raise MalformedValueError(f"the credential's id is longer than {MAX_ID} characters")
    if version == 2:
        document.setdefault("validFrom", vc.stamp(datetime.now(UTC)))
    else:
        document.setdefault("issuanceDate", vc.stamp(datetime.now(UTC)))
        # VC 1.1 defines neither DataIntegrityProof nor the status entry's terms; these two W3C contexts do.
        context = document["@context"] if isinstance(document["@context"], list) else [document["@context"]]
        document["@context"] = [*context, *(c for c in VC1_CONTEXTS if c not in context)]
    return document


VC1_CONTEXTS = (DATA_INTEGRITY, "https://www.w3.org/ns/credentials/status/v1")
"""What a VC 1.1 credential needs for Merit's proof and status entries (VC 2.0's context has both)."""


def issue_credential(
    organisation: Organisation,
    credential: dict[str, Any],
    *,
    actor: str,
    specification: Any = None,
    suite: str | None = None,
    credential_id: str | None = None,
    securing: Securing = "di",
) -> IssuedCredential:
    """Sign ``credential`` as ``organisation``, with a revocation and a suspension entry, and record it; ``securing``
    ``jwt`` or ``vc-jose`` issues it as a JWT (:func:`merit.core.jwt.sign_jwt`) instead of with a proof.

    Credential ids are unique per organisation: issuing an id again raises :class:`CredentialExists`, while another
    organisation may use the same id (its credentials are told apart by their issuer), so that an answer never
    reveals which ids other organisations issued."""
    document = _prepared(organisation, credential, credential_id)
    record_id = str(document.get("id") or credential_id)
    key = signing_key(organisation, suite)
    try:
        with transaction.atomic():
            if IssuedCredential.objects.filter(organisation=organisation, credential_id=record_id).exists():
                raise CredentialExists(f"this organisation already issued a credential with the id {record_id}")
            # A revocation and a suspension entry for every credential, Open Badges 3.0 too (decision 0017).
            allocations = [_allocate(organisation, purpose) for purpose in PURPOSES]
            document["credentialStatus"] = _status_of(allocations)
            if securing == "di":
                text = json.dumps(sign_credential(document, key, suite=suite), ensure_ascii=False, allow_nan=False)
            else:
                text = sign_jwt(document, key, form="ob3" if securing == "jwt" else "vc-jose")
            record = IssuedCredential.objects.create(
                organisation=organisation,
                credential_id=record_id,
                document_json=text,
                specification=specification,
            )
            StatusEntry.objects.bulk_create(
                StatusEntry(credential=record, status_list=lst, index=index) for lst, index in allocations
            )
            audit(organisation, actor, "credential.issued", record_id)
    except IntegrityError:
        # Two requests raced for the same id: the unique constraint let one through.
        if IssuedCredential.objects.filter(organisation=organisation, credential_id=record_id).exists():
            raise CredentialExists(f"this organisation already issued a credential with the id {record_id}") from None
        raise
    return record


def set_status(
    organisation: Organisation, credential_id: str, state: str, *, reason: str, actor: str
) -> IssuedCredential:
    """Revoke, suspend or reinstate a credential, as ``transitions`` allows (anything else raises
    ``StatusChangeRefused``); the reason and the time are stored with the state. Concurrent changes never lose a
    bit (row locks)."""
    if state not in transitions.STATES:
        raise MalformedValueError("status must be revoked, suspended or valid")
    with transaction.atomic():
        record = IssuedCredential.objects.select_for_update().get(
            organisation=organisation, credential_id=credential_id
        )
        _change_status(organisation, record, state, reason=reason, actor=actor)
    return record


def set_status_many(
    organisation: Organisation, pks: list[int], state: str, *, reason: str, actor: str
) -> list[IssuedCredential]:
    """Change the status of the organisation's credentials ``pks`` together, in one transaction: all of them or,
    when one does not allow the change (``StatusChangeRefused``) or is not the organisation's
    (``IssuedCredential.DoesNotExist``), none. One audit entry per credential."""
    if state not in transitions.STATES:
        raise MalformedValueError("status must be revoked, suspended or valid")
    with transaction.atomic():
        records = list(
            IssuedCredential.objects.select_for_update().filter(organisation=organisation, pk__in=pks).order_by("pk")
        )
        if len(records) != len(set(pks)):
            raise IssuedCredential.DoesNotExist("no such credential in this organisation")
        for record in records:
            _change_status(organisation, record, state, reason=reason, actor=actor)
    return records


def _change_status(
    organisation: Organisation, record: IssuedCredential, state: str, *, reason: str, actor: str
) -> None:
    """Set the bits of ``record`` (locked by the caller's transaction) for ``state`` and record the change."""
    entries = list(record.status_entries.select_related("status_list"))
    can_suspend = any(e.status_list.purpose == "suspension" for e in entries)
    transitions.check(record.state, state, can_suspend=can_suspend)
    wanted = {"revocation": state == "revoked", "suspension": state == "suspended"}
    for entry in entries:
        locked = StatusList.objects.select_for_update().get(pk=entry.status_list_id)
        bits = Bits(locked.size, bytes(locked.bits))
        bits.set(entry.index, wanted.get(locked.purpose, False))
        locked.bits = bits.to_bytes()
        locked.version += 1
        locked.save(update_fields=["bits", "version", "updated_at"])
    record.state = state
    record.state_reason = reason
    record.state_changed_at = timezone.now()
    record.save(update_fields=["state", "state_reason", "state_changed_at"])
    audit(organisation, actor, f"credential.{state}", record.credential_id, reason=reason)


def status_list_document(status_list: StatusList) -> dict[str, Any]:
    """The signed status list credential, re-signed only when the list changed."""
    if status_list.signed_json and status_list.signed_version == status_list.version:
        return dict(json.loads(status_list.signed_json))
    organisation = status_list.organisation
    bits = Bits(status_list.size, bytes(status_list.bits))
    # Valid from the list's last change (never later than any verifier's fetch of this version).
    changed = vc.stamp(status_list.updated_at)
    unsigned = status_list_credential(
        status_list_url(status_list), organisation.did, status_list.purpose, bits, changed
    )
    signed = sign_credential(unsigned, signing_key(organisation))
    StatusList.objects.filter(pk=status_list.pk, version=status_list.version).update(
        signed_json=json.dumps(signed, ensure_ascii=False), signed_version=status_list.version
    )
    return signed


def _resolve(method: str, purpose: str) -> Any:
    did = method.split("#", 1)[0]
    prefix = did_prefix()
    if did.startswith(prefix):
        organisation = Organisation.objects.filter(slug=did.removeprefix(prefix)).first()
        if organisation is not None:
            return Resolver(documents={did: did_document(organisation)}).resolve_verification_method(method, purpose)
    return Resolver().resolve_verification_method(method, purpose)


def _fetch_list(url: str) -> dict[str, Any]:
    prefix = f"{settings.BASE_URL}/status/"
    if not url.startswith(prefix):
        raise StatusRetrievalError(f"status lists outside this Merit installation are not fetched ({url})")
    try:
        slug, purpose, sequence = url.removeprefix(prefix).split("/")
        status_list = StatusList.objects.select_related("organisation").get(
            organisation__slug=slug, purpose=purpose, sequence=int(sequence)
        )
    except (ValueError, StatusList.DoesNotExist) as exc:
        raise StatusRetrievalError(f"no status list at {url}") from exc
    return status_list_document(status_list)


def verifier() -> Verifier:
    """A verifier that resolves this installation's organisations and status lists from the database."""
    return Verifier(resolve=_resolve, fetch_status_list=_fetch_list)


def save_specification(
    organisation: Organisation, key: str, data: dict[str, Any], *, actor: str
) -> tuple[Specification, LintReport]:
    """Save ``data`` as the draft of specification ``key``: the open draft is updated; when the latest version
    is published (immutable), a new draft version is created. Returns the draft and its lint report."""
    report = lint_spec(data)
    with transaction.atomic():
        latest = (
            Specification.objects.select_for_update()
            .filter(organisation=organisation, key=key)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.state == Specification.State.DRAFT:
            latest.data = data
            latest.save(update_fields=["data"])
            draft = latest
        else:
            version = latest.version + 1 if latest else 1
            draft = Specification.objects.create(organisation=organisation, key=key, version=version, data=data)
        audit(organisation, actor, "specification.saved", f"{key} v{draft.version}", ok=report.ok)
    return draft, report


def publish_specification(specification: Specification, *, actor: str) -> Specification:
    """Publish a draft; refused while any mandatory element is missing or invalid."""
    if specification.state == Specification.State.PUBLISHED:
        raise InvalidError(f"version {specification.version} is already published")
    report = lint_spec(specification.data)
    if not report.ok:
        raise InvalidError("cannot publish until every mandatory element is complete: " + "; ".join(report.errors[:3]))
    specification.state = Specification.State.PUBLISHED
    specification.published_at = timezone.now()
    specification.save(update_fields=["state", "published_at"])
    audit(specification.organisation, actor, "specification.published", f"{specification.key} v{specification.version}")
    return specification


def parsed_specification(specification: Specification) -> Spec:
    """The specification's model, parsed (and linted) once per loaded instance, so that a bulk job issuing every
    row from one instance does not parse it again for each row."""
    parsed: Spec | None = getattr(specification, "_merit_parsed", None)
    if parsed is None:
        parsed = parse_spec(specification.data)
        specification._merit_parsed = parsed  # type: ignore[attr-defined]
    return parsed


def credential_counts(organisation: Organisation) -> dict[str, int]:
    """How many of the organisation's credentials are in each state (every state listed, zeros included)."""
    found = dict(
        IssuedCredential.objects.filter(organisation=organisation)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: found.get(state, 0) for state in IssuedCredential.State.values}


def _registry_allows(specification: Specification, issuer: Organisation) -> dict[str, Any]:
    """The trust registry's rules for ``issuer`` issuing ``specification`` (accredited scope, grants; it raises,
    naming the rule), and the rendering options: when another organisation created the micro-credential, the
    issuer is the awarding body and the creator is named as ``achievement.creator``."""
    from merit.server.registry.services import may_issue  # The registry builds on these services.

    may_issue(issuer, specification)
    if issuer.pk == specification.organisation_id:
        return {}
    creator = specification.organisation
    body = AwardingBody(
        name=issuer.name,
        country=issuer.country,
        region=issuer.region or None,
        url=issuer.homepage or None,
        registration_id=issuer.registration_id or None,
    )
    return {"awarding_body": body, "creator": {"id": creator.did, "type": ["Profile"], "name": creator.name}}


def unit_covers(specification: Specification, spec: Spec) -> list[Any]:
    """The units of qualifications ``specification`` covers by its approved mappings (decision 0025), titled in
    its language: the credential carries them as alignments."""
    from merit.server.qualifications.mapping import covers  # The qualifications build on these services.

    return covers(specification.organisation, specification.key, spec.language)


def unsigned_from_specification(
    specification: Specification,
    learner: Learner,
    *,
    grade: str | None = None,
    valid_until: datetime | None = None,
    issuer: Organisation | None = None,
    credential_id: str | None = None,
) -> dict[str, Any]:
    """The unsigned credential a published specification renders for one learner, after the trust registry's rules
    (it raises as issuing would): what the workspace shows before the issuer signs. Status entries and the proof
    are added only when it is issued."""
    if specification.state != Specification.State.PUBLISHED:
        raise InvalidError("only published specifications can be issued")
    organisation = issuer or specification.organisation
    options = _registry_allows(specification, organisation)
    spec = parsed_specification(specification)
    return render_credential(
        spec,
        learner,
        organisation.did,
        grade=grade,
        valid_until=valid_until,
        credential_id=credential_id,
        units=unit_covers(specification, spec),
        **options,
    )


def issue_from_specification(
    specification: Specification,
    learner: Learner,
    *,
    actor: str,
    grade: str | None = None,
    valid_until: datetime | None = None,
    issuer: Organisation | None = None,
    credential_id: str | None = None,
) -> IssuedCredential:
    """Render a published specification for one learner and issue it (as ``issuer`` when another organisation
    issues it under a grant from its creator). With ``credential_id`` a second issuance of the same id raises
    :class:`CredentialExists`, so a form submitted twice issues once."""
    unsigned = unsigned_from_specification(
        specification, learner, grade=grade, valid_until=valid_until, issuer=issuer, credential_id=credential_id
    )
    organisation = issuer or specification.organisation
    with transaction.atomic():
        record = issue_credential(organisation, unsigned, actor=actor, specification=specification)
        learners.remember(record, learner)  # The issuer's record of whom it issued it to (decision 0018).
    return record


PREVIEW_LEARNER = Learner(email="learner@example.org", name="Alex Example")


def preview_credential(
    organisation: Organisation, data: dict[str, Any], key: str | None = None
) -> dict[str, Any] | None:
    """The unsigned credential a learner would receive from ``data``, or ``None`` while it is incomplete.

    The learner is an example, and the proof and status entries are added only when a credential is issued. With
    ``key``, the units its approved mappings cover are carried as they would be (decision 0025).
    """
    if not lint_spec(data).ok:
        return None
    spec = parse_spec(data)
    units: list[Any] = []
    if key:
        from merit.server.qualifications.mapping import covers

        units = covers(organisation, key, spec.language)
    return render_credential(
        spec,
        PREVIEW_LEARNER,
        organisation.did,
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000000",
        units=units,
    )


def latest_specification(organisation: Organisation, key: str) -> Specification | None:
    """The newest version of specification ``key`` (a draft, or the published version editing starts from)."""
    return Specification.objects.filter(organisation=organisation, key=key).order_by("-version").first()


def issue_batch(
    specification: Specification,
    items: list[tuple[Learner, str | None]] | list[tuple[Learner, str | None, datetime | None]],
    *,
    actor: str,
    issuer: Organisation | None = None,
) -> list[IssuedCredential | MeritError]:
    """Issue a published specification to many learners at once, in one transaction: the signing key is unsealed
    once, status indexes are allocated together, and records, status entries and audit events are written in bulk.

    Each item is a learner, a grade or ``None``, and optionally an end of validity (``validUntil``). Returns, for
    each item, its record or the error that refused it (a bad grade, say); the others are issued.
    """
    if specification.state != Specification.State.PUBLISHED:
        raise InvalidError("only published specifications can be issued")
    organisation = issuer or specification.organisation
    options = _registry_allows(specification, organisation)
    spec = parsed_specification(specification)
    units = unit_covers(specification, spec)
    results: list[IssuedCredential | MeritError] = []
    documents: list[tuple[int, dict[str, Any]]] = []
    for position, (learner, grade, *until) in enumerate(items):
        try:
            valid_until = until[0] if until else None
            unsigned = render_credential(
                spec, learner, organisation.did, grade=grade, valid_until=valid_until, units=units, **options
            )
            documents.append((position, _prepared(organisation, unsigned)))
            results.append(MalformedValueError("not issued"))  # Replaced below once signed.
        except MeritError as exc:
            results.append(exc)
    if not documents:
        return results
    key = signing_key(organisation)
    with transaction.atomic():
        # One revocation and one suspension entry per credential (decision 0017), each purpose allocated together.
        per_purpose = [_allocate_many(organisation, purpose, len(documents)) for purpose in PURPOSES]
        allocations = [list(pair) for pair in zip(*per_purpose, strict=True)]
        records = []
        for (position, document), allocated in zip(documents, allocations, strict=True):
            document["credentialStatus"] = _status_of(allocated)
            signed = sign_credential(document, key)
            record = IssuedCredential(
                organisation=organisation,
                credential_id=signed["id"],
                document_json=json.dumps(signed, ensure_ascii=False),
                specification=specification,
            )
            learners.fill(record, items[position][0])  # The issuer's record of whom (decision 0018).
            records.append(record)
            results[position] = record
        bulkwrite.insert(records)
        bulkwrite.insert(
            [
                StatusEntry(credential=record, status_list=status_list, index=index)
                for record, allocated in zip(records, allocations, strict=True)
                for status_list, index in allocated
            ]
        )
        bulkwrite.insert(
            [
                AuditEvent(organisation=organisation, actor=actor, action="credential.issued", target=r.credential_id)
                for r in records
            ]
        )
    return results
