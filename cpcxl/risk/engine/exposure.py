"""Quantified £ exposure by Monte Carlo: each risk occurs with its chance and costs a draw
from Beta-PERT (or triangular) on its three-point estimate. Pure: no Excel, no files."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError
from cpcxl.common.fields import MONEY_LIMIT, Money
from cpcxl.common.limits import check_time

from ..models import MAX_DRAWS, MAX_ITERATIONS, QUANTITIES
from .correlation import (
    ARRANGE_CELLS,
    MAX_CORRELATED_RISKS,
    Draws,
    arrange,
    check_coefficient,
    check_matrix,
    equicorrelation,
    is_independent,
)
from .summaries import open_risks

Distribution = Literal["pert", "triangular"]
#: Risk × iteration cells drawn at once; bounds working memory (about 40 MB at this size).
CHUNK_CELLS = 2_000_000
#: Up to this many iterations every simulated total is kept and percentiles are exact; beyond
#: it totals are counted into HISTOGRAM_BINS fine bins, so memory stays bounded.
EXACT_ITERATIONS = 2_000_000
HISTOGRAM_BINS = 1 << 20
PERT_LAMBDA = 4.0
#: Every £ figure in and out of a simulation: within the plausible range of public money.
POUNDS = Money(what="an amount in £")


@dataclass(frozen=True)
class Exposure:
    """Simulated total £ exposure of a set of quantified risks."""

    expected: float
    p50: float
    p80: float
    p95: float
    contingency: float
    confidence: float
    iterations: int
    risks: int

    def rows(self) -> list[list[Any]]:
        """The figures as a labelled two-column table."""
        return [
            ["Expected exposure", self.expected],
            ["P50", self.p50],
            ["P80", self.p80],
            ["P95", self.p95],
            [f"Contingency at {self.confidence:.0%} confidence", self.contingency],
        ]


def check_estimates(
    probability: Sequence[float] | np.ndarray,
    minimum: Sequence[float] | np.ndarray,
    most_likely: Sequence[float] | np.ndarray,
    maximum: Sequence[float] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four estimates as float arrays, or every inconsistency at once (item numbers 1..n)."""
    arrays = [np.asarray(a, dtype=float) for a in (probability, minimum, most_likely, maximum)]
    p, low, mode, high = arrays
    if len({a.shape for a in arrays}) != 1:
        raise InputError("the four ranges differ in length", valid="ranges of the same size")
    problems = []
    for i in np.flatnonzero(~((p >= 0) & (p <= 1))):
        problems.append(f"item {i + 1}: probability {p[i]:g} is not between 0 and 1")
    plausible = np.ones(p.shape, dtype=bool)
    for name, amounts in (("minimum", low), ("most likely", mode), ("maximum", high)):
        # a figure beyond the plausible range is named by that range, never printed whole
        wrong = ~(np.abs(amounts) <= MONEY_LIMIT)
        plausible &= ~wrong
        for i in np.flatnonzero(wrong):
            shown = _pounds(amounts[i])
            problems.append(f"item {i + 1}: {name} {shown} is outside {POUNDS.range_text}")
    for i in np.flatnonzero(plausible & (low > high)):
        problems.append(
            f"item {i + 1}: minimum {POUNDS.show(low[i])} is above maximum {POUNDS.show(high[i])}"
        )
    for i in np.flatnonzero(plausible & (low <= high) & ~((low <= mode) & (mode <= high))):
        problems.append(
            f"item {i + 1}: most likely {POUNDS.show(mode[i])} is outside "
            f"{POUNDS.show(low[i])} to {POUNDS.show(high[i])}"
        )
    if problems:
        shown = "; ".join(problems[:3]) + (
            f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        )
        raise InputError(shown, valid="0 ≤ probability ≤ 1 and min ≤ likely ≤ max")
    return p, low, mode, high


def _pounds(amount: float) -> str:
    """An amount for a message, short whatever its size ('£1e+308', 'not a number')."""
    if not math.isfinite(amount):
        return "not a finite number"
    return POUNDS.show(amount)


def check_size(risks: int, iterations: Any) -> int:
    """The number of iterations, checked with the work it asks for before any is done."""
    if isinstance(iterations, bool) or not isinstance(iterations, int | float | np.integer):
        raise InputError(f"{iterations!r} is not a number of iterations", valid=ITERATIONS_VALID)
    if not (1 <= iterations <= MAX_ITERATIONS) or int(iterations) != iterations:
        raise InputError(
            f"{iterations:,.6g} is not a number of iterations from 1 to {MAX_ITERATIONS:,} "
            "(more adds nothing but waiting)",
            valid=ITERATIONS_VALID,
        )
    iterations = int(iterations)
    if risks * iterations > MAX_DRAWS:
        raise InputError(
            f"{risks:,} risks × {iterations:,} iterations is {risks * iterations:,} draws, over "
            f"the {MAX_DRAWS:,} one simulation may make (about ten seconds' work)",
            valid=f"at most {max(MAX_DRAWS // max(risks, 1), 1):,} iterations for {risks:,} risks",
        )
    return iterations


ITERATIONS_VALID = f"a whole number from 1 to {MAX_ITERATIONS:,}"


def draws(
    probability: np.ndarray,
    minimum: np.ndarray,
    most_likely: np.ndarray,
    maximum: np.ndarray,
    *,
    iterations: int,
    seed: int = 1,
    distribution: Distribution = "pert",
    chunk_cells: int = CHUNK_CELLS,
    correlation: np.ndarray | None = None,
) -> Iterator[Draws]:
    """The simulation's draws, a block of iterations at a time (the same seed and chunk size
    give the same draws).

    In each iteration each risk occurs with its probability; if it does, its £ impact is drawn
    from Beta-PERT (λ = 4) or triangular on minimum, most likely, maximum. With a
    ``correlation`` matrix the same draws are then reordered across iterations by
    Iman-Conover (:func:`correlation.arrange`), in blocks of about ARRANGE_CELLS cells.
    """
    independent = _independent(
        probability,
        minimum,
        most_likely,
        maximum,
        iterations=iterations,
        seed=seed,
        distribution=distribution,
        chunk_cells=chunk_cells,
    )
    n = probability.size
    if correlation is None or n < 2:
        yield from independent
        return
    # A block has more iterations than risks, so the scores' own correlation can be corrected.
    per_block = max(ARRANGE_CELLS // n, 2 * n + 1)
    yield from arrange(_blocks(independent, per_block), n, correlation, seed)


def _independent(
    probability: np.ndarray,
    minimum: np.ndarray,
    most_likely: np.ndarray,
    maximum: np.ndarray,
    *,
    iterations: int,
    seed: int,
    distribution: Distribution,
    chunk_cells: int,
) -> Iterator[Draws]:
    rng = np.random.default_rng(seed)
    n = probability.size
    width = maximum - minimum
    certain = width <= 0
    safe = np.where(certain, 1.0, width)
    shape = np.where(certain, 0.5, (most_likely - minimum) / safe)  # mode's place in [0, 1]
    alpha = 1 + PERT_LAMBDA * shape
    beta = 1 + PERT_LAMBDA * (1 - shape)
    per_chunk = max(1, chunk_cells // max(n, 1))
    done = 0
    while done < iterations:
        check_time()  # the add-in server's time limit stops a long simulation here
        k = min(per_chunk, iterations - done)
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            yield Draws(empty, empty, np.zeros(0), k)
        else:
            occurs = rng.random((k, n)) < probability
            it, risk = np.nonzero(occurs)
            del occurs
            if distribution == "pert":
                fraction = rng.beta(alpha[risk], beta[risk])
            else:
                fraction = _triangular(rng, shape[risk])
            impact = minimum[risk] + width[risk] * fraction
            yield Draws(it, risk, impact, k)
        done += k


def _blocks(chunks: Iterator[Draws], per_block: int) -> Iterator[Draws]:
    """Consecutive chunks of draws joined into blocks of at least ``per_block`` iterations
    (the last may be smaller)."""
    gathered: list[Draws] = []
    size = 0

    def joined() -> Draws:
        offsets = np.cumsum([0, *(c.size for c in gathered[:-1])])
        iteration = np.concatenate(
            [(c.iteration + o).astype(np.int32) for c, o in zip(gathered, offsets, strict=True)]
        )
        risk = np.concatenate([c.risk.astype(np.int32) for c in gathered])
        cost = np.concatenate([c.cost for c in gathered])
        gathered.clear()  # each chunk's own arrays go as soon as they are joined
        return Draws(iteration, risk, cost, size)

    for chunk in chunks:
        gathered.append(chunk)
        size += chunk.size
        if size >= per_block:
            block = joined()
            size = 0
            yield block
    if gathered:
        yield joined()


def simulate_totals(
    probability: np.ndarray,
    minimum: np.ndarray,
    most_likely: np.ndarray,
    maximum: np.ndarray,
    *,
    iterations: int,
    seed: int = 1,
    distribution: Distribution = "pert",
    chunk_cells: int = CHUNK_CELLS,
    correlation: np.ndarray | None = None,
) -> Iterator[np.ndarray]:
    """Simulated total exposure, a block of iterations at a time (see :func:`draws`)."""
    for block in draws(
        probability,
        minimum,
        most_likely,
        maximum,
        iterations=iterations,
        seed=seed,
        distribution=distribution,
        chunk_cells=chunk_cells,
        correlation=correlation,
    ):
        yield block.totals()


def _triangular(rng: np.random.Generator, mode: np.ndarray) -> np.ndarray:
    """Triangular on [0, 1] with the given modes, by inverting its distribution function."""
    u = rng.random(mode.size)
    left = u < mode
    return np.where(left, np.sqrt(u * mode), 1 - np.sqrt((1 - u) * (1 - mode)))


def simulate_exposure(
    probability: Sequence[float] | np.ndarray,
    minimum: Sequence[float] | np.ndarray,
    most_likely: Sequence[float] | np.ndarray,
    maximum: Sequence[float] | np.ndarray,
    *,
    confidence: float = 0.8,
    iterations: int = 10_000,
    seed: int = 1,
    distribution: Distribution = "pert",
    chunk_cells: int = CHUNK_CELLS,
    exact_iterations: int = EXACT_ITERATIONS,
    correlation: float | np.ndarray = 0.0,
) -> Exposure:
    """Expected exposure, P50, P80, P95 and the contingency at ``confidence`` by Monte Carlo.

    ``correlation``: one coefficient for every pair of risks, or a matrix (Iman-Conover rank
    correlation, on both occurrence and impact). Percentiles interpolate linearly between
    order statistics (numpy's default). Memory is bounded by ``chunk_cells`` while drawing and,
    past ``exact_iterations``, by a histogram.
    """
    p, low, mode, high, iterations, target = _checked(
        probability,
        minimum,
        most_likely,
        maximum,
        confidence,
        iterations,
        distribution,
        correlation,
    )
    chunks = simulate_totals(
        p,
        low,
        mode,
        high,
        iterations=iterations,
        seed=seed,
        distribution=distribution,
        chunk_cells=chunk_cells,
        correlation=target,
    )
    qs = np.array([0.5, 0.8, 0.95, confidence])
    if iterations <= exact_iterations:
        totals = np.concatenate(list(chunks))
        mean, quantiles = float(totals.mean()), np.quantile(totals, qs)
    else:
        lower = float(np.minimum(low, 0).sum())
        upper = float(np.maximum(high, 0).sum())
        mean, quantiles = _streamed_quantiles(chunks, qs, lower, upper, iterations)
    _check_figures([mean, *map(float, quantiles)])
    return Exposure(
        expected=mean,
        p50=float(quantiles[0]),
        p80=float(quantiles[1]),
        p95=float(quantiles[2]),
        contingency=float(quantiles[3]),
        confidence=confidence,
        iterations=iterations,
        risks=int(p.size),
    )


def _checked(
    probability: Sequence[float] | np.ndarray,
    minimum: Sequence[float] | np.ndarray,
    most_likely: Sequence[float] | np.ndarray,
    maximum: Sequence[float] | np.ndarray,
    confidence: float,
    iterations: Any,
    distribution: str,
    correlation: float | np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, np.ndarray | None]:
    """Every argument checked before any work: the estimates, the size of the work, and the
    correlation (None for independent risks)."""
    if not 0 < confidence < 1:
        raise InputError(f"confidence {confidence:g} is not between 0 and 1", valid="e.g. 0.8")
    if distribution not in ("pert", "triangular"):
        raise InputError(f"{distribution!r} is not a distribution", valid="pert, triangular")
    p, low, mode, high = check_estimates(probability, minimum, most_likely, maximum)
    iterations = check_size(int(p.size), iterations)
    return p, low, mode, high, iterations, correlation_matrix(correlation, int(p.size))


def correlation_matrix(correlation: float | np.ndarray, risks: int) -> np.ndarray | None:
    """The correlation between ``risks`` risks as a checked matrix, or None if they are
    independent (every coefficient 0)."""
    if np.ndim(correlation) == 0:
        coefficient = check_coefficient(float(correlation), risks)
        if coefficient == 0 or risks < 2:
            return None
        if risks > MAX_CORRELATED_RISKS:
            raise InputError(
                f"{risks:,} correlated risks are over the {MAX_CORRELATED_RISKS:,} one "
                "simulation may correlate",
                valid=f"at most {MAX_CORRELATED_RISKS:,} risks, or correlation 0",
            )
        return equicorrelation(coefficient, risks)
    matrix = check_matrix(np.asarray(correlation, dtype=float), risks)
    return None if is_independent(matrix) else matrix


def _check_figures(figures: Sequence[float]) -> None:
    """Every £ figure of a simulation within the plausible range of public money."""
    if not all(abs(f) <= MONEY_LIMIT for f in figures):
        worst = max(figures, key=abs)
        raise InputError(
            f"the simulated total reaches {_pounds(worst)}, outside {POUNDS.range_text}",
            valid="estimates whose total is within the plausible range",
        )


def _streamed_quantiles(
    chunks: Iterable[np.ndarray], qs: np.ndarray, lower: float, upper: float, n: int
) -> tuple[float, np.ndarray]:
    """Mean and quantiles from a fine histogram of the totals: within one bin width
    ((upper - lower) / HISTOGRAM_BINS) of the exact figures."""
    span = upper - lower
    if span <= 0:
        for _ in chunks:
            pass
        return lower, np.full(qs.shape, lower)
    counts = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
    total = 0.0
    for chunk in chunks:
        total += float(chunk.sum())
        bins = np.clip(
            ((chunk - lower) / span * HISTOGRAM_BINS).astype(np.int64), 0, HISTOGRAM_BINS - 1
        )
        counts += np.bincount(bins, minlength=HISTOGRAM_BINS)
    cumulative = np.cumsum(counts)
    width = span / HISTOGRAM_BINS

    def order_statistic(k: int) -> float:
        """The k-th smallest total (0-based), placed evenly within its bin: off by < a bin."""
        b = int(np.searchsorted(cumulative, k, side="right"))
        before = int(cumulative[b - 1]) if b else 0
        return lower + (b + (k - before + 0.5) / counts[b]) * width

    out = []
    for q in qs:
        rank = q * (n - 1)  # numpy's linear method: between the order statistics either side
        k = math.floor(rank)
        low = order_statistic(k)
        high = order_statistic(min(k + 1, n - 1))
        out.append(low + (rank - k) * (high - low))
    return total / n, np.array(out)


#: Iterations of the register's own exposure on its Summary (seed 1): a local choice, enough
#: for P80 to be within about 1% of its long-run value on a register of tens of risks.
EXPOSURE_ITERATIONS = 10_000


@dataclass(frozen=True)
class Driver:
    """One risk's part in the contingency: how much the contingency falls when the risk is
    taken out of the same iterations (its own draws removed, every other draw kept, so the
    change is the risk's and not the sampling's); its expected cost; and its share of the
    spread of the total, its contribution to the variance, cov(risk, total) / var(total)
    (the shares add up to 1; a risk that moves with others carries part of theirs)."""

    index: int
    expected: float
    share: float
    removed: float


@dataclass(frozen=True)
class Phase:
    """The expected exposure and P80 of the risks that would bite in one financial year
    (``year`` its first calendar year; None for risks with no proximity)."""

    year: int | None
    risks: int
    expected: float
    p80: float


@dataclass(frozen=True)
class ExposureAnalysis:
    """A simulation's figures with what drives them (largest share first) and their phasing
    by financial year."""

    exposure: Exposure
    drivers: tuple[Driver, ...]
    phases: tuple[Phase, ...]
    correlated: bool


def analyse_exposure(
    probability: Sequence[float] | np.ndarray,
    minimum: Sequence[float] | np.ndarray,
    most_likely: Sequence[float] | np.ndarray,
    maximum: Sequence[float] | np.ndarray,
    *,
    years: Sequence[int | None] | None = None,
    confidence: float = 0.8,
    iterations: int = EXPOSURE_ITERATIONS,
    seed: int = 1,
    correlation: float | np.ndarray = 0.0,
) -> ExposureAnalysis:
    """The exposure (the same figures as :func:`simulate_exposure` for the same arguments),
    each risk's contribution to its spread, and expected exposure and P80 by financial year
    of each risk's proximity (``years``). Up to EXACT_ITERATIONS iterations."""
    p, low, mode, high, iterations, target = _checked(
        probability, minimum, most_likely, maximum, confidence, iterations, "pert", correlation
    )
    if iterations > EXACT_ITERATIONS:
        raise InputError(
            f"{iterations:,} iterations is more than an analysis keeps",
            valid=f"at most {EXACT_ITERATIONS:,} iterations",
        )
    n = int(p.size)
    year_list = list(years) if years is not None else [None] * n
    if len(year_list) != n:
        raise InputError("one year is needed for each risk", valid=f"{n} years")
    labels = sorted({y for y in year_list if y is not None}) + ([None] if None in year_list else [])
    group = np.array([labels.index(y) for y in year_list], dtype=np.int64)
    g = len(labels)
    totals: list[np.ndarray] = []
    by_group: list[np.ndarray] = []
    kept: list[Draws] = []
    own = np.zeros(n)
    cross = np.zeros(n)
    done = 0
    for block in draws(p, low, mode, high, iterations=iterations, seed=seed, correlation=target):
        t = block.totals()
        totals.append(t)
        own += np.bincount(block.risk, weights=block.cost, minlength=n)
        cross += np.bincount(block.risk, weights=block.cost * t[block.iteration], minlength=n)
        kept.append(dataclasses.replace(block, iteration=block.iteration + done))
        done += block.size
        if g:
            cells = block.iteration * g + group[block.risk]
            by_group.append(
                np.bincount(cells, weights=block.cost, minlength=block.size * g).reshape(-1, g)
            )
    total = np.concatenate(totals)
    qs = np.array([0.5, 0.8, 0.95, confidence])
    mean, quantiles = float(total.mean()), np.quantile(total, qs)
    _check_figures([mean, *map(float, quantiles)])
    exposure = Exposure(
        expected=mean,
        p50=float(quantiles[0]),
        p80=float(quantiles[1]),
        p95=float(quantiles[2]),
        contingency=float(quantiles[3]),
        confidence=confidence,
        iterations=iterations,
        risks=n,
    )
    spread = float(total.var())
    expected = own / iterations
    shares = (cross / iterations - expected * mean) / spread if spread > 0 else np.zeros(n)
    removed = _without_each(total, kept, n, confidence) if n else np.zeros(0)
    drivers = tuple(
        sorted(
            (
                Driver(
                    i,
                    float(expected[i]),
                    float(shares[i]),
                    float(exposure.contingency - removed[i]),
                )
                for i in range(n)
            ),
            key=lambda d: (-d.removed, -d.share, d.index),
        )
    )
    phases = []
    if g:
        grouped = np.concatenate(by_group)
        for j, year in enumerate(labels):
            phases.append(
                Phase(
                    year,
                    int((group == j).sum()),
                    float(grouped[:, j].mean()),
                    float(np.quantile(grouped[:, j], 0.8)),
                )
            )
    return ExposureAnalysis(exposure, drivers, tuple(phases), target is not None)


def _without_each(
    total: np.ndarray, blocks: Sequence[Draws], risks: int, confidence: float
) -> np.ndarray:
    """The contingency (the percentile at ``confidence``) of the total with each risk's own
    draws taken out, every other draw kept."""
    iteration = np.concatenate([b.iteration for b in blocks])
    risk = np.concatenate([b.risk for b in blocks])
    cost = np.concatenate([b.cost for b in blocks])
    order = np.argsort(risk, kind="stable")
    ends = np.cumsum(np.bincount(risk, minlength=risks))
    out = np.empty(risks)
    start = 0
    for i in range(risks):
        if i % 64 == 0:
            check_time()
        rows = order[start : ends[i]]
        without = total.copy()
        without[iteration[rows]] -= cost[rows]
        out[i] = np.quantile(without, confidence)
        start = int(ends[i])
    return out


def register_exposure(scored: pd.DataFrame, *, confidence: float = 0.8) -> Exposure:
    """Monte Carlo exposure of a scored register's open, quantified risks (seed 1)."""
    live = open_risks(scored).loc[lambda f: f["quantified"]]
    return simulate_exposure(
        *(live[q].astype(float).to_numpy() for q in QUANTITIES),
        confidence=confidence,
        iterations=EXPOSURE_ITERATIONS,
    )


def round_pounds(value: float) -> int:
    """Whole pounds, halves away from zero (as Excel's ROUND)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))
