"""``TokenAuth``: the APIs' Bearer API tokens with a scope (``accounts.services.authenticate``), for ``api.py`` and the
routers of each app. It runs before the request body is read, so a stranger learns nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader

from merit.server.accounts.services import authenticate


class TokenAuth(APIKeyHeader):
    """Bearer API tokens with a scope; runs before the request body is read, so a stranger learns nothing."""

    param_name = "Authorization"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return authenticate(key, self.scope)
