"""Worksheet functions and the "Build budget" button; thin: cells in, engine, cells out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import xlwings as xw

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.grid import cell_error, elementwise, from_grid, to_grid
from cpcxl.common.tables import Column, frame_from_values
from cpcxl.common.values import describe, is_blank, to_number
from cpcxl.xl.render import render

from . import engine, report
from .inputs import TABLES, TableValues, _rate, read_inputs
from .models import ContributionKind, RiskBasis, parse_choice

# --- worksheet functions ---------------------------------------------------------------------


def _amounts(value: Any, what: str = "an amount in £") -> tuple[np.ndarray, np.ndarray, Any, str]:
    """Numbers of a range (NaN for blanks and bad cells), the cells' errors, and the shape."""
    grid = to_grid(value)
    cells = grid.cells
    numbers = np.full(cells.shape, np.nan)
    errors = np.full(cells.shape, None, dtype=object)
    for index in np.ndindex(cells.shape):
        cell = cells[index]
        if is_blank(cell):
            continue
        try:
            numbers[index] = to_number(cell, what=what)
        except InputError as exc:
            errors[index] = cell_error(str(exc))
    return numbers, errors, grid.kind, what


def _result(pounds: np.ndarray, errors: np.ndarray, blank: np.ndarray, kind: Any) -> Any:
    out = np.empty(pounds.shape, dtype=object)
    for index in np.ndindex(out.shape):
        if errors[index] is not None:
            out[index] = errors[index]
        elif blank[index]:
            out[index] = None
        else:
            out[index] = float(pounds[index])
    return from_grid(out, kind)


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
        [[0.6], ["#VALUE! 'lots' is not an amount in £; valid: a number"], [None], [0.4]],
        "as SUM does, the text is left out: 600 + 400 = 1,000, so 60% and 40%; the text cell "
        "says why and the blank stays blank",
    ),
)
def cpc_pool_shares(amounts: Any) -> Any:
    """Each amount's share of the total of the amounts (same shape); blanks stay blank."""
    numbers, errors, kind, _ = _amounts(amounts)
    total = np.nansum(numbers)
    if total == 0:
        raise InputError(
            "the amounts add up to £0, so there are no shares",
            valid="amounts with a total other than zero",
        )
    return _result(numbers / total, errors, np.isnan(numbers), kind)


def _terms_vector(terms: Any, shape: tuple[int, int], what: str) -> np.ndarray:
    numbers, errors, _, _ = _amounts(terms, what)
    bad = [e for e in errors.reshape(-1) if e is not None]
    if bad:
        raise InputError(f"the terms have a bad cell: {bad[0]}")
    if numbers.size != int(np.prod(shape)):
        raise InputError(
            f"the terms have {numbers.size} cells but the contributions have {int(np.prod(shape))}",
            valid=f"{what} for each contribution",
        )
    return numbers.reshape(shape)


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
        ([[100], ["n/a"], [100]], 50),
        [[25.0], ["#VALUE! 'n/a' is not an amount in £; valid: a number"], [25.0]],
        "the text is left out as SUM does; £50 shared 1:1 by the other two",
    ),
)
def cpc_risk_share(
    contributions: Any, variance: Any, basis: Any = "pro_rata", terms: Any = None
) -> Any:
    """Each contribution's part of an over- (+) or underspend (-) to the penny, adding up exactly; basis pro_rata, pro_rata_per_line, fixed, host, lead or capped; terms: %, host's position, leads or caps."""  # noqa: E501
    try:
        chosen = RiskBasis.parse("pro_rata" if is_blank(basis) else basis)
    except ValueError:
        raise InputError(
            f"{describe(basis)} is not a risk-share basis", valid=[b.value for b in RiskBasis]
        ) from None
    numbers, errors, kind, _ = _amounts(contributions)
    blank = np.isnan(numbers)
    weights = np.nan_to_num(numbers)
    if (weights < 0).any():
        raise InputError("a contribution is negative", valid="contributions of £0 or more")
    rows, cols = weights.shape
    line_variance = _variance(variance, cols if chosen in _PER_LINE else 1)

    if chosen in _PER_LINE:
        if chosen is RiskBasis.LEAD:
            leads = _terms_vector(terms, (1, cols), "the lead partner's position").reshape(-1)
            share = np.zeros_like(weights)
            for c, lead in enumerate(leads):
                if not (1 <= lead <= rows) or not float(lead).is_integer():
                    raise InputError(
                        f"lead {describe(lead)} is not a partner's position", valid=f"1 to {rows}"
                    )
                share[int(lead) - 1, c] = 1.0
        else:
            share = weights
        pence = engine.allocate_pence(engine.to_pence(line_variance), share.T).T
    else:
        total = engine.to_pence(line_variance.sum())[()]
        flat = weights.reshape(-1)
        if chosen is RiskBasis.PRO_RATA:
            vector = flat
        elif chosen is RiskBasis.FIXED:
            vector = np.nan_to_num(_terms_vector(terms, weights.shape, "a percentage")).reshape(-1)
            engine.check_fixed_shares(vector)
        elif chosen is RiskBasis.HOST:
            host = to_number(terms, what="the host's position") if not is_blank(terms) else 0
            if not (1 <= host <= flat.size) or not float(host).is_integer():
                raise InputError(
                    f"the host's position {describe(terms)} is not in the list",
                    valid=f"1 to {flat.size}",
                )
            vector = np.zeros(flat.size)
            vector[int(host) - 1] = 1.0
        else:
            caps = _terms_vector(terms, weights.shape, "a cap in £").reshape(-1)
            names = [str(i) for i in range(flat.size)]
            capped = engine.RiskTerms(
                basis=RiskBasis.CAPPED,
                caps={n: float(c) for n, c in zip(names, caps, strict=True) if not np.isnan(c)},
            )
            pence = engine.capped_parts(int(total), flat, names, capped).reshape(weights.shape)
            return _result(pence / 100, errors, blank, kind)
        if vector.sum() <= 0:
            raise InputError("there is nothing to share by", valid="contributions above £0")
        pence = engine.allocate_pence(np.array([total]), vector[None, :]).reshape(weights.shape)
    return _result(pence / 100, errors, blank, kind)


_PER_LINE = (RiskBasis.PRO_RATA_PER_LINE, RiskBasis.LEAD)


def _variance(value: Any, width: int) -> np.ndarray:
    numbers, errors, _, _ = _amounts(value, "a variance in £")
    bad = [e for e in errors.reshape(-1) if e is not None]
    if bad:
        raise InputError(f"the variance is not a number: {bad[0]}")
    flat = np.nan_to_num(numbers.reshape(-1))
    if width > 1 and flat.size != width:
        raise InputError(
            f"there are {width} lines (columns) but {flat.size} variances",
            valid="one variance per line, in a row",
        )
    return flat


SUMMARY_COLUMNS = [
    Column("partner", ("Organisation",)),
    Column("line", ("Budget line", "Scheme")),
    Column("year", ("Financial year",)),
    Column("amount", ("Amount £", "Value")),
    Column("kind", ("Contribution kind",), required=False),
]


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
        "#VALUE! row 2, field 'amount': 'about 5k' is not an amount in £; valid: a number",
        "a text amount names its row in the table",
    ),
)
def cpc_pool_summary(table: Any) -> Any:
    """Partner totals of a Partner, Line, Year, Amount (optional Kind) table: cash, in kind, total and shares, spilled."""  # noqa: E501
    rows = to_grid(table).cells.tolist()
    frame = frame_from_values(rows, SUMMARY_COLUMNS)
    problems = InputErrors()
    cash: dict[str, float] = {}
    in_kind: dict[str, float] = {}
    for row in frame.to_dict("records"):
        where = {"row": row["_row"]}
        try:
            amount = to_number(row["amount"], what="an amount in £")
            kind = ContributionKind.FINANCIAL
            if "kind" in row and not is_blank(row["kind"]):
                try:
                    kind = parse_choice(ContributionKind, row["kind"])
                except ValueError:
                    raise InputError(
                        f"{describe(row['kind'])} is not a kind of contribution",
                        valid=[k.value for k in ContributionKind],
                        field="kind",
                    ) from None
        except InputError as exc:
            field = exc.location.field if exc.location and exc.location.field else "amount"
            problems.add(InputError(exc.message, valid=exc.valid, field=field, **where))
            continue
        name = str(row["partner"]).strip()
        if not name:
            problems.add(InputError("the partner is blank", field="partner", **where))
            continue
        cash.setdefault(name, 0.0)
        in_kind.setdefault(name, 0.0)
        if kind.is_cash:
            cash[name] += amount
        else:
            in_kind[name] += amount
    if problems:
        raise problems.errors[0] if len(problems) == 1 else problems
    total_cash = sum(cash.values())
    total = total_cash + sum(in_kind.values())
    out: list[list[Any]] = [
        ["Partner", "Cash £", "In kind £", "Total £", "Share of cash", "Share of total"]
    ]
    for name in cash:
        mine = cash[name] + in_kind[name]
        out.append(
            [
                name,
                cash[name],
                in_kind[name],
                mine,
                cash[name] / total_cash if total_cash else None,
                mine / total if total else None,
            ]
        )
    out.append(["Total", total_cash, total - total_cash, total, 1.0, 1.0])
    return out


def _uplift_one(amount: Any, rate: Any, years: Any) -> float | None:
    if is_blank(amount):  # a blank amount in a filled column stays blank, as in a sum
        return None
    money = to_number(amount, what="an amount in £")
    fraction = _rate(rate)
    count = to_number(years, what="a number of years")
    if count < 0:
        raise InputError(f"{describe(years)} years is negative", valid="0 or more years")
    return engine.uplift(money, fraction, count)


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
        [[50_000.0, "#VALUE! 'three' is not a number of years; valid: a number"]],
        "no years means no uplift; the text cell says why",
    ),
)
def cpc_uplift(amount: Any, rate: Any, years: Any) -> Any:
    """An amount after years of compound uplift at a yearly rate (3.9%, 0.039 or 3.9); ranges give ranges."""  # noqa: E501
    return elementwise(_uplift_one, amount, rate, years)


# --- the button ------------------------------------------------------------------------------


def read_book(book: xw.Book) -> tuple[engine.BudgetInputs, list[engine.ScenarioChange]]:
    """The input tables of the open workbook, as the engine takes them."""
    tables: dict[str, TableValues] = {}
    sheets = {s.name: s for s in book.sheets}
    for key, spec in TABLES.items():
        ws = sheets.get(spec.sheet)
        if ws is None:
            continue
        found = {t.name: t for t in ws.tables}
        if spec.name not in found:
            continue
        rng = found[spec.name].range
        tables[key] = TableValues(rng.value, rng.row, rng.column)
    # Problems are listed in the workbook itself, so cells need no file name in front.
    return read_inputs(tables)


PROBLEMS = "Problems"


def _problems_sheet(errors: InputErrors) -> report.SheetOutput:
    rows = [["Where", "Problem", "What would be valid"]]
    for e in errors:
        rows.append([str(e.location or ""), e.message, e.valid or ""])
    return report.SheetOutput(
        PROBLEMS,
        [
            report.Block(
                [["The budget was not built: fix these and press Build budget again."]],
                header=False,
            ),
            report.Block(rows, row=3),
        ],
        widths={"A": 40, "B": 70, "C": 50},
    )


def _sample_book(folder: Path) -> Path:
    from .workbook import build_template

    return build_template(folder / "pooled_budget.xlsx")


@examples(
    ScriptExample(
        _sample_book,
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
        },
        "contributions projected with the uplifts and the cap, worked by hand",
    )
)
def build_budget(book: xw.Book) -> None:
    """Build budget: write the Budget, Risk share, Scenarios and Monitoring sheets."""
    try:
        inputs, scenarios = read_book(book)
        problems = engine.check(inputs)
        problems.extend(engine.check_scenarios(inputs, scenarios))
        problems.raise_if_any()
        result = engine.build(inputs, check_first=False)
        comparison = engine.compare_scenarios(inputs, scenarios)
    except (InputError, InputErrors) as errors:
        listed = errors if isinstance(errors, InputErrors) else InputErrors([errors])
        render(book, _problems_sheet(listed))
        return
    if PROBLEMS in [s.name for s in book.sheets]:  # fixed now: a stale list would mislead
        book.sheets[PROBLEMS].delete()
    sheets = report.output_sheets(result, comparison)
    for output in sheets:
        render(book, output)
    _add_charts(book, sheets[0])


def _add_charts(book: xw.Book, budget: report.SheetOutput) -> None:
    ws = book.sheets[budget.name]
    ranges = report.chart_ranges(budget)
    existing = {c.name for c in ws.charts}
    placements = [
        ("Cash and in kind by partner", "bar_stacked", 0),
        ("Contributions by partner and year", "column_clustered", 1),
    ]
    for (name, chart_type, index), (r1, c1, r2, c2) in zip(
        placements, ranges.values(), strict=False
    ):
        if name in existing:
            ws.charts[name].delete()
        ws.charts.add(
            width=480,
            height=300,
            chart_type=chart_type,
            source=ws.range((r1, c1), (r2, c2)),
            name=name,
            anchor=ws.range((3 + index * 22, report.chart_column(budget))),
        )
