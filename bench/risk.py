"""Risk benchmarks: prints figures, asserts nothing (see the issue's aims in the output).

1. Scoring a 100,000-row register through cpc_risk_score and cpc_risk_rating, with lists of
   lists as xlwings passes them (labels and numbers mixed), through Excel's module.
2. The Monte Carlo exposure of 1,000 quantified risks × 10,000 iterations: time, and peak
   memory traced by tracemalloc (numpy reports its buffers to it).
3. The same with a full 1,000 × 1,000 correlation matrix (Iman-Conover rank correlation on
   occurrence and impact; issue 15 aims at 2 s or less and under 500 MB).
"""

from __future__ import annotations

import os
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import numpy as np

from cpcxl.risk.engine import simulate_exposure
from cpcxl.xl import udfs

ROWS = 100_000
RISKS, ITERATIONS = 1_000, 10_000
REPEATS = 7


def timed(fn: Callable[[], Any], repeats: int = REPEATS) -> str:
    """Best and median wall time, and best processor time (less moved by other work on a
    shared machine), in milliseconds."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return (
        f"wall best {min(walls):6.1f} ms, median {statistics.median(walls):6.1f} ms; "
        f"cpu best {min(cpus):6.1f} ms"
    )


def register_columns() -> tuple[list[list[Any]], list[list[Any]]]:
    rng = np.random.default_rng(1)
    labels = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    likelihood = [[labels[i - 1] if rng.random() < 0.5 else int(i)] for i in
                  rng.integers(1, 6, ROWS)]  # fmt: skip
    impact = [[int(i)] for i in rng.integers(1, 6, ROWS)]
    return likelihood, impact


def quantified_risks() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(2)
    p = rng.uniform(0.05, 0.6, RISKS)
    low = rng.uniform(10_000, 100_000, RISKS)
    high = low * rng.uniform(1.5, 5, RISKS)
    mode = low + (high - low) * rng.uniform(0.1, 0.6, RISKS)
    return p, low, mode, high


def full_correlation(risks: int = RISKS) -> np.ndarray:
    """A full correlation matrix, every coefficient its own: 0.3 between all risks, mixed
    evenly with the sample correlation of random draws (a mixture of correlation matrices is
    one), so no two pairs are alike and it is positive definite."""
    rng = np.random.default_rng(3)
    sample = np.corrcoef(rng.standard_normal((risks, 3 * risks)))
    every = np.full((risks, risks), 0.3)
    np.fill_diagonal(every, 1.0)
    return 0.5 * every + 0.5 * sample


def main() -> None:
    likelihood, impact = register_columns()
    print(f"risk: scoring {ROWS:,} rows (lists of lists, half labels) through cpcxl.xl.udfs")
    for name in ("cpc_risk_score", "cpc_risk_rating"):
        fn = getattr(udfs, name)
        result = fn(likelihood, impact)
        assert len(result) == ROWS and not str(result[0][0]).startswith("#")
        print(f"  {name:<16} {timed(lambda fn=fn: fn(likelihood, impact))}  (aim: <= 200 ms)")

    args = quantified_risks()
    print(f"risk: Monte Carlo exposure, {RISKS:,} risks x {ITERATIONS:,} iterations (Beta-PERT)")
    figures = timed(lambda: simulate_exposure(*args, iterations=ITERATIONS), repeats=5)
    print(f"  time             {figures}  (aim: <= 1 s)")
    tracemalloc.start()
    exposure = simulate_exposure(*args, iterations=ITERATIONS)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # Linux reports kB
    print(f"  peak memory      {peak / 1e6:.1f} MB traced by tracemalloc  (aim: < 300 MB)")
    print(f"  process peak RSS {rss:.1f} MB (the whole process, libraries included)")
    print(
        f"  figures          expected £{exposure.expected:,.0f}, P50 £{exposure.p50:,.0f}, "
        f"P80 £{exposure.p80:,.0f}, P95 £{exposure.p95:,.0f}"
    )
    correlation = full_correlation()
    print(f"risk: the same with a full {RISKS:,} × {RISKS:,} correlation matrix (Iman-Conover)")
    figures = timed(
        lambda: simulate_exposure(*args, iterations=ITERATIONS, correlation=correlation),
        repeats=3,
    )
    print(f"  time             {figures}  (aim: <= 2 s)")
    tracemalloc.start()
    correlated = simulate_exposure(*args, iterations=ITERATIONS, correlation=correlation)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"  peak memory      {peak / 1e6:.1f} MB traced by tracemalloc  (aim: < 500 MB)")
    print(f"  process peak RSS {rss:.1f} MB (the whole process, libraries included)")
    print(
        f"  figures          expected £{correlated.expected:,.0f} (unchanged), "
        f"P80 £{correlated.p80:,.0f}, P95 £{correlated.p95:,.0f} (wider)"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} while measuring")


if __name__ == "__main__":
    main()
