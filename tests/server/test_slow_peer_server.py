"""End to end: the real ``merit serve`` stays responsive while a dozen verifications wait on drip-feeding peers,
and each of them answers "could not check" within its budget (issue 12, item 1).

The experiment is ``bench.slow_peer`` (``python -m bench.slow_peer`` prints the same figures with the default
settings): 12 concurrent ``POST /credentials/verify`` of a credential whose ``did:web`` key and status list are on
peers that drip a byte every 0.2 s, on a server with 8 threads (so at most 4 fetching), with short deadlines so the
test is quick. Before the deadlines and the fetching slots, the plain page waited for the slow verifications.
"""

from __future__ import annotations

from bench.slow_peer import measure

TIMEOUT, BUDGET, WAIT = 2.0, 3.0, 0.2
MARGIN = 1.5
"""Seconds allowed past a deadline on a loaded machine: the server verifies 12 credentials meanwhile."""


def test_slow_peers_never_stall_the_site_and_each_verification_ends_within_its_budget() -> None:
    settings = {"MERIT_FETCH_TIMEOUT": str(TIMEOUT), "MERIT_FETCH_BUDGET": str(BUDGET), "MERIT_FETCH_WAIT": str(WAIT)}
    figures = measure(slow=12, threads=8, environment=settings)
    assert figures["verifications"] == {"400 could_not_verify": 12}, figures
    assert figures["longest_verification_s"] < BUDGET + WAIT + MARGIN, figures
    assert figures["pages"] >= 3, figures
    assert figures["pages_ok"] == figures["pages"], figures
    assert figures["longest_page_s"] < 2.0, figures
