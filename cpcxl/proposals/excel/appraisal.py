"""The appraisal's worksheet functions: discount factors, NPSV, BCR and IRR.

Each reads its arguments with the value types of ``inputs`` (so a rate is a fraction, 24%
is 0.24, and 24 is refused with that hint), calls the engine and gives the result back in
the shape it was given.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cpcxl.common.errors import InputError
from cpcxl.common.examples import Example, examples
from cpcxl.common.fields import MONEY, Whole, parse_argument
from cpcxl.common.grid import Kind, cell_error, elementwise, from_grid, to_grid
from cpcxl.common.limits import check_time
from cpcxl.common.values import is_blank

from .. import engine, inputs
from ..models import SCHEDULES, Schedule

# Hand calculations used by the examples below.
# One proposal: £1,000 spent in year 0, £600 of benefits in each of years 1 and 2.
#   PV benefits = 600/1.035 + 600/1.035^2 = 579.710145 + 560.106420 = 1,139.816565
#   NPSV = 1,139.816565 - 1,000 = 139.816565; BCR = 1.139817
#   With 24% optimism bias (standard buildings) costs are 1,240: NPSV = -100.183435
PVB_EXAMPLE = 600 / 1.035 + 600 / 1.035**2

#: Years in a cost or benefit range: at most 301 (years 0 to 300), the tables' limit and a
#: local one, beyond the life of any proposal; checked before any cell is read, so a range of
#: 200,000 cells is refused at once rather than worked (issue 12 case 3: an IRR's polynomial
#: grows with the cube of the years).
MAX_YEARS = 301
#: A year for a discount factor: a local limit of 1,000 years, beyond any appraisal (the
#: Green Book's lowest rate, 1%, holds from year 301 on).
YEAR = Whole(0, 1000, what="a year from year 0", reason="a local limit beyond any appraisal")


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
