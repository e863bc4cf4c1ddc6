"""WSGI entry point (``merit.server.wsgi:application``) for gunicorn, waitress or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merit.server.settings")
application = get_wsgi_application()


def _record_base_url() -> None:
    """Record the address this server serves under, for workers started without ``MERIT_BASE_URL``."""
    from merit.server.workers import baseurl

    baseurl.record()


_record_base_url()
