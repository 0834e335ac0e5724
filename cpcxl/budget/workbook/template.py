"""The packaged pooled-budget workbook, built from the input tables' declarations.

openpyxl only: this works with no Excel anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cpcxl.common import formats, styles
from cpcxl.common.errors import InputErrors
from cpcxl.common.fields import year_label
from cpcxl.common.formats import Formula
from cpcxl.common.inputs import TableSpec
from cpcxl.common.values import is_blank
from cpcxl.common.workbook import (
    add_input_table,
    add_instructions,
    add_lists_sheet,
    add_settings_table,
    add_xlwings_conf,
    define_name,
    put,
    save_workbook,
    set_print,
)
from cpcxl.plugins import WorkbookTemplate

from ..inputs import (
    ARRANGEMENT,
    ARRANGEMENT_KIND,
    BASIS,
    CHANGE,
    COMMISSIONER,
    CONTRIBUTIONS,
    FUNDING_SOURCE,
    IN_YEAR,
    KIND,
    METHOD,
    PARTNER_TYPE,
    PARTNERS,
    PERIODS,
    REASON,
    REQUIREMENT,
    SPEND_AREA,
    TABLES,
    UNDERSPEND_USE,
    example,
)
from ..models import Change, ContributionKind
from .charts import from_zero

FILENAME = "pooled_budget.xlsx"
MARKING = "OFFICIAL"
HEADER_ROW = 4  # every input table's header; rows 1-2 hold the sheet's title and a note
#: The named ranges of partner and line names reach this far, so rows added to the tables
#: are in the drop-downs that use them: 50 partners and 100 lines (local choices, well above
#: any partnership; rows beyond are still read and checked, only not offered in drop-downs).
LAST_PARTNER_ROW = 54
LAST_LINE_ROW = 104
#: Likewise profiles (50) and the national list of scheme types (100): local choices.
LAST_PROFILE_ROW = 54
LAST_SCHEME_TYPE_ROW = 104
MAX_PARTNERS = 12  # rows of the native-formula check beside the Partners table (local choice)
PARTNERS_SHEET = PARTNERS.sheet

NOTES = {
    "arrangement": "Fill in the Value column. Years are UK financial years such as 2025/26.",
    "partners": "Type one row per partner. Fixed risk share % is needed only for the "
    "fixed-percentages basis; a risk cap only for the capped basis.",
    "lines": "Type one row per budget line (scheme or service area). Mark capital grants "
    "that are kept out of the risk share.",
    "contributions": "Type one row per partner, line, year and kind. Cash is Financial; "
    "Staff, Expertise, Time and Physical resources are in kind, valued in £. Leave later "
    "years out to project them with the Conditions.",
    "conditions": "Type how each partner's contribution changes in years with no amount "
    "entered: an Uplift or Reduction rate (type 3.9%, or 0.039) compounds each year; a Cap "
    "(£) limits its cash.",
    "outcomes": "Type each partner's outcomes and indicators, and the lines that serve them "
    "(separate lines with a semicolon).",
    "standalone": "Type what each partner would spend on the same line alone. Leave Year "
    "blank for the same cost every year.",
    "actuals": "Type spend to date or outturn by line and year. Leave Partner blank for a "
    "pooled line's whole spend; an aligned budget names the partner on every row (each "
    "partner bears its own variance).",
    "scenarios": "Type changes to compare in negotiation: a partner's contributions up or down "
    "by a % (type -5%), a new uplift, a cap on its cash each year. Rows with the same Scenario "
    "name make one scenario; Base (as entered) is always shown first.",
    "in_year": "In-year monitoring: the year monitored, monthly or quarterly (set once), the "
    "last period closed, the forecast method for lines not on the Forecast methods sheet.",
    "period_actuals": "Type spend by line and period (P1 is April; a quarterly year uses P1 to "
    "P4). Leave periods not yet closed blank. Partner blank: a pooled line's whole spend; an "
    "aligned line, and anything in kind, names its partner.",
    "forecasts": "How a line is forecast, if not by the In-year method: Profile (with a profile "
    "from the Profiles sheet, or flat) or Run rate; or your own figure as an override, with its "
    "reason.",
    "profiles": "Weights by period for the Profile method (any unit: only their proportions "
    "matter). One weight in every period of the year; they must add up to more than zero.",
    "payments": "Each partner's instalments into the pooled fund (the period due and the "
    "amount) and what it has paid against each.",
    "requirements": "The year's national Better Care Fund requirements for your area, from that "
    "year's BCF allocations and planning requirements, each with its year and source. The "
    "figures shipped here are examples, not any year's.",
    "schemes": "The BCF plan's schemes: planned expenditure by funding source, scheme type, "
    "lead commissioner, spend area (for the NHS minimum's ring-fences), the housing authority "
    "a DFG scheme passes the grant to, and the metrics it serves.",
    "scheme_types": "The national list of BCF scheme types: replace it each year with the list "
    "in that year's BCF planning template (the one shipped is an example).",
    "metrics": "The plan's metrics (the year's national metrics and any local ones); each "
    "scheme must serve at least one.",
}

TITLES = {
    "arrangement": "The arrangement",
    "partners": "Partners",
    "lines": "Budget lines",
    "contributions": "Contributions",
    "conditions": "Conditions for changing in future years",
    "outcomes": "Outcomes and indicators",
    "standalone": "Stand-alone costs (for the benefit of pooling)",
    "actuals": "Actuals (monitoring)",
    "scenarios": "Scenario changes (for negotiation)",
    "in_year": "In-year monitoring",
    "period_actuals": "Actuals by period",
    "forecasts": "Forecast methods and overrides",
    "profiles": "Spending profiles",
    "payments": "Contribution payments into the pooled fund",
    "requirements": "Better Care Fund: the year's national requirements",
    "schemes": "Better Care Fund: schemes and planned expenditure",
    "scheme_types": "Better Care Fund: the national list of scheme types",
    "metrics": "Better Care Fund: the plan's metrics",
}

#: The drop-down lists, on a hidden Lists sheet; each is named after the list_name its value
#: type declares in cpcxl.budget.inputs.
LISTS = {
    "PartnerTypes": PARTNER_TYPE.labels,
    "ContributionKinds": KIND.labels,
    "ArrangementKinds": ARRANGEMENT_KIND.labels,
    "Changes": CHANGE.labels,
    "ChangeReasons": REASON.labels,
    "RiskBases": BASIS.labels,
    "UnderspendUses": UNDERSPEND_USE.labels,
    "PeriodKinds": PERIODS.labels,
    "ForecastMethods": METHOD.labels,
    "FundingSources": FUNDING_SOURCE.labels,
    "SpendAreas": SPEND_AREA.labels,
    "Commissioners": COMMISSIONER.labels,
    "Requirements": REQUIREMENT.labels,
    "YesNo": ["Yes", "No"],
    "FinancialYears": [year_label(y) for y in range(2020, 2041)],
}

INSTRUCTIONS: list[tuple[str, str | list[str]]] = [
    (
        "What this workbook is for",
        "Preparing an aligned or pooled budget with partners (CPC 509), such as a Better Care "
        "Fund or another Section 75 pooled fund: each partner's contribution and share shown "
        "by line, year and in total, cash and in kind apart; projections for later years; "
        "how an overspend or underspend would be shared; scenarios for negotiation; and "
        "monitoring against budget. It comes filled in with an illustrative four-partner "
        "example: overwrite it with your own.",
    ),
    (
        "What to fill in (each input is an Excel Table; use the drop-downs)",
        [
            "Arrangement: name, aligned or pooled, first financial year, number of years, "
            "host partner, the agreed risk-share basis, an overspend to test.",
            "Partners: each organisation and its type (CPC 501 key organisations); fixed "
            "percentages or a risk cap if your risk-share basis uses them.",
            "Lines: budget lines (schemes or service areas), the commissioning partner of each, "
            "and whether a line is kept out of the risk share (capital grants).",
            "Contributions: partner, line, year, kind (Financial is cash; Staff, Expertise, "
            "Time and Physical resources are in kind, valued in £) and amount. A negative "
            "amount must be marked Yes in Reduction: it is a one-off cut to that year.",
            "Conditions: uplift (inflation), reductions and caps that apply from a year; they "
            "fill the years you leave blank. An amount you enter for a year is kept as that "
            "partner's forecast.",
            "Outcomes: each partner's outcomes and indicators and the lines serving them.",
            "Stand-alone costs: what a partner would spend on a line alone, to show the "
            "benefit of pooling.",
            "Actuals and Scenario changes: optional, for a closed year's settlement and for "
            "negotiation.",
            "In-year monitoring (optional): the In-year settings; Actuals by period (by "
            "line, partner and month or quarter, blank until a period closes, with "
            "commitments); Forecast methods (Profile or Run rate, or your own figure with its "
            "reason); Profiles; Payments (each partner's instalments and what it paid).",
            "Better Care Fund (where the Arrangement says it is a BCF plan): the year's "
            "national requirements with their source; the schemes; the national list of "
            "scheme types (update it each year); the plan's metrics.",
        ],
    ),
    (
        "Buttons (in the cpcxl add-in or task pane; this file has no macros)",
        [
            "Build budget: checks every table (problems are listed on a Problems sheet with "
            "the cell to fix) and writes the Budget, Risk share, Scenarios and Monitoring "
            "sheets and charts of the contributions; with actuals by period, the Month-end "
            "report; for a BCF plan, the BCF checks.",
            "From the command line, `cpcxl budget statements this-file.xlsx --out folder` "
            "writes one statement per partner for negotiation (add --pdf for one PDF each), "
            "and `cpcxl budget monitor this-file.xlsx --period 6 --out report.xlsx` the "
            "month-end report as at a period.",
        ],
    ),
    (
        "Worksheet functions",
        [
            "=CPC_POOL_SHARES(range): each amount's share of the total.",
            "=CPC_RISK_SHARE(contributions, variance, [basis], [terms]): each partner's part "
            "of an overspend (+) or underspend (-), to the penny and adding up exactly.",
            "=CPC_POOL_SUMMARY(table): partner totals and shares of a Partner, Line, Year, "
            "Amount (Kind) table.",
            "=CPC_UPLIFT(amount, rate, years): an amount after compound uplift.",
            "=CPC_OUTTURN(budget, actuals, [method], [profile]): a line's forecast outturn "
            "from its actuals to date (12 months or 4 quarters, blank until closed), by "
            "profile (flat unless weights are given) or run rate.",
        ],
    ),
    (
        "How the figures are worked out",
        [
            "Shares are of cash unless labelled 'of total' (cash and in kind together).",
            "A year with no amount is the year before × (1 + uplift) × (1 − reduction); a cap "
            "then scales that partner's cash lines down in proportion.",
            "Aligned budget (CPC 509): nothing is shared; each partner bears its own variance, "
            "its actuals against its own contributions. Pooled budget: the risk-share terms "
            "apply.",
            "Risk share is weighted by cash contributions in the year tested; a line kept out "
            "stays with its own contributors; an aligned line's variance is its partner's own. "
            "The pooled lines taken together: an overspend is shared on the risk-share basis, "
            "an underspend on the underspend basis. Settlements are made in whole pence: each "
            "partner gets the whole pence of its exact part and the pence left over go to the "
            "largest fractions (ties to the partner listed first), so they add up exactly.",
            "A rate or share is a fraction, as Excel stores a percentage: type 3.9% (or "
            "0.039). A plain 3.9 would be 390% and is refused, never read as 3.9%. Uplifts and "
            "reductions may be -50% to 50% (reductions from 0%), a fixed risk share 0% to 100%, "
            "a scenario's contribution change -50% to 50%.",
        ],
    ),
    (
        "Checks that work without the add-in",
        "The Partners sheet totals the cash and in kind entered for each partner and adds up "
        "the fixed risk-share percentages (red unless 100%), with native Excel formulas.",
    ),
]


def _sheet(wb: Workbook, key: str, sheet: str) -> Worksheet:
    ws = wb.create_sheet(sheet)
    put(ws["A1"], TITLES[key]).font = styles.TITLE_FONT
    put(ws["A2"], NOTES[key]).font = styles.NOTE_FONT
    set_print(ws, landscape=True, header=MARKING, repeat_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    return ws


def _letter(spec: TableSpec, field: str) -> str:
    """The column of ``field`` in a table placed from column A."""
    return get_column_letter(1 + [c.field for c in spec.columns].index(field))


def build_template(path: str | os.PathLike[str], tables: Mapping[str, Any] | None = None) -> Path:
    """The packaged workbook, filled in with ``tables`` (the illustrative example by default):
    the Arrangement by setting, every other table as rows in its columns' order."""
    data = tables if tables is not None else example.TABLES
    wb = Workbook()
    add_instructions(wb, "Pooled and aligned budgets", INSTRUCTIONS)

    ws = _sheet(wb, "arrangement", ARRANGEMENT.sheet)
    add_settings_table(ws, ARRANGEMENT, data["arrangement"], row=HEADER_ROW)
    ws.column_dimensions["B"].width = 55
    ws.column_dimensions["C"].width = 80
    value_row = {s.field: HEADER_ROW + 1 + i for i, s in enumerate(ARRANGEMENT.settings)}
    define_name(wb, "TestOverspend", ws.title, f"B{value_row['test_variance']}")
    define_name(wb, "HostPartner", ws.title, f"B{value_row['host']}")

    for key, spec in TABLES.items():
        if key == "period_actuals":  # the In-year settings come first
            ws = _sheet(wb, "in_year", IN_YEAR.sheet)
            add_settings_table(ws, IN_YEAR, data.get("in_year", {}), row=HEADER_ROW)
            ws.column_dimensions["A"].width = 40
            ws.column_dimensions["C"].width = 90
        ws = _sheet(wb, key, spec.sheet)
        add_input_table(ws, spec, data.get(key, []), row=HEADER_ROW)
        if key == "partners":
            last = LAST_PARTNER_ROW
            define_name(wb, "PartnerNames", ws.title, f"A{HEADER_ROW + 1}:A{last}")
            _partner_checks(ws)
        elif key == "lines":
            define_name(wb, "LineNames", ws.title, f"A{HEADER_ROW + 1}:A{LAST_LINE_ROW}")
        elif key == "contributions":
            _negative_amounts(ws, spec, HEADER_ROW + max(len(data[key]), 1))
        elif key == "conditions":
            _condition_formats(ws, spec, data[key])
        elif key == "profiles":
            define_name(wb, "ProfileNames", ws.title, f"A{HEADER_ROW + 1}:A{LAST_PROFILE_ROW}")
        elif key == "scheme_types":
            define_name(
                wb, "SchemeTypeNames", ws.title, f"A{HEADER_ROW + 1}:A{LAST_SCHEME_TYPE_ROW}"
            )

    lists = add_lists_sheet(wb, LISTS)
    lists.sheet_state = "hidden"
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


def _condition_formats(ws: Worksheet, spec: TableSpec, rows: Sequence[Sequence[Any]]) -> None:
    """Each condition's value shown as it is read: a rate as a percentage, a cap in £."""
    value, change = _letter(spec, "value"), spec.columns.index(spec.column("change"))
    for offset, row in enumerate(rows, start=1):
        typed = row[change] if change < len(row) else None
        is_cap = not is_blank(typed) and InputErrors().attempt(CHANGE.parse, typed) is Change.CAP
        shown = formats.GBP if is_cap else formats.PERCENT_1DP
        ws[f"{value}{HEADER_ROW + offset}"].number_format = shown


def _negative_amounts(ws: Worksheet, spec: TableSpec, last_row: int) -> None:
    """A negative amount not marked as a reduction shows red, before any button is pressed."""
    amount, reduction, first = _letter(spec, "amount"), _letter(spec, "reduction"), HEADER_ROW + 1
    ws.conditional_formatting.add(
        f"{amount}{first}:{amount}{last_row}",
        FormulaRule(
            formula=[f'AND(${amount}{first}<0,${reduction}{first}<>"Yes")'],
            fill=styles.fill(formats.RED),
        ),
    )


def _partner_checks(ws: Worksheet) -> None:
    """Native formulas beside the Partners table: what has been entered, and the fixed shares."""
    put(ws["F2"], "Fixed risk shares add up to").font = styles.NOTE_FONT
    share = _letter(PARTNERS, "fixed_share")
    total = put(ws["H2"], Formula(f"=SUM({share}{HEADER_ROW + 1}:{share}{LAST_PARTNER_ROW})"))
    total.number_format = formats.PERCENT_1DP
    ws.conditional_formatting.add(
        "H2",
        FormulaRule(formula=["AND(H2<>0,ROUND(H2,4)<>1)"], fill=styles.fill(formats.RED)),
    )
    headers = ["Cash entered £", "In kind entered £", "Share of cash entered"]
    for i, header in enumerate(headers):
        cell = put(ws.cell(HEADER_ROW, 6 + i), header)
        cell.font = styles.HEADER_FONT
        cell.fill = styles.HEADER_FILL
        cell.alignment = styles.CENTRE
        ws.column_dimensions[chr(ord("F") + i)].width = 20
    last = HEADER_ROW + MAX_PARTNERS
    c = f"{CONTRIBUTIONS.sheet}!"
    amount, partner, kind = (_letter(CONTRIBUTIONS, f) for f in ("amount", "partner", "kind"))
    cash = ContributionKind.FINANCIAL.value
    for r in range(HEADER_ROW + 1, last + 1):
        put(
            ws[f"F{r}"],
            Formula(
                f'=IF($A{r}="","",SUMIFS({c}${amount}:${amount},{c}${partner}:${partner},$A{r},'
                f'{c}${kind}:${kind},"{cash}"))'
            ),
            formats.GBP,
        )
        put(
            ws[f"G{r}"],
            Formula(
                f'=IF($A{r}="","",SUMIFS({c}${amount}:${amount},{c}${partner}:${partner},$A{r})'
                f"-F{r})"
            ),
            formats.GBP,
        )
        put(
            ws[f"H{r}"],
            Formula(
                f'=IF($A{r}="","",IF(SUM($F${HEADER_ROW + 1}:$F${last})=0,0,'
                f"F{r}/SUM($F${HEADER_ROW + 1}:$F${last})))"
            ),
            formats.PERCENT_1DP,
        )
    _partner_chart(ws)


def _partner_chart(ws: Worksheet) -> None:
    """The chart beside the Partners table (openpyxl drops charts when it reopens a file)."""
    last = HEADER_ROW + MAX_PARTNERS
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Cash and in kind entered, by partner"
    chart.y_axis.title = "£"
    chart.add_data(
        Reference(ws, min_col=6, max_col=7, min_row=HEADER_ROW, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=HEADER_ROW + 1, max_row=last))
    chart.width, chart.height = 18, 9
    from_zero(chart)
    ws.add_chart(chart, f"F{last + 3}")


TEMPLATE = WorkbookTemplate(
    name="pooled_budget",
    filename=FILENAME,
    title="Pooled and aligned budgets (CPC 509): contributions, shares, risk share",
    build=build_template,
)
