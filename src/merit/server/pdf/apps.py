from __future__ import annotations

from django.apps import AppConfig


class PdfConfig(AppConfig):
    """The PDF renderer: no models, only its templates (found through ``APP_DIRS``)."""

    name = "merit.server.pdf"
    label = "merit_pdf"
    verbose_name = "PDF credentials"
