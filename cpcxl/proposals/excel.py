"""Worksheet functions and the "Evaluate proposals" button: thin wrappers over the engine.

Each function reads its arguments with the value types of ``inputs.py`` (so a rate is a
fraction, 24% is 0.24, and 24 is refused with that hint), calls the engine and gives the
result back in the shape it was given. The button reads the workbook's tables through
xlwings, reads them into a round with ``inputs.read_round``, evaluates it and writes the
sheets ``outputs.py`` describes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.fields import MONEY, Number, Whole, parse_argument
from cpcxl.common.grid import Kind, cell_error, elementwise, from_grid, to_grid
from cpcxl.common.inputs import Cells
from cpcxl.common.limits import check_time
from cpcxl.common.values import is_blank

from . import engine, inputs, outputs
from .models import SCHEDULES, Schedule

if TYPE_CHECKING:
    import xlwings as xw

# Hand calculations used by the examples below.
# One proposal: £1,000 spent in year 0, £600 of benefits in each of years 1 and 2.
#   PV benefits = 600/1.035 + 600/1.035^2 = 579.710145 + 560.106420 = 1,139.816565
#   NPSV = 1,139.816565 - 1,000 = 139.816565; BCR = 1.139817
#   With 24% optimism bias (standard buildings) costs are 1,240: NPSV = -100.183435
PVB_EXAMPLE = 600 / 1.035 + 600 / 1.035**2
# A 3×3 reciprocal matrix a12 = 2, a13 = 4, a23 = 3: its principal eigenvector is the vector of
# row geometric means, (8^(1/3), 1.5^(1/3), (1/12)^(1/3)), and lambda_max = 1 + d^(1/3) +
# d^(-1/3) with d = a13 / (a12 × a23) = 2/3 (so CI = (lambda_max − 3)/2, CR = CI / 0.58).
_GEO = (2.0, 1.5 ** (1 / 3), (1 / 12) ** (1 / 3))
_D = 4 / (2 * 3)
CR_EXAMPLE = ((1 + _D ** (1 / 3) + _D ** (-1 / 3)) - 3) / 2 / 0.58

#: Years in a cost or benefit range: at most 301 (years 0 to 300), the tables' limit and a
#: local one, beyond the life of any proposal; checked before any cell is read, so a range of
#: 200,000 cells is refused at once rather than worked (issue 12 case 3: an IRR's polynomial
#: grows with the cube of the years).
MAX_YEARS = 301
#: A year for a discount factor: a local limit of 1,000 years, beyond any appraisal (the
#: Green Book's lowest rate, 1%, holds from year 301 on).
YEAR = Whole(0, 1000, what="a year from year 0", reason="a local limit beyond any appraisal")
#: The top of a scoring scale for CPC_WEIGHTED_SCORE: 5 by default, as the workbook's 0-5
#: scale (a local choice); up to 1,000, a local limit beyond any scale in use (0-5, 0-10,
#: 0-100).
SCALE_MAX = Number(
    what="the top of the scoring scale",
    low=1,
    high=1000,
    reason="a local limit: scoring scales run 0-5, 0-10 or 0-100",
)
DEFAULT_SCALE_MAX = 5


def _score_type(scale_max: float) -> Number:
    """A score on the scale 0..scale_max (issue 13 case 9: a score above the top of the scale
    is refused in its row's cell, not weighted as if it were on the scale)."""
    return Number(
        what="a score",
        low=0,
        high=scale_max,
        reason=f"the scoring scale, 0 to scale_max {scale_max:g}",
    )


def _schedule(value: Any) -> Schedule:
    if is_blank(value):
        return Schedule.STANDARD
    schedule: Schedule = parse_argument(SCHEDULES, value, "schedule")
    return schedule


def _year(year: Any, schedule: Any = None) -> float | None:
    if is_blank(year):
        return None
    number = parse_argument(YEAR, year, "year")
    return engine.discount_factor(number, _schedule(schedule))


@examples(
    Example((0,), 1.0, "Year 0 is the present and is not discounted."),
    Example((1,), 1 / 1.035, "Years 1-30 at the 3.5% STPR: 1/1.035."),
    Example((31,), 1 / (1.035**30 * 1.03), "Year 31 is discounted 30 years at 3.5%, then 3.0%."),
    Example((2, "health"), 1 / 1.015**2, "The health schedule starts at 1.5%: 1/1.015^2."),
    Example(
        ([[0], [10], [None]],),
        [[1.0], [1.035**-10], [None]],
        "A column of years gives a column of factors; a blank year stays blank.",
    ),
    Example(
        ([[1], ["soon"]],),
        [
            [1 / 1.035],
            [
                "#VALUE! year: 'soon' is not a year from year 0; valid: a year from year 0 "
                "from 0 to 1,000"
            ],
        ],
        "A bad cell explains itself and leaves the other cells alone.",
    ),
)
def cpc_discount_factor(year: Any, schedule: Any = "standard") -> Any:
    """Green Book discount factor for a year from year 0 (3.5% to year 30, then declining); schedule "standard" or "health" (1.5% declining)."""  # noqa: E501
    return elementwise(_year, year, schedule)


def _amounts(value: Any, what: str) -> tuple[np.ndarray, dict[int, str], set[int], Kind]:
    """A cost or benefit range as rows of yearly amounts (blanks inside a row are 0).

    Returns the amounts, a reason for each row with a bad cell, the rows that are wholly
    blank, and the shape the caller gave. One row (or a list) is one proposal.
    """
    grid = to_grid(value)
    cells = grid.cells
    table = grid.kind == "table" and cells.shape[0] > 1 and cells.shape[1] > 1
    if not table:
        cells = cells.reshape(1, -1)
    if cells.shape[1] > MAX_YEARS:  # before any cell is read (issue 12 case 3)
        raise InputError(
            f"{what}: the range covers {cells.shape[1]:,} years, more than the {MAX_YEARS} "
            f"(years 0 to {MAX_YEARS - 1}) a proposal may have",
            valid=f"at most {MAX_YEARS} years, one column (or cell) per year from year 0",
        )
    out = np.zeros(cells.shape)
    bad: dict[int, str] = {}
    blank = {r for r in range(cells.shape[0]) if all(is_blank(v) for v in cells[r])}
    for (r, c), cell in np.ndenumerate(cells):
        if is_blank(cell) or r in bad:
            continue
        try:
            out[r, c] = parse_argument(MONEY, cell, f"{what} year {c}")
        except InputError as exc:
            bad[r] = str(exc)
    if not table and bad:
        raise InputError(bad[0])
    return out, bad, blank, "table" if table else "scalar"


def _same_shape(c: np.ndarray, b: np.ndarray, what: str = "benefit") -> None:
    if c.shape != b.shape:
        raise InputError(
            f"the cost range covers {c.shape[1]} years but the {what} range covers {b.shape[1]}"
            + (f" for {c.shape[0]} against {b.shape[0]} rows" if c.shape[0] != b.shape[0] else ""),
            valid=f"cost and {what} ranges of the same size, from year 0",
        )


def _appraise(
    costs: Any,
    benefits: Any,
    schedule: Any,
    optimism_bias: Any,
    health_benefits: Any,
    column: str,
) -> Any:
    c, c_bad, c_blank, kind = _amounts(costs, "costs")
    b, b_bad, b_blank, _ = _amounts(benefits, "benefits")
    _same_shape(c, b)
    h: np.ndarray | None = None
    h_bad: dict[int, str] = {}
    h_blank = set(range(c.shape[0]))
    if not is_blank(health_benefits):
        h, h_bad, h_blank, _ = _amounts(health_benefits, "health_benefits")
        _same_shape(c, h, "health benefit")
    uplift = (
        0.0
        if is_blank(optimism_bias)
        else parse_argument(inputs.OPTIMISM_BIAS, optimism_bias, "optimism_bias")
    )
    values = engine.appraise(
        c,
        b,
        schedule=_schedule(schedule),
        optimism_bias=uplift,
        health_benefits=h,
        rates_of_return=False,
    )[column]
    out = np.empty((len(values), 1), dtype=object)
    for r, v in enumerate(values.to_numpy()):
        reason = c_bad.get(r) or b_bad.get(r) or h_bad.get(r)
        if reason:
            out[r, 0] = cell_error(reason)
        elif (r in c_blank and r in b_blank and r in h_blank) or math.isnan(v):
            out[r, 0] = None
        else:
            out[r, 0] = float(v)
    return from_grid(out, kind)


@examples(
    Example(
        ([1000, 0, 0], [0, 600, 600]),
        PVB_EXAMPLE - 1000,
        "PV benefits 600/1.035 + 600/1.035^2 = £1,139.82 less £1,000 of costs in year 0.",
    ),
    Example(
        ([1000, 0, 0], [0, 600, 600], "standard", 0.24),
        PVB_EXAMPLE - 1240,
        "24% optimism bias raises the costs to £1,240.",
    ),
    Example(
        ([1000, 0, 0], [0, 0, 0], "standard", 0, [0, 600, 600]),
        600 / 1.015 + 600 / 1.015**2 - 1000,
        "Health benefits are discounted at the health rate: 600/1.015 + 600/1.015^2 - 1000.",
    ),
    Example(
        ([0, 1000], [0, 1100], "health"),
        1100 / 1.015 - 1000 / 1.035,
        "The health schedule discounts the benefits at 1.5% and the costs at the standard 3.5%.",
    ),
    Example(
        ([1000, 0, 0], [0, 600, 600], "standard", "24%"),
        PVB_EXAMPLE - 1240,
        "24% typed as text is the same fraction, 0.24.",
    ),
    Example(
        ([1000, 0, 0], [0, 600, 600], "standard", 24),
        "#VALUE! optimism_bias: 24 is 2,400%, outside 0% to 200% for optimism bias (the Green "
        "Book supplementary guidance's upper bounds reach 200%); type 24% (or 0.24); valid: a "
        "percentage from 0% to 200%",
        "A rate is a fraction: 24 is 2,400%, above the guidance's highest upper bound (200%).",
    ),
    Example(
        ([0, -500, 0], [0, 0, 0], "standard", 2.0),
        500 / 1.035,
        "A saving typed as a cost of -500 in year 1 is not raised by optimism bias (it raises "
        "costs only): NPSV 500/1.035 = 483.09, as with no bias.",
    ),
    Example(
        ([[1000, 0, 0], [500, 500, 0]], [[0, 600, 600], [0, 0, 1100]]),
        [[PVB_EXAMPLE - 1000], [1100 / 1.035**2 - 500 - 500 / 1.035]],
        "A table gives one NPSV per row (one proposal per row).",
    ),
    Example(
        ([1000, "lots", 0], [0, 600, 600]),
        "#VALUE! costs year 1: 'lots' is not an amount in £; valid: an amount in £ from "
        "-£1,000,000,000,000 to £1,000,000,000,000",
        "Text in an amount is named by its year.",
    ),
    Example(
        ([[1000, 0, 0], [500, "tbc", 0]], [[0, 600, 600], [0, 0, 1100]]),
        [
            [PVB_EXAMPLE - 1000],
            [
                "#VALUE! costs year 1: 'tbc' is not an amount in £; valid: an amount in £ from "
                "-£1,000,000,000,000 to £1,000,000,000,000"
            ],
        ],
        "A bad amount spoils only its own proposal's row.",
    ),
    Example(
        ([1000, 0], [0, 600, 600]),
        "#VALUE! the cost range covers 2 years but the benefit range covers 3; valid: cost and "
        "benefit ranges of the same size, from year 0",
        "Costs and benefits must cover the same years.",
    ),
)
def cpc_npsv(
    costs: Any,
    benefits: Any,
    schedule: Any = "standard",
    optimism_bias: Any = 0,
    health_benefits: Any = None,
) -> Any:
    """Net present social value (Green Book) of yearly costs and benefits from year 0: costs at the standard rate, benefits at the schedule's, health_benefits at the health rate; optimism_bias (24% or 0.24) raises costs."""  # noqa: E501
    return _appraise(costs, benefits, schedule, optimism_bias, health_benefits, "npsv")


@examples(
    Example(
        ([1000, 0, 0], [0, 600, 600]),
        PVB_EXAMPLE / 1000,
        "PV benefits £1,139.82 over PV costs £1,000.",
    ),
    Example(
        ([1000, 0, 0], [0, 600, 600], "health", 0.24),
        (600 / 1.015 + 600 / 1.015**2) / 1240,
        "Health schedule (1.5%) and 24% optimism bias on costs.",
    ),
    Example(
        ([0, 1000], [0, 500], "standard", 0, [0, 600]),
        (500 / 1.035 + 600 / 1.015) / (1000 / 1.035),
        "500 of other benefits at 3.5% and 600 of health benefits at 1.5%, over 1000 at 3.5%.",
    ),
    Example(
        ([1000, 0, 0], [0, 600, 600], "standard", 2),
        PVB_EXAMPLE / 3000,
        "200% (equipment and development's upper bound) triples the costs: £3,000.",
    ),
    Example(
        ([[1000, 0], [0, 0]], [[0, 2070], [0, 100]]),
        [[2.0], [None]],
        "Per row: 2070/1.035 = 2000, so a ratio of 2; a row with no costs has no ratio.",
    ),
    Example(
        ([100, 0], [0, "#N/A"]),
        "#VALUE! benefits year 1: the cell holds the error #N/A; valid: an amount in £",
        "An error value in the range is named by its year.",
    ),
)
def cpc_bcr(
    costs: Any,
    benefits: Any,
    schedule: Any = "standard",
    optimism_bias: Any = 0,
    health_benefits: Any = None,
) -> Any:
    """Benefit-cost ratio (Green Book): PV of benefits (health_benefits at the health rate) over PV of costs (at the standard rate) from year 0; optimism_bias (24% or 0.24) raises costs."""  # noqa: E501
    return _appraise(costs, benefits, schedule, optimism_bias, health_benefits, "bcr")


def _irr_row(costs: np.ndarray, benefits: np.ndarray) -> float | str:
    rates = engine.irr_rates(benefits - costs)
    return rates[0] if len(rates) == 1 else cell_error(engine.irr_problem(rates), "#NUM!")


@examples(
    Example(
        ([1000, 0, 0], [0, 600, 600]),
        1 / ((-600 + math.sqrt(600**2 + 4 * 600 * 1000)) / 1200) - 1,
        "-1000 + 600x + 600x^2 = 0 with x = 1/(1+r): x = 0.884437, so r = 13.07%.",
    ),
    Example(
        ([100, 0, 132], [0, 230, 0]),
        "#NUM! the net flows have 2 internal rates of return (10% and 20%): more than one rate "
        "makes the net present value zero, so no one rate describes them",
        "-100 + 230/(1+r) - 132/(1+r)^2 = 0 is 100(1+r)^2 - 230(1+r) + 132 = 0: 1+r = 1.1 or "
        "1.2, rates of 10% and 20%.",
    ),
    Example(
        ([[100, 0], [0, 0]], [[0, 121], [0, 5]]),
        [
            [0.21],
            [
                "#NUM! no rate makes the net present value zero, so there is no internal "
                "rate of return"
            ],
        ],
        "Per row: 121/(1+r) = 100 gives 21%; benefits with no cost never change sign.",
    ),
)
def cpc_irr(costs: Any, benefits: Any) -> Any:
    """Internal rate of return of yearly benefits less costs from year 0; an error listing every rate where the net flows have more than one."""  # noqa: E501
    c, c_bad, c_blank, kind = _amounts(costs, "costs")
    b, b_bad, b_blank, _ = _amounts(benefits, "benefits")
    _same_shape(c, b)
    out = np.empty((c.shape[0], 1), dtype=object)
    for r in range(c.shape[0]):
        check_time()
        reason = c_bad.get(r) or b_bad.get(r)
        if reason:
            out[r, 0] = cell_error(reason)
        elif r in c_blank and r in b_blank:
            out[r, 0] = None
        else:
            out[r, 0] = _irr_row(c[r], b[r])
    return from_grid(out, kind)


def _weights(value: Any) -> np.ndarray:
    out = []
    for position, cell in enumerate(to_grid(value).cells.reshape(-1), start=1):
        if is_blank(cell):
            raise InputError(f"weight {position} is blank", valid="a weight for every criterion")
        out.append(parse_argument(inputs.WEIGHT, cell, f"weight {position}"))
    return np.array(out)


def _row_score(row: np.ndarray, weights: np.ndarray, score: Number) -> float:
    values = []
    for position, cell in enumerate(row, start=1):
        if is_blank(cell):
            raise InputError(f"score {position} is blank", valid="a score for every criterion")
        values.append(parse_argument(score, cell, f"score {position}"))
    return float(engine.weighted_scores(np.array([values]), weights)[0])


@examples(
    Example(
        ([4, 3, 5], [0.5, 0.3, 0.2]),
        3.9,
        "0.5×4 + 0.3×3 + 0.2×5 = 2 + 0.9 + 1 = 3.9.",
    ),
    Example(
        ([[4, 3, 5], [2, 2, 2], [None, None, None]], ["50%", "30%", "20%"]),
        [[3.9], [2.0], [None]],
        "One weighted score per row (proposal); a blank row stays blank.",
    ),
    Example(
        ([[4, 3, 5], [2, "n/a", 2]], [0.5, 0.3, 0.2]),
        [[3.9], ["#VALUE! score 2: 'n/a' is not a score; valid: a score from 0 to 5"]],
        "A bad score spoils only its own row.",
    ),
    Example(
        ([4, 6, 5], [0.5, 0.3, 0.2]),
        "#VALUE! score 2: 6 is outside 0 to 5 (the scoring scale, 0 to scale_max 5); valid: a "
        "score from 0 to 5",
        "A 6 on a 0-5 scale is refused, not weighted into a score of 4.9 out of 5.",
    ),
    Example(
        ([4, 6, 5], [0.5, 0.3, 0.2], 10),
        4.8,
        "On a 0-10 scale the 6 is a score: 0.5×4 + 0.3×6 + 0.2×5 = 2 + 1.8 + 1 = 4.8.",
    ),
    Example(
        ([4, 3, 5], [0.5, 0.3, 0.3]),
        "#VALUE! the weights add up to 110.0%, not 100%; valid: weights that sum to 100%",
        "Weights must sum to 100%.",
    ),
    Example(
        ([4, 3, 5], [50, 30, 20]),
        "#VALUE! weight 1: 50 is 5,000%, outside 0% to 100% for a weight (a criterion's share "
        "of the whole; the weights total 100%); type 50% (or 0.5); valid: a percentage from 0% "
        "to 100%",
        "A weight is a share: 50 is 5,000%, not 50%.",
    ),
)
def cpc_weighted_score(scores: Any, weights: Any, scale_max: Any = DEFAULT_SCALE_MAX) -> Any:
    """Weighted score: the sum of weight × score for each row of scores (one column per criterion, each from 0 to scale_max, 5 if blank); the weights are shares that sum to 100%."""  # noqa: E501
    top = (
        DEFAULT_SCALE_MAX
        if is_blank(scale_max)
        else parse_argument(SCALE_MAX, scale_max, "scale_max")
    )
    score = _score_type(top)
    w = _weights(weights)
    grid = to_grid(scores)
    cells = grid.cells.reshape(1, -1) if grid.kind != "table" else grid.cells
    engine.weighted_scores(np.zeros((1, len(w))), w)  # checks the weights once, for every row
    out = np.empty((cells.shape[0], 1), dtype=object)
    for r, row in enumerate(cells):
        if all(is_blank(v) for v in row):
            out[r, 0] = None
            continue
        check_time()
        try:
            out[r, 0] = _row_score(row, w, score)
        except InputError as exc:
            out[r, 0] = cell_error(str(exc))
    return from_grid(out, "table" if grid.kind == "table" and cells.shape[0] > 1 else "scalar")


def _matrix(value: Any) -> list[list[float]]:
    """Each cell a judgement; a problem names the cell by row and column. A matrix larger
    than Saaty's random index table (15 × 15) is refused before any cell is read."""
    cells = to_grid(value).cells
    if max(cells.shape) > max(engine.RANDOM_INDEX):
        raise InputError(
            f"the matrix is {cells.shape[0]} × {cells.shape[1]}: {max(cells.shape)} items are "
            "too many to compare pairwise reliably",
            valid=f"at most {max(engine.RANDOM_INDEX)} × {max(engine.RANDOM_INDEX)} (Saaty's "
            "random index table stops there)",
        )
    matrix = []
    for r, row in enumerate(cells, start=1):
        judged = []
        for c, cell in enumerate(row, start=1):
            where = f"row {r}, column {c}"
            if is_blank(cell):
                raise InputError(
                    f"{where} is blank", valid="a judgement from 1/9 to 9 in every cell"
                )
            judged.append(parse_argument(inputs.JUDGEMENT, cell, where))
        matrix.append(judged)
    return matrix


@examples(
    Example(
        ([[1, 2, 6], [0.5, 1, 3], [1 / 6, 1 / 3, 1]],),
        [[0.6], [0.3], [0.1]],
        "Consistent judgements (a_ij = w_i/w_j for weights 0.6, 0.3, 0.1) give those weights.",
    ),
    Example(
        ([[1, 2, 4], [0.5, 1, 3], [0.25, "1/3", 1]],),
        [[g / sum(_GEO)] for g in _GEO],
        "For a 3×3 the principal eigenvector is the row geometric means: 2, 1.145, 0.437.",
    ),
    Example(
        ([[1, 3, 1], [0.33, 1, 0.33], [1, 3, 1]],),
        [[3 / 7], [1 / 7], [3 / 7]],
        "A typed 0.33 is 1/3 above the diagonal as below: weights 3 : 1 : 3, so 3/7, 1/7, 3/7.",
    ),
    Example(
        ([[1, 3], [3, 1]],),
        "#VALUE! the matrix is not reciprocal: row 1, column 2 is 3 but row 2, column 1 is 3; "
        "valid: row 2, column 1 = 1/3 = 0.3333",
        "Each judgement below the diagonal must be the reciprocal of the one above.",
    ),
    Example(
        ([[1, 30], [1 / 30, 1]],),
        "#VALUE! row 1, column 2: 30 is outside Saaty's scale; valid: a judgement from 1/9 to 9, "
        "such as 3 or 1/3",
        "Saaty's scale runs from 1/9 to 9.",
    ),
)
def cpc_ahp_weights(matrix: Any) -> Any:
    """Criteria weights from a pairwise comparison matrix (analytic hierarchy process, principal eigenvector), one per row; refused if the consistency ratio is above 0.10."""  # noqa: E501
    weights = engine.ahp_weights(_matrix(matrix))
    return [[float(w)] for w in weights]


@examples(
    Example(([[1, 2, 6], [0.5, 1, 3], [1 / 6, 1 / 3, 1]],), 0.0, "Consistent judgements: CR 0."),
    Example(
        ([[1, 2, 4], [0.5, 1, 3], [0.25, 1 / 3, 1]],),
        CR_EXAMPLE,
        "lambda_max = 1 + (2/3)^(1/3) + (3/2)^(1/3) = 3.01830; CI 0.00915; CR = CI/0.58 = 0.0158.",
    ),
    Example(
        ([[1, 2, 3], [0.5, 1, 4]],),
        "#VALUE! the pairwise comparison matrix is not square (2×3); valid: n rows by n "
        "columns, one row and one column per criterion",
        "The matrix must be square.",
    ),
)
def cpc_ahp_consistency(matrix: Any) -> Any:
    """Saaty's consistency ratio of a pairwise comparison matrix (CI / random index); 0.10 or less is acceptable."""  # noqa: E501
    return float(engine.ahp(_matrix(matrix)).consistency_ratio)


FUNCTIONS: list[Callable[..., Any]] = [
    cpc_discount_factor,
    cpc_npsv,
    cpc_bcr,
    cpc_irr,
    cpc_weighted_score,
    cpc_ahp_weights,
    cpc_ahp_consistency,
]


# --- the button ---------------------------------------------------------------------------


def _example_round(folder: Path) -> Path:
    from .sample import two_proposals

    return two_proposals(folder / "round.xlsx")


@examples(
    ScriptExample(
        _example_round,
        {
            # X: 600/1.035 + 600/1.035^2 - 1000 = 139.82 -> £140, BCR 1.14 (below 1.5: Amend).
            # Y: 1100 × 1.899694 - 1000 = 1,089.66 -> £1,090, BCR 2.09 (Accept).
            "Appraisal": {"A3": "X", "I3": 140, "J3": 1.14, "I4": 1090, "J4": 2.09},
            # Six criteria rows, then the scores block: every score 4 of 5, weighted 4.00, 80%.
            "Scores": {"A12": "X", "I12": 4.0, "J12": 0.8},
            # Year 0 budget £1,500 funds one £1,000 proposal: Y gives more value.
            "Portfolio": {"A7": "Y", "A11": "X"},
            "Feedback": {"A3": "X", "D3": "Amend", "A4": "Y", "D4": "Accept"},
        },
        "Two hand-appraised proposals; the budget in year 0 funds only one.",
    )
)
def evaluate_proposals(book: xw.Book) -> None:
    """Evaluate proposals: appraise, score, decide and choose the portfolio for the round."""
    from cpcxl.xl.book import read_book_tables, sheet_rows
    from cpcxl.xl.render import render

    names = [s.name for s in book.sheets]
    tables = read_book_tables(book, inputs.TABLES)
    pairwise = None
    if inputs.PAIRWISE_SHEET in names:
        pairwise = Cells(sheet_rows(book.sheets[inputs.PAIRWISE_SHEET]))
    try:
        round_ = inputs.read_round(tables, pairwise=pairwise, file=book.name)
        result = engine.evaluate(round_)
    except (InputError, InputErrors) as exc:
        render(book, outputs.problems_sheet(exc))
        return
    sheets = outputs.result_sheets(result, round_.notes)
    for output in sheets:
        render(book, output)
    _charts(book, result)
    written = {s.name for s in sheets}
    for stale in (outputs.PROBLEMS_SHEET, outputs.NOTES_SHEET):
        # From an earlier press: the problems were fixed, or there is nothing to note now.
        if stale in names and stale not in written:
            book.sheets[stale].delete()


def _charts(book: xw.Book, result: engine.RoundResult) -> None:
    """The score and budget charts, drawn from the cells just written (replacing earlier ones)."""
    n = len(result.feedback)
    _chart(book.sheets["Ranking"], "Scores chart", "bar_clustered", f"B2:C{n + 2}", "K2")
    if result.portfolio is not None:
        years = len(result.portfolio.budgets)
        _chart(
            book.sheets["Portfolio"], "Budget chart", "column_clustered", f"A2:C{years + 2}", "F2"
        )


def _chart(sheet: xw.Sheet, name: str, kind: str, source: str, anchor: str) -> None:
    for chart in list(sheet.charts):
        if chart.name == name:
            chart.delete()
    sheet.charts.add(
        0,
        0,
        420,
        260,
        chart_type=kind,
        source=sheet.range(source),
        name=name,
        anchor=sheet.range(anchor),
    )


SCRIPTS: list[Callable[..., None]] = [evaluate_proposals]
