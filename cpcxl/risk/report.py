"""The Heat map and Summary sheets of a scored register, described once for every writer.

The button script renders these into the open workbook; the demo and ``cpcxl risk`` commands
render them into files. Nothing here touches Excel or a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError, Location
from cpcxl.common.report import Block, SheetOutput, stack
from cpcxl.common.tables import ROW, find_header_row

from . import engine
from .models import FIELDS_BY_NAME, RiskAppetite, RiskMatrix

HEAT_MAP = "Heat map"
SUMMARY = "Summary"
BANDS_TITLE = "Risks by band"
GBP = "£#,##0"  # as cpcxl.common.formats.GBP, which would load the workbook library
EXPOSURE_ITERATIONS = 10_000


def heat_map_block(grid: np.ndarray, matrix: RiskMatrix, title: str, row: int = 1) -> Block:
    """A likelihood × impact grid of counts, each cell filled with its score's band colour."""
    rows, columns = grid.shape
    header = ["Likelihood / Impact", *(f"{lv.score} {lv.label}" for lv in matrix.impact)]
    values: list[list[Any]] = [header]
    fills: dict[tuple[int, int], str] = {}
    for r in range(rows):
        level = matrix.likelihood[rows - 1 - r]
        values.append([f"{level.score} {level.label}", *(int(v) for v in grid[r])])
        for c in range(columns):
            fills[(r + 1, c + 1)] = matrix.band_of(level.score * (c + 1)).colour
    return Block(values, row=row, title=title, fills=fills)


def _day(as_of: dt.date | None) -> str:
    return f"{as_of:%d/%m/%Y}" if as_of else "today"


def heat_map_output(
    scored: pd.DataFrame, matrix: RiskMatrix, *, as_of: dt.date | None
) -> SheetOutput:
    intro = Block(
        [
            ["Heat map: open risks by likelihood and impact"],
            [f"Matrix {matrix.name}; colours are the bands; as of {_day(as_of)}"],
        ],
        header=False,
    )
    blocks = stack(
        intro,
        heat_map_block(
            engine.register_heat_map(scored, matrix, "inherent"),
            matrix,
            "Inherent risk (before controls)",
        ),
        heat_map_block(
            engine.register_heat_map(scored, matrix, "residual"),
            matrix,
            "Residual risk (after controls; inherent where no residual is given)",
        ),
    )
    return SheetOutput(HEAT_MAP, blocks, widths={"A": 24, **_widths("BCDEFGHIJK", 16)})


def _widths(letters: str, width: float) -> dict[str, float]:
    return dict.fromkeys(letters, width)


def exposure_frame(scored: pd.DataFrame, *, confidence: float = 0.8) -> pd.DataFrame:
    """Monte Carlo exposure of the open, quantified risks (seed 1, 10,000 iterations)."""
    live = engine.open_risks(scored).loc[lambda f: f["quantified"]]
    exposure = engine.simulate_exposure(
        *(live[q].astype(float).to_numpy() for q in engine.QUANTITIES),
        confidence=confidence,
        iterations=EXPOSURE_ITERATIONS,
    )
    return pd.DataFrame(
        {
            "Measure": [label for label, _ in exposure.rows()],
            "£": [engine.round_pounds(value) for _, value in exposure.rows()],
        }
    )


def summary_output(
    scored: pd.DataFrame,
    matrix: RiskMatrix,
    problems: Sequence[InputError],
    *,
    as_of: dt.date | None,
    top: int = 10,
) -> SheetOutput:
    live = engine.open_risks(scored)
    bands = engine.band_counts(scored, matrix)
    band_fills = {(i + 1, 0): b.colour for i, b in enumerate(matrix.bands)}
    quantified = int(live["quantified"].sum())
    parts: list[Block | pd.DataFrame] = [
        Block(
            [
                ["Risk register summary"],
                [
                    f"{len(live)} open risks of {len(scored)}; reviews due as of "
                    f"{_day(as_of)}; matrix {matrix.name}; problems to fix: {len(problems)}"
                ],
            ],
            header=False,
        ),
        Block.from_frame(bands, title=BANDS_TITLE, fills=band_fills),
        Block.from_frame(engine.category_counts(scored, matrix), title="Risks by category"),
        Block.from_frame(engine.flag_counts(scored), title="Flags raised (open risks)"),
        Block.from_frame(engine.top_risks(scored, top), title=f"Top {top} risks by residual score"),
        Block.from_frame(engine.movement_counts(scored), title="Movement since last review"),
    ]
    moved = engine.movement(scored)
    if len(moved):
        parts.append(Block.from_frame(moved, title="Risks whose score moved"))
    parts.append(
        Block.from_frame(
            exposure_frame(scored),
            title=f"Quantified exposure ({quantified} risks, {EXPOSURE_ITERATIONS:,} iterations)",
            formats={"£": GBP},
        )
    )
    found = [[str(p)] for p in problems] or [["None found"]]
    parts.append(Block([["Problem"], *found], title="Problems to fix"))
    widths = {"A": 34, "B": 40, "C": 18, **_widths("DEFGH", 14), "F": 60}
    return SheetOutput(SUMMARY, stack(*parts), widths=widths)


def placed(output: SheetOutput, title: str) -> Block:
    """The block of ``output`` with this title (to point a chart at it)."""
    return next(b for b in output.blocks if b.title == title)


# --- what the script writes back into the Register table ---------------------------------------


def register_columns_out(
    scored: pd.DataFrame, problems: Sequence[InputError]
) -> dict[str, list[Any]]:
    """The Register's Flags and Movement columns, row by row: problems first, then flags."""
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        if problem.location and problem.location.row is not None:
            field = problem.location.field
            text = f"Check {field}: {problem.message}" if field else f"Check: {problem.message}"
            by_row.setdefault(problem.location.row, []).append(text)
    flags = [
        "; ".join([*by_row.get(int(row), []), *([text] if text else [])])
        for row, text in zip(scored[ROW], scored["flags"], strict=True)
    ]
    return {"Flags": flags, "Movement": list(scored["movement"])}


def locate(
    problems: Sequence[InputError], *, sheet: str | None, columns: Mapping[str, str]
) -> list[InputError]:
    """Problems placed on a sheet: a row and a field's header become a cell such as F7."""
    placed_problems = []
    for problem in problems:
        where = problem.location
        letter = columns.get(where.field or "") if where else None
        if where and letter and where.row is not None:
            placed_problems.append(problem.at(sheet=sheet, cell=f"{letter}{where.row}"))
        else:
            placed_problems.append(problem.at(sheet=sheet))
    return placed_problems


def column_letter(number: int) -> str:
    """1 -> A, 28 -> AB: a column's letters, for naming cells in messages."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_rows(
    rows: Sequence[Sequence[Any]],
    matrix: RiskMatrix,
    appetite: RiskAppetite | None,
    *,
    first_row: int = 1,
    first_column: int = 1,
    sheet: str | None = "Register",
    file: str | None = None,
) -> tuple[pd.DataFrame, engine.Register]:
    """Read a register's cells (titles and header first), each problem placed in its cell.

    ``appetite`` None accepts any category (as an import does); otherwise a category must be
    one on the Appetite sheet. Returns the frame as found and the register as read.
    """
    _, _, match = find_header_row(rows, engine.register_columns())
    frame = engine.register_frame(
        rows, first_row=first_row, location=Location(file=file, sheet=sheet)
    )
    register = engine.read_register(
        frame, matrix, categories=None if appetite is None else list(appetite.categories)
    )
    letters = {
        FIELDS_BY_NAME[name].header: column_letter(first_column + index)
        for name, index in match.columns.items()
    }
    problems = locate(register.problems, sheet=sheet, columns=letters)
    if file:
        problems = [p.at(file=file) for p in problems]
    return frame, engine.Register(register.risks, problems)


def score_rows(
    rows: Sequence[Sequence[Any]],
    matrix: RiskMatrix,
    appetite: RiskAppetite | None,
    *,
    as_of: dt.date | None,
    **where: Any,
) -> tuple[pd.DataFrame, list[InputError]]:
    """Scores, bands, flags and movement of a register's cells, and its located problems."""
    _, register = read_rows(rows, matrix, appetite, **where)
    return engine.score_register(register, matrix, appetite, as_of=as_of), register.problems
