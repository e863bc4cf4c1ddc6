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

from bench import proofs

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
    args = parser.parse_args(argv)
    iterations = 10 if args.quick else 200
    rows = proofs.run(iterations, with_node=not args.no_node)
    cold = cold_start_ms(3 if args.quick else 7)
    if args.json:
        print(json.dumps({"machine": platform.platform(), "proofs": rows, "cold_start_verify_ms": cold}, indent=2))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
