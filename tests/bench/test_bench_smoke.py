"""The benchmark runs (quick mode, Merit and the pyld reference); no timing is asserted."""

from __future__ import annotations

from bench import proofs


def test_quick_benchmark_produces_figures_for_every_suite() -> None:
    rows = proofs.run(iterations=2, with_node=False)
    assert [row["suite"] for row in rows] == [suite for suite, _ in proofs.SUITES]
    for row in rows:
        assert row["merit_sign_ms"] > 0
        assert row["merit_verify_ms"] > 0
        assert row["quads"] > 80
        if "-rdfc-" in row["suite"]:
            assert row["pyld_verify_ms"] > 0


def test_quick_bulk_benchmark_issues_every_row() -> None:
    from bench import bulk

    figures = bulk.run(rows=20, database=None)
    assert figures["rows"] == 20
    assert figures["per_second"] > 0
    assert figures["peak_rss_mb"] > 0


def test_quick_esco_benchmark_runs_every_query() -> None:
    from bench import esco

    rows = esco.per_query(iterations=1)
    assert [row["query"] for row in rows] == esco.QUERIES
    assert all(row["first_ms"] > 0 and row["repeat_ms"] > 0 for row in rows)
    assert {row["query"]: row["results"] for row in rows}["forklift"] > 0


def test_quick_passport_benchmark_renders_every_card() -> None:
    from bench import passport

    figures = passport.run(credentials=5, database=None)
    assert figures["credentials"] == 5
    assert figures["median_ms"] > 0


def test_quick_pathways_benchmark_counts_toward_every_followed_qualification() -> None:
    from bench import pathways

    figures = pathways.run(credentials=10, qualifications=5, database=None)
    assert (figures["credentials"], figures["qualifications"]) == (10, 5)
    assert figures["median_ms"] > 0


def test_quick_registry_benchmark_finds_every_accreditation() -> None:
    from bench import registry

    figures = registry.run(issuers=5, per_issuer=2, lookups=3, database=None)
    assert figures["lookups"] == 3
    assert figures["median_ms"] > 0


def test_quick_load_benchmark_answers_every_request() -> None:
    from bench import load

    figures = load.measure(requests=6, concurrency=2, seconds=60, workers=2, generator="python")
    assert (figures["requests"], figures["failures"]) == (6, 0)
    assert figures["p99_ms"] >= figures["p50_ms"] > 0
    assert figures["server_processes"] == 3  # gunicorn's arbiter and its two workers.
    assert figures["server_cpu_ms_per_request"] > 0
