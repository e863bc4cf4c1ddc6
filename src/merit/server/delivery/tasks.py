"""Background tasks of delivery (django-tasks; the database backend on the embedded default and in production)."""

from __future__ import annotations

from django_tasks import task

from merit.server.delivery import services


# Below issuance (priority 0): while a bulk job runs, both workers sign, and the e-mails follow seconds later.
@task(priority=-10)
def email_claim_links(link_ids: list[int]) -> None:
    """E-mail the claim links of a batch of issued credentials (each gets its token here)."""
    services.email_links(link_ids)
