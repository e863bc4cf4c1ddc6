"""The trust registry: accreditation credentials, trust lists, and the ``accreditation`` check.

See ``docs/decisions/0008-trust-registry.md`` for the model, the EBSI Trusted Issuers Registry it follows
(https://hub.ebsi.eu/) and the W3C VC 2.0 (https://www.w3.org/TR/vc-data-model-2.0/) and Bitstring Status List
(https://www.w3.org/TR/vc-bitstring-status-list/) specifications it builds on.
"""

from merit.core.trust.check import NOT_COVERED, check_accreditation, credential_facts, credential_type_of, issued_at
from merit.core.trust.claims import (
    Accreditation,
    is_accreditation,
    is_trust_list,
    read_accreditation,
    trust_list_entries,
)
from merit.core.trust.registry import OfflineTrustList, TrustRegistry
from merit.core.trust.render import (
    ACCREDITATION_TYPE,
    TRUST_CONTEXT,
    TRUST_LIST_TYPE,
    accreditation_credential,
    trust_list,
    withdrawal,
)
from merit.core.trust.scope import Scope, scope_of

__all__ = [
    "ACCREDITATION_TYPE",
    "NOT_COVERED",
    "TRUST_CONTEXT",
    "TRUST_LIST_TYPE",
    "Accreditation",
    "OfflineTrustList",
    "Scope",
    "TrustRegistry",
    "accreditation_credential",
    "check_accreditation",
    "credential_facts",
    "credential_type_of",
    "is_accreditation",
    "is_trust_list",
    "issued_at",
    "read_accreditation",
    "scope_of",
    "trust_list",
    "trust_list_entries",
    "withdrawal",
]
