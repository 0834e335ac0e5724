"""Criteria weights by the analytic hierarchy process (Saaty): eigenvector and consistency."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import numpy as np

from cpcxl.common.errors import InputError
from cpcxl.common.models import build_model

from ..models import CriteriaSet, Criterion

#: Saaty's random consistency index by matrix size, 1 to 15 (Saaty 1980, *The Analytic
#: Hierarchy Process*, McGraw-Hill: the mean consistency index of random reciprocal matrices).
#: The figures for 11 to 15 are as printed, the dip at 12 (1.48) included; checked against
#: independent AHP implementations, which reproduce the same table (issue 13 case 8).
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
#: Saaty's limit (Saaty 1980): judgements with a consistency ratio above this should be
#: revisited.
CONSISTENCY_LIMIT = 0.10
#: How far a[i, j] × a[j, i] may stray from 1 when people type 0.67 for 2/3 and 1.5 for 3/2
#: (a local choice; typed reciprocals of whole numbers are read exactly: reciprocal_meant).
RECIPROCAL_TOLERANCE = 0.02


def _written(k: int) -> frozenset[float]:
    """1/k as people write it to two, three or four decimal places, rounded (half up, as
    Excel's ROUND) or cut short: 1/3 is 0.33, 0.333 or 0.3333; 1/8 is 0.13, 0.12 or 0.125."""
    exact = Decimal(1) / Decimal(k)
    return frozenset(
        float(exact.quantize(Decimal(1).scaleb(-d), rounding=rounding))
        for d in (2, 3, 4)
        for rounding in (ROUND_HALF_UP, ROUND_DOWN)
    )


#: Each reciprocal on Saaty's scale (1/2 to 1/9) by the decimals that stand for it: no
#: decimal stands for two of them.
TYPED_RECIPROCALS: dict[float, int] = {x: k for k in range(2, 10) for x in _written(k)}


def reciprocal_meant(x: float) -> float:
    """A judgement typed as a decimal of 1/k (0.33, 0.2, 0.25, 0.14, 0.111 ...) as 1/k
    exactly; any other value as it is (issue 13 case 8). Only 1/k written to two to four
    decimal places is read so: 0.4, 0.6 and a ratio worked out in full stay as they are. In a
    matrix it applies where the judgement facing it is k (0.33 against 3)."""
    k = TYPED_RECIPROCALS.get(x)
    return 1 / k if k is not None else x


@dataclass(frozen=True)
class Conflict:
    """A judgement that disagrees most with what the others imply."""

    row: int
    column: int
    given: float
    implied: float


@dataclass(frozen=True)
class AhpResult:
    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    conflicts: tuple[Conflict, ...]

    @property
    def acceptable(self) -> bool:
        return self.consistency_ratio <= CONSISTENCY_LIMIT


def pairwise_matrix(
    values: Sequence[Sequence[float]], names: Sequence[str] | None = None
) -> np.ndarray:
    """Check a pairwise comparison matrix: square, positive, ones on the diagonal, reciprocal.

    With ``names``, a problem is described by the items compared rather than by position.
    """
    rows = [list(r) for r in values]
    n = len(rows)
    if n == 0 or any(len(r) != n for r in rows):
        shape = f"{n}×{max((len(r) for r in rows), default=0)}"
        raise InputError(
            f"the pairwise comparison matrix is not square ({shape})",
            valid="n rows by n columns, one row and one column per criterion",
        )
    a = np.array(rows, dtype=float)
    if n > max(RANDOM_INDEX):
        raise InputError(
            f"{n} items are too many to compare pairwise reliably",
            valid=f"at most {max(RANDOM_INDEX)} (Saaty's random index table stops there)",
        )

    def pair(i: int, j: int) -> str:
        if names is not None and len(names) == n:
            return f"{names[i]!r} against {names[j]!r}"
        return f"row {i + 1}, column {j + 1}"

    if not np.isfinite(a).all() or (a <= 0).any():
        i, j = np.argwhere(~(np.isfinite(a) & (a > 0)))[0]
        raise InputError(
            f"{pair(i, j)} is {a[i, j]:g}", valid="a positive judgement such as 1/9 to 9"
        )
    # A typed 0.33 facing a 3 is 1/3, in either triangle, before reciprocity is checked; a
    # 0.16 facing 6.25 is 1/6.25 as typed, not 1/6.
    typed = a.copy()
    for i, j in zip(*np.nonzero(~np.eye(n, dtype=bool)), strict=True):
        meant = reciprocal_meant(float(typed[i, j]))
        if meant != typed[i, j] and abs(meant * typed[j, i] - 1.0) <= RECIPROCAL_TOLERANCE:
            a[i, j] = meant
    for i in range(n):
        if not math.isclose(a[i, i], 1.0, abs_tol=1e-9):
            raise InputError(
                f"{pair(i, i)} is {a[i, i]:g}: an item compared with itself is 1",
                valid="1 on the diagonal",
            )
    product = a * a.T
    bad = np.argwhere(np.triu(np.abs(product - 1.0) > RECIPROCAL_TOLERANCE, 1))
    if len(bad):
        i, j = bad[0]
        raise InputError(
            f"the matrix is not reciprocal: {pair(i, j)} is {a[i, j]:g} but "
            f"{pair(j, i)} is {a[j, i]:g}",
            valid=f"{pair(j, i)} = 1/{a[i, j]:g} = {1 / a[i, j]:.4g}",
        )
    # Judgements are the upper triangle; the lower one is its exact reciprocal.
    return np.triu(a, 1) + np.tril(1.0 / a.T, -1) + np.eye(n)


def ahp(values: Sequence[Sequence[float]], names: Sequence[str] | None = None) -> AhpResult:
    """Weights as the normalised principal eigenvector, with Saaty's consistency measures."""
    a = pairwise_matrix(values, names)
    n = len(a)
    eigenvalues, vectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(vectors[:, k].real)
    weights = vector / vector.sum()
    ci = max(lambda_max - n, 0.0) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri else 0.0
    implied = weights[:, None] / weights[None, :]
    error = np.abs(np.log(a / implied))
    pairs = [(float(error[i, j]), i, j) for i in range(n) for j in range(i + 1, n)]
    pairs.sort(reverse=True)
    conflicts = tuple(
        Conflict(i, j, float(a[i, j]), float(implied[i, j])) for e, i, j in pairs[:3] if e > 1e-9
    )
    return AhpResult(weights, lambda_max, ci, ri, cr, conflicts)


def saaty_value(x: float) -> str:
    """A judgement as people write it on Saaty's scale: 5, 1/3, 2.4, or 0.97 (never '1/1':
    a value just below 1 is about equal, issue 13 case 8)."""
    if x >= 1:
        return f"{x:.3g}"
    inverse = 1 / x
    if inverse < 1.5:
        return f"{x:.2g}"
    return f"1/{inverse:.0f}" if abs(inverse - round(inverse)) < 0.05 else f"1/{inverse:.2g}"


def ahp_weights(
    values: Sequence[Sequence[float]], names: Sequence[str] | None = None
) -> np.ndarray:
    """AHP weights, refused when the judgements are too inconsistent to trust (CR > 0.10)."""
    result = ahp(values, names)
    if not result.acceptable:
        label = list(names) if names else [f"item {i + 1}" for i in range(len(result.weights))]
        conflicts = "; ".join(
            f"{label[c.row]} against {label[c.column]} is {saaty_value(c.given)} but the other "
            f"judgements imply about {saaty_value(c.implied)}"
            for c in result.conflicts
        )
        raise InputError(
            f"the pairwise judgements are too inconsistent (consistency ratio "
            f"{result.consistency_ratio:.3f}, above {CONSISTENCY_LIMIT:.2f}); the comparisons "
            f"that conflict most: {conflicts}",
            valid="revise those comparisons until the consistency ratio is 0.10 or less",
        )
    return result.weights


def criteria_from_ahp(
    criteria: Sequence[Criterion],
    values: Sequence[Sequence[float]],
    *,
    scale_min: float = 0,
    scale_max: float = 5,
) -> CriteriaSet:
    """A criteria set whose weights come from pairwise comparisons."""
    weights = ahp_weights(values, [c.name for c in criteria])
    if len(weights) != len(criteria):
        raise InputError(
            f"the pairwise matrix compares {len(weights)} items but there are "
            f"{len(criteria)} criteria",
            valid="one row and one column per criterion, in the same order",
        )
    updated = tuple(
        c.model_copy(update={"weight": float(w)}) for c, w in zip(criteria, weights, strict=True)
    )
    return build_model(
        CriteriaSet,
        criteria=updated,
        weights_from="pairwise comparisons (AHP)",
        scale_min=scale_min,
        scale_max=scale_max,
        consistency_ratio=float(ahp(values, [c.name for c in criteria]).consistency_ratio),
    )


@dataclass(frozen=True)
class GroupAhp:
    """Several members' pairwise judgements combined into one set of weights."""

    members: tuple[str, ...]
    each: tuple[AhpResult, ...]  # each member's own weights and consistency
    combined_matrix: np.ndarray
    combined: AhpResult

    @property
    def weights(self) -> np.ndarray:
        return self.combined.weights


def combine_judgements(matrices: Sequence[np.ndarray]) -> np.ndarray:
    """The element-by-element geometric mean of several reciprocal matrices.

    Aczél and Saaty (1983), "Procedures for synthesizing ratio judgements", *Journal of
    Mathematical Psychology* 27: 93-102: the geometric mean is the only way to combine ratio
    judgements that keeps the combined matrix reciprocal (the mean of a and of 1/a is the
    reciprocal of the mean of 1/a and a) and treats every judge alike.
    """
    stack = np.stack([np.asarray(m, dtype=float) for m in matrices])
    return np.exp(np.log(stack).mean(axis=0))


def group_ahp(
    matrices: Sequence[Sequence[Sequence[float]]],
    members: Sequence[str],
    names: Sequence[str] | None = None,
) -> GroupAhp:
    """Each member's weights and consistency ratio, and the weights of their judgements
    combined by the geometric mean (Aczél and Saaty 1983). The combined judgements must be
    consistent enough (consistency ratio 0.10 or less, Saaty 1980); a member's own ratio is
    shown beside it for the panel to discuss."""
    if len(matrices) != len(members) or not matrices:
        raise InputError("there are no members' pairwise judgements to combine")
    checked = [pairwise_matrix(m, names) for m in matrices]
    as_lists = [m.tolist() for m in checked]
    sizes = {len(m) for m in checked}
    if len(sizes) != 1:
        raise InputError(
            "the members' pairwise matrices are of different sizes",
            valid="one row and one column per criterion for every member",
        )
    each = tuple(ahp(m, names) for m in as_lists)
    combined_matrix = combine_judgements(checked)
    combined = ahp(combined_matrix.tolist(), names)
    return GroupAhp(tuple(members), each, combined_matrix, combined)


def criteria_from_group_ahp(
    criteria: Sequence[Criterion],
    matrices: Sequence[Sequence[Sequence[float]]],
    members: Sequence[str],
    *,
    scale_min: float = 0,
    scale_max: float = 5,
) -> CriteriaSet:
    """A criteria set whose weights come from several members' pairwise comparisons,
    combined by the geometric mean; each member's consistency ratio is kept with it."""
    names = [c.name for c in criteria]
    group = group_ahp(matrices, members, names)
    weights = ahp_weights(group.combined_matrix.tolist(), names)  # refused above CR 0.10
    updated = tuple(
        c.model_copy(update={"weight": float(w)}) for c, w in zip(criteria, weights, strict=True)
    )
    return build_model(
        CriteriaSet,
        criteria=updated,
        weights_from=f"pairwise comparisons by {len(members)} members, combined by the "
        "geometric mean (Aczél and Saaty 1983)",
        scale_min=scale_min,
        scale_max=scale_max,
        judges=tuple(
            (m, float(r.consistency_ratio)) for m, r in zip(members, group.each, strict=True)
        ),
        consistency_ratio=float(group.combined.consistency_ratio),
    )
