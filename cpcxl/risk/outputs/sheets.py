"""What a scored register shows: the Register's (and the Actions' and Incidents') worked-out
columns, the Heat map and the Summary, described once as :class:`SheetOutput` for every writer.

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

from .. import engine
from ..inputs import Linked, Register, RegisterBook
from ..models import RiskMatrix

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
    result: engine.Assessment,
    book: RegisterBook,
    *,
    top: int = 10,
) -> SheetOutput:
    """Counts by band and category, flags, top risks, movement, the £ exposure, responses,
    actions, incidents and objectives, and every problem to fix."""
    scored, matrix, as_of = result.scored, book.matrix, book.as_of
    problems = book.all_problems()
    exposure = result.analysis.exposure
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
    parts.append(
        Block.from_frame(engine.response_counts(scored), title="Risk responses (open risks)")
    )
    if len(result.actions):
        parts.append(Block.from_frame(engine.action_status_counts(result.actions), title="Actions"))
        late = engine.overdue_actions(result.actions)
        if len(late):
            parts.append(Block.from_frame(late, title="Overdue actions"))
    incidents = engine.incident_table(scored, matrix)
    if len(incidents):
        parts.append(
            Block.from_frame(
                incidents,
                title="Incidents and near misses by risk (the 12 months to the review date, "
                "against what the likelihood implies)",
            )
        )
    if book.objectives is not None and len(book.objectives.usable()):
        parts.append(
            Block.from_frame(
                engine.objective_table(scored, book.objectives.usable()),
                title="Risks by objective",
            )
        )
    found = [[str(p)] for p in problems] or [["None found"]]
    parts.append(Block([["Problem"], *found], title="Problems to fix"))
    notes = book.register.problems.notes
    if notes:
        parts.append(Block([["Note"], *([n] for n in notes)], title="How the tables were read"))
    widths = {"A": 34, "B": 40, "C": 18, **_widths("DEFGH", 14), "F": 60}
    return SheetOutput(SUMMARY, stack(*parts), widths=widths)


def placed(output: SheetOutput, title: str) -> Block:
    """The block of ``output`` with this title (to point a chart at it)."""
    return next(b for b in output.blocks if b.title == title)


# --- what the button writes back into the Register table ----------------------------------------


def flag_texts(
    rows: Sequence[int], flags: Sequence[str], problems: Sequence[InputError], sheet: str
) -> list[str]:
    """Each row's Flags cell: what to check in its row first (the problems on ``sheet``),
    then its flags."""
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        where = problem.location
        if where and where.row is not None and where.sheet in (sheet, None):
            field = where.field
            said = problem.message + (f"; valid: {problem.valid}" if problem.valid else "")
            text = f"Check {field}: {said}" if field else f"Check: {said}"
            by_row.setdefault(where.row, []).append(text)
    return [
        "; ".join([*by_row.get(int(row), []), *([text] if text else [])])
        for row, text in zip(rows, flags, strict=True)
    ]


def register_output(scored: pd.DataFrame, register: Register) -> SheetOutput:
    """The Register's Flags and Movement columns, every row of the table (blank rows cleared),
    written in place over the table's own columns."""
    texts = flag_texts(
        list(scored[ROW]), list(scored["flags"]), list(register.problems), register.spec.sheet
    )
    flags = dict(zip(scored[ROW], texts, strict=True))
    moved = dict(zip(scored[ROW], scored["movement"], strict=True))
    return _columns_output(
        register.spec.sheet,
        register.body_rows,
        {register.column("flags"): flags, register.column("movement"): moved},
    )


def linked_output(flagged: pd.DataFrame | None, linked: Linked | None) -> SheetOutput | None:
    """A linked table's Flags column (Actions, Incidents): each row's problems, then its
    flags (``flagged`` gives those of its usable rows)."""
    if linked is None or linked.table is None:
        return None
    frame = linked.frame
    own = {}
    if flagged is not None and len(flagged):
        own = dict(zip(flagged[ROW], flagged["flags"], strict=True))
    texts = flag_texts(
        list(frame[ROW]),
        [own.get(r, "") for r in frame[ROW]],
        list(linked.problems),
        linked.spec.sheet,
    )
    return _columns_output(
        linked.spec.sheet,
        linked.body_rows,
        {linked.column("flags"): dict(zip(frame[ROW], texts, strict=True))},
    )


def _columns_output(
    sheet: str, body: range, columns: dict[int | None, dict[Any, Any]]
) -> SheetOutput:
    blocks = []
    for column, values in columns.items():
        if column is None or not len(body):
            continue  # a table without the column: the Summary still lists every problem
        cells = [[values.get(r) or None] for r in body]
        blocks.append(Block(cells, row=body.start, column=column, header=False))
    return SheetOutput(sheet, blocks, replace=False)
