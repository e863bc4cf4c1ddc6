"""Issuing one credential from the workspace as an issuer does: the form, then "Sign and send" on the
confirmation page (``merit.server.workspace.issue_one``)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

_TOKEN = re.compile(r'name="confirmation" value="([^"]+)"')


def confirmation(page: Any) -> str:
    """The confirmation token on a confirmation page."""
    found = _TOKEN.search(page.content.decode())
    assert found is not None, page.content.decode()[:2000]
    return found.group(1)


def sign_and_send(client: Client, path: str, fields: dict[str, str], **headers: Any) -> Any:
    """Fill in the form, continue, then sign on the confirmation page; the page that answers the signing."""
    checked = client.post(path, {**fields, "action": "check"}, **headers)
    assert checked.status_code == 200, checked.content.decode()[:2000]
    return client.post(path, {"confirmation": confirmation(checked), "action": "sign"}, **headers)
