"""``python -m bench``: Merit's figures side by side with reference implementations measured in the same run.

Ratios are throughput ratios (reference time ÷ Merit time): above 1 means Merit is faster.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import bulk, passport, pathways, proofs

ROOT = Path(__file__).parents[1]


def cold_start_ms(runs: int) -> float:
    """Wall time of ``merit verify`` on one credential in a fresh process (median of ``runs``)."""
    from merit.core.issue import sign_credential
    from merit.core.keys import KeyPair, SigningKey

    key = SigningKey.for_did_key(KeyPair.generate())
    path = Path("/tmp/merit-bench-credential.json")
    path.write_text(json.dumps(sign_credential(proofs.credential(key.controller), key)))
    merit = str(Path(sys.executable).with_name("merit"))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([merit, "verify", str(path)], check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


def _ratio(reference: float | None, merit: float) -> str:
    return f"{reference / merit:6.2f}×" if reference else "     –"


def _ms(value: float | None) -> str:
    return f"{value:8.3f}" if value is not None else "       –"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few iterations only (smoke run)")
    parser.add_argument("--no-node", action="store_true", help="skip the Digital Bazaar stack")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--bulk-rows", type=int, default=None, help="rows for the bulk issuance run (default 10,000)")
    parser.add_argument("--no-postgres", action="store_true", help="bulk issuance on SQLite only")
    args = parser.parse_args(argv)
    iterations = 10 if args.quick else 200
    rows = proofs.run(iterations, with_node=not args.no_node)
    cold = cold_start_ms(3 if args.quick else 7)
    many = args.bulk_rows or (200 if args.quick else 10_000)
    databases = {"SQLite": None} if args.no_postgres else {"SQLite": None, "PostgreSQL": bulk.POSTGRES}
    bulk_rows = [
        {"database": name, **bulk.run(count, url)} for name, url in databases.items() for count in (many // 10, many)
    ]
    held = 50 if args.quick else 500
    pages = [{"database": name, **passport.run(held, url)} for name, url in databases.items()]
    followed = 10 if args.quick else 50
    progress = [{"database": name, **pathways.run(held, followed, url)} for name, url in databases.items()]
    if args.json:
        figures = {"machine": platform.platform(), "proofs": rows, "cold_start_verify_ms": cold, "bulk": bulk_rows}
        figures["passport"] = pages
        figures["pathways"] = progress
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"Merit benchmark on {platform.platform()}, Python {platform.python_version()}, one core, "
        f"{iterations} iterations after warm-up; ms per operation."
    )
    header = f"{'suite':<17}{'op':<8}{'Merit':>9}{'pyld':>9}{'DB (JS)':>9}{'vs pyld':>9}{'vs DB':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        for op in ("sign", "verify"):
            merit = row[f"merit_{op}_ms"]
            pyld: Any = row.get(f"pyld_{op}_ms")
            db: Any = row.get(f"db_{op}_ms")
            figures = f"{_ms(merit)} {_ms(pyld)} {_ms(db)}  {_ratio(pyld, merit)}  {_ratio(db, merit)}"
            print(f"{row['suite']:<17}{op:<8}{figures}")
    print(
        f"(credential: {rows[0]['quads']} quads; Merit's figures include safe mode, structure and, for verify, "
        "the OB 3.0 schema and the full report)"
    )
    print(f"cold start, 'merit verify' on one credential: {cold:.0f} ms wall time (median)")
    print("bulk issuance, CSV upload to the last credential signed and stored (merit worker processes):")
    for figure in bulk_rows:
        print(
            f"  {figure['database']:<11}{figure['rows']:>7,} rows  {figure['workers']} worker(s)  "
            f"{figure['seconds']:8.1f} s  {figure['per_second']:7.1f} credentials/s  "
            f"CPU {figure['worker_cpu_ms'] + figure['database_cpu_ms']:4.1f} ms each  "
            f"peak memory {figure['peak_rss_mb']:6.0f} MB  e-mailed after {figure['mailed_seconds']:6.1f} s"
        )
    print("competence passport main page, every card's status re-checked (server time, target 300 ms for 500):")
    for figure in pages:
        print(
            f"  {figure['database']:<11}{figure['credentials']:>7,} credentials  median {figure['median_ms']:6.1f} ms"
            f"  slowest {figure['max_ms']:6.1f} ms"
        )
    print("progress toward followed qualifications, queries and core work (target 300 ms for 500 and 50):")
    for figure in progress:
        print(
            f"  {figure['database']:<11}{figure['credentials']:>7,} credentials  {figure['qualifications']:>3} followed"
            f"  median {figure['median_ms']:6.1f} ms  slowest {figure['max_ms']:6.1f} ms"
            f"  page {figure['page_median_ms']:6.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
