"""ESCO skill search (``merit.core.microcredential.esco``): load times in fresh processes, then time per query.

``python -m bench.esco [--quick] [--json]`` prints the bundle's size, the cold figures (median of fresh
processes: importing the module, loading the taxonomy, building the search index, the first search) and, in
this process, the time per query for typical designer-page queries, first call and repeated.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
QUERIES = [
    "fo",
    "forkl",
    "forklift",
    "operate forklift",
    "ma",
    "manage",
    "manage staff",
    "communication",
    "seance",
    "python",
    "c++",
    "http://data.europa.eu/esco/skill/28cb374e-6261-4133-8371-f9a5470145da",
    "a b c",
    "zzzzzz",
]


def cold() -> dict[str, float]:
    """One fresh process's load figures in ms (printed as JSON by ``--cold``)."""
    started = time.perf_counter()
    from merit.core.microcredential import esco

    imported = time.perf_counter()
    esco.skill("http://data.europa.eu/esco/skill/28cb374e-6261-4133-8371-f9a5470145da")
    loaded = time.perf_counter()
    esco._index()
    indexed = time.perf_counter()
    esco.search("forklift")
    searched = time.perf_counter()
    return {
        "import_ms": (imported - started) * 1000,
        "load_ms": (loaded - imported) * 1000,
        "index_ms": (indexed - loaded) * 1000,
        "first_search_ms": (searched - indexed) * 1000,
    }


def cold_median(runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        command = [sys.executable, "-m", "bench.esco", "--cold"]
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        samples.append(json.loads(out.stdout))
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


def per_query(iterations: int) -> list[dict[str, Any]]:
    """Per query: the first call (the prefix cache empty) and the median of repeated calls, in ms."""
    from merit.core.microcredential import esco

    esco._index()
    rows = []
    for query in QUERIES:
        esco._with_prefix.cache_clear()
        started = time.perf_counter()
        results = esco.search(query)
        first = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(iterations):
            started = time.perf_counter()
            esco.search(query)
            times.append((time.perf_counter() - started) * 1000)
        rows.append({"query": query, "results": len(results), "first_ms": first, "repeat_ms": statistics.median(times)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.esco", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (smoke run)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold:
        print(json.dumps(cold()))
        return 0
    from merit.core.microcredential import esco

    bundle = ROOT / "src/merit/core/microcredential" / esco.DATA_FILE
    figures = {
        "bundle_bytes": bundle.stat().st_size,
        "cold": cold_median(2 if args.quick else 7),
        "queries": per_query(5 if args.quick else 200),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    cold_figures = figures["cold"]
    print(f"ESCO bundle {bundle.name}: {figures['bundle_bytes']:,} bytes gzipped")
    print(
        "cold, fresh process (median): "
        + ", ".join(f"{key.removesuffix('_ms')} {value:.1f} ms" for key, value in cold_figures.items())
    )
    print(f"{'query':<40}{'results':>8}{'first ms':>10}{'repeat ms':>11}")
    for row in figures["queries"]:
        query = row["query"] if len(row["query"]) <= 38 else row["query"][:35] + "..."
        print(f"{query!r:<40}{row['results']:>8}{row['first_ms']:>10.3f}{row['repeat_ms']:>11.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
