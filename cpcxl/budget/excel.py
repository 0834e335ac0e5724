"""Worksheet functions and the "Build budget" button; thin: cells in, engine, cells out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import xlwings as xw

from cpcxl.common import formats
from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.fields import CellType, parse_argument
from cpcxl.common.grid import Kind, cell_error, elementwise, from_grid, to_grid
from cpcxl.common.limits import check_time
from cpcxl.common.values import is_blank
from cpcxl.xl.book import read_book_tables
from cpcxl.xl.render import render

from . import engine, inputs, outputs
from .inputs import MAX_PERIODS
from .models import ForecastMethod, RiskBasis
from .sample import sample_workbook

# --- worksheet functions ---------------------------------------------------------------------


def _numbers(value: Any, kind: CellType) -> tuple[np.ndarray, np.ndarray, Kind]:
    """A range's cells read by ``kind`` (NaN for blanks and bad cells), each bad cell's
    InputError (None for the others), and the range's shape."""
    grid = to_grid(value)
    numbers = np.full(grid.cells.shape, np.nan)
    errors = np.full(grid.cells.shape, None, dtype=object)
    for count, index in enumerate(np.ndindex(grid.cells.shape)):
        if count % 4096 == 4095:
            check_time()  # a range of up to MAX_ARGUMENT_CELLS stops at the server's time limit
        cell = grid.cells[index]
        if is_blank(cell):
            continue
        try:
            numbers[index] = kind.parse(cell)
        except InputError as exc:
            errors[index] = exc
    return numbers, errors, grid.kind


def _all_good(value: Any, kind: CellType, name: str) -> np.ndarray:
    """A range's numbers, every one of them good (a bad cell's error names the argument)."""
    numbers, errors, _ = _numbers(value, kind)
    for exc in errors.reshape(-1):
        if exc is not None:
            raise InputError(f"{name}: {exc.message}", valid=exc.valid)
    return numbers


def _result(values: np.ndarray, errors: np.ndarray, kind: Kind) -> Any:
    """Results in the caller's shape: a bad cell says why, a blank (NaN) stays blank."""
    out = np.empty(values.shape, dtype=object)
    for index in np.ndindex(values.shape):
        exc = errors[index]
        out[index] = cell_error(str(exc)) if exc is not None else float(values[index])
    return from_grid(out, kind)  # NaN comes back as a blank


@examples(
    Example(
        ([[300], [200], [500]],),
        [[0.3], [0.2], [0.5]],
        "300 + 200 + 500 = 1,000; 300/1,000 = 30%, 200/1,000 = 20%, 500/1,000 = 50%",
    ),
    Example(
        ([[1, 1, 1]],),
        [[1 / 3, 1 / 3, 1 / 3]],
        "three equal amounts have a third each",
    ),
    Example(
        ([[600], ["lots"], [None], [400]],),
        [
            [0.6],
            [
                "#VALUE! 'lots' is not an amount in £; valid: an amount in £ from "
                "-£1,000,000,000,000 to £1,000,000,000,000"
            ],
            [None],
            [0.4],
        ],
        "as SUM does, the text is left out: 600 + 400 = 1,000, so 60% and 40%; the text cell "
        "says why and the blank stays blank",
    ),
)
def cpc_pool_shares(amounts: Any) -> Any:
    """Each amount's share of the total of the amounts (same shape); blanks stay blank."""
    numbers, errors, kind = _numbers(amounts, inputs.AMOUNT)
    return _result(engine.pool_shares(numbers), errors, kind)


@examples(
    Example(
        ([[100], [100], [100]], 100),
        [[33.34], [33.33], [33.33]],
        "£100.00 = 10,000p; a third each is 3,333.33p; 3 × 3,333p = 9,999p leaves 1p, which "
        "goes to the first of the equal fractions: £33.34 + £33.33 + £33.33 = £100.00",
    ),
    Example(
        ([[600000], [300000], [100000]], 25000),
        [[15000.0], [7500.0], [2500.0]],
        "pro rata: £25,000 × 60% = £15,000, × 30% = £7,500, × 10% = £2,500",
    ),
    Example(
        ([[600000], [300000], [100000]], -10000, "fixed", [[0.5], [0.25], [0.25]]),
        [[-5000.0], [-2500.0], [-2500.0]],
        "an underspend of £10,000 on fixed shares 50/25/25: £5,000, £2,500 and £2,500 back",
    ),
    Example(
        ([[600000], [300000], [100000]], 10000, "host", 2),
        [[0.0], [10000.0], [0.0]],
        "the host (the second partner) bears the whole £10,000",
    ),
    Example(
        ([[600000], [300000], [100000]], 10000, "capped", [[None], [1000], [None]]),
        [[7714.29], [1000.0], [1285.71]],
        "pro rata would be £6,000/£3,000/£1,000 but the second is capped at £1,000; the other "
        "£9,000 is shared 6:1: 900,000p × 6/7 = 771,428.57p, × 1/7 = 128,571.43p; the spare "
        "penny goes to the larger fraction (.57): £7,714.29 and £1,285.71",
    ),
    Example(
        ([[80, 0], [20, 50]], [[1000, 300]], "pro_rata_per_line"),
        [[800.0, 0.0], [200.0, 300.0]],
        "per line: line 1's £1,000 split 80:20 = £800 and £200; line 2's £300 all to the only "
        "contributor",
    ),
    Example(
        ([[80, 0], [20, 0]], [[1000, 300]], "pro_rata_per_line", 2),
        [[800.0, 0.0], [200.0, 300.0]],
        "line 2 has no contributions, so its £300 goes to the host named in terms (row 2); "
        "the parts add up to £1,000 and £300 as given",
    ),
    Example(
        ([[80, 0], [20, 0]], [[1000, 300]], "pro_rata_per_line"),
        [
            [
                800.0,
                "#VALUE! line 2 has a variance of £300.00 but no contributions, and terms name "
                "no host or lead to bear it; valid: in terms, the host's row (1 to 2) or a row "
                "of each line's lead",
            ],
            [
                200.0,
                "#VALUE! line 2 has a variance of £300.00 but no contributions, and terms name "
                "no host or lead to bear it; valid: in terms, the host's row (1 to 2) or a row "
                "of each line's lead",
            ],
        ],
        "with no one named to bear line 2's £300, its own cells say so; it is never split "
        "among nobody, and line 1 is still £800 and £200",
    ),
    Example(
        ([[100], ["n/a"], [100]], 50),
        [
            [25.0],
            [
                "#VALUE! 'n/a' is not an amount in £; valid: an amount in £ from "
                "-£1,000,000,000,000 to £1,000,000,000,000"
            ],
            [25.0],
        ],
        "the text is left out as SUM does; £50 shared 1:1 by the other two",
    ),
)
def cpc_risk_share(
    contributions: Any, variance: Any, basis: Any = "pro_rata", terms: Any = None
) -> Any:
    """Each contribution's part of an over- (+) or underspend (-) to the penny, adding up exactly; basis pro_rata, pro_rata_per_line, fixed, host, lead or capped; terms: %, host's position, leads or caps."""  # noqa: E501
    chosen = (
        RiskBasis.PRO_RATA if is_blank(basis) else parse_argument(inputs.BASIS_CODE, basis, "basis")
    )
    numbers, errors, kind = _numbers(contributions, inputs.AMOUNT)
    variances = _all_good(variance, inputs.VARIANCE, "variance")
    term_kind = {
        RiskBasis.FIXED: inputs.FIXED_SHARE,
        RiskBasis.HOST: inputs.POSITION,
        RiskBasis.LEAD: inputs.POSITION,
        RiskBasis.PRO_RATA_PER_LINE: inputs.POSITION,
        RiskBasis.CAPPED: inputs.CAP,
    }.get(chosen)
    given = None if term_kind is None or terms is None else _all_good(terms, term_kind, "terms")
    shared = engine.share_grid(numbers, variances, chosen, given)
    for column, why in shared.unsettled.items():  # a line that cannot be settled says why
        for row in range(errors.shape[0]):  # (in each of its cells that has no error of its own)
            errors[row, column] = errors[row, column] or why
    # A blank contribution stays blank, as in a sum, though it counts as £0 in the share;
    # one that bears a part (the host's, a line's lead) shows it, so the parts add up.
    parts = shared.parts
    return _result(np.where(np.isnan(numbers) & (parts == 0), np.nan, parts), errors, kind)


@examples(
    Example(
        (
            [
                ["Partner", "Line", "Year", "Amount"],
                ["NHS", "Reablement", 2025, 600],
                ["Council", "Reablement", 2025, 300],
                ["NHS", "Carers", 2026, 200],
                ["Council", "Carers", 2026, 100],
            ],
        ),
        [
            ["Partner", "Cash £", "In kind £", "Total £", "Share of cash", "Share of total"],
            ["NHS", 800.0, 0.0, 800.0, 800 / 1200, 800 / 1200],
            ["Council", 400.0, 0.0, 400.0, 400 / 1200, 400 / 1200],
            ["Total", 1200.0, 0.0, 1200.0, 1.0, 1.0],
        ],
        "NHS 600 + 200 = 800, Council 300 + 100 = 400, of 1,200: two thirds and one third",
    ),
    Example(
        (
            [
                ["Partner", "Line", "Year", "Amount", "Kind"],
                ["NHS", "Reablement", "2025/26", 900, "Financial"],
                ["Charity", "Reablement", "2025/26", 100, "Financial"],
                ["Charity", "Reablement", "2025/26", 250, "Time"],
            ],
        ),
        [
            ["Partner", "Cash £", "In kind £", "Total £", "Share of cash", "Share of total"],
            ["NHS", 900.0, 0.0, 900.0, 0.9, 0.72],
            ["Charity", 100.0, 250.0, 350.0, 0.1, 0.28],
            ["Total", 1000.0, 250.0, 1250.0, 1.0, 1.0],
        ],
        "cash 900 + 100 = 1,000 (90%/10%); with the £250 of volunteer time, 1,250: "
        "900/1,250 = 72%, 350/1,250 = 28%",
    ),
    Example(
        (
            [
                ["Partner", "Line", "Year", "Amount"],
                ["NHS", "Reablement", 2025, "about 5k"],
            ],
        ),
        "#VALUE! row 2, field 'Amount': 'about 5k' is not an amount in £; valid: an amount in "
        "£ from -£1,000,000,000,000 to £1,000,000,000,000",
        "a text amount names its row in the table",
    ),
)
def cpc_pool_summary(table: Any) -> Any:
    """Partner totals of a Partner, Line, Year, Amount (optional Kind) table: cash, in kind, total and shares, spilled."""  # noqa: E501
    summary = engine.pool_summary(inputs.read_pool_table(to_grid(table).cells.tolist()))
    header = ["Partner", "Cash £", "In kind £", "Total £", "Share of cash", "Share of total"]
    return [header, *from_grid(summary.to_numpy(dtype=object), "table")]


def _uplift_one(amount: Any, rate: Any, years: Any) -> float | None:
    if is_blank(amount):  # a blank amount in a filled column stays blank, as in a sum
        return None
    for name, value, kind in (("rate", rate, inputs.UPLIFT), ("years", years, inputs.UPLIFT_YEARS)):
        if is_blank(value):
            raise InputError(f"{name} is blank", valid=kind.valid)
    uplifted = engine.uplift(
        parse_argument(inputs.AMOUNT, amount, "amount"),
        parse_argument(inputs.UPLIFT, rate, "rate"),
        parse_argument(inputs.UPLIFT_YEARS, years, "years"),
    )
    # £1tn at 50% for 50 years is 6.4e20: an amount, so as plausible as one (±£1tn) or refused.
    return float(parse_argument(inputs.AMOUNT, uplifted, "the uplifted amount"))


@examples(
    Example(
        (1_000_000, 0.039, 2),
        1_079_521.0,
        "£1,000,000 × 1.039 × 1.039 = £1,079,521 (1.039² = 1.079521)",
    ),
    Example(
        ([[100_000], [250_000], [None]], "2%", 1),
        [[102_000.0], [255_000.0], [None]],
        "2% on each: £102,000 and £255,000; the blank stays blank",
    ),
    Example(
        ([[50_000, 50_000]], [[0.1, 0.1]], [[0, "three"]]),
        [
            [
                50_000.0,
                "#VALUE! years: 'three' is not a number of years; valid: a number of years "
                "from 0 to 50",
            ]
        ],
        "no years means no uplift; the text cell says why",
    ),
    Example(
        (1000, 1, 1),
        "#VALUE! rate: 1 is 100%, outside -50% to 50% for an uplift (no partner's contribution "
        "rises or falls by more than half in a year); type 1% (or 0.01); valid: a percentage "
        "from -50% to 50%",
        "a rate is a fraction: 1 is 100%, not 1%, and a 100% uplift is implausible, so it is "
        "refused rather than giving 2,000",
    ),
)
def cpc_uplift(amount: Any, rate: Any, years: Any) -> Any:
    """An amount after whole years of compound uplift at a yearly rate, a fraction (type 3.9% or 0.039), from -50% to 50%; ranges give ranges."""  # noqa: E501
    return elementwise(_uplift_one, amount, rate, years)


def _periods(value: Any, kind: CellType, name: str) -> np.ndarray:
    """A row or a column of at most 12 periods read by ``kind`` (NaN where blank); a bad cell
    names the argument."""
    grid = to_grid(value)
    if 1 not in grid.cells.shape:
        raise InputError(
            f"{name}: the range is {grid.cells.shape[0]} rows by {grid.cells.shape[1]} columns",
            valid="one row or one column of periods",
        )
    if grid.cells.size > MAX_PERIODS:
        raise InputError(
            f"{name}: the range has {grid.cells.size} cells, more periods than a year has",
            valid="12 months or 4 quarters",
        )
    return _all_good(value, kind, name).reshape(-1)


@examples(
    Example(
        (1200, [[100, 110, 120, 115, 125, 120, None, None, None, None, None, None]]),
        1290.0,
        "the issue's example: six months closed adding up to 100 + 110 + 120 + 115 + 125 + 120 "
        "= 690; flat, the other six months are 1,200 × 6/12 = 600 of the budget: 690 + 600 = "
        "1,290",
    ),
    Example(
        (1200, [[100, 110, 120, 115, 125, 120, None, None, None, None, None, None]], "run_rate"),
        1380.0,
        "the issue's example at its run rate: 690 in six months, so 690 × 12/6 = 1,380",
    ),
    Example(
        (
            1200,
            [[100, 110, 120, 115, 125, 120, None, None, None, None, None, None]],
            "profile",
            [[1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]],
        ),
        1490.0,
        "the second half weighs twice the first: 12 of the 18 weights are still to come, so "
        "690 + 1,200 × 12/18 = 690 + 800 = 1,490",
    ),
    Example(
        (1000, [[240], [260], [None], [None]]),
        1000.0,
        "quarterly (a column of four): two quarters closed, 240 + 260 = 500; flat, 1,000 × "
        "2/4 = 500 still to spend: 1,000",
    ),
    Example(
        (1200, [[100, None, 120, None, None, None, None, None, None, None, None, None]]),
        1120.0,
        "a blank before a closed month is a month with nothing spent: three closed, 220 spent, "
        "220 + 1,200 × 9/12 = 1,120",
    ),
    Example(
        (1200, [[None] * 12], "run_rate"),
        1200.0,
        "nothing closed yet: there is no rate to run at, so the forecast is the budget",
    ),
    Example(
        (
            1200,
            [[100, 110, 120, 115, 125, 120, None, None, None, None, None, None]],
            "profile",
            [[1] * 11],
        ),
        "#VALUE! profile: the profile has 11 weights but the year has 12 periods; valid: 12 "
        "weights, one a period (0 for a period with nothing to spend)",
        "a profile needs one weight a period of the actuals",
    ),
    Example(
        (
            1200,
            [[100, 110, 120, 115, 125, 120, None, None, None, None, None, None]],
            "profile",
            [[0] * 12],
        ),
        "#VALUE! profile: the profile's weights add up to 0, so they spread nothing; valid: "
        "weights that add up to more than zero",
        "weights adding up to nothing cannot spread the budget",
    ),
    Example(
        (1200, [[100, 110, 120, 115, 125, 120]]),
        "#VALUE! actuals: the actuals have 6 periods; valid: 12 months or 4 quarters, a blank "
        "for each period not yet closed",
        "the year's every period is given, closed or not: six cells alone would read as a "
        "six-month year and forecast 690",
    ),
)
def cpc_outturn(budget: Any, actuals: Any, method: Any = "profile", profile: Any = None) -> Any:
    """A line's forecast outturn: actuals to date (12 months or 4 quarters, blank if not closed) plus the budget still to spend as profiled (flat unless weights given), or by run_rate."""  # noqa: E501
    if is_blank(budget):
        raise InputError("budget is blank", valid=inputs.AMOUNT.valid)
    amount = parse_argument(inputs.AMOUNT, budget, "budget")
    chosen = (
        ForecastMethod.PROFILE
        if is_blank(method)
        else parse_argument(inputs.METHOD, method, "method")
    )
    values = _periods(actuals, inputs.AMOUNT, "actuals")
    if values.size not in engine.PERIOD_COUNTS:
        raise InputError(
            f"actuals: the actuals have {values.size} periods",
            valid="12 months or 4 quarters, a blank for each period not yet closed",
        )
    weights = None
    if profile is not None and not (np.ndim(profile) == 0 and is_blank(profile)):
        if chosen is ForecastMethod.RUN_RATE:
            raise InputError(
                "profile: a profile is for the profile method, not the run rate",
                valid="method 'profile', or no profile",
            )
        given = _periods(profile, inputs.WEIGHT, "profile")
        weights = _named("profile", engine.check_profile, given, values.size)
    value = engine.outturn(amount, values, chosen, weights)
    return float(parse_argument(inputs.AMOUNT, value, "the forecast"))


def _named(name: str, step: Callable[..., Any], *args: Any) -> Any:
    """``step(*args)``, a problem naming the argument it is about."""
    try:
        return step(*args)
    except InputError as exc:
        raise InputError(f"{name}: {exc.message}", valid=exc.valid) from None


FUNCTIONS: list[Callable[..., Any]] = [
    cpc_pool_shares,
    cpc_risk_share,
    cpc_pool_summary,
    cpc_uplift,
    cpc_outturn,
]

# --- the button ------------------------------------------------------------------------------


@examples(
    ScriptExample(
        sample_workbook,
        {
            "Budget": {
                "A3": "Each partner's contribution, all years",
                "A5": "Shire Vale Integrated Care Board",
                # 2025/26 cash 34.4m, 2026/27 × 1.039 = 35,741,600,
                # 2027/28 × 1.039 = 37,135,522.40: 107,277,122.40
                "C5": 107_277_122.4,
                # County: 14.85m, × 1.02 = 15.147m, then 15.45m capped at 15.3m: 45,297,000
                "C6": 45_297_000.0,
                # District: DFG 2.35m entered for two years and projected flat for the third
                "C7": 7_050_000.0,
                "D7": 360_000.0,
            },
            "Risk share": {
                "A16": "Shire Vale County Council",
                # 1,200,000 × 14.85m / (34.4m + 14.85m + 0.18m) = 360,509.81: DFG is excluded
                "F16": 360_509.81,
            },
            "Month-end report": {
                "A5": "All lines (cash)",
                # 2026/27 cash: ICB 34.4m × 1.039 = 35,741,600, County 14.85m × 1.02 =
                # 15,147,000, District 2,350,000, Community Action 180,000: 53,418,600
                "B5": 53_418_600.0,
                # Forecasts at September: reablement 12.15m + 24,117,500 × 6/12 = 24,208,750;
                # discharge overridden at 16.4m; equipment 3.33m × 12/6 = 6.66m; carers
                # 1.35m + 2,887,350 × 52/100 = 2,851,422; DFG 860,000 + 2.35m × 62/100 =
                # 2,317,000; community 750,000 + 1,575,050 / 2 = 1,537,525: 53,974,697
                "E5": 53_974_697.0,
                "F5": 556_097.0,
            },
        },
        "contributions projected with the uplifts and the cap, and the September forecasts, "
        "worked by hand",
    )
)
def build_budget(book: xw.Book) -> None:
    """Build budget: write the Budget, Risk share, Scenarios and Monitoring sheets."""
    try:
        # Problems are listed in the workbook itself, so cells need no file name in front.
        given, scenarios = inputs.read_inputs(read_book_tables(book, inputs.SPECS))
        problems = engine.check(given)
        problems.extend(engine.check_scenarios(given, scenarios))
        problems.raise_if_any()
        result = engine.build(given, check_first=False)
        comparison = engine.compare_scenarios(given, scenarios)
    except (InputError, InputErrors) as errors:
        listed = errors if isinstance(errors, InputErrors) else InputErrors([errors])
        render(book, outputs.problems_sheet(listed))
        return
    if outputs.PROBLEMS in [s.name for s in book.sheets]:  # fixed now: a stale list misleads
        book.sheets[outputs.PROBLEMS].delete()
    sheets = outputs.output_sheets(result, comparison)
    for output in sheets:
        render(book, output)
    _add_charts(book, sheets[0])
    report = next((s for s in sheets if s.name == outputs.REPORT), None)
    if report is not None:
        _add_forecast_chart(book, report)


def _chart(
    ws: xw.Sheet,
    name: str,
    chart_type: str,
    source: xw.Range,
    anchor: xw.Range,
    size: tuple[int, int],
) -> None:
    """A chart in place of any of that name, its value axis from £0 (a difference drawn from
    anywhere else looks larger than it is), its numbers in £."""
    if name in {c.name for c in ws.charts}:
        ws.charts[name].delete()
    chart = ws.charts.add(
        width=size[0],
        height=size[1],
        chart_type=chart_type,
        source=source,
        name=name,
        anchor=anchor,
    )
    chart.value_axis.minimum_scale = 0
    chart.value_axis.number_format = formats.GBP


def _add_charts(book: xw.Book, budget: outputs.SheetOutput) -> None:
    ws = book.sheets[budget.name]
    ranges = outputs.chart_ranges(budget)
    placements = [
        ("Cash and in kind by partner", "bar_stacked", 0),
        ("Contributions by partner and year", "column_clustered", 1),
    ]
    for (name, chart_type, index), (r1, c1, r2, c2) in zip(
        placements, ranges.values(), strict=False
    ):
        _chart(
            ws,
            name,
            chart_type,
            ws.range((r1, c1), (r2, c2)),
            ws.range((3 + index * 22, outputs.chart_column(budget))),
            (480, 300),
        )


def _add_forecast_chart(book: xw.Book, report: outputs.SheetOutput) -> None:
    """The month-end report's chart of forecast outturn against budget by month."""
    ws = book.sheets[report.name]
    r1, c1, r2, c2 = outputs.chart_data(report)
    if r2 <= r1:
        return
    row, column = outputs.chart_anchor(report)
    _chart(
        ws,
        "Forecast outturn against budget by month",
        "line",
        ws.range((r1, c1), (r2, c2)),
        ws.range((row, column)),
        (680, 240),
    )


SCRIPTS: list[Callable[..., None]] = [build_budget]
