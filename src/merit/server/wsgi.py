"""WSGI entry point (``merit.server.wsgi:application``) for gunicorn, waitress or any WSGI server."""

import os
from typing import Any

from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merit.server.settings")
application = get_wsgi_application()


def _record_base_url(**_: Any) -> None:
    """Record the address this server serves under, for workers started without ``MERIT_BASE_URL`` (decision
    0014); once, at the first request, so that importing the application never touches the database."""
    request_started.disconnect(_record_base_url)
    from merit.server.workers import baseurl

    baseurl.record()


request_started.connect(_record_base_url, weak=False)
