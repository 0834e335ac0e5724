"""What a scored register shows: the Register's worked-out columns, the Heat map and the
Summary, described once as :class:`SheetOutput` for every writer; and the import's report.

The button renders these into the open workbook; the demo and the ``cpcxl risk`` commands
render them into files. Nothing here touches Excel or a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common import formats
from cpcxl.common.errors import InputError
from cpcxl.common.report import Block, SheetOutput, stack
from cpcxl.common.tables import ROW

from . import engine
from .inputs import Imported, Register
from .models import RiskMatrix

REGISTER = "Register"
HEAT_MAP = "Heat map"
SUMMARY = "Summary"
BANDS_TITLE = "Risks by band"


def heat_map_block(
    grid: np.ndarray, matrix: RiskMatrix, title: str, *, row: int = 1, column: int = 1
) -> Block:
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
    return Block(values, row=row, column=column, title=title, fills=fills)


def score_grid(matrix: RiskMatrix) -> np.ndarray:
    """Every score the matrix gives (likelihood × impact), highest likelihood on top."""
    return np.array(
        [[lv.score * im.score for im in matrix.impact] for lv in reversed(matrix.likelihood)]
    )


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


def exposure_frame(exposure: engine.Exposure) -> pd.DataFrame:
    """The exposure's figures in whole pounds."""
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
    exposure: engine.Exposure,
    *,
    as_of: dt.date | None,
    notes: Sequence[str] = (),
    top: int = 10,
) -> SheetOutput:
    live = engine.open_risks(scored)
    bands = engine.band_counts(scored, matrix)
    band_fills = {(i + 1, 0): b.colour for i, b in enumerate(matrix.bands)}
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
            exposure_frame(exposure),
            title=f"Quantified exposure ({exposure.risks} risks, "
            f"{exposure.iterations:,} iterations)",
            formats={"£": formats.GBP},
        )
    )
    found = [[str(p)] for p in problems] or [["None found"]]
    parts.append(Block([["Problem"], *found], title="Problems to fix"))
    if notes:
        parts.append(Block([["Note"], *([n] for n in notes)], title="How the tables were read"))
    widths = {"A": 34, "B": 40, "C": 18, **_widths("DEFGH", 14), "F": 60}
    return SheetOutput(SUMMARY, stack(*parts), widths=widths)


def placed(output: SheetOutput, title: str) -> Block:
    """The block of ``output`` with this title (to point a chart at it)."""
    return next(b for b in output.blocks if b.title == title)


# --- what the button writes back into the Register table ----------------------------------------


def flag_texts(scored: pd.DataFrame, problems: Sequence[InputError]) -> list[str]:
    """Each risk's Flags cell: what to check in its row first, then its flags."""
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        if problem.location and problem.location.row is not None:
            field = problem.location.field
            said = problem.message + (f"; valid: {problem.valid}" if problem.valid else "")
            text = f"Check {field}: {said}" if field else f"Check: {said}"
            by_row.setdefault(problem.location.row, []).append(text)
    return [
        "; ".join([*by_row.get(int(row), []), *([text] if text else [])])
        for row, text in zip(scored[ROW], scored["flags"], strict=True)
    ]


def register_output(scored: pd.DataFrame, register: Register) -> SheetOutput:
    """The Register's Flags and Movement columns, every row of the table (blank rows cleared),
    written in place over the table's own columns."""
    flags = dict(zip(scored[ROW], flag_texts(scored, list(register.problems)), strict=True))
    moved = dict(zip(scored[ROW], scored["movement"], strict=True))
    body = register.body_rows
    blocks = []
    for field, values in (("flags", flags), ("movement", moved)):
        column = register.column(field)
        if column is None or not len(body):
            continue  # a table without the column: the Summary still lists every problem
        cells = [[values.get(r) or None] for r in body]
        blocks.append(Block(cells, row=body.start, column=column, header=False))
    return SheetOutput(register.spec.sheet, blocks, replace=False)


def register_sheets(
    scored: pd.DataFrame,
    register: Register,
    matrix: RiskMatrix,
    exposure: engine.Exposure,
    *,
    as_of: dt.date | None,
) -> list[SheetOutput]:
    """Everything a scoring writes: the Register's columns, the Heat map and the Summary."""
    return [
        register_output(scored, register),
        heat_map_output(scored, matrix, as_of=as_of),
        summary_output(
            scored,
            matrix,
            list(register.problems),
            exposure,
            as_of=as_of,
            notes=register.problems.notes,
        ),
    ]


# --- the import's report -------------------------------------------------------------------------


def import_report(imported: Imported) -> list[str]:
    """What the import read, mapped, left out and could not read, line by line."""
    first, last = imported.header_rows
    rows = f"row {first}" if first == last else f"rows {first}-{last}"
    lines = [
        f"Read sheet {imported.sheet!r} of {imported.file}: header on {rows}, "
        f"{len(imported.risks)} risks."
    ]
    lines += ["Mapped:", *(f"  {found!r} -> {ours}" for found, ours in imported.mapped)]
    if imported.not_used:
        lines += ["Not used:", *(f"  {found!r}: {why}" for found, why in imported.not_used)]
    if imported.not_found:
        lines.append("Not in the file (left blank): " + ", ".join(imported.not_found))
    if imported.own_categories:
        own = ", ".join(f"{c} ({n} risks)" for c, n in imported.own_categories.items())
        lines.append(f"Categories kept as your own (set their appetite): {own}")
    if imported.problems:
        lines.append(
            f"Values it could not read ({len(imported.problems)}; kept as they were and "
            "marked Check in the Flags column):"
        )
        lines += [f"  {p}" for p in imported.problems]
    else:
        lines.append("Every value was read.")
    return lines
