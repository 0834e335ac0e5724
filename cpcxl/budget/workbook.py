"""The packaged pooled-budget workbook, reading a filled one, and writing outputs and statements.

openpyxl and calamine only: this works with no Excel anywhere.
"""

from __future__ import annotations

import os
import re
import tempfile
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
from cpcxl.common.files import Outputs
from cpcxl.common.formats import Formula
from cpcxl.common.inputs import TableSpec
from cpcxl.common.report import SheetOutput
from cpcxl.common.soffice import convert
from cpcxl.common.values import is_blank
from cpcxl.common.workbook import (
    add_input_table,
    add_instructions,
    add_lists_sheet,
    add_settings_table,
    add_xlwings_conf,
    define_name,
    open_for_reading,
    put,
    read_tables,
    render,
    save_workbook,
    set_print,
)
from cpcxl.plugins import WorkbookTemplate

from . import engine, outputs, sample
from .inputs import (
    ARRANGEMENT,
    ARRANGEMENT_KIND,
    BASIS,
    CHANGE,
    CONTRIBUTIONS,
    KIND,
    PARTNER_TYPE,
    PARTNERS,
    REASON,
    SPECS,
    TABLES,
    read_inputs,
)
from .models import Change, ContributionKind

FILENAME = "pooled_budget.xlsx"
MARKING = "OFFICIAL"
HEADER_ROW = 4  # every input table's header; rows 1-2 hold the sheet's title and a note
#: The named ranges of partner and line names reach this far, so rows added to the tables
#: are in the drop-downs that use them: 50 partners and 100 lines (local choices, well above
#: any partnership; rows beyond are still read and checked, only not offered in drop-downs).
LAST_PARTNER_ROW = 54
LAST_LINE_ROW = 104
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

#: The drop-down lists, on a hidden Lists sheet; each is named after the list_name its value
#: type declares in cpcxl.budget.inputs.
LISTS = {
    "PartnerTypes": PARTNER_TYPE.labels,
    "ContributionKinds": KIND.labels,
    "ArrangementKinds": ARRANGEMENT_KIND.labels,
    "Changes": CHANGE.labels,
    "ChangeReasons": REASON.labels,
    "RiskBases": BASIS.labels,
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
            "Aligned budget (CPC 509): nothing is shared; each partner bears its own variance, "
            "its actuals against its own contributions. Pooled budget: the risk-share terms "
            "apply.",
            "Risk share is weighted by cash contributions in the year tested; a line kept out "
            "stays with its own contributors. Settlements are made in whole pence: each "
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
    data = tables if tables is not None else sample.TABLES
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
        ws = _sheet(wb, key, spec.sheet)
        add_input_table(ws, spec, data[key], row=HEADER_ROW)
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
    """The inputs of a filled-in budget workbook; InputErrors lists every problem with its
    file, sheet and cell."""
    path = Path(path)
    inputs, scenarios = read_inputs(read_tables(path, SPECS), file=path.name)
    problems = engine.check(inputs)
    problems.extend(engine.check_scenarios(inputs, scenarios))
    if problems:
        raise InputErrors([e.at(file=path.name) for e in problems], notes=inputs.notes)
    return inputs, scenarios


# --- writing outputs ---------------------------------------------------------------------------


def _contribution_charts(ws: Worksheet, sheet: SheetOutput) -> None:
    anchor_column = get_column_letter(outputs.chart_column(sheet))
    ranges = list(outputs.chart_ranges(sheet).values())
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
    sheets = outputs.output_sheets(result, comparison)
    for output in sheets:
        ws = render(wb, output)
        set_print(ws, landscape=True, header=MARKING)
    _contribution_charts(wb[outputs.BUDGET], sheets[0])
    if PARTNERS_SHEET in wb.sheetnames and not wb[PARTNERS_SHEET]._charts:
        _partner_chart(wb[PARTNERS_SHEET])
    return save_workbook(wb, target), result


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "partner"


def write_statements(
    result: engine.BudgetResult,
    out_dir: str | os.PathLike[str],
    *,
    pdf: bool = False,
    rule: Outputs | None = None,
) -> list[Path]:
    """One statement workbook per partner, each written atomically; with ``pdf``, a PDF copy
    of each too (LibreOffice), for partners who will not open a workbook.

    ``rule`` is the one a command follows (:class:`cpcxl.common.files.Outputs`): every
    file is checked before any is written (never the input, never an .xlsm), and one that
    exists is kept unless it allows overwriting; without it, files are replaced (the demo).
    """
    out_dir = Path(out_dir)
    rule = rule if rule is not None else Outputs(overwrite=True)
    targets = {}
    used: set[str] = set()
    for partner in result.budget.partners:
        name = slug(partner)
        while name in used:  # "A&B" and "A-B" must not overwrite each other's statement
            name += "-2"
        used.add(name)
        targets[partner] = out_dir / f"statement-{name}.xlsx"
    for target in targets.values():  # refuse before anything is written
        rule.check(target)
        if pdf:
            rule.check(target.with_suffix(".pdf"))
    written = []
    for partner, target in targets.items():
        paper = target.with_suffix(".pdf")
        write_book = rule.may_write(target)
        write_paper = pdf and rule.may_write(paper)
        if write_book:
            written.append(rule.wrote(_write_statement(result, partner, target)))
            if write_paper:
                written.append(rule.wrote(convert(target, paper, to="pdf")))
        elif write_paper:  # the statement is kept (it may be edited): a PDF of a fresh one
            with tempfile.TemporaryDirectory(prefix="cpcxl-statement-") as tmp:
                fresh = _write_statement(result, partner, Path(tmp) / target.name)
                written.append(rule.wrote(convert(fresh, paper, to="pdf")))
    return written


def _write_statement(result: engine.BudgetResult, partner: str, target: Path) -> Path:
    sheet = outputs.statement_sheet(result, partner)
    wb = Workbook()
    render(wb, sheet, index=0)
    del wb["Sheet"]
    ws = wb[sheet.name]
    set_print(ws, landscape=True, header=MARKING)
    _statement_chart(ws, result, partner)
    return save_workbook(wb, target)


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
