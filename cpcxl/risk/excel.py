"""Risk worksheet functions and the Score register button. Thin: Excel values in, engine, out.

Each function takes a cell or a range as xlwings passes it (a value, a list, a list of lists)
and gives back the same shape; a blank gives a blank and a bad cell its own ``#VALUE!`` reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import xlwings as xw

from cpcxl.common.errors import InputError
from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.grid import Kind, broadcast, cell_error, flatten, from_grid
from cpcxl.common.values import is_blank, to_date, to_number
from cpcxl.xl.render import render

from . import engine, report, workbook
from .models import RiskMatrix, RiskRow
from .schemes import NHS_5X5, appetite_from_tables, matrix_from_tables, matrix_named

LIKELIHOOD_LABELS = "1 to 5, or Rare, Unlikely, Possible, Likely, Almost certain"


def _with_errors(out: np.ndarray, blank: np.ndarray, errors: np.ndarray) -> np.ndarray:
    out[blank] = None
    bad = ~np.equal(errors, None)
    out[bad] = [cell_error(m) for m in errors[bad]]
    return out


def _scored(likelihood: Any, impact: Any, matrix: Any) -> tuple[engine.Scores, tuple, Kind, Any]:
    cells, kind = broadcast(likelihood, impact)
    risk_matrix = matrix if isinstance(matrix, RiskMatrix) else matrix_named(matrix)
    return engine.score_cells(cells[0], cells[1], risk_matrix), cells[0].shape, kind, risk_matrix


@examples(
    Example((3, 4), 12, "Possible (3) × Major (4) = 12"),
    Example(("Likely", "catastrophic"), 20, "labels in any case: Likely is 4, Catastrophic 5"),
    Example(
        ([[1, "Rare"], [5, None]], [[5, "Minor"], [5, None]]),
        [[5, 2], [25, None]],
        "1×5, Rare(1)×Minor(2), 5×5; a blank pair stays blank",
    ),
    Example(
        ([2, "likley", 6], [3, 3, 3]),
        [
            6,
            "#VALUE! 'likley' is not a likelihood (did you mean 'Likely'?); "
            f"valid: {LIKELIHOOD_LABELS}",
            f"#VALUE! 6 is not a likelihood (scores run from 1 to 5); valid: {LIKELIHOOD_LABELS}",
        ],
        "a misspelt label and a 6 are errors in their own cells only",
    ),
)
def cpc_risk_score(likelihood: Any, impact: Any) -> Any:
    """Risk score = likelihood × impact on the NPSA 5×5 matrix: numbers 1-5 or labels (Rare..Almost certain, Negligible..Catastrophic). Takes a cell or a range; returns the same shape."""  # noqa: E501 (Excel shows it on one line)
    scored, shape, kind, _ = _scored(likelihood, impact, NHS_5X5)
    out = scored.scores.astype(object).reshape(-1)
    return from_grid(_with_errors(out, scored.blank, scored.errors).reshape(shape), kind)


@examples(
    Example((2, 3), "Moderate", "2 × 3 = 6, in the Moderate band (4-6)"),
    Example((3, 3, "nhs-5x5"), "High", "3 × 3 = 9, in the High band (8-12)"),
    Example(
        ([[4, "Almost certain"], [1, None]], [[2, "Minor"], [3, None]]),
        [["High", "High"], ["Low", None]],
        "4×2 = 8 High; 5×2 = 10 High; 1×3 = 3 Low; blank stays blank",
    ),
    Example(
        ([3.5, "#N/A"], [2, 2]),
        [
            "#VALUE! 3.5 is not a likelihood (scores are whole numbers from 1 to 5); "
            f"valid: {LIKELIHOOD_LABELS}",
            f"#VALUE! the cell holds the error #N/A; valid: {LIKELIHOOD_LABELS}",
        ],
        "a fraction and an Excel error value each give their own reason",
    ),
)
def cpc_risk_rating(likelihood: Any, impact: Any, matrix: Any = "nhs-5x5") -> Any:
    """Risk band (e.g. Low, Moderate, High, Extreme) of likelihood × impact on a named matrix (default nhs-5x5, the NPSA 5×5). Takes a cell or a range; returns the same shape."""  # noqa: E501 (Excel shows it on one line)
    scored, shape, kind, risk_matrix = _scored(likelihood, impact, matrix)
    out = engine.band_names(risk_matrix)[scored.scores]
    return from_grid(_with_errors(out, scored.blank, scored.errors).reshape(shape), kind)


@examples(
    Example(
        ([5, 1, 5, 3], ["Catastrophic", 1, 5, "Minor"]),
        [[0, 0, 0, 0, 2], [0] * 5, [0, 1, 0, 0, 0], [0] * 5, [1, 0, 0, 0, 0]],
        "rows are likelihood 5 down to 1, columns impact 1 to 5: two risks at 5×5, one at 3×2 "
        "and one at 1×1",
    ),
    Example(
        ([[2], [None], [2]], [[4], [None], ["Major"]]),
        [[0] * 5, [0] * 5, [0] * 5, [0, 0, 0, 2, 0], [0] * 5],
        "blank pairs are skipped; both risks sit at likelihood 2, impact 4",
    ),
    Example(
        ([1, 0], [1, 1]),
        "#VALUE! item 2: 0 is not a likelihood (scores run from 1 to 5); "
        f"valid: {LIKELIHOOD_LABELS}",
        "a count would be wrong with a bad cell left out, so the error names it",
    ),
)
def cpc_risk_heatmap(likelihoods: Any, impacts: Any) -> Any:
    """Heat map of risks on the NPSA 5×5 matrix: counts with likelihood 5 (Almost certain) in the top row down to 1, and impact 1 (Negligible) to 5 (Catastrophic) across."""  # noqa: E501 (Excel shows it on one line)
    scored, _, _, matrix = _scored(likelihoods, impacts, NHS_5X5)
    bad = np.flatnonzero(~np.equal(scored.errors, None))
    if bad.size:
        shown = "; ".join(f"item {i + 1}: {scored.errors[i]}" for i in bad[:3])
        more = f" (and {bad.size - 3} more)" if bad.size > 3 else ""
        raise InputError(shown + more)
    grid = engine.heat_map(scored.likelihood[scored.ok], scored.impact[scored.ok], matrix)
    return grid.tolist()


def _estimates(*ranges: Any) -> tuple[np.ndarray, ...]:
    """Four equal ranges of estimates as arrays, skipping rows left wholly blank."""
    columns = [flatten(r) for r in ranges]
    if len({len(c) for c in columns}) != 1:
        raise InputError("the four ranges differ in size", valid="ranges with one row per risk")
    names = ("probability", "minimum", "most likely", "maximum")
    readers = (engine.probability_cell, engine.money_cell, engine.money_cell, engine.money_cell)
    parsed = [engine.parse_cells(c, read) for c, read in zip(columns, readers, strict=True)]
    all_blank = np.logical_and.reduce([p.blank for p in parsed])
    problems = []
    for i in np.flatnonzero(~all_blank):
        for name, p in zip(names, parsed, strict=True):
            if p.errors[i] is not None:
                problems.append(f"item {i + 1} {name}: {p.errors[i]}")
            elif p.blank[i]:
                problems.append(f"item {i + 1} {name}: blank")
    if problems:
        raise InputError("; ".join(problems[:3]) + (" ..." if len(problems) > 3 else ""))
    return tuple(p.values[~all_blank].astype(float) for p in parsed)


def _option(value: Any, default: Any, what: str) -> float:
    return float(default) if is_blank(value) else to_number(value, what=what)


@examples(
    Example(
        ([1, 1, 0], [10000, 5000, 20000], [10000, 5000, 30000], [10000, 5000, 50000]),
        [
            ["Expected exposure", 15000],
            ["P50", 15000],
            ["P80", 15000],
            ["P95", 15000],
            ["Contingency at 80% confidence", 15000],
        ],
        "two certain risks of fixed cost £10,000 and £5,000 always total £15,000; the third "
        "never happens",
    ),
    Example(
        (
            [[1], ["100%"], [None]],
            [[2000], [3000], [None]],
            [[2000], [3000], [None]],
            [[2000], [3000], [None]],
            0.9,
        ),
        [
            ["Expected exposure", 5000],
            ["P50", 5000],
            ["P80", 5000],
            ["P95", 5000],
            ["Contingency at 90% confidence", 5000],
        ],
        "a range with a blank row: the two certain risks total £5,000 at any confidence",
    ),
    Example(
        ([0.5], [50000], [30000], [20000]),
        "#VALUE! item 1: minimum 50,000 is above maximum 20,000; "
        "valid: 0 ≤ probability ≤ 1 and min ≤ likely ≤ max",
        "a minimum above the maximum cannot be simulated",
    ),
)
def cpc_risk_exposure(
    probabilities: Any,
    minimums: Any,
    most_likely: Any,
    maximums: Any,
    confidence: Any = 0.8,
    iterations: Any = 10000,
    seed: Any = 1,
) -> Any:
    """Monte Carlo £ exposure of quantified risks (chance, min, most likely, max; Beta-PERT): expected, P50, P80, P95 and contingency at the confidence given (default 80%), in whole pounds."""  # noqa: E501 (Excel shows it on one line)
    p, low, mode, high = _estimates(probabilities, minimums, most_likely, maximums)
    exposure = engine.simulate_exposure(
        p,
        low,
        mode,
        high,
        confidence=_option(confidence, 0.8, "a confidence such as 80%"),
        iterations=_option(iterations, 10000, "a number of iterations"),
        seed=int(_option(seed, 1, "a seed")),
    )
    return [[label, engine.round_pounds(value)] for label, value in exposure.rows()]


# --- the Score register button -----------------------------------------------------------------


def _table(book: xw.Book, sheet: str, name: str) -> list[list[Any]]:
    """A table's cells, header first, as xlwings reads them."""
    table = book.sheets[sheet].tables[name]
    header = table.header_row_range.options(ndim=2).value
    body = table.data_body_range.options(ndim=2).value if table.data_body_range else []
    return [*header, *body]


def _named(book: xw.Book, name: str) -> Any:
    return book.names[name].refers_to_range.value


# Three risks scored by hand on the NPSA matrix, reviewed as of 01/06/2026:
# R1 Financial loss (Cautious: up to 9): inherent Likely × Major = 4 × 4 = 16; residual 3 × 4 =
#    12 > 9 above appetite; target 2 × 4 = 8 < 12 above target; review due 01/05/2026 overdue;
#    12 below the 16 at last review: Reduced.
# R2 Harm to vulnerable adults or children (Averse: up to 3): inherent 4 × 5 = 20 with no
#    controls (20 >= 8, the High band); residual 20 > 3; 20 above the 15 at last review.
# R3 Reputation: residual likelihood 'likley' is misspelt: the row says what to fix, its
#    inherent 2 × 2 = 4 (Moderate) stands as its current score.
# Heat map: rows are likelihood 5 (row 6) down to 1 (row 10), columns impact 1 (B) to 5 (F);
# the residual grid starts 8 rows lower (row 14). Summary: band counts from row 6 (Low).
EXAMPLE_AS_OF = dt.date(2026, 6, 1)
EXAMPLE_RISKS = (
    RiskRow(
        risk_id="R1",
        title="Home care provider fails financially",
        category="Financial loss",
        owner="Head of Commissioning",
        inherent_likelihood="Likely",
        inherent_impact="Major",
        controls="Monthly review of provider accounts",
        residual_likelihood=3,
        residual_impact=4,
        target_likelihood=2,
        target_impact=4,
        next_review=dt.date(2026, 5, 1),
        previous_score=16,
    ),
    RiskRow(
        risk_id="R2",
        title="Safeguarding referrals wait too long",
        category="Harm to vulnerable adults or children",
        owner="Safeguarding Lead",
        inherent_likelihood=4,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=5,
        next_review=dt.date(2026, 9, 1),
        previous_score=15,
    ),
    RiskRow(
        risk_id="R3",
        title="Press coverage of a contract dispute",
        category="Reputation",
        owner="Communications Manager",
        inherent_likelihood=2,
        inherent_impact="Minor",
        controls="Media protocol",
        residual_likelihood="likley",
        residual_impact=2,
    ),
)


def _example_workbook(folder: Path) -> Path:
    return workbook.build_register_workbook(
        folder / "register.xlsx", EXAMPLE_RISKS, as_of=EXAMPLE_AS_OF
    )


@examples(
    ScriptExample(
        _example_workbook,
        {
            "Register": {
                "AB6": "Above appetite (Cautious: up to 9); Above target (8); "
                "Review overdue (due 01/05/2026)",
                "W6": "Reduced",
                "AB7": "Above appetite (Averse: up to 3); High inherent risk, no controls",
                "W7": "Increased",
                "AB8": "Check Residual likelihood: 'likley' is not a likelihood (did you mean "
                f"'Likely'?); valid: {LIKELIHOOD_LABELS}",
                "W8": "No earlier score",
            },
            report.HEAT_MAP: {"E7": 1, "F7": 1, "C9": 1, "B6": 0, "E16": 1, "F15": 1, "C17": 1},
            report.SUMMARY: {"A6": "Low", "B6": 0, "B7": 1, "B9": 2, "C7": 1, "C8": 1, "C9": 1},
        },
        "three risks scored by hand on the NPSA matrix (see the comment above)",
    )
)
def score_register(book: xw.Book) -> None:
    """Score register: flags and movement on the Register; Heat map and Summary refreshed."""
    matrix = matrix_from_tables(
        _named(book, workbook.MATRIX_NAME),
        _table(book, workbook.MATRIX, "Likelihood"),
        _table(book, workbook.MATRIX, "Impact"),
        _table(book, workbook.MATRIX, "Bands"),
        _table(book, workbook.APPETITE, "AppetiteLevels"),
        high_from=_named(book, workbook.HIGH_FROM),
    )
    appetite = appetite_from_tables(matrix, _table(book, workbook.APPETITE, "Appetite"))
    as_of_cell = _named(book, workbook.REVIEW_DATE)
    as_of = dt.date.today() if is_blank(as_of_cell) else to_date(as_of_cell)

    table = book.sheets[workbook.REGISTER].tables[workbook.REGISTER_TABLE]
    rows = _table(book, workbook.REGISTER, workbook.REGISTER_TABLE)
    header_row = table.header_row_range.row
    scored, problems = report.score_rows(
        rows,
        matrix,
        appetite,
        as_of=as_of,
        first_row=header_row,
        first_column=table.header_row_range.column,
        sheet=workbook.REGISTER,
    )
    written = report.register_columns_out(scored, problems)
    position = {int(r): i for i, r in enumerate(scored[engine.ROW])}
    body_rows = range(header_row + 1, header_row + len(rows))
    for column, values in written.items():
        cells = [[values[position[r]] if r in position else None] for r in body_rows]
        if cells:
            table.data_body_range[0, rows[0].index(column)].resize(len(cells), 1).value = cells
    render(book, report.heat_map_output(scored, matrix, as_of=as_of))
    render(book, report.summary_output(scored, matrix, problems, as_of=as_of))
