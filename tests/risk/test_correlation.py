"""Correlated exposure (issue 15): Iman-Conover rank correlation on occurrence and impact,
checked against hand calculations, a closed form, numerical convolution and an independent
Gaussian-copula simulation; the matrix's checks and Higham's nearest correlation matrix; what
drives the contingency."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cpcxl.common.errors import InputError
from cpcxl.risk.engine import analyse_exposure, simulate_exposure
from cpcxl.risk.engine.correlation import (
    CorrelationError,
    check_matrix,
    nearest_correlation,
)
from cpcxl.risk.engine.exposure import draws


def _costs(probability: list[float], low: list[float], mode: list[float], high: list[float],
           correlation: np.ndarray, iterations: int) -> np.ndarray:  # fmt: skip
    """Each risk's cost in each iteration (risks × iterations), from the engine's draws."""
    block = next(
        draws(np.array(probability, float), np.array(low, float), np.array(mode, float),
              np.array(high, float), iterations=iterations, correlation=correlation)
    )  # fmt: skip
    costs = np.zeros((len(probability), block.size))
    costs[block.risk, block.iteration] = block.cost
    return costs


# --- the contract: the expected value does not change; P95 grows ----------------------

FIVE = ([0.3, 0.5, 0.7, 0.2, 0.9], [10e3, 20e3, 5e3, 50e3, 1e3], [30e3, 40e3, 8e3, 90e3, 2e3],
        [90e3, 70e3, 20e3, 300e3, 6e3])  # fmt: skip


def test_the_expected_value_does_not_change_with_correlation_and_p95_grows() -> None:
    # Iman-Conover only reorders each risk's own draws across iterations, so each risk's mean
    # is the very same number at any correlation, and so is the expected total (the mean of a
    # sum is the sum of the means, whatever the dependence). Correlated risks fall together,
    # so the upper tail of the total is longer: P95 grows with the coefficient.
    runs = {rho: simulate_exposure(*FIVE, iterations=50_000, correlation=rho)
            for rho in (0, 0.3, 0.6, 0.9)}  # fmt: skip
    expected = runs[0].expected
    # The closed form: Σ p × (a + 4m + b) / 6 (Beta-PERT's mean).
    exact = sum(p * (a + 4 * m + b) / 6 for p, a, m, b in zip(*FIVE, strict=True))
    assert expected == pytest.approx(exact, rel=0.01)
    for run in runs.values():
        assert run.expected == pytest.approx(expected, rel=1e-12)
    p95 = [runs[rho].p95 for rho in (0, 0.3, 0.6, 0.9)]
    assert p95 == sorted(p95) and p95[-1] > p95[0] * 1.15


def test_hand_checked_occurrence_two_risks_of_ten_percent() -> None:
    # Two risks, each a 10% chance of a fixed £100. Independent: both occur with 1%, one or
    # both with 19%, so P95 is £100 (0.81 + 0.18 = 0.99 ≥ 0.95 and 0.81 < 0.95). Perfectly
    # correlated (1): they occur together, both with 10% > 5%, so P95 is £200. The expected
    # total is £20 either way (2 × 10% × £100).
    args = ([0.1, 0.1], [100, 100], [100, 100], [100, 100])
    independent = simulate_exposure(*args, iterations=100_000, correlation=0)
    together = simulate_exposure(*args, iterations=100_000, correlation=1)
    assert (independent.p95, together.p95) == (100, 200)
    assert together.expected == pytest.approx(independent.expected, rel=1e-12)
    assert independent.expected == pytest.approx(20, abs=0.5)  # sd of the mean ≈ 0.13
    both = (_costs(*args, np.array([[1, 1], [1, 1.0]]), 100_000) > 0).all(axis=0).mean()
    assert both == pytest.approx(0.1, abs=0.003)  # the rarer risk's draws all fall together


def beta33_quantile(q: float) -> float:
    """Beta(3, 3)'s quantile by bisection on its distribution function x³(10 - 15x + 6x²)."""
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if mid**3 * (10 - 15 * mid + 6 * mid**2) < q else (low, mid)
    return (low + high) / 2


def test_hand_checked_impacts_two_certain_risks() -> None:
    # Two certain risks, each Beta-PERT on £0, £50, £100: α = 1 + 4 × 0.5 = 3 = β, so each is
    # £100 × Beta(3, 3). Perfectly correlated, the total is twice one risk: P95 = 2 × £100 ×
    # x95, with x95 where x³(10 - 15x + 6x²) = 0.95 (≈ 0.8107, so ≈ £162.15). Independent,
    # the P95 of the sum comes from a second method: the convolution of the two densities.
    args = ([1, 1], [0, 0], [50, 50], [100, 100])
    together = simulate_exposure(*args, iterations=100_000, correlation=1)
    by_hand = 200 * beta33_quantile(0.95)
    assert by_hand == pytest.approx(162.149, abs=0.001)
    # the sampling error of a P95 from 100,000 draws here is about £0.2
    assert together.p95 == pytest.approx(by_hand, abs=1.0)

    # The density of the sum is the convolution of the two, here on a grid of £0.005.
    step = 0.005
    x = np.arange(0, 100 + step / 2, step)
    f = stats.beta(3, 3, scale=100).pdf(x)
    density = np.convolve(f, f) * step
    cdf = np.cumsum(density) * step
    convolved = float(np.interp(0.95, cdf / cdf[-1], np.arange(cdf.size) * step))
    independent = simulate_exposure(*args, iterations=100_000, correlation=0)
    assert independent.p95 == pytest.approx(convolved, abs=0.6)  # sampling error ≈ £0.15
    assert together.expected == pytest.approx(independent.expected, rel=1e-12)


def gaussian_copula_p95(args: tuple[list[float], ...], rho: float, n: int) -> float:
    """A second, independent method: certain risks joined by a Gaussian copula whose Pearson
    correlation 2 sin(πρ/6) gives normal variables the rank correlation ρ, each marginal its
    Beta-PERT quantile (scipy), the P95 of the sum."""
    _, low, mode, high = (np.array(a, float) for a in args)
    k = low.size
    pearson = np.full((k, k), 2 * np.sin(np.pi * rho / 6))
    np.fill_diagonal(pearson, 1)
    z = np.random.default_rng(99).multivariate_normal(np.zeros(k), pearson, size=n)
    u = stats.norm.cdf(z)
    alpha = 1 + 4 * (mode - low) / (high - low)
    beta = 1 + 4 * (high - mode) / (high - low)
    costs = low + (high - low) * stats.beta.ppf(u, alpha, beta)
    return float(np.quantile(costs.sum(axis=1), 0.95))


def test_an_intermediate_correlation_agrees_with_a_gaussian_copula() -> None:
    args = ([1, 1, 1, 1], [0, 10e3, 5e3, 20e3], [20e3, 15e3, 30e3, 25e3],
            [100e3, 40e3, 60e3, 90e3])  # fmt: skip
    ours = simulate_exposure(*args, iterations=100_000, correlation=0.5).p95
    theirs = gaussian_copula_p95(args, 0.5, 400_000)
    # two samples' P95s each within about 0.3% of the true one
    assert ours == pytest.approx(theirs, rel=0.01)
    assert ours > simulate_exposure(*args, iterations=100_000).p95 * 1.05


def test_the_draws_get_the_rank_correlations_asked_for() -> None:
    target = np.array([[1, 0.5, 0.2], [0.5, 1, -0.3], [0.2, -0.3, 1]])
    costs = _costs([1, 1, 1], [0, 0, 0], [50, 50, 50], [100, 100, 100], target, 20_000)
    spearman = stats.spearmanr(costs.T).statistic
    # Spearman's coefficient of 20,000 iterations has a sampling error of about 0.007
    assert spearman == pytest.approx(target, abs=0.02)


def test_a_risks_occurrence_and_impact_stay_independent_of_each_other() -> None:
    # Correlation is between risks: within one risk, whether it happens says nothing of how
    # much it costs, so its cost when it occurs averages the PERT mean (a + 4m + b)/6 = 50.
    costs = _costs([0.3, 0.3], [0, 0], [50, 50], [100, 100], np.array([[1, 0.9], [0.9, 1]]),
                   50_000)  # fmt: skip
    first = costs[0][costs[0] > 0]
    assert first.mean() == pytest.approx(50, abs=0.6)  # sd of the mean ≈ 0.17


# --- bad matrices: each a located problem, the nearest valid one offered ----------------------


@pytest.mark.parametrize(
    ("matrix", "said"),
    [
        ([[1, 0.2, 0.1], [0.2, 1, 0.3]], "the correlation matrix is 2×3, not square"),
        ([[1, 0.5], [0.3, 1]], "the correlation matrix is not symmetric: row 1, column 2 is 0.5 "
                               "but row 2, column 1 is 0.3"),
        ([[1, 1.5], [1.5, 1]], "row 1, column 2: 1.5 is outside -1 to 1"),
        ([[1, 0.2], [0.2, 0.9]], "row 2, column 2: 0.9 on the diagonal; a risk's correlation "
                                 "with itself is 1"),
    ],
)  # fmt: skip
def test_a_matrix_no_risks_could_have_is_named_where_it_is_wrong(
    matrix: list[list[float]], said: str
) -> None:
    with pytest.raises(CorrelationError) as caught:
        check_matrix(np.array(matrix))
    assert str(caught.value).startswith(said)
    assert caught.value.nearest is None


def test_a_matrix_that_is_not_positive_semi_definite_is_offered_the_nearest() -> None:
    # Higham (2002), section 4: A = [[1,1,0],[1,1,1],[0,1,1]] is symmetric with a unit
    # diagonal, but risk 1 cannot move exactly with risk 2, risk 2 with risk 3, and yet risks 1
    # and 3 be unrelated (eigenvalues 1 - √2, 1, 1 + √2). Its nearest correlation matrix, as
    # published: off-diagonals 0.7607, 0.1573, 0.7607.
    a = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1.0]])
    with pytest.raises(CorrelationError) as caught:
        check_matrix(a)
    assert str(caught.value).startswith(
        "the correlation matrix is not positive semi-definite (its smallest eigenvalue is "
        "-0.414): no set of risks can be correlated so"
    )  # 1 - √2 = -0.4142
    nearest = caught.value.nearest
    assert nearest is not None
    assert nearest == pytest.approx(
        np.array([[1, 0.7607, 0.1573], [0.7607, 1, 0.7607], [0.1573, 0.7607, 1]]), abs=1e-4
    )
    assert np.linalg.eigvalsh(nearest)[0] >= -1e-10
    assert check_matrix(nearest_correlation(a)) is not None  # valid as it stands


def test_one_coefficient_for_every_pair_has_its_own_floor() -> None:
    # n risks cannot all be correlated below -1/(n - 1): -0.3 for five is below -0.25.
    with pytest.raises(InputError) as caught:
        simulate_exposure(*FIVE, correlation=-0.3)
    assert str(caught.value).startswith(
        "-0.3 for every pair of 5 risks is not possible: below -0.25 (-1/(n - 1))"
    )
    with pytest.raises(InputError, match=r"1\.2 is outside -1 to 1"):
        simulate_exposure(*FIVE, correlation=1.2)


def test_the_number_of_correlated_risks_is_bounded_before_any_work() -> None:
    # MAX_CORRELATED_RISKS = 2,000 (issue 12 case 3's rule for the correlation's size).
    n = 2_001
    with pytest.raises(InputError, match="2,001 correlated risks are over the 2,000"):
        simulate_exposure([0.5] * n, [1] * n, [2] * n, [3] * n, iterations=10, correlation=0.1)


# --- what drives the contingency --------------------------------------------------------------


def test_a_fixed_certain_cost_moves_the_contingency_by_itself_and_none_of_the_spread() -> None:
    # A certain £1,000 adds £1,000 to every iteration: without it the P80 falls by exactly
    # £1,000, and it adds nothing to the variance (share 0). The uncertain risk carries all
    # of the spread (share 1).
    analysis = analyse_exposure([1, 0.5], [1_000, 0], [1_000, 5_000], [1_000, 20_000])
    by_index = {d.index: d for d in analysis.drivers}
    assert by_index[0].removed == pytest.approx(1_000, abs=1e-9)
    assert by_index[0].share == pytest.approx(0, abs=1e-12)
    assert by_index[1].share == pytest.approx(1, abs=1e-12)
    assert by_index[0].expected == 1_000


def test_identical_independent_risks_share_the_spread_equally_largest_first() -> None:
    analysis = analyse_exposure([0.5] * 2 + [0.5], [0] * 3, [10e3, 10e3, 1e3],
                                [20e3, 20e3, 2e3], iterations=50_000)  # fmt: skip
    shares = {d.index: d.share for d in analysis.drivers}
    # Var(Σ) = Σ Var for independent risks: two equal risks hold equal shares of it; a risk a
    # tenth the size holds about a hundredth as much as either.
    assert shares[0] == pytest.approx(shares[1], rel=0.05)
    assert shares[2] == pytest.approx(shares[0] / 100, rel=0.2)
    assert sum(shares.values()) == pytest.approx(1)
    assert analysis.drivers[-1].index == 2  # the smallest last
    removed = [d.removed for d in analysis.drivers]
    assert removed == sorted(removed, reverse=True)
