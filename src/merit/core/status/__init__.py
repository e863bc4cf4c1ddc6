"""Credential status: Bitstring Status List v1.0 (and reading StatusList2021)."""

from merit.core.status.bitstring import (
    MIN_ENTRIES,
    StatusList,
    credential_status,
    status_entry,
    status_list_credential,
)
from merit.core.status.check import StatusResult, check_status

__all__ = [
    "MIN_ENTRIES",
    "StatusList",
    "StatusResult",
    "check_status",
    "credential_status",
    "status_entry",
    "status_list_credential",
]
