"""Worksheet-function arguments: ranges of ratings and of £ estimates, read cell by cell.

A bad cell in a range of ratings is an error in its own result cell only; a range of
estimates is one total, so its first problems are named by item and argument instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cpcxl.common.errors import InputError
from cpcxl.common.fields import CellType, Number, parse_argument
from cpcxl.common.grid import flatten, to_grid
from cpcxl.common.values import is_blank

from ..models import RiskMatrix
from .kinds import ESTIMATE, PROBABILITY, LevelScore, flagged, parse_cells


@dataclass(frozen=True)
class Ratings:
    """Likelihood and impact scores read from two equal arrays of cells: 0 where a cell is
    blank or bad; ``errors`` holds each bad pair's message."""

    likelihood: np.ndarray  # int64
    impact: np.ndarray  # int64
    blank: np.ndarray  # bool: both cells blank
    errors: np.ndarray  # object: message or None

    @property
    def ok(self) -> np.ndarray:
        return ~self.blank & ~flagged(self.errors)


def read_ratings(likelihood: Any, impact: Any, matrix: RiskMatrix) -> Ratings:
    """Each pair of cells as a likelihood and an impact on ``matrix``; half a pair is a
    problem of that pair ('the impact is blank')."""
    lik = parse_cells(likelihood, LevelScore(matrix, "likelihood"))
    imp = parse_cells(impact, LevelScore(matrix, "impact"))
    errors = lik.errors.copy()
    errors = np.where(flagged(errors), errors, imp.errors)
    only_lik = ~lik.blank & imp.blank & ~flagged(errors)
    only_imp = lik.blank & ~imp.blank & ~flagged(errors)
    errors[only_lik] = "the impact is blank; give both likelihood and impact"
    errors[only_imp] = "the likelihood is blank; give both likelihood and impact"
    blank = lik.blank & imp.blank
    ok = ~blank & ~flagged(errors)
    return Ratings(
        np.where(ok, lik.values, 0).astype(np.int64),
        np.where(ok, imp.values, 0).astype(np.int64),
        blank,
        errors,
    )


#: The four ranges of a £ estimate, as an item's problem names them.
ESTIMATE_NAMES = ("probability", "minimum", "most likely", "maximum")


@dataclass(frozen=True)
class Estimates:
    """The £ estimates of a range of risks, and which rows of the ranges they came from (rows
    left wholly blank are skipped)."""

    probability: np.ndarray
    minimum: np.ndarray
    most_likely: np.ndarray
    maximum: np.ndarray
    kept: np.ndarray  # bool, one per row of the ranges

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.probability, self.minimum, self.most_likely, self.maximum


def read_estimates(
    probabilities: Any, minimums: Any, most_likely: Any, maximums: Any, *, shown: int = 3
) -> Estimates:
    """Four equal ranges of a £ estimate as float arrays, skipping rows left wholly blank.

    A chance is a rate (30% is 0.3; 30 is refused); amounts are £ within the plausible range.
    Every problem is found; the first ``shown`` are named by item and range.
    """
    columns = [flatten(r) for r in (probabilities, minimums, most_likely, maximums)]
    if len({len(c) for c in columns}) != 1:
        raise InputError("the four ranges differ in size", valid="ranges with one row per risk")
    kinds = (PROBABILITY, ESTIMATE, ESTIMATE, ESTIMATE)
    parsed = [parse_cells(c, kind) for c, kind in zip(columns, kinds, strict=True)]
    all_blank = np.logical_and.reduce([p.blank for p in parsed])
    problems = []
    for i in np.flatnonzero(~all_blank):
        for name, p in zip(ESTIMATE_NAMES, parsed, strict=True):
            if p.errors[i] is not None:
                problems.append(f"item {i + 1} {name}: {p.errors[i]}")
            elif p.blank[i]:
                problems.append(f"item {i + 1} {name}: blank")
    if problems:
        more = f" (and {len(problems) - shown} more)" if len(problems) > shown else ""
        raise InputError("; ".join(problems[:shown]) + more)
    p, low, mode, high = (p.values[~all_blank].astype(float) for p in parsed)
    return Estimates(p, low, mode, high, ~all_blank)


#: A correlation between two risks: from -1 (they move wholly against each other) to 1 (wholly
#: together); there is nothing outside it.
CORRELATION = Number(
    what="a correlation",
    low=-1,
    high=1,
    reason="a correlation runs from -1, opposite, to 1, together",
)


def read_correlation(
    value: Any, *, kind: CellType = CORRELATION, shown: int = 1
) -> float | np.ndarray:
    """One coefficient for every pair (a cell; blank is 0, independent), or a matrix (a
    range), each cell read by ``kind`` (a correlation, from -1 to 1); a bad cell is named by
    its row and column."""
    if not isinstance(value, list):
        return 0.0 if is_blank(value) else float(kind.parse(value))
    grid = to_grid(value).cells
    parsed = parse_cells(grid, kind)
    problems = []
    for index in np.flatnonzero(~parsed.ok):
        r, c = divmod(int(index), grid.shape[1])
        said = "blank" if parsed.blank.reshape(-1)[index] else parsed.errors.reshape(-1)[index]
        problems.append(f"row {r + 1}, column {c + 1}: {said}")
    if problems:
        more = f" (and {len(problems) - shown} more)" if len(problems) > shown else ""
        raise InputError("; ".join(problems[:shown]) + more)
    return parsed.values.reshape(grid.shape).astype(float)


def option(kind: CellType, value: Any, default: Any, name: str) -> Any:
    """An optional argument: blank gives ``default``; otherwise read by ``kind``, a problem
    naming the argument."""
    return default if is_blank(value) else parse_argument(kind, value, name)
