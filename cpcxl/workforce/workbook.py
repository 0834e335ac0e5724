"""The packaged workforce plan workbook: build it, read a filled one, write a plan to a file."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cpcxl.common import formats, styles
from cpcxl.common.files import atomic_path, check_workbook_file
from cpcxl.common.formats import Formula
from cpcxl.common.workbook import (
    add_instructions,
    add_list_validation,
    add_lists_sheet,
    add_table,
    add_xlwings_conf,
    define_name,
    put,
    read_sheets,
    render,
    save_workbook,
    set_print,
)

from . import engine, sample
from .inputs import (
    ASSUMPTION_HEADERS,
    ASSUMPTIONS_SHEET,
    DEMAND_COLUMNS,
    DEMAND_HEADERS,
    DEMAND_SHEET,
    STAFF_COLUMNS,
    STAFF_HEADERS,
    STAFF_SHEET,
    TARGET_COLUMNS,
    TARGET_HEADERS,
    TARGETS_SHEET,
    PlanInputs,
    TableValues,
    plan_inputs,
)
from .models import (
    AGE_BANDS,
    MAX_WEEKLY_HOURS,
    SKILL_LEVELS,
    SOURCES,
    Assumptions,
    ContractType,
    Employer,
    HeadroomMethod,
    TargetKind,
)
from .outputs import GAP_CHART_ANCHOR, GAP_FIRST_ROW, GAP_SHEET, plan_outputs

FILENAME = "workforce_plan.xlsx"
TITLE = "Workforce plan (CPC 505): the workforce to deliver the outcomes"
MARKING = "OFFICIAL-SENSITIVE"
#: Header row of every input table; a title and a note sit above it.
HEADER_ROW = 4
#: Drop-downs and checks reach this far down, so rows typed below the table still get them.
VALIDATION_ROWS = 2000

INSTRUCTIONS = [
    (
        "What this workbook does",
        "It plans the workforce needed to deliver the outcomes you commission (National "
        "Occupational Standard CPC 505): full-time equivalents (FTE), the gap between the "
        "FTE you need and the FTE you have by role and skill level, the mix of contract types "
        "and employers and how far it is from your targets, a 3-5 year projection of leavers "
        "and recruitment, the risks of the plan, a least-cost mix of contract types, and a "
        "diversity profile with small numbers hidden.",
    ),
    (
        "What to fill in (yellow tables; replace the example rows)",
        [
            "Staff: one row per person, or one row for several people alike (Number of "
            "people). No names: roles only. Contract type and Employer come from drop-downs. "
            "Hours per week are contracted hours (0 to 80). Include agency, bank, contractors' "
            "and volunteers, provider staff and people employed through direct payments. "
            "Age band, Sex, Ethnic group and Disability are optional and are only ever shown "
            "in aggregate.",
            "Demand: hours of work needed each week by service, role and skill level now; "
            "either an annual growth rate or the hours for each year (Year 1 to Year 5).",
            "Assumptions: each has a default and says where it comes from; change the Value "
            "to your own figure. Headroom method: 'uplift' = worked × (1 + headroom), "
            "'divide' = worked ÷ (1 − headroom).",
            "Targets: a maximum agency share, a minimum permanent share, a minimum share at a "
            "skill level, or a maximum of hours on a contract type (e.g. bank hours available). "
            "Shares are fractions (0.1 = 10%). Leave Role blank for the whole organisation.",
        ],
    ),
    (
        "The button (cpcxl add-in, task pane: the workbook holds no macros)",
        [
            "Plan workforce: reads the four tables and writes the Plan, Gap (with a chart), "
            "Projection, Optimised mix and Risks sheets. It never changes your tables. If "
            "anything is wrong it lists every problem with its sheet, row and column.",
        ],
    ),
    (
        "Formulas that work without the add-in",
        [
            "Staff FTE = hours × number of people ÷ standard hours. Demand Required FTE now "
            "= hours ÷ standard hours with headroom by the chosen method. Copy these formulas "
            "down when you add rows; the button works the figures out itself either way.",
            "Worksheet functions with the add-in: =CPC_FTE(hours), "
            '=CPC_REQUIRED_FTE(worked_fte, headroom, "uplift"), '
            "=CPC_WORKFORCE_GAP(required, current), "
            "=CPC_RECRUITMENT_NEED(fte, turnover, vacancy, years).",
        ],
    ),
    (
        "Handling",
        "Staff records about individuals are personal data: keep this workbook "
        f"{MARKING}, share the Plan sheet's aggregate figures rather than the Staff sheet.",
    ),
]


def _title(ws: Any, title: str, note: str) -> None:
    put(ws["A1"], title).font = styles.TITLE_FONT
    put(ws["A2"], note).font = styles.NOTE_FONT


def _yellow(ws: Any, first_col: int, last_col: int, first_row: int, last_row: int) -> None:
    for row in ws.iter_rows(
        min_row=first_row, max_row=last_row, min_col=first_col, max_col=last_col
    ):
        for cell in row:
            cell.fill = styles.INPUT_FILL


def _rows(first: int, column: int, last: int = HEADER_ROW + VALIDATION_ROWS) -> str:
    letter = get_column_letter(column)
    return f"{letter}{first}:{letter}{last}"


def build(
    path: str | os.PathLike[str],
    staff: Sequence[Sequence[Any]] | None = None,
    demand: Sequence[Sequence[Any]] | None = None,
    targets: Sequence[Sequence[Any]] | None = None,
    assumptions: dict[str, Any] | None = None,
) -> Path:
    """Build the workbook; by default with a small example to replace (see ``sample``)."""
    staff = sample.EXAMPLE_STAFF if staff is None else staff
    demand = sample.EXAMPLE_DEMAND if demand is None else demand
    targets = sample.EXAMPLE_TARGETS if targets is None else targets
    defaults = Assumptions()
    values = {name: getattr(defaults, name) for name in SOURCES}
    values.update(assumptions or {})

    wb = Workbook()
    add_instructions(wb, TITLE, INSTRUCTIONS)
    add_lists_sheet(
        wb,
        {
            "ContractTypes": [c.value for c in ContractType],
            "Employers": [e.value for e in Employer],
            "SkillLevels": list(SKILL_LEVELS),
            "TargetKinds": [k.value for k in TargetKind],
            "HeadroomMethods": [m.value for m in HeadroomMethod],
            "AgeBands": list(AGE_BANDS),
        },
    )
    first = HEADER_ROW + 1

    # Assumptions first: the formulas elsewhere point at its named cells.
    ws = wb.create_sheet(ASSUMPTIONS_SHEET, 1)
    _title(
        ws,
        "Assumptions",
        "Change a Value to your own figure; the source says where each default comes from.",
    )
    rows = [[label, _cell_value(values[name]), source] for name, (label, source) in SOURCES.items()]
    add_table(
        ws,
        "Assumptions",
        ASSUMPTION_HEADERS,
        rows,
        row=HEADER_ROW,
        widths={"Assumption": 58, "Value": 16, "Where the default comes from": 100},
    )
    for offset, name in enumerate(SOURCES):
        cell = ws.cell(first + offset, 2)
        cell.fill = styles.INPUT_FILL
        if name in ("headroom", "turnover", "vacancy", "agency_premium", "recruitment_rate"):
            cell.number_format = formats.PERCENT_1DP
        if name == "plan_start":
            cell.number_format = formats.DATE_UK
        ws.cell(first + offset, 3).alignment = styles.WRAP
    names = {
        "standard_hours": "StandardHours",
        "headroom": "Headroom",
        "headroom_method": "HeadroomMethod",
    }
    for offset, name in enumerate(SOURCES):
        if name in names:
            define_name(wb, names[name], ASSUMPTIONS_SHEET, f"B{first + offset}")
    method_row = first + list(SOURCES).index("headroom_method")
    add_list_validation(ws, f"B{method_row}", "=HeadroomMethods", title="Headroom method")
    set_print(ws, landscape=True, header=MARKING)

    ws = wb.create_sheet(STAFF_SHEET, 1)
    _title(
        ws,
        "Staff",
        "One row per person or group of people alike; roles, never names. "
        "FTE is worked out by formula.",
    )
    headers = [*STAFF_HEADERS, "FTE"]
    rows = [list(r) + [None] * (len(STAFF_HEADERS) - len(r)) for r in staff]
    for i, row in enumerate(rows):
        r = first + i
        hours, count = f"E{r}", f"I{r}"
        row.append(Formula(f'IF({hours}="","",{hours}*IF({count}="",1,{count})/StandardHours)'))
    add_table(
        ws,
        "Staff",
        headers,
        rows,
        row=HEADER_ROW,
        formats={
            "Hours per week": "0.0#",
            "Hourly cost": formats.GBP_PENCE,
            "Start date": formats.DATE_UK,
            "Leaving date": formats.DATE_UK,
            "FTE": formats.DECIMAL_2,
        },
        widths={"Role": 28, "Skill level": 30, "Contract type": 20, "Employer": 34},
    )
    _yellow(ws, 1, len(STAFF_HEADERS), first, first + max(len(rows), 1) - 1)
    add_list_validation(ws, _rows(first, 2), "=SkillLevels", title="Skill level")
    add_list_validation(ws, _rows(first, 3), "=ContractTypes", title="Contract type")
    add_list_validation(ws, _rows(first, 4), "=Employers", title="Employer")
    add_list_validation(ws, _rows(first, 10), "=AgeBands", title="Age band")
    _decimal_validation(ws, _rows(first, 5), 0, MAX_WEEKLY_HOURS, "Contracted hours a week")
    _decimal_validation(ws, _rows(first, 6), 0, 1000, "Hourly cost in £")
    _date_validation(ws, _rows(first, 7))
    _date_validation(ws, _rows(first, 8))
    ws.conditional_formatting.add(
        _rows(first, 5),
        CellIsRule(
            operator="greaterThan", formula=[str(MAX_WEEKLY_HOURS)], fill=styles.fill(formats.RED)
        ),
    )
    ws.freeze_panes = f"B{first}"
    set_print(ws, landscape=True, header=MARKING, repeat_rows=f"{HEADER_ROW}:{HEADER_ROW}")

    ws = wb.create_sheet(DEMAND_SHEET, 2)
    _title(
        ws,
        "Demand",
        "Hours of work needed each week; growth a year as a fraction, or the hours for each year.",
    )
    headers = [*DEMAND_HEADERS, "Required FTE now"]
    rows = [list(r) + [None] * (len(DEMAND_HEADERS) - len(r)) for r in demand]
    for i, row in enumerate(rows):
        h = f"D{first + i}"
        row.append(
            Formula(
                f'IF({h}="","",IF(HeadroomMethod="divide",{h}/StandardHours/(1-Headroom),'
                f"{h}/StandardHours*(1+Headroom)))"
            )
        )
    add_table(
        ws,
        "Demand",
        headers,
        rows,
        row=HEADER_ROW,
        formats={
            "Hours needed per week now": "#,##0.0",
            "Annual growth": formats.PERCENT_1DP,
            **{f"Year {y}": "#,##0.0" for y in range(1, 6)},
            "Required FTE now": formats.DECIMAL_2,
        },
        widths={"Service": 24, "Role": 28, "Skill level": 30, "Hours needed per week now": 16},
    )
    _yellow(ws, 1, len(DEMAND_HEADERS), first, first + max(len(rows), 1) - 1)
    add_list_validation(ws, _rows(first, 3), "=SkillLevels", title="Skill level")
    _decimal_validation(ws, _rows(first, 4), 0, 10_000_000, "Hours needed a week")
    ws.freeze_panes = f"A{first}"
    set_print(ws, landscape=True, header=MARKING, repeat_rows=f"{HEADER_ROW}:{HEADER_ROW}")

    ws = wb.create_sheet(TARGETS_SHEET, 4)
    _title(
        ws, "Targets", "Shares as fractions (0.1 = 10%); a blank Role means the whole organisation."
    )
    add_table(
        ws,
        "Targets",
        TARGET_HEADERS,
        [list(t) for t in targets],
        row=HEADER_ROW,
        widths={"Target": 36, "Role": 28, "Skill level or contract type": 34},
    )
    _yellow(ws, 1, len(TARGET_HEADERS), first, first + max(len(targets), 1) - 1)
    add_list_validation(ws, _rows(first, 1), "=TargetKinds", title="Target")
    set_print(ws, header=MARKING)

    add_xlwings_conf(wb)
    return save_workbook(wb, path)


def _cell_value(value: Any) -> Any:
    return getattr(value, "value", value)


def _decimal_validation(ws: Any, cells: str, low: float, high: float, prompt: str) -> None:
    validation = DataValidation(
        type="decimal", operator="between", formula1=str(low), formula2=str(high), allow_blank=True
    )
    validation.error = f"Enter a number from {low:g} to {high:g}."
    validation.errorTitle = "Out of range"
    validation.showErrorMessage = True
    validation.prompt = prompt
    validation.showInputMessage = True
    validation.add(cells)
    ws.add_data_validation(validation)


def _date_validation(ws: Any, cells: str) -> None:
    validation = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    validation.error = "Enter a date as dd/mm/yyyy."
    validation.errorTitle = "Not a date"
    validation.showErrorMessage = True
    validation.add(cells)
    ws.add_data_validation(validation)


# --- reading a filled workbook and writing the plan --------------------------------------

_TABLE_COLUMNS = {
    STAFF_SHEET: STAFF_COLUMNS,
    DEMAND_SHEET: DEMAND_COLUMNS,
    TARGETS_SHEET: TARGET_COLUMNS,
}


def read_inputs(path: str | os.PathLike[str]) -> PlanInputs:
    """The four tables of a filled workbook, checked; errors name file, sheet, row and field."""
    path = Path(path)
    sheets = read_sheets(path)
    tables: dict[str, TableValues] = {}
    for name, rows in sheets.items():
        if name in _TABLE_COLUMNS:
            tables[name] = TableValues(rows, 1)
        elif name == ASSUMPTIONS_SHEET:
            start = _header_index(rows)
            tables[name] = TableValues(rows[start:], start + 1)
    return plan_inputs(tables, file=path.name)


def _header_index(rows: Sequence[Sequence[Any]]) -> int:
    for i, row in enumerate(rows):
        if row and str(row[0]).strip().lower() == "assumption":
            return i
    return 0


def write_plan(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Plan the workforce in ``source`` and write a copy with the plan sheets to ``target``.

    The source is never changed; the target appears whole or not at all.
    """
    source, target = Path(source), Path(target)
    inputs = read_inputs(source)
    result = engine.plan(inputs.staff, inputs.demand, inputs.targets, inputs.assumptions)
    check_workbook_file(source)
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
        wb = load_workbook(tmp)
        write_outputs(wb, result)
        wb.save(tmp)
    return target


def write_outputs(wb: Workbook, result: engine.Plan) -> None:
    for output in plan_outputs(result):
        ws = render(wb, output)
        set_print(ws, landscape=True, header=MARKING)
    _gap_chart_and_colours(wb[GAP_SHEET], len(result.gap_by_role), len(result.gap))


def _gap_chart_and_colours(ws: Any, roles: int, role_skills: int) -> None:
    header = GAP_FIRST_ROW
    last = header + roles
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Required and current FTE by role"
    chart.y_axis.title = "FTE"
    chart.add_data(
        Reference(ws, min_col=2, max_col=3, min_row=header, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    chart.height = max(7.5, 0.6 * roles)
    chart.width = 18
    ws.add_chart(chart, GAP_CHART_ANCHOR)
    # Shortfalls red, surpluses green, in both gap tables.
    for cells in (f"D{header + 1}:D{last}", f"E{last + 4}:E{last + 3 + role_skills}"):
        ws.conditional_formatting.add(
            cells,
            CellIsRule(operator="greaterThan", formula=["0.005"], fill=styles.fill(formats.RED)),
        )
        ws.conditional_formatting.add(
            cells,
            CellIsRule(operator="lessThan", formula=["-0.005"], fill=styles.fill(formats.GREEN)),
        )
