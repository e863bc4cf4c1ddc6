"""Background tasks of delivery (django-tasks; the database backend on the embedded default and in production)."""

from __future__ import annotations

from django_tasks import task

from merit.server.delivery import services
from merit.server.workers import retry


# Below issuance (priority 0): while a bulk job runs, both workers sign, and the e-mails follow seconds later.
@task(priority=-10)
def email_claim_links(link_ids: list[int], attempt: int = 1) -> None:
    """E-mail the claim links of a batch of issued credentials. A mail server that is down or refuses for a while
    is tried again with back-off; after the last attempt the links not sent are marked bounced, with the reason, for
    the job's results."""
    try:
        services.email_links(link_ids)
    except Exception as exc:
        if not retry.again(email_claim_links, attempt, exc, link_ids):
            services.give_up(link_ids, exc)
            raise
