"""Credentials as accessible PDF documents that carry the signed credential (``render.credential_pdf``)."""
