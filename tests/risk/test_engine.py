"""Scoring, register checks, summaries and Monte Carlo exposure against hand calculations on
the NPSA matrix, closed forms (PERT and triangular moments) and scipy's percentiles, with
tolerances from the sampling error of the number of iterations drawn."""

from __future__ import annotations

import datetime as dt
import math
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cpcxl.common.errors import InputError
from cpcxl.risk import engine
from cpcxl.risk.engine import (
    HISTOGRAM_BINS,
    band_counts,
    category_counts,
    heat_map,
    movement,
    register_heat_map,
    score_register,
    simulate_exposure,
    top_risks,
)
from cpcxl.risk.models import Flag
from cpcxl.risk.schemes import NHS_5X5

from .registers import register, row

# --- scores and bands -------------------------------------------------------------------------


def test_every_cell_of_the_npsa_matrix_scores_and_bands_as_published() -> None:
    # NPSA (2008) table 3: the product of the scores, banded 1-3 Low, 4-6 Moderate,
    # 8-12 High, 15-25 Extreme. Written out row by row (likelihood 1..5, impact 1..5).
    published = {
        1: ["Low", "Low", "Low", "Moderate", "Moderate"],
        2: ["Low", "Moderate", "Moderate", "High", "High"],
        3: ["Low", "Moderate", "High", "High", "Extreme"],
        4: ["Moderate", "High", "High", "Extreme", "Extreme"],
        5: ["Moderate", "High", "Extreme", "Extreme", "Extreme"],
    }
    likelihood = np.array([lv for lv in range(1, 6) for _ in range(5)])
    impact = np.array([im for _ in range(5) for im in range(1, 6)])
    scores = engine.scores(likelihood, impact)
    assert scores.tolist() == [lv * im for lv in range(1, 6) for im in range(1, 6)]
    bands = engine.band_names(NHS_5X5)[scores].tolist()
    assert bands == [b for lv in range(1, 6) for b in published[lv]]


def test_heat_map_puts_likelihood_five_on_top_and_impact_one_on_the_left() -> None:
    grid = heat_map(np.array([5, 5, 1, 3]), np.array([5, 5, 1, 2]), NHS_5X5)
    expected = np.zeros((5, 5), dtype=int)
    expected[0, 4] = 2  # likelihood 5, impact 5
    expected[4, 0] = 1  # likelihood 1, impact 1
    expected[2, 1] = 1  # likelihood 3, impact 2
    assert grid.tolist() == expected.tolist()


# --- flags, movement and summaries --------------------------------------------------------------

AS_OF = dt.date(2026, 6, 1)


def test_flags_as_worked_by_hand() -> None:
    reg = register(
        # Financial loss is Cautious (up to 9): residual 3×4 = 12 is above it and above the
        # target 2×3 = 6; the review was due 01/05/2026, before 01/06/2026.
        row("R1", **{"Residual impact": 4, "Next review": "01/05/2026"}),
        # Inherent 2×2 = 4, residual 3×3 = 9: the controls made it worse, which is a data error.
        row(
            "R2",
            **{
                "Inherent likelihood": 2,
                "Inherent impact": 2,
                "Target likelihood": None,
                "Target impact": None,
            },
        ),
        # Inherent 4×4 = 16 (Extreme, at least the High band's 8) with no controls.
        row("R3", **{"Controls": None, "Residual likelihood": 1, "Residual impact": 1}),
        # Closed risks are never flagged.
        row("R4", **{"Residual impact": 5, "Status": "Closed"}),
    )
    scored = score_register(reg.risks, NHS_5X5, as_of=AS_OF)
    assert scored["flags"].tolist() == [
        "Above appetite (Cautious: up to 9); Above target (6); Review overdue (due 01/05/2026)",
        "Residual above inherent",
        "High inherent risk, no controls",
        "",
    ]
    assert scored[engine.flag_column(Flag.ABOVE_APPETITE)].tolist() == [True, False, False, False]


def test_movement_since_last_review() -> None:
    reg = register(
        row("R1", **{"Score at last review": 12}),  # now 3×3 = 9
        row("R2", **{"Score at last review": 6}),
        row("R3", **{"Score at last review": 9}),
        row("R4", **{"Score at last review": None}),
    )
    scored = score_register(reg.risks, as_of=AS_OF)
    assert scored["movement"].tolist() == ["Reduced", "Increased", "No change", "No earlier score"]
    moved = movement(scored)
    assert moved["Risk ID"].tolist() == ["R1", "R2"]
    assert moved["Score at last review"].tolist() == [12, 6]


def test_summaries_count_open_risks_by_band_category_and_cell() -> None:
    reg = register(
        row("R1"),  # inherent 16 Extreme, residual 9 High
        row(
            "R2", **{"Category": "Reputation", "Residual likelihood": 1, "Residual impact": 2}
        ),  # residual 2 Low
        row("R3", **{"Residual likelihood": None, "Residual impact": None}),  # current = 16
        row("R4", **{"Status": "Closed"}),  # not counted
    )
    scored = score_register(reg.risks, as_of=AS_OF)
    bands = band_counts(scored, NHS_5X5)
    assert bands.to_dict("list") == {
        "Band": ["Low", "Moderate", "High", "Extreme"],
        "Inherent": [0, 0, 0, 3],
        "Residual": [1, 0, 1, 1],
    }
    by_category = category_counts(scored, NHS_5X5)
    assert by_category.to_dict("records") == [
        {"Category": "Financial loss", "Risks": 2, "Low": 0, "Moderate": 0, "High": 1,
         "Extreme": 1, "Above appetite": 1},
        {"Category": "Reputation", "Risks": 1, "Low": 1, "Moderate": 0, "High": 0,
         "Extreme": 0, "Above appetite": 0},
    ]  # fmt: skip
    residual = register_heat_map(scored, NHS_5X5, "residual")
    assert residual[5 - 3, 3 - 1] == 1 and residual[5 - 1, 2 - 1] == 1
    assert residual[5 - 4, 4 - 1] == 1 and residual.sum() == 3
    top = top_risks(scored, 2)
    assert top["Risk ID"].tolist() == ["R3", "R1"]
    assert top["Residual score"].tolist() == [16, 9]


# --- quantified exposure ------------------------------------------------------------------------

N = 200_000  # iterations: standard errors below are about 0.5% of a standard deviation
A, M, B = 10_000.0, 25_000.0, 70_000.0
# Beta-PERT with lambda 4: alpha = 1 + 4(m - a)/(b - a) = 1 + 4 × 15/60 = 2;
# beta = 1 + 4(b - m)/(b - a) = 1 + 4 × 45/60 = 4.
ALPHA, BETA = 2.0, 4.0


def certain(**options: object):  # one risk that always happens
    return simulate_exposure([1.0], [A], [M], [B], iterations=N, seed=11, **options)


def test_pert_mean_is_a_plus_4m_plus_b_over_6_within_four_standard_errors() -> None:
    mean = (A + 4 * M + B) / 6  # = 30,000
    # PERT variance (lambda 4) = (mean - a)(b - mean)/7 = 20,000 × 40,000 / 7.
    standard_error = math.sqrt((mean - A) * (B - mean) / 7 / N)  # about £24
    assert mean == 30_000
    assert abs(certain().expected - mean) < 4 * standard_error


@pytest.mark.parametrize("q", [0.5, 0.8, 0.95])
def test_pert_percentiles_agree_with_scipys_beta(q: float) -> None:
    exposure = certain(confidence=q)
    x = stats.beta.ppf(q, ALPHA, BETA)
    expected = A + (B - A) * x
    # A sample quantile's standard error is sqrt(q(1 - q)/n) / density at the quantile.
    density = stats.beta.pdf(x, ALPHA, BETA) / (B - A)
    standard_error = math.sqrt(q * (1 - q) / N) / density
    figure = {0.5: exposure.p50, 0.8: exposure.p80, 0.95: exposure.p95}[q]
    assert abs(figure - expected) < 4 * standard_error
    assert exposure.contingency == figure  # the contingency is the percentile asked for


def test_triangular_is_an_option_with_its_own_mean_and_percentiles() -> None:
    exposure = certain(distribution="triangular")
    mean = (A + M + B) / 3  # = 35,000
    # Triangular variance = (a² + m² + b² - am - ab - mb) / 18.
    variance = (A * A + M * M + B * B - A * M - A * B - M * B) / 18
    assert abs(exposure.expected - mean) < 4 * math.sqrt(variance / N)
    shape = stats.triang((M - A) / (B - A), loc=A, scale=B - A)
    p80 = shape.ppf(0.8)
    standard_error = math.sqrt(0.8 * 0.2 / N) / shape.pdf(p80)
    assert abs(exposure.p80 - p80) < 4 * standard_error


def test_expected_exposure_of_uncertain_risks_is_the_sum_of_probability_times_mean() -> None:
    p = np.array([0.1, 0.5, 0.9, 0.3])
    low = np.array([1_000.0, 20_000.0, 5_000.0, 100_000.0])
    mode = np.array([2_000.0, 30_000.0, 5_000.0, 150_000.0])
    high = np.array([9_000.0, 90_000.0, 5_000.0, 400_000.0])
    means = (low + 4 * mode + high) / 6
    variances = (means - low) * (high - means) / 7
    expected = float((p * means).sum())
    # Each risk contributes p·mean; its variance is p(σ² + μ²) - (pμ)², the risks independent.
    variance = float((p * (variances + means**2) - (p * means) ** 2).sum())
    exposure = simulate_exposure(p, low, mode, high, iterations=N, seed=3)
    assert abs(exposure.expected - expected) < 4 * math.sqrt(variance / N)
    assert exposure.p50 <= exposure.p80 <= exposure.p95


def test_the_same_seed_gives_the_same_figures_and_another_seed_others() -> None:
    args = ([0.4, 0.7], [1_000, 5_000], [2_000, 8_000], [6_000, 20_000])
    first = simulate_exposure(*args, iterations=5_000, seed=42)
    assert simulate_exposure(*args, iterations=5_000, seed=42) == first
    assert simulate_exposure(*args, iterations=5_000, seed=43) != first


def test_a_fixed_cost_risk_needs_no_spread() -> None:
    exposure = simulate_exposure([1, 1], [4_000, 6_000], [4_000, 6_000], [4_000, 6_000])
    assert (exposure.expected, exposure.p50, exposure.p95) == (10_000, 10_000, 10_000)


def test_every_inconsistent_estimate_is_named_at_once() -> None:
    with pytest.raises(InputError) as caught:
        simulate_exposure([0.5, 1.2, 0.5], [50_000, 0, 0], [30_000, 5, 9], [20_000, 10, 8])
    assert str(caught.value) == (
        "item 2: probability 1.2 is not between 0 and 1; item 1: minimum £50,000 is above "
        "maximum £20,000; item 3: most likely £9 is outside £0 to £8; valid: 0 ≤ probability "
        "≤ 1 and min ≤ likely ≤ max"
    )


def test_past_the_exact_limit_percentiles_come_from_a_fine_histogram() -> None:
    args = ([0.3, 0.6, 0.2], [1_000, 5_000, 0], [2_000, 8_000, 40_000], [6_000, 20_000, 90_000])
    exact = simulate_exposure(*args, iterations=50_000, seed=5, chunk_cells=30_000)
    streamed = simulate_exposure(
        *args, iterations=50_000, seed=5, chunk_cells=30_000, exact_iterations=1_000
    )
    bin_width = (6_000 + 20_000 + 90_000) / HISTOGRAM_BINS  # the histogram spans 0 to Σ max
    assert streamed.expected == pytest.approx(exact.expected, rel=1e-12)
    for figure in ("p50", "p80", "p95"):
        # Each order statistic is placed within its bin, so the interpolation is within one.
        assert abs(getattr(streamed, figure) - getattr(exact, figure)) <= bin_width


def _peak_bytes(iterations: int) -> int:
    tracemalloc.start()
    simulate_exposure(
        [0.5] * 5,
        [0] * 5,
        [10] * 5,
        [20] * 5,
        iterations=iterations,
        seed=1,
        chunk_cells=100_000,
        exact_iterations=10_000,
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_does_not_grow_with_the_iterations_asked_for() -> None:
    small, large = _peak_bytes(100_000), _peak_bytes(800_000)
    # Eight times the iterations: the chunk and the histogram are the same size either way.
    assert large < small * 1.2 + 1_000_000


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 1),
            st.integers(0, 100_000),
            st.integers(0, 100_000),
            st.integers(0, 100_000),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_figures_are_ordered_and_within_what_the_risks_could_cost(
    risks: list[tuple[float, int, int, int]],
) -> None:
    p = [r[0] for r in risks]
    low, mode, high = ([sorted(r[1:])[i] for r in risks] for i in range(3))
    exposure = simulate_exposure(p, low, mode, high, iterations=2_000, seed=9)
    # Every total lies between nothing happening and everything at its maximum (allowing
    # for the last bit of floating-point rounding in a + (b - a) × fraction).
    ceiling = sum(high) * (1 + 1e-12) + 1e-6
    assert 0 <= exposure.p50 <= exposure.p80 <= exposure.p95 <= ceiling
    assert 0 <= exposure.expected <= ceiling


# --- issue 12: bounded work, the clock, plausible money ----------------------------------------


def _many_risks(n: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(5)
    low = rng.uniform(1_000, 10_000, n)
    return rng.uniform(0.1, 0.5, n), low, low * 2, low * 3


def test_case_12_3_the_draws_a_simulation_asks_for_are_bounded_before_any_work() -> None:
    # Issue 12 case 3. 1,001 risks × 100,000 iterations is 100,100,000 draws, over the
    # 100,000,000 (MAX_DRAWS) one simulation may make: refused at once, nothing drawn.
    with pytest.raises(InputError) as caught:
        simulate_exposure(*_many_risks(1_001), iterations=100_000)
    assert str(caught.value) == (
        "1,001 risks × 100,000 iterations is 100,100,000 draws, over the 100,000,000 one "
        "simulation may make (about ten seconds' work); valid: at most 99,900 iterations for "
        "1,001 risks"
    )  # 100,000,000 // 1,001 = 99,900
    with pytest.raises(InputError, match=r"1e\+308 is not a number of iterations from 1 to"):
        simulate_exposure([0.5], [1], [2], [3], iterations=1e308)


def test_case_12_3_a_long_simulation_stops_at_the_time_limit() -> None:
    # Issue 12 case 3. 1,000 risks × 90,000 iterations is 90 million draws (about ten
    # seconds); under a 0.3-second limit the clock is checked each chunk of 2,000 iterations,
    # so it stops within a chunk or two of the limit instead of running on.
    from cpcxl.common.limits import TimeLimitExceeded, time_limit

    started = time.perf_counter()
    with pytest.raises(TimeLimitExceeded, match=r"stopped after 0\.3 seconds"), time_limit(0.3):
        simulate_exposure(*_many_risks(1_000), iterations=90_000)
    assert time.perf_counter() - started < 2.5


def test_case_12_14_money_beyond_the_plausible_range_is_named_by_the_range() -> None:
    # Issue 12 case 14: every £ through Money(): 1e308 is refused with the range, and never
    # printed as a 309-digit figure.
    with pytest.raises(InputError) as caught:
        simulate_exposure([0.5], [0], [1], [1e308])
    message = str(caught.value)
    assert message.startswith(
        "item 1: maximum £1e+308 is outside -£1,000,000,000,000 to £1,000,000,000,000 (no "
        "public body spends more in a year)"
    )
    assert "0" * 20 not in message
    # Two certain £800bn risks total £1.6 trillion: beyond any public body, refused.
    with pytest.raises(InputError, match="the simulated total reaches £1,600,000,000,000, outside"):
        simulate_exposure([1, 1], [8e11, 8e11], [8e11, 8e11], [8e11, 8e11])
