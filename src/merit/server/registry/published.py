"""What the registry publishes: issuer records shaped like the EBSI Trusted Issuers Registry API
(https://hub.ebsi.eu/apis/pilot/trusted-issuers-registry), a signed trust list for offline verifiers, and the
database-backed :class:`merit.core.trust.TrustRegistry` that this installation's verifier consults."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from merit.core import trust
from merit.core.errors import MeritError, TrustRegistryError
from merit.core.issue import sign_credential
from merit.core.trust.names import NameLookup, Namesake, directory
from merit.core.verify.parsing import parse_json
from merit.server.accounts.models import Organisation, did_prefix
from merit.server.issuing import services as issuing
from merit.server.registry.models import Accreditation, Authority

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _documents(accreditation: Accreditation) -> list[dict[str, Any]]:
    """The signed credentials of an accreditation: the original, and its withdrawal once withdrawn."""
    found = [accreditation.credential.document]
    if accreditation.withdrawal_id is not None:
        found.append(accreditation.withdrawal.document)  # type: ignore[union-attr]
    return found


def _accreditations(organisations: list[Organisation]) -> dict[int, list[Accreditation]]:
    by_organisation: dict[int, list[Accreditation]] = {o.pk: [] for o in organisations}
    query = (
        Accreditation.objects.filter(organisation__in=organisations)
        .select_related("credential", "withdrawal", "authority__organisation")
        .order_by("pk")
    )
    for accreditation in query:
        by_organisation[accreditation.organisation_id].append(accreditation)
    return by_organisation


def _record(organisation: Organisation, accreditations: list[Accreditation]) -> dict[str, Any]:
    return {
        "did": organisation.did,
        "name": organisation.name,
        "country": organisation.country,
        "accreditations": [
            {
                "id": a.credential.credential_id,
                "state": a.current_state,
                "authority": a.authority.organisation.did,
                "scope": trust.Scope(
                    a.eqf_min,
                    a.eqf_max,
                    tuple(a.isced_fields),
                    tuple(a.credential_types),
                    tuple(a.regions),
                    tuple(a.qualifications),
                ).to_json(),
                "validFrom": a.valid_from.isoformat(),
                "validUntil": a.valid_until.isoformat() if a.valid_until else None,
                "credentials": _documents(a),
            }
            for a in accreditations
        ],
    }


def issuer_record(did: str) -> dict[str, Any] | None:
    """The issuer ``did`` and its accreditations with their signed credentials (``None``: not registered)."""
    prefix = did_prefix()
    if not did.startswith(prefix):
        return None
    organisation = Organisation.objects.filter(slug=did.removeprefix(prefix), accreditations__isnull=False).first()
    if organisation is None:
        return None
    return _record(organisation, _accreditations([organisation])[organisation.pk])


def issuers_page(after: str = "", size: int = PAGE_SIZE) -> dict[str, Any]:
    """A page of accredited issuers in order of their DID, for ``GET /registry/v1/issuers``."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    slug = after.removeprefix(did_prefix()) if after else ""
    query = Organisation.objects.filter(accreditations__isnull=False, slug__gt=slug).distinct().order_by("slug")
    organisations = list(query[: size + 1])
    more, organisations = len(organisations) > size, organisations[:size]
    grouped = _accreditations(organisations)
    page: dict[str, Any] = {"items": [_record(o, grouped[o.pk]) for o in organisations], "pageSize": size}
    if more:
        page["next"] = organisations[-1].did
    return page


def trust_list_document(authority: Authority) -> dict[str, Any]:
    """The authority's signed trust list of every accreditation it published, re-signed only when the set of
    published credentials or the authority's signing key changed."""
    published = Accreditation.objects.filter(authority=authority).select_related("credential", "withdrawal")
    documents = [document for accreditation in published for document in _documents(accreditation)]
    organisation = authority.organisation
    key = issuing.signing_key(organisation)
    stamp = hashlib.sha256(json.dumps([key.verification_method, [d["id"] for d in documents]]).encode()).hexdigest()
    found = cache.get(f"merit:trust-list:{stamp}")
    if found is not None:
        return dict(found)
    unsigned = trust.trust_list(
        list_id=f"{settings.BASE_URL}/registry/v1/trust-lists/{organisation.slug}#{uuid.uuid4()}",
        authority=organisation.did,
        authority_name=organisation.name,
        accreditations=documents,
        valid_from=timezone.now(),
    )
    signed = sign_credential(unsigned, key)
    cache.set(f"merit:trust-list:{stamp}", signed, 3600)
    return signed


class DatabaseRegistry:
    """The registry of this installation (:class:`merit.core.trust.TrustRegistry`): the signed accreditation
    credentials of an issuer DID, straight from the database."""

    def accreditations(self, issuer: str) -> list[dict[str, Any]]:
        record = issuer_record(issuer)
        return [document for a in (record or {}).get("accreditations", []) for document in a["credentials"]]


class CombinedRegistry:
    """This installation's registry, then the registries of other installations named in
    ``MERIT_TRUST_REGISTRIES`` (base URLs, comma-separated), asked through the safe fetcher. A remote registry that
    cannot be reached raises, so the check says "could not check", never "not accredited"."""

    def __init__(self, remotes: list[str] | None = None) -> None:
        configured = getattr(settings, "MERIT_TRUST_REGISTRIES", "")
        self.remotes = remotes if remotes is not None else [u.strip() for u in configured.split(",") if u.strip()]

    def accreditations(self, issuer: str) -> list[dict[str, Any]]:
        found = DatabaseRegistry().accreditations(issuer)
        if found or not self.remotes:
            return found
        for base in self.remotes:
            record = _ask(base, f"/registry/v1/issuers/{quote(issuer, safe=':')}", 2 * 1024 * 1024)
            if record is None:
                continue
            try:
                found += [d for a in record.get("accreditations", []) for d in a.get("credentials", [])]
            except (AttributeError, TypeError) as exc:
                raise TrustRegistryError(f"the trust registry at {base} gave an answer Merit cannot read") from exc
        return [d for d in found if isinstance(d, dict)]


def _ask(base: str, path: str, max_bytes: int) -> Any:
    """The JSON a remote registry answers at ``path`` (through the safe fetcher), or ``None`` for HTTP 404; raises
    ``TrustRegistryError`` when it cannot be reached or read."""
    from merit.server import netfetch

    try:
        body = netfetch.fetch(f"{base.rstrip('/')}{path}", max_bytes=max_bytes, timeout=5.0, accept="application/json")
    except netfetch.FetchFailed as exc:
        if exc.message.endswith("answered HTTP 404"):
            return None
        raise TrustRegistryError(f"the trust registry at {base} could not be reached ({exc.message})") from exc
    except netfetch.FetchError as exc:
        raise TrustRegistryError(f"the trust registry at {base} could not be asked ({exc.message})") from exc
    try:
        return parse_json(body, max_bytes)
    except MeritError as exc:
        raise TrustRegistryError(f"the trust registry at {base} gave an answer Merit cannot read") from exc


REMOTE_NAMES_SECONDS = 3600
MAX_REMOTE_PAGES = 20


def _remote_names(base: str) -> list[tuple[str, str]]:
    """The (DID, name) of every accredited issuer a remote registry lists (``GET /registry/v1/issuers``, a page at
    a time), cached for an hour; a registry that has no list (HTTP 404) has none, one that cannot be reached
    raises ``TrustRegistryError``, so the name check says "could not check"."""
    cached = cache.get(f"merit:registry-names:{base}")
    if cached is not None:
        return [(str(did), str(name)) for did, name in cached]
    found: list[tuple[str, str]] = []
    after = ""
    for _page in range(MAX_REMOTE_PAGES):
        page = _ask(base, f"/registry/v1/issuers?size={MAX_PAGE_SIZE}&after={quote(after, safe=':')}", 4 * 1024 * 1024)
        if page is None:
            break
        try:
            items = page.get("items", [])
            found += [(str(i["did"]), str(i["name"])) for i in items if isinstance(i, dict) and i.get("name")]
        except (AttributeError, TypeError, KeyError) as exc:
            raise TrustRegistryError(f"the trust registry at {base} gave an answer Merit cannot read") from exc
        after = page.get("next") if isinstance(page.get("next"), str) else ""
        if not after:
            break
    cache.set(f"merit:registry-names:{base}", found, REMOTE_NAMES_SECONDS)
    return found


class AccreditedNames:
    """The accredited organisations this installation knows, by :func:`merit.core.trust.names.name_key` (a
    :data:`merit.core.trust.names.NameLookup`): its own organisations with an accreditation, then the issuers
    listed by the registries in ``MERIT_TRUST_REGISTRIES``. Read only when a check first asks, once per verifier."""

    def __init__(self, remotes: list[str] | None = None) -> None:
        self.remotes = remotes if remotes is not None else CombinedRegistry().remotes
        self._lookup: NameLookup | None = None

    def __call__(self, key: str) -> Sequence[Namesake]:
        if self._lookup is None:
            local = Organisation.objects.filter(accreditations__isnull=False).distinct().only("slug", "name")
            known = [Namesake(o.did, o.name) for o in local]
            known += [Namesake(did, name) for base in self.remotes for did, name in _remote_names(base)]
            self._lookup = directory(known)
        return self._lookup(key)
