"""The packaged pooled-budget workbook, reading a filled one, and writing outputs and statements.

openpyxl and calamine only: this works with no Excel anywhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cpcxl.common import formats, styles
from cpcxl.common.errors import InputErrors
from cpcxl.common.formats import Formula
from cpcxl.common.report import SheetOutput
from cpcxl.common.soffice import convert
from cpcxl.common.workbook import (
    add_instructions,
    add_list_validation,
    add_lists_sheet,
    add_table,
    add_whole_number_validation,
    add_xlwings_conf,
    define_name,
    open_for_reading,
    put,
    read_sheets,
    render,
    save_workbook,
    set_print,
)
from cpcxl.plugins import WorkbookTemplate

from . import engine, report, sample
from .inputs import SETTINGS, TABLES, TableSpec, TableValues, read_inputs
from .models import (
    ArrangementKind,
    Change,
    ChangeReason,
    ContributionKind,
    PartnerType,
    RiskBasis,
    year_label,
)

FILENAME = "pooled_budget.xlsx"
MARKING = "OFFICIAL"
HEADER_ROW = 4  # every input table's header; rows 1-2 hold the sheet's title and a note
LAST_ROW = {  # drop-downs reach this far, so rows an officer adds get them too
    "partners": 54,
    "lines": 104,
    "contributions": 2004,
    "conditions": 204,
    "outcomes": 204,
    "standalone": 504,
    "actuals": 2004,
    "scenarios": 204,
}
MAX_PARTNERS = 12  # rows of the native-formula check beside the Partners table
PARTNERS_SHEET = TABLES["partners"].sheet

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
    "entered: Uplift % and Reduction % compound each year; a Cap (£) limits its cash.",
    "outcomes": "Type each partner's outcomes and indicators, and the lines that serve them "
    "(separate lines with a semicolon).",
    "standalone": "Type what each partner would spend on the same line alone. Leave Year "
    "blank for the same cost every year.",
    "actuals": "Type spend to date or outturn by line and year. Leave Partner blank for a "
    "pooled line; name the partner for its part of an aligned budget.",
    "scenarios": "Type changes to compare in negotiation: a partner's contributions up or down "
    "by a %, a new uplift, a cap on its cash each year. Rows with the same Scenario name make "
    "one scenario; Base (as entered) is always shown first.",
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
}

FORMATS = {
    "partners": {"Fixed risk share %": formats.PERCENT, "Risk cap £": formats.GBP},
    "contributions": {"Amount £": formats.GBP},
    "standalone": {"Cost alone £": formats.GBP},
    "actuals": {"Actual £": formats.GBP},
    "scenarios": {
        "Contribution change %": formats.PERCENT_1DP,
        "Uplift %": formats.PERCENT_1DP,
        "Cap £": formats.GBP,
        "Overspend to test £": formats.GBP,
    },
}

LISTS = {
    "PartnerTypes": [t.value for t in PartnerType],
    "ContributionKinds": [k.value for k in ContributionKind],
    "ArrangementKinds": [k.value for k in ArrangementKind],
    "Changes": [c.value for c in Change],
    "ChangeReasons": [r.value for r in ChangeReason],
    "RiskBases": [b.label for b in RiskBasis],
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
            "Actuals and Scenario changes: optional, for monitoring and negotiation.",
        ],
    ),
    (
        "Buttons (in the cpcxl add-in or task pane; this file has no macros)",
        [
            "Build budget: checks every table (problems are listed on a Problems sheet with "
            "the cell to fix) and writes the Budget, Risk share, Scenarios and Monitoring "
            "sheets and charts of the contributions.",
            "From the command line, `cpcxl budget statements this-file.xlsx --out folder` "
            "writes one statement per partner for negotiation (add --pdf for PDF copies).",
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
        ],
    ),
    (
        "How the figures are worked out",
        [
            "Shares are of cash unless labelled 'of total' (cash and in kind together).",
            "A year with no amount is the year before × (1 + uplift) × (1 − reduction); a cap "
            "then scales that partner's cash lines down in proportion.",
            "Risk share is weighted by cash contributions in the year tested; a line kept out "
            "stays with its own contributors. Settlements are made in whole pence: each "
            "partner gets the whole pence of its exact part and the pence left over go to the "
            "largest fractions (ties to the partner listed first), so they add up exactly.",
            "Percentages may be typed as 3.9%, 0.039 or 3.9 (a number over 1 is read as a "
            "percentage).",
        ],
    ),
    (
        "Checks that work without the add-in",
        "The Partners sheet totals the cash and in kind entered for each partner and adds up "
        "the fixed risk-share percentages (red unless 100%), with native Excel formulas.",
    ),
]


def _sheet(wb: Workbook, key: str) -> Worksheet:
    spec = TABLES[key]
    ws = wb.create_sheet(spec.sheet)
    put(ws["A1"], TITLES[key]).font = styles.TITLE_FONT
    put(ws["A2"], NOTES[key]).font = styles.NOTE_FONT
    set_print(ws, landscape=True, header=MARKING, repeat_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    return ws


def _table(ws: Worksheet, key: str, rows: Sequence[Sequence[Any]]) -> str:
    spec = TABLES[key]
    widths = {h: 34 for h in spec.headers[:2]}
    return add_table(
        ws,
        spec.name,
        spec.headers,
        rows,
        row=HEADER_ROW,
        formats=FORMATS.get(key, {}),
        widths=widths,
    )


def _column(spec: TableSpec, field: str) -> str:
    index = [c.field for c in spec.columns].index(field)
    return chr(ord("A") + index)


def _validate(ws: Worksheet, key: str, field: str, source: str, prompt: str) -> None:
    letter = _column(TABLES[key], field)
    cells = f"{letter}{HEADER_ROW + 1}:{letter}{LAST_ROW[key]}"
    add_list_validation(ws, cells, f"={source}", prompt=prompt, title=field.replace("_", " "))


def build_template(path: str | os.PathLike[str], tables: dict[str, list] | None = None) -> Path:
    """The packaged workbook, filled in with ``tables`` (the illustrative example by default)."""
    data = tables if tables is not None else sample.TABLES
    wb = Workbook()
    add_instructions(wb, "Pooled and aligned budgets", INSTRUCTIONS)

    ws = _sheet(wb, "arrangement")
    _table(ws, "arrangement", data["arrangement"])
    ws.column_dimensions["B"].width = 55
    ws.column_dimensions["C"].width = 55
    positions = {field: HEADER_ROW + 1 + i for i, (_, field) in enumerate(SETTINGS)}
    for field, source in (
        ("kind", "ArrangementKinds"),
        ("first_year", "FinancialYears"),
        ("host", "PartnerNames"),
        ("basis", "RiskBases"),
        ("test_year", "FinancialYears"),
    ):
        add_list_validation(ws, f"B{positions[field]}", f"={source}", title=field)
    add_whole_number_validation(ws, f"B{positions['years']}", 1, 20, prompt="1 to 20 years")
    ws[f"B{positions['test_variance']}"].number_format = formats.GBP
    define_name(wb, "TestOverspend", ws.title, f"B{positions['test_variance']}")
    define_name(wb, "HostPartner", ws.title, f"B{positions['host']}")

    ws = _sheet(wb, "partners")
    _table(ws, "partners", data["partners"])
    define_name(wb, "PartnerNames", ws.title, f"A{HEADER_ROW + 1}:A{LAST_ROW['partners']}")
    _validate(ws, "partners", "type", "PartnerTypes", "A CPC 501 key organisation type")
    _partner_checks(ws)

    ws = _sheet(wb, "lines")
    _table(ws, "lines", data["lines"])
    define_name(wb, "LineNames", ws.title, f"A{HEADER_ROW + 1}:A{LAST_ROW['lines']}")
    _validate(ws, "lines", "lead", "PartnerNames", "The partner that commissions this line")
    _validate(ws, "lines", "excluded", "YesNo", "Yes keeps the line out of the risk share")

    ws = _sheet(wb, "contributions")
    _table(ws, "contributions", data["contributions"])
    _validate(ws, "contributions", "partner", "PartnerNames", "A partner from Partners")
    _validate(ws, "contributions", "line", "LineNames", "A line from Lines")
    _validate(ws, "contributions", "year", "FinancialYears", "A financial year")
    _validate(ws, "contributions", "kind", "ContributionKinds", "CPC 501 kind of contribution")
    _validate(ws, "contributions", "reduction", "YesNo", "Yes if a negative amount is meant")
    first = HEADER_ROW + 1
    ws.conditional_formatting.add(
        f"E{first}:E{LAST_ROW['contributions']}",
        FormulaRule(formula=[f'AND($E{first}<0,$F{first}<>"Yes")'], fill=styles.fill(formats.RED)),
    )

    ws = _sheet(wb, "conditions")
    _table(ws, "conditions", data["conditions"])
    _validate(ws, "conditions", "partner", "PartnerNames", "A partner from Partners")
    _validate(ws, "conditions", "change", "Changes", "Uplift %, Reduction % or Cap £")
    _validate(ws, "conditions", "from_year", "FinancialYears", "First year it applies")
    _validate(ws, "conditions", "to_year", "FinancialYears", "Last year (blank: to the end)")
    _validate(ws, "conditions", "reason", "ChangeReasons", "CPC 509 condition for changing")

    ws = _sheet(wb, "outcomes")
    _table(ws, "outcomes", data["outcomes"])
    _validate(ws, "outcomes", "partner", "PartnerNames", "A partner from Partners")

    ws = _sheet(wb, "standalone")
    _table(ws, "standalone", data["standalone"])
    _validate(ws, "standalone", "partner", "PartnerNames", "A partner from Partners")
    _validate(ws, "standalone", "line", "LineNames", "A line from Lines")
    _validate(ws, "standalone", "year", "FinancialYears", "Blank: every year")

    ws = _sheet(wb, "actuals")
    _table(ws, "actuals", data["actuals"])
    _validate(ws, "actuals", "line", "LineNames", "A line from Lines")
    _validate(ws, "actuals", "year", "FinancialYears", "A financial year")
    _validate(ws, "actuals", "partner", "PartnerNames", "Blank for the whole pooled line")

    ws = _sheet(wb, "scenarios")
    _table(ws, "scenarios", data["scenarios"])
    _validate(ws, "scenarios", "partner", "PartnerNames", "Blank for a scenario-wide change")
    _validate(ws, "scenarios", "basis", "RiskBases", "Risk-share basis for this scenario")

    lists = add_lists_sheet(wb, LISTS)
    lists.sheet_state = "hidden"
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


def _partner_checks(ws: Worksheet) -> None:
    """Native formulas beside the Partners table: what has been entered, and the fixed shares."""
    put(ws["F2"], "Fixed risk shares add up to").font = styles.NOTE_FONT
    total = put(ws["H2"], Formula(f"=SUM(C{HEADER_ROW + 1}:C{LAST_ROW['partners']})"))
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
    c = "Contributions!"
    for r in range(HEADER_ROW + 1, last + 1):
        put(
            ws[f"F{r}"],
            Formula(f'=IF($A{r}="","",SUMIFS({c}$E:$E,{c}$A:$A,$A{r},{c}$D:$D,"Financial"))'),
            formats.GBP,
        )
        put(
            ws[f"G{r}"],
            Formula(f'=IF($A{r}="","",SUMIFS({c}$E:$E,{c}$A:$A,$A{r})-F{r})'),
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
    ws.add_chart(chart, f"F{last + 3}")


TEMPLATE = WorkbookTemplate(
    name="pooled_budget",
    filename=FILENAME,
    title="Pooled and aligned budgets (CPC 509): contributions, shares, risk share",
    build=build_template,
)


# --- reading a filled workbook -----------------------------------------------------------------


def read_workbook(
    path: str | os.PathLike[str],
) -> tuple[engine.BudgetInputs, list[engine.ScenarioChange]]:
    """The inputs of a filled-in budget workbook; InputErrors lists every problem with its cell."""
    path = Path(path)
    sheets = read_sheets(path)
    tables = {
        key: TableValues(sheets[spec.sheet]) for key, spec in TABLES.items() if spec.sheet in sheets
    }
    inputs, scenarios = read_inputs(tables, file=path.name)
    problems = engine.check(inputs)
    problems.extend(engine.check_scenarios(inputs, scenarios))
    if problems:
        raise InputErrors([e.at(file=path.name) for e in problems])
    return inputs, scenarios


# --- writing outputs ---------------------------------------------------------------------------


def _contribution_charts(ws: Worksheet, sheet: SheetOutput) -> None:
    anchor_column = get_column_letter(report.chart_column(sheet))
    ranges = list(report.chart_ranges(sheet).values())
    if len(ranges) < 2:
        return
    (r1, c1, r2, c2), (s1, d1, s2, d2) = ranges
    kinds = BarChart()
    kinds.type = "bar"
    kinds.grouping = "stacked"
    kinds.overlap = 100
    kinds.title = "Cash and in kind by partner, all years"
    kinds.add_data(
        Reference(ws, min_col=c1 + 1, max_col=c2, min_row=r1, max_row=r2), titles_from_data=True
    )
    kinds.set_categories(Reference(ws, min_col=c1, min_row=r1 + 1, max_row=r2))
    kinds.width, kinds.height = 18, 9
    ws.add_chart(kinds, f"{anchor_column}3")
    years = BarChart()
    years.type = "col"
    years.title = "Contributions by partner and year (cash and in kind)"
    years.add_data(
        Reference(ws, min_col=d1 + 1, max_col=d2, min_row=s1, max_row=s2), titles_from_data=True
    )
    years.set_categories(Reference(ws, min_col=d1, min_row=s1 + 1, max_row=s2))
    years.width, years.height = 18, 9
    ws.add_chart(years, f"{anchor_column}22")


def write_outputs(
    source: str | os.PathLike[str], target: str | os.PathLike[str]
) -> tuple[Path, engine.BudgetResult]:
    """A copy of ``source`` with the Budget, Risk share, Scenarios and Monitoring sheets added.

    The source is never changed; the copy is written atomically.
    """
    inputs, scenarios = read_workbook(source)
    result = engine.build(inputs, check_first=False)
    comparison = engine.compare_scenarios(inputs, scenarios)
    wb = open_for_reading(source)
    sheets = report.output_sheets(result, comparison)
    for output in sheets:
        ws = render(wb, output)
        set_print(ws, landscape=True, header=MARKING)
    _contribution_charts(wb[report.BUDGET], sheets[0])
    if PARTNERS_SHEET in wb.sheetnames and not wb[PARTNERS_SHEET]._charts:
        _partner_chart(wb[PARTNERS_SHEET])
    return save_workbook(wb, target), result


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "partner"


def write_statements(
    result: engine.BudgetResult, out_dir: str | os.PathLike[str], *, pdf: bool = False
) -> list[Path]:
    """One statement workbook per partner, each written atomically; with ``pdf``, a PDF copy
    of each too (LibreOffice), for partners who will not open a workbook."""
    out_dir = Path(out_dir)
    written = []
    used: set[str] = set()
    for partner in result.budget.partners:
        name = slug(partner)
        while name in used:  # "A&B" and "A-B" must not overwrite each other's statement
            name += "-2"
        used.add(name)
        sheet = report.statement_sheet(result, partner)
        wb = Workbook()
        render(wb, sheet, index=0)
        del wb["Sheet"]
        ws = wb[sheet.name]
        set_print(ws, landscape=True, header=MARKING)
        _statement_chart(ws, result, partner)
        path = save_workbook(wb, out_dir / f"statement-{name}.xlsx")
        written.append(path)
        if pdf:
            written.append(convert(path, path.with_suffix(".pdf"), to="pdf"))
    return written


def _statement_chart(ws: Worksheet, result: engine.BudgetResult, partner: str) -> None:
    """A chart of the partner's cash and in kind by year, from the 'Your share by year' block."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.value == "Your share by year":
            header = cell.row + 1
            last = header + len(result.inputs.arrangement.year_list)
            chart = BarChart()
            chart.type = "col"
            chart.grouping = "stacked"
            chart.overlap = 100
            chart.title = f"{partner}: cash and in kind by year"
            chart.add_data(
                Reference(ws, min_col=2, max_col=3, min_row=header, max_row=last),
                titles_from_data=True,
            )
            chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
            chart.width, chart.height = 16, 8
            ws.add_chart(chart, "I3")
            return
