"""Risk worksheet functions and the Score register button. Thin: cells in through ``inputs``,
the engine, and back out through ``outputs``.

Each function takes a cell or a range as xlwings passes it (a value, a list, a list of lists)
and gives back the same shape; a blank gives a blank and a bad cell its own ``#VALUE!`` reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import xlwings as xw

from cpcxl.common.errors import InputError
from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.fields import NUMBER, TEXT
from cpcxl.common.grid import Kind, broadcast, cell_error, from_grid
from cpcxl.common.inputs import Cells
from cpcxl.xl.book import read_book_tables
from cpcxl.xl.render import render

from . import engine, inputs, outputs
from .inputs import CONFIDENCE, ITERATIONS, SEED, flagged, option
from .models import RiskMatrix
from .schemes import NHS_5X5, matrix_named

LIKELIHOOD_LABELS = "1 to 5, or Rare, Unlikely, Possible, Likely, Almost certain"


def _rated(
    likelihood: Any, impact: Any, matrix: RiskMatrix
) -> tuple[inputs.Ratings, tuple[int, ...], Kind]:
    cells, kind = broadcast(likelihood, impact)
    return inputs.read_ratings(cells[0], cells[1], matrix), cells[0].shape, kind


def _cells(out: np.ndarray, ratings: inputs.Ratings, shape: tuple[int, ...], kind: Kind) -> Any:
    """Results back in the caller's shape: blanks blank, each bad pair its own reason."""
    out[ratings.blank] = None
    bad = flagged(ratings.errors)
    out[bad] = [cell_error(m) for m in ratings.errors[bad]]
    return from_grid(out.reshape(shape), kind)


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
            "#VALUE! 'likley' is not a likelihood; did you mean 'Likely'?; "
            f"valid: {LIKELIHOOD_LABELS}",
            f"#VALUE! 6 is not a likelihood (scores run from 1 to 5); valid: {LIKELIHOOD_LABELS}",
        ],
        "a misspelt label and a 6 are errors in their own cells only",
    ),
)
def cpc_risk_score(likelihood: Any, impact: Any) -> Any:
    """Risk score = likelihood × impact on the NPSA 5×5 matrix: numbers 1-5 or labels (Rare..Almost certain, Negligible..Catastrophic). Takes a cell or a range; returns the same shape."""  # noqa: E501 (Excel shows it on one line)
    ratings, shape, kind = _rated(likelihood, impact, NHS_5X5)
    out = engine.scores(ratings.likelihood, ratings.impact).astype(object).reshape(-1)
    return _cells(out, ratings, shape, kind)


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
    risk_matrix = matrix_named(option(TEXT, matrix, None, "matrix"))
    ratings, shape, kind = _rated(likelihood, impact, risk_matrix)
    score = engine.scores(ratings.likelihood, ratings.impact)
    out = engine.band_names(risk_matrix)[score.reshape(-1)]
    return _cells(out, ratings, shape, kind)


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
    ratings, _, _ = _rated(likelihoods, impacts, NHS_5X5)
    bad = np.flatnonzero(flagged(ratings.errors))
    if bad.size:
        shown = "; ".join(f"item {i + 1}: {ratings.errors[i]}" for i in bad[:3])
        more = f" (and {bad.size - 3} more)" if bad.size > 3 else ""
        raise InputError(shown + more)
    grid = engine.heat_map(ratings.likelihood[ratings.ok], ratings.impact[ratings.ok], NHS_5X5)
    return grid.tolist()


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
        "#VALUE! item 1: minimum £50,000 is above maximum £20,000; "
        "valid: 0 ≤ probability ≤ 1 and min ≤ likely ≤ max",
        "a minimum above the maximum cannot be simulated",
    ),
    Example(
        ([30], [1000], [2000], [3000]),
        "#VALUE! item 1 probability: 30 is 3,000%, outside 0% to 100% for a chance of "
        "occurring (a chance runs from 0%, never, to 100%, certain); type 30% (or 0.3); "
        "valid: a percentage from 0% to 100%",
        "a chance is a rate: 30 is 3,000%, refused with what was meant, never divided by 100",
    ),
    Example(
        ([0.1, 0.1], [100, 100], [100, 100], [100, 100], 0.8, 100000, 1, 0),
        [
            ["Expected exposure", 20],
            ["P50", 0],
            ["P80", 0],
            ["P95", 100],
            ["Contingency at 80% confidence", 0],
        ],
        "two independent 10% chances of £100: expected 2 × 10% × £100 = £20; nothing in "
        "81% of iterations, both in only 1%, so P95 is £100",
    ),
    Example(
        ([0.1, 0.1], [100, 100], [100, 100], [100, 100], 0.8, 100000, 1, 1),
        [
            ["Expected exposure", 20],
            ["P50", 0],
            ["P80", 0],
            ["P95", 200],
            ["Contingency at 80% confidence", 0],
        ],
        "the same risks wholly correlated: they happen together, both in 10% of iterations, "
        "so P95 is £200; the expected £20 does not change",
    ),
    Example(
        ([0.5, 0.5], [1, 1], [2, 2], [3, 3], 0.8, 1000, 1, [[1, 0.5], [0.3, 1]]),
        "#VALUE! correlation: the correlation matrix is not symmetric: row 1, column 2 is 0.5 "
        "but row 2, column 1 is 0.3; valid: a square range, symmetric, 1 on the diagonal, each "
        "value from -1 to 1",
        "a correlation between two risks is one number: the matrix must read the same both ways",
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
    correlation: Any = 0,
) -> Any:
    """Monte Carlo £ exposure of quantified risks (chance, min, most likely, max; Beta-PERT; correlation one coefficient or a square range, Iman-Conover): expected, P50, P80, P95, contingency at the confidence (default 80%), whole £."""  # noqa: E501 (Excel shows it on one line)
    estimates = inputs.read_estimates(probabilities, minimums, most_likely, maximums)
    exposure = engine.simulate_exposure(
        *estimates.arrays(),
        confidence=option(CONFIDENCE, confidence, 0.8, "confidence"),
        iterations=int(option(ITERATIONS, iterations, 10000, "iterations")),
        seed=int(option(SEED, seed, 1, "seed")),
        correlation=_correlation(correlation, estimates.kept),
    )
    return [[label, engine.round_pounds(value)] for label, value in exposure.rows()]


def _correlation(value: Any, kept: np.ndarray) -> float | np.ndarray:
    """The correlation argument: one coefficient, or a matrix with a row and a column for each
    row of the ranges (those of rows left blank dropped), checked where the user typed it."""
    try:
        read = inputs.read_correlation(value)
        if isinstance(read, float):
            return read
        engine.check_matrix(read, int(kept.size))
    except engine.CorrelationError as exc:
        offer = (
            "; =CPC_RISK_NEAREST_CORRELATION(range) gives the nearest valid one (Higham's method)"
            if exc.nearest is not None
            else ""
        )
        raise InputError(f"correlation: {exc.message}{offer}", valid=exc.valid) from None
    except InputError as exc:
        raise InputError(f"correlation: {exc.message}", valid=exc.valid) from None
    return read[np.ix_(kept, kept)]


@examples(
    Example(
        ([[1, 0.3], [0.3, 1]],),
        [[1, 0.3], [0.3, 1]],
        "a valid correlation matrix is its own nearest",
    ),
    Example(
        ([[1, 1.5], [1.5, 1]],),
        [[1, 1], [1, 1]],
        "two risks' correlation is at most 1: the nearest matrix to 1.5 has 1 (the nearest "
        "point of [-1, 1])",
    ),
    Example(
        ([[1, 0.2], [0.4, 1]],),
        [[1, 0.3], [0.3, 1]],
        "an asymmetric matrix is first averaged with its transpose: (0.2 + 0.4) / 2 = 0.3",
    ),
)
def cpc_risk_nearest_correlation(matrix: Any) -> Any:
    """The nearest valid correlation matrix to a square range (Higham's method, 2002): symmetric, 1 on the diagonal, positive semi-definite; for a matrix CPC_RISK_EXPOSURE refuses."""  # noqa: E501 (Excel shows it on one line)
    read = inputs.read_correlation(matrix, kind=NUMBER)
    if isinstance(read, float) or read.shape[0] != read.shape[1]:
        raise InputError("the range is not square", valid="a square range of correlations")
    nearest = engine.nearest_correlation(read)
    return np.round(nearest, 10).tolist()


FUNCTIONS: list[Callable[..., Any]] = [
    cpc_risk_score,
    cpc_risk_rating,
    cpc_risk_heatmap,
    cpc_risk_exposure,
    cpc_risk_nearest_correlation,
]


# --- the Score register button -----------------------------------------------------------------


def _example_workbook(folder: Path) -> Path:
    from .sample import example_workbook  # the sample layer builds it (with openpyxl)

    return example_workbook(folder)


def _named_values(book: xw.Book) -> dict[str, Any]:
    """The values of the register's named input cells that the workbook still has."""
    names = {name.name for name in book.names}
    return {
        n.name: book.names[n.name].refers_to_range.value
        for n in inputs.NAMED_CELLS
        if n.name in names
    }


@examples(
    ScriptExample(
        _example_workbook,
        {
            "Register": {
                "AH6": "Above appetite (Cautious: up to 9); Above target (8); "
                "Review overdue (due 01/05/2026)",
                "W6": "Reduced",
                "AH7": "Above appetite (Averse: up to 3); High inherent risk, no controls",
                "W7": "Increased",
                "AH8": "Check Residual likelihood: 'likley' is not a likelihood; did you mean "
                f"'Likely'?; valid: {LIKELIHOOD_LABELS}",
                "W8": "No earlier score",
            },
            outputs.HEAT_MAP: {"E7": 1, "F7": 1, "C9": 1, "B6": 0, "E16": 1, "F15": 1, "C17": 1},
            outputs.SUMMARY: {"A6": "Low", "B6": 0, "B7": 1, "B9": 2, "C7": 1, "C8": 1, "C9": 1},
        },
        "three risks scored by hand on the NPSA matrix (see cpcxl.risk.sample)",
    )
)
def score_register(book: xw.Book) -> None:
    """Score register: flags and movement on the Register; Heat map and Summary refreshed."""
    # (and the Actions' and Incidents' flags, the Exposure sheet and the Board report: the
    # first line stays as macros/cpcxl.bas quotes it)
    cells = read_book_tables(book, inputs.TABLES)
    correlation = _sheet_cells(book, inputs.CORRELATION_SHEET)
    if correlation is not None:
        cells[inputs.CORRELATION_CELLS] = correlation
    read = inputs.read_register_book(cells, _named_values(book))
    result = engine.assess(
        read.register.risks,
        read.matrix,
        read.appetite,
        as_of=read.as_of,
        actions=read.actions.usable() if read.actions is not None else None,
        incidents=read.incidents.usable() if read.incidents is not None else None,
        correlation=read.correlation,
    )
    for output in outputs.register_sheets(result, read):
        render(book, output)


def _sheet_cells(book: xw.Book, name: str) -> Cells | None:
    """A sheet's used cells, from where they start (the Correlation sheet's matrix is not an
    Excel Table)."""
    if name not in [s.name for s in book.sheets]:
        return None
    used = book.sheets[name].used_range
    values = used.options(ndim=2).value
    return Cells(values, first_row=used.row, first_column=used.column)


SCRIPTS: list[Callable[..., None]] = [score_register]
