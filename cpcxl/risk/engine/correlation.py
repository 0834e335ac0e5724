"""Correlation between risks: the matrix, its checks, the nearest valid one, and Iman and
Conover's rank-correlation arrangement of independent draws (as Palisade @RISK applies it).

A correlation matrix is square, symmetric, 1 on its diagonal, every coefficient from -1 to
1, and positive semi-definite (some set of risks can have it). A matrix that is not is named
by its first problem and where it is; one that is only not positive semi-definite is offered
the nearest valid matrix by Higham's alternating projections (Higham, "Computing the nearest
correlation matrix: a problem from finance", IMA Journal of Numerical Analysis 22, 2002).

Iman and Conover ("A distribution-free approach to inducing rank correlation among input
variables", Communications in Statistics B 11, 1982): the draws of each risk are made
independently, exactly as without correlation, and then only reordered across iterations so
that their ranks follow those of a matrix of scores whose correlation is the target. Each
risk's own draws are unchanged, so its mean, and the expected total, are the same whatever
the correlation; only which draws fall in the same iteration changes, and with it the spread
of the total.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import linalg

from cpcxl.common.errors import InputError, Location
from cpcxl.common.limits import check_time

#: The most risks one correlated simulation may take: a 2,000 × 2,000 matrix is four million
#: coefficients, factorised in about a second (a local limit, above any real register).
MAX_CORRELATED_RISKS = 2_000
#: Eigenvalues down to this far below zero are rounding, not a matrix no risks could have.
PSD_TOLERANCE = 1e-8
#: Risk × iteration cells arranged at once: bounds working memory (a 20 MB matrix of scores).
ARRANGE_CELLS = 5_000_000
VALID = "a square range, symmetric, 1 on the diagonal, each value from -1 to 1"


@dataclass(frozen=True)
class Draws:
    """One block of a simulation's draws: which risk occurred in which iteration and at what
    cost (£), in a block of ``size`` iterations."""

    iteration: np.ndarray  # int64, 0 .. size - 1
    risk: np.ndarray  # int64, 0 .. risks - 1
    cost: np.ndarray  # float
    size: int

    def totals(self) -> np.ndarray:
        return np.bincount(self.iteration, weights=self.cost, minlength=self.size)


class CorrelationError(InputError):
    """A correlation matrix that no set of risks can have, with the nearest valid one when
    the only trouble is that it is not positive semi-definite."""

    def __init__(
        self,
        message: str,
        *,
        nearest: np.ndarray | None = None,
        location: Location | None = None,
    ) -> None:
        super().__init__(message, valid=None if nearest is not None else VALID, location=location)
        self.nearest = nearest


def _place(row: int, column: int) -> str:
    return f"row {row + 1}, column {column + 1}"


def equicorrelation(coefficient: float, risks: int) -> np.ndarray:
    """One coefficient for every pair of ``risks`` risks."""
    matrix = np.full((risks, risks), float(coefficient))
    np.fill_diagonal(matrix, 1.0)
    return matrix


def check_coefficient(coefficient: float, risks: int) -> float:
    """One coefficient for every pair: from -1 to 1, and no lower than -1/(n - 1), below which
    n risks cannot all be negatively correlated with each other."""
    if not -1 <= coefficient <= 1:
        raise InputError(
            f"{coefficient:g} is outside -1 to 1", valid="a correlation from -1 to 1, e.g. 0.3"
        )
    if risks > 1 and coefficient < -1 / (risks - 1) - PSD_TOLERANCE:
        floor = -1 / (risks - 1)
        raise InputError(
            f"{coefficient:g} for every pair of {risks} risks is not possible: below "
            f"{floor:.4g} (-1/(n - 1)) they cannot all move against each other",
            valid=f"a correlation from {floor:.4g} to 1",
        )
    return float(coefficient)


def check_matrix(matrix: np.ndarray, risks: int | None = None) -> np.ndarray:
    """The matrix as floats if it is a correlation matrix; otherwise its first problem, where
    it is (row and column from 1), and for one that is not positive semi-definite the
    nearest valid matrix."""
    a = np.asarray(matrix, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        shape = "×".join(str(n) for n in a.shape)
        raise CorrelationError(f"the correlation matrix is {shape}, not square")
    n = a.shape[0]
    if risks is not None and n != risks:
        raise CorrelationError(
            f"the correlation matrix is {n}×{n} for {risks} risks; it needs one row and one "
            f"column per risk ({risks}×{risks})"
        )
    if n > MAX_CORRELATED_RISKS:
        raise CorrelationError(
            f"the correlation matrix is for {n:,} risks, over the {MAX_CORRELATED_RISKS:,} one "
            "simulation may correlate"
        )
    bad = np.argwhere(~np.isfinite(a))
    if bad.size:
        r, c = bad[0]
        raise CorrelationError(f"{_place(r, c)} is not a number")
    outside = np.argwhere(np.abs(a) > 1)
    if outside.size:
        r, c = outside[0]
        raise CorrelationError(f"{_place(r, c)}: {a[r, c]:g} is outside -1 to 1")
    diagonal = np.flatnonzero(np.abs(np.diag(a) - 1) > 1e-12)
    if diagonal.size:
        i = diagonal[0]
        raise CorrelationError(
            f"{_place(i, i)}: {a[i, i]:g} on the diagonal; a risk's correlation with itself is 1"
        )
    asymmetric = np.argwhere(np.triu(np.abs(a - a.T) > 1e-12))
    if asymmetric.size:
        r, c = asymmetric[0]
        raise CorrelationError(
            f"the correlation matrix is not symmetric: {_place(r, c)} is {a[r, c]:g} but "
            f"{_place(c, r)} is {a[c, r]:g}"
        )
    smallest = _smallest_eigenvalue(a)
    if smallest < -PSD_TOLERANCE:
        raise CorrelationError(
            f"the correlation matrix is not positive semi-definite (its smallest eigenvalue is "
            f"{smallest:.3g}): no set of risks can be correlated so",
            nearest=nearest_correlation(a),
        )
    return a


def _smallest_eigenvalue(a: np.ndarray) -> float:
    """The smallest eigenvalue, or 0 when a Cholesky factorisation (far quicker) shows the
    matrix is positive semi-definite within PSD_TOLERANCE."""
    if not a.size:
        return 0.0
    try:
        np.linalg.cholesky(a + PSD_TOLERANCE * np.eye(a.shape[0]))
    except np.linalg.LinAlgError:
        return float(np.linalg.eigvalsh(a)[0])
    return 0.0


def spearman_target(matrix: np.ndarray) -> np.ndarray:
    """The correlation of normal scores whose ranks have the given rank (Spearman)
    correlation: 2 sin(πρ/6) (Pearson's relation for normal variables), so that the
    coefficients asked for are the rank correlations the draws get, as @RISK's are. Where
    that makes the matrix invalid (it rarely can), its nearest valid matrix."""
    target = 2 * np.sin(np.pi * matrix / 6)
    np.fill_diagonal(target, 1.0)
    if _smallest_eigenvalue(target) < -PSD_TOLERANCE:
        return nearest_correlation(target)
    return target


def nearest_correlation(
    matrix: np.ndarray, *, tolerance: float = 1e-10, max_rounds: int = 1_000
) -> np.ndarray:
    """The nearest correlation matrix (in the Frobenius norm) to a symmetric matrix, by
    Higham's (2002) alternating projections with Dykstra's correction: project onto the
    positive semi-definite matrices, then onto those with a unit diagonal, until they agree.
    """
    a = np.asarray(matrix, dtype=float)
    a = (a + a.T) / 2
    y = a.copy()
    correction = np.zeros_like(a)
    for _ in range(max_rounds):
        check_time()
        r = y - correction
        x = _psd_part(r)
        correction = x - r
        following = x.copy()
        np.fill_diagonal(following, 1.0)
        change = float(np.linalg.norm(following - y)) / max(float(np.linalg.norm(y)), 1e-300)
        y = following
        if change < tolerance:
            break
    # Rounding can leave an eigenvalue a hair below zero; lift it and restore the diagonal.
    values, vectors = np.linalg.eigh(y)
    if values[0] < 0:
        y = (vectors * np.maximum(values, 0)) @ vectors.T
        scale = 1 / np.sqrt(np.diag(y))
        y = y * scale[:, None] * scale[None, :]
    np.fill_diagonal(y, 1.0)
    return np.clip((y + y.T) / 2, -1, 1)


def _psd_part(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.maximum(values, 0)) @ vectors.T


def is_independent(matrix: np.ndarray) -> bool:
    """True if every pair of risks is uncorrelated (the identity matrix)."""
    off = matrix - np.eye(matrix.shape[0])
    return not np.any(off)


def factor(matrix: np.ndarray) -> np.ndarray:
    """P with P Pᵀ equal to the matrix: Cholesky's, or from the eigenvalues where the matrix
    is only semi-definite (a coefficient of 1, say)."""
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(matrix)
        return vectors * np.sqrt(np.maximum(values, 0))


def rank_scores(target_factor: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A risks × ``size`` matrix of scores whose sample correlation across iterations is the
    target's exactly (Iman and Conover's step: independent normal scores S, with sample
    correlation E = Q Qᵀ, become P Q⁻¹ S, with P Pᵀ the target). Single precision: only the
    scores' ranks are used."""
    risks = target_factor.shape[0]
    scores = rng.standard_normal((risks, size), dtype=np.float32)
    scores -= scores.mean(axis=1, keepdims=True)
    spread = np.sqrt(np.einsum("ij,ij->i", scores, scores))[:, None]
    scores /= np.where(spread > 0, spread, 1)
    mixing = target_factor.astype(np.float32)
    try:  # the scores' own correlation, corrected for (needs more iterations than risks)
        q = np.linalg.cholesky(scores @ scores.T)
        mixing = linalg.solve_triangular(q.T, mixing.T, lower=False).T.astype(np.float32)
    except np.linalg.LinAlgError:
        pass
    return np.asarray(mixing @ scores, dtype=np.float32)


def arrange(blocks: Iterator[Draws], risks: int, target: np.ndarray, seed: int) -> Iterator[Draws]:
    """Each block's draws reordered across its iterations (Iman-Conover), risk by risk: the
    iterations a risk occurs in become those where its occurrence scores rank highest, and
    its costs, smallest to largest, go to them in the order of its impact scores. Occurrence
    and impact each follow the target correlation between risks, and are independent of each
    other within a risk (the impact scores are those of other iterations: a random
    permutation). The draws themselves are not changed. ``target`` holds rank (Spearman)
    correlations."""
    target_factor = factor(spearman_target(target))
    rng = np.random.default_rng([seed, 15])  # apart from the draws' own stream
    for block in blocks:
        check_time()
        m = block.size
        scores = rank_scores(target_factor, m, rng)
        elsewhere = rng.permutation(m)
        order = np.argsort(
            block.risk.astype(np.uint16 if risks < 65_536 else np.int64), kind="stable"
        )
        by_risk = block.cost[order]
        counts = np.bincount(block.risk, minlength=risks)
        ends = np.cumsum(counts)
        iterations = np.empty(block.iteration.size, dtype=np.int32)
        costs = np.empty(block.cost.size, dtype=float)
        for i in np.flatnonzero(counts):
            if i % 64 == 0:
                check_time()
            c = int(counts[i])
            start = int(ends[i]) - c
            row = scores[i]
            occur = np.arange(m) if c == m else np.argpartition(row, m - c)[m - c :]
            impact_order = np.argsort(row[elsewhere[occur]])
            iterations[start : start + c] = occur[impact_order]
            costs[start : start + c] = np.sort(by_risk[start : start + c])
        del order, by_risk, scores
        yield Draws(iterations, np.repeat(np.arange(risks, dtype=np.int32), counts), costs, m)
