"""Diversity in aggregate (CPC 505 A4, B4) with small counts hidden so no one is identified.

Pure: pandas, numpy and scipy only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from cpcxl.common.limits import check_time

from ..models import DIVERSITY_FIELDS

#: ONS convention for a cell hidden to protect confidentiality.
SUPPRESSED = "[c]"


def diversity_profile(
    staff: pd.DataFrame, characteristic: str, *, by: str = "employer", threshold: int = 5
) -> pd.DataFrame:
    """Headcount by a characteristic's categories × ``by``, with totals; small cells hidden.

    Counts from 1 to ``threshold`` − 1 are suppressed (shown as '[c]'); then further cells are
    suppressed (secondary suppression) until no hidden count can be worked out from the
    totals and the other cells shown.
    """
    table = pd.crosstab(staff[characteristic], staff[by], values=staff["count"], aggfunc="sum")
    table = table.fillna(0).astype(float)
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    values = table.to_numpy()
    hidden = suppression_pattern(values, threshold)
    shown = table.astype(object).mask(hidden, SUPPRESSED)
    shown = shown.map(lambda v: int(v) if isinstance(v, float) else v)
    shown.index.name = DIVERSITY_FIELDS.get(characteristic, characteristic)
    return shown.reset_index()


def suppression_pattern(values: np.ndarray, threshold: int = 5) -> np.ndarray:
    """Which cells of a table with a total row and column (last) to hide.

    Primary: counts from 1 to threshold − 1. Secondary: while any hidden cell can be solved
    exactly from the row and column equations (every null-space vector of the hidden cells
    is zero there), hide the smallest visible non-zero cell in its row or column. Zeros are
    treated as known: with every unknown cell at least 1, a cell that the equations leave
    free can move by ±1 without any count going negative, so it cannot be recovered.
    """
    hidden = (values > 0) & (values < threshold)
    rows, cols = values.shape

    def rank(cell: tuple[int, int]) -> tuple[bool, float]:
        # Interior cells before totals, then the smallest.
        i, j = cell
        return (i == rows - 1 or j == cols - 1, values[i, j])

    while True:
        check_time()  # each round solves the table's equations again
        exposed = _exposed_cells(hidden & (values > 0), rows, cols)
        if not exposed:
            return hidden
        # Hiding a zero protects nothing (it can be inferred, and counts cannot go below it),
        # so complements are non-zero cells in a line through an exposed cell.
        visible = ~hidden & (values > 0)
        candidates: list[tuple[int, int]] = []
        for r, c in exposed:
            row_cells = [(r, j) for j in range(cols) if j != c and visible[r, j]]
            col_cells = [(i, c) for i in range(rows) if i != r and visible[i, c]]
            # A line where the cell is the only one hidden gives it away: hide in that line.
            if hidden[r].sum() == 1 and row_cells:
                candidates += row_cells
            elif hidden[:, c].sum() == 1 and col_cells:
                candidates += col_cells
            else:
                candidates += row_cells + col_cells
        if not candidates:
            # Every line through the exposed cells is hidden already: widen to any visible
            # non-zero cell sharing a line with a hidden one.
            lines = np.zeros_like(hidden)
            lines[hidden.any(axis=1), :] = True
            lines[:, hidden.any(axis=0)] = True
            candidates = list(zip(*np.nonzero(lines & visible), strict=True))
            if not candidates:
                return hidden
        hidden[min(candidates, key=rank)] = True


def _exposed_cells(hidden: np.ndarray, rows: int, cols: int) -> list[tuple[int, int]]:
    cells = list(zip(*np.nonzero(hidden), strict=True))
    if not cells:
        return []
    # Equations: for each interior row i, Σ_j<last x[i,j] − x[i,last] = 0; same for columns.
    index = {cell: k for k, cell in enumerate(cells)}
    equations = []
    for i in range(rows):
        equations.append({(i, j): (1.0 if j < cols - 1 else -1.0) for j in range(cols)})
    for j in range(cols):
        equations.append({(i, j): (1.0 if i < rows - 1 else -1.0) for i in range(rows)})
    matrix = np.zeros((len(equations), len(cells)))
    for e, terms in enumerate(equations):
        for cell, coefficient in terms.items():
            if cell in index:
                matrix[e, index[cell]] = coefficient
    free = null_space(matrix)
    solvable = np.all(np.abs(free) < 1e-9, axis=1) if free.size else np.ones(len(cells), bool)
    return [cells[k] for k in np.flatnonzero(solvable)]
