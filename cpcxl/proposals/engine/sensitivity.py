"""Would the result change? The weights that would put another proposal first, and NPSV
against ±x% on each cost and benefit line (the tornado).

HM Treasury, *The Green Book* (2022), chapter 5, "Sensitivity analysis" (paragraphs
5.59-5.61): sensitivity analysis shows the changes in key assumptions that would change the
preferred option, and at a minimum it and the switching values are worked for the preferred
option. CPC 506 B3 and B7: a losing submitter may ask whether slightly different weights
would have changed the result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cpcxl.common.errors import InputError
from cpcxl.common.limits import check_time

#: Two weighted scores closer than this are a tie (floating-point noise, not a lead).
TIE = 1e-12


@dataclass(frozen=True)
class WeightChange:
    """The smallest change in one criterion's weight that puts another proposal first.

    ``change`` is signed (a fraction of the whole: -0.1714 takes 60% to 42.86%); None where
    no change within 0% to 100% does. ``leader`` is the row that would then rank first.
    """

    change: float | None
    leader: int | None

    @property
    def found(self) -> bool:
        return self.change is not None


def weight_sensitivity(scores: npt.ArrayLike, weights: npt.ArrayLike) -> list[WeightChange]:
    """For each criterion, the smallest change in its weight that changes which row ranks
    first, the other weights rescaled in proportion so that the weights still sum to 1.

    Moving weight j by d, the others are each multiplied by (1 - w_j - d) / (1 - w_j), so a
    row's weighted score is S_i(d) = S_i + d (s_ij - R_i), where R_i is its weighted score
    on the other criteria alone, Σ_{k≠j} w_k s_ik / (1 - w_j): a straight line in d. The
    leader L stays first until another row's line crosses its own, at
    d = (S_L - S_i) / (a_i - a_L) with a_i = s_ij - R_i; the answer is the crossing nearest
    to 0 with w_j + d in [0, 1] (the tie point: any change beyond it puts the other row
    first). Where the lead is already shared the answer is 0. A criterion with all the
    weight (w_j = 1) has no others to rescale: None.
    """
    s = np.atleast_2d(np.asarray(scores, dtype=float))
    w = np.asarray(weights, dtype=float).reshape(-1)
    if s.shape[1] != len(w):
        raise InputError(
            f"there are {s.shape[1]} score columns but {len(w)} weights",
            valid="one weight per criterion (score column)",
        )
    total = s @ w
    leader = int(np.argmax(total))  # the first row of the highest score
    out: list[WeightChange] = []
    for j in range(len(w)):
        check_time()
        rest_weight = 1.0 - w[j]
        if rest_weight <= TIE or len(s) < 2:
            out.append(WeightChange(None, None))
            continue
        rest = (total - w[j] * s[:, j]) / rest_weight
        slope = s[:, j] - rest
        gap = total[leader] - total
        closing = slope - slope[leader]
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(np.abs(closing) > TIE, gap / closing, np.nan)
        d[leader] = np.nan
        # A row already level with the leader takes first place at once (d = 0) whichever
        # way its line leaves the leader's.
        level = (np.abs(gap) <= TIE) & (np.arange(len(s)) != leader) & (np.abs(closing) > TIE)
        d[level] = 0.0
        feasible = np.isfinite(d) & (w[j] + d >= -TIE) & (w[j] + d <= 1.0 + TIE)
        if not feasible.any():
            out.append(WeightChange(None, None))
            continue
        size = np.where(feasible, np.abs(d), np.inf)
        nearest = float(size.min())
        candidates = np.flatnonzero(size <= nearest + TIE)
        # Of rows crossing at the same point, the one that leads just beyond it: the
        # steepest line in the direction of the change.
        chosen = [int(i) for i in candidates]
        signs = {math.copysign(1.0, float(d[i])) if d[i] != 0 else 0.0 for i in chosen}
        direction = min(signs) if len(signs) > 1 and 0.0 not in signs else next(iter(signs))
        if direction == 0.0:
            winner = chosen[0]
        else:
            picked = [i for i in chosen if math.copysign(1.0, float(d[i])) == direction]
            winner = max(picked, key=lambda i: direction * closing[i])
        out.append(WeightChange(float(d[winner]), winner))
    return out


@dataclass(frozen=True)
class Swing:
    """How a proposal's NPSV moves when one line of its costs or benefits moves by ±x%."""

    line: str
    present_value: float  # the line's present value (costs with their optimism bias)
    low: float  # change in NPSV when the line falls by x%
    high: float  # change in NPSV when the line rises by x%

    @property
    def size(self) -> float:
        return abs(self.high - self.low)


def npsv_swings(lines: Sequence[tuple[str, float, bool]], change: float) -> list[Swing]:
    """NPSV against ±``change`` on each line, largest swing first.

    ``lines`` are (name, present value, is a cost). NPSV is linear in each line: scaling a
    line by (1 ± x) scales its present value by the same factor (optimism bias, applied to
    positive costs, scales with them), so a benefit line moves NPSV by ±x × PV and a cost
    line by ∓x × PV. Lines with no present value are left out.
    """
    if not 0 < change <= 1:
        raise InputError(f"a change of {change:.0%} is outside 1% to 100%", valid="1% to 100%")
    swings = [
        Swing(
            name, pv, change * pv if cost else -change * pv, -change * pv if cost else change * pv
        )
        for name, pv, cost in lines
        if abs(pv) > 0.005
    ]
    swings.sort(key=lambda s: s.size, reverse=True)
    return swings
