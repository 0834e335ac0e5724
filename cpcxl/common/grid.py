"""Worksheet-function arguments as xlwings passes them: a scalar, a list, or a list of lists.

A worksheet function that scores a whole column takes any of these shapes and returns the
same shape, so an officer can write one formula for a cell or for a range. These helpers do
the shape work once so the capabilities only say what happens to each cell.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import InputError
from .limits import check_time
from .values import describe, is_blank, is_excel_error, to_number

Kind = Literal["scalar", "list", "table"]

#: What a cell shows when its own input is bad: Excel's #VALUE! followed by the reason.
CELL_ERROR_PREFIX = "#VALUE!"


@dataclass(frozen=True)
class Grid:
    """A 2-D object array and the shape the caller gave, so the result can be given back alike."""

    cells: np.ndarray
    kind: Kind

    @property
    def shape(self) -> tuple[int, int]:
        rows, columns = self.cells.shape
        return rows, columns


def to_grid(value: Any) -> Grid:
    """Any xlwings-shaped argument as a 2-D grid of cells."""
    if isinstance(value, list | tuple):
        if not value:
            return Grid(np.empty((0, 0), dtype=object), "list")
        if isinstance(value[0], list | tuple):
            widths = set(map(len, value))
            width = max(widths)
            if len(widths) == 1 and width:
                # One flat copy is several times faster than row-by-row for 100,000 rows.
                cells = np.empty(len(value) * width, dtype=object)
                cells[:] = list(itertools.chain.from_iterable(value))
                return Grid(cells.reshape(len(value), width), "table")
            cells = np.full((len(value), width), None, dtype=object)
            for i, row in enumerate(value):
                cells[i, : len(row)] = list(row)
            return Grid(cells, "table")
        cells = np.empty((len(value), 1), dtype=object)
        cells[:, 0] = list(value)
        return Grid(cells, "list")
    if isinstance(value, np.ndarray):
        cells = np.asarray(value, dtype=object)
        if cells.ndim == 0:
            return Grid(cells.reshape(1, 1), "scalar")
        if cells.ndim == 1:
            return Grid(cells.reshape(-1, 1), "list")
        return Grid(cells, "table")
    cells = np.empty((1, 1), dtype=object)
    cells[0, 0] = value
    return Grid(cells, "scalar")


def from_grid(cells: np.ndarray, kind: Kind) -> Any:
    """Cells back in the caller's shape, as plain Python values Excel can take."""
    if kind == "scalar":
        return _plain(cells.reshape(-1)[0]) if cells.size else None
    cells = np.asarray(cells, dtype=object)
    missing = pd.isna(cells)  # NaN and NaT are blanks to Excel users
    if missing.any() or any(isinstance(v, np.generic) for v in cells.flat):
        cells = cells.copy()
        cells[missing] = None
        rows = [[_plain(v) for v in row] for row in cells.tolist()]
    else:
        rows = cells.tolist()
    if kind == "list":
        # A list came from one row or one column; xlwings passes both as a flat list, and
        # gives a flat list back to the same orientation Excel supplied.
        return [row[0] for row in rows] if cells.shape[1] == 1 else rows[0]
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN is a blank to Excel users
        return None
    return value


def broadcast(*values: Any) -> tuple[list[np.ndarray], Kind]:
    """Several arguments on one common shape; a single cell stretches to fit a range."""
    grids = [to_grid(v) for v in values]
    shapes = {g.shape for g in grids if g.shape != (1, 1)}
    if len(shapes) > 1:
        listed = " and ".join(f"{r}×{c}" for r, c in sorted(shapes))
        raise InputError(
            f"the ranges have different sizes ({listed})",
            valid="ranges of the same size, or single cells",
        )
    target = shapes.pop() if shapes else (1, 1)
    kind: Kind = "scalar"
    for g in grids:
        if g.shape == target and g.kind != "scalar":
            kind = g.kind
            break
    cells = [np.broadcast_to(g.cells, target) if g.shape != target else g.cells for g in grids]
    return cells, kind


#: The longest text a cell's error shows: Excel's limit on an error value's message.
CELL_ERROR_LIMIT = 255


def cell_error(message: str, code: str = CELL_ERROR_PREFIX) -> str:
    """The readable error a single cell shows (#VALUE! unless ``code`` says another, such as
    #NUM! for a result that cannot be computed), at most 255 characters."""
    text = f"{code} {message}"
    if len(text) > CELL_ERROR_LIMIT:
        text = text[: CELL_ERROR_LIMIT - 3].rstrip() + "..."
    return text


#: The error values a cpcxl cell can show, with the reason after them.
CELL_ERROR_CODES = (CELL_ERROR_PREFIX, "#NUM!", "#N/A")


def is_cell_error(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(CELL_ERROR_CODES)


#: What a cell shows for a result that is not a finite number.
NOT_FINITE = "the result is not a finite number (it is too large, or undefined)"


def finite_cells(result: Any) -> Any:
    """A result with every infinite number (which Excel cannot hold, and which JSON cannot
    carry to the add-in) made a #NUM! error in its own cell; the other cells untouched."""
    if isinstance(result, list):
        return [finite_cells(v) for v in result]
    if isinstance(result, float | np.floating) and math.isinf(float(result)):
        return cell_error(NOT_FINITE, "#NUM!")
    return result


def check_cell(value: Any) -> Any:
    """Raise for an Excel error value passed in, so it shows as a reason not a blank."""
    if is_excel_error(value):
        raise InputError(f"the input cell holds the error {value.strip()}")
    return value


def elementwise(func: Callable[..., Any], *values: Any) -> Any:
    """Apply ``func`` cell by cell over broadcast arguments, returning the caller's shape.

    A cell whose inputs are all blank gives a blank; a cell whose input is bad gives a
    readable ``#VALUE!`` reason in that cell and leaves every other cell's result alone.
    """
    cells, kind = broadcast(*values)
    out = np.empty(cells[0].shape if cells else (0, 0), dtype=object)
    for count, index in enumerate(np.ndindex(out.shape)):
        if count % 4096 == 4095:
            check_time()  # a huge range on the server stops at its time limit
        args = [c[index] for c in cells]
        if all(is_blank(a) for a in args):
            out[index] = None
            continue
        try:
            out[index] = func(*(check_cell(a) for a in args))
        except InputError as exc:
            out[index] = cell_error(str(exc))
    return from_grid(out, kind)


def flatten(value: Any) -> list[Any]:
    """Every cell of an argument in reading order (row by row)."""
    return to_grid(value).cells.reshape(-1).tolist()


def numbers(value: Any, *, what: str = "a number") -> list[float]:
    """The numbers in a range, skipping blanks; an error or text names its position."""
    result: list[float] = []
    for position, cell in enumerate(flatten(value), start=1):
        if is_blank(cell):
            continue
        try:
            result.append(to_number(cell, what=what))
        except InputError as exc:
            raise InputError(f"item {position} ({describe(cell)}): {exc.message}") from None
    return result
