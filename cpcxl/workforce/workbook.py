"""The packaged workforce plan workbook: build it, read a filled one, write a plan to a file.

The input tables are built from the declarations in ``inputs`` (headers, formats, widths,
drop-downs and checks), and read back from a file through the same declarations.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from cpcxl.common import formats, styles
from cpcxl.common.files import atomic_path, check_workbook_file
from cpcxl.common.formats import Formula
from cpcxl.common.inputs import TableSpec
from cpcxl.common.workbook import (
    add_input_table,
    add_instructions,
    add_lists_sheet,
    add_settings_table,
    add_xlwings_conf,
    define_name,
    put,
    read_tables,
    render,
    save_workbook,
    set_print,
)
from cpcxl.plugins import WorkbookTemplate

from . import engine
from .inputs import (
    ACTUALS,
    ASSUMPTIONS,
    BENCHMARKS,
    DEMAND,
    LISTS,
    ON_COSTS,
    PAY,
    PENSIONS,
    SCALE_ROWS,
    SCALES,
    SCHEME_ROWS,
    SKILLS,
    SPECS,
    STAFF,
    TARGETS,
    PlanInputs,
    example,
    read_plan,
)
from .models import MAX_WEEKLY_HOURS, SHARE_TARGETS, TARGET_SHARE, Assumptions
from .outputs import GAP_CHART_ANCHOR, GAP_FIRST_ROW, GAP_SHEET, plan_outputs

FILENAME = "workforce_plan.xlsx"
TITLE = "Workforce plan (CPC 505): the workforce to deliver the outcomes"
MARKING = "OFFICIAL-SENSITIVE"
#: Header row of every input table; a title and a note sit above it.
HEADER_ROW = 4
#: The width of the Assumptions sheet's notes column, in characters.
NOTE_WIDTH = 100
#: The red flag on hours over the limit reaches this far down the Staff sheet.
FLAGGED_ROWS = 2000

INSTRUCTIONS = [
    (
        "What this workbook does",
        "It plans the workforce needed to deliver the outcomes you commission (National "
        "Occupational Standard CPC 505) over 3 to 5 years (CPC 510): full-time equivalents "
        "(FTE), the gap between the FTE you need and the FTE you have by role and skill level, "
        "the mix of contract types and employers and how far it is from your targets, a "
        "projection of leavers and recruitment, what it all costs with employer on-costs, pay "
        "checked against the wage floor, training needs, the risks of the plan, a least-cost "
        "mix over the whole plan, a review of the plan against each quarter's actuals, and a "
        "diversity profile with small numbers hidden.",
    ),
    (
        "What to fill in (yellow tables; replace the example rows)",
        [
            "Staff: one row per person, or one row for several people alike (Number of "
            "people). No names: roles only. Contract type and Employer come from drop-downs. "
            "Hours per week are contracted hours (0 to 80). Include agency, bank, contractors' "
            "and volunteers, provider staff and people employed through direct payments. "
            "Full-time, Part-time and Temporary (fixed-term) staff are substantive: they fill "
            "posts. Bank, Agency, Contractor and Volunteer staff cover vacant posts without "
            "filling them, so a post covered by agency still counts as vacant. Choose "
            "Employer 'NHS' for staff an NHS trust or ICB employs: their roles take the NHS "
            "turnover and vacancy rates. Hourly pay is pay before on-costs (blank: the role's "
            "pay from the Pay sheet); for agency and contractors it is their whole hourly "
            "charge. Area and Training and qualifications held (separated by semicolons) are "
            "optional. Age band, Sex, Ethnic group and Disability are optional and are only "
            "ever shown in aggregate.",
            "Demand: hours of work needed each week by service, role and skill level now; "
            "either an annual growth rate (a percentage: 4% a year, from -50% to 50%) or the "
            "hours for each year (Year 1 to Year 5).",
            "Assumptions: each has a default and says where it comes from; change the Value "
            "to your own figure. Headroom method: 'uplift' = worked × (1 + headroom), "
            "'divide' = worked ÷ (1 − headroom). Give headroom's parts (annual leave, "
            "sickness, study, parental, other) to build headroom from them; a staff budget "
            "for a year limits the least-cost mix.",
            "Rates and shares are percentages: type 22% (Excel keeps it as 0.22). A number "
            "outside a rate's range is refused and the message says what was probably meant: "
            "22 would be 2,200%.",
            "Targets: a maximum agency share, a minimum permanent share, a minimum share at a "
            "skill level, or a maximum of hours on a contract type (e.g. bank hours available). "
            "Shares are percentages (type 10%). Leave Role blank for the whole organisation.",
            "Pay: the on-costs (employer National Insurance, the apprenticeship levy), the "
            "wage floor with its rate and year, the pension schemes with their employer rates, "
            "and pay by role: a band or point from the Pay scales sheet, or an annual pay. The "
            "shipped figures are for 2025/26 and say where they come from: update them each "
            "year. Pay scales: Agenda for Change and NJC points (add or change rows).",
            "Benchmarks: turnover, vacancy and sickness by role, and by area where you have "
            "them; blank rates take the sector's (Skills for Care, NHS England).",
            "Skills: the training and qualifications each role needs, as the staff records "
            "name them, with a cost per person. Actuals: each quarter's FTE in post, leavers, "
            "starters, agency hours and spend by role.",
        ],
    ),
    (
        "The button (cpcxl add-in, task pane: the workbook holds no macros)",
        [
            "Plan workforce: reads every table and writes the Plan, Gap (with a chart), "
            "Projection, Optimised mix, Risks, Costs, Wage floor, Development and Review "
            "sheets. It never changes your tables. If anything is wrong it lists every "
            "problem with its sheet, row and column. Every cost counts employer on-costs; "
            "agency and bank cover is priced from each role's own cost plus its premium.",
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
            "=CPC_RECRUITMENT_NEED(fte, turnover, vacancy, years), "
            "=CPC_EMPLOYMENT_COST(annual_pay, pension_rate, ni_rate, ni_threshold).",
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


def _yellow(ws: Any, spec: TableSpec, rows: int, header: int = HEADER_ROW) -> None:
    """The input columns of a table's rows in the conventional 'type here' yellow."""
    first = header + 1
    for offset, column in enumerate(spec.columns, start=1):
        if column.output:
            continue
        for row in range(first, first + max(rows, 1)):
            ws.cell(row, offset).fill = styles.INPUT_FILL


def _top(ws: Any, first: int, rows: int) -> None:
    """A settings table's labels and values at the top of their rows, beside their notes."""
    for row in range(first, first + rows):
        for column in (1, 2):
            cell = ws.cell(row, column)
            cell.alignment = Alignment(
                horizontal=cell.alignment.horizontal, vertical="top", wrap_text=column == 1
            )


def _letter(spec: TableSpec, field: str) -> str:
    """The column letter of a field in a table that starts in column A."""
    return get_column_letter([c.field for c in spec.columns].index(field) + 1)


def _padded(rows: Sequence[Sequence[Any]], spec: TableSpec) -> list[list[Any]]:
    """Rows padded to the table's input columns (a row may stop at its last value)."""
    width = sum(1 for c in spec.columns if not c.output)
    return [list(r) + [None] * (width - len(r)) for r in rows]


def _input_sheet(
    wb: Workbook,
    spec: TableSpec,
    index: int,
    note: str,
    rows: Sequence[Sequence[Any]],
    formula: Callable[[int], Formula] | None = None,
    *,
    freeze: str | None = None,
    landscape: bool = True,
) -> Any:
    """An input sheet: a title and a note above the spec's Excel Table, its rows in yellow,
    and its formula column (``formula(row)``) written beside each row."""
    ws = wb.create_sheet(spec.sheet, index)
    _title(ws, spec.title, note)
    padded = _padded(rows, spec)
    if formula is not None:
        for r, row in enumerate(padded, start=HEADER_ROW + 1):
            row.append(formula(r))
    add_input_table(ws, spec, padded, row=HEADER_ROW)
    _yellow(ws, spec, len(padded))
    if freeze:
        ws.freeze_panes = freeze
    repeat = f"{HEADER_ROW}:{HEADER_ROW}" if landscape else None
    set_print(ws, landscape=landscape, header=MARKING, repeat_rows=repeat)
    return ws


def build(
    path: str | os.PathLike[str],
    staff: Sequence[Sequence[Any]] | None = None,
    demand: Sequence[Sequence[Any]] | None = None,
    targets: Sequence[Sequence[Any]] | None = None,
    assumptions: dict[str, Any] | None = None,
    *,
    pay: Sequence[Sequence[Any]] | None = None,
    on_costs: dict[str, Any] | None = None,
    schemes: Sequence[Sequence[Any]] | None = None,
    scales: Sequence[Sequence[Any]] | None = None,
    benchmarks: Sequence[Sequence[Any]] | None = None,
    skills: Sequence[Sequence[Any]] | None = None,
    actuals: Sequence[Sequence[Any]] | None = None,
) -> Path:
    """Build the workbook; by default with a small example to replace (``inputs.example``).

    The example's Pay, Benchmarks, Skills and Actuals rows name the example's roles, so with
    other staff or demand they default to empty (the shipped scales and schemes stay)."""
    if staff is not None or demand is not None:
        pay, benchmarks = [] if pay is None else pay, [] if benchmarks is None else benchmarks
        skills, actuals = [] if skills is None else skills, [] if actuals is None else actuals
    staff = example.EXAMPLE_STAFF if staff is None else staff
    demand = example.EXAMPLE_DEMAND if demand is None else demand
    targets = example.EXAMPLE_TARGETS if targets is None else targets
    defaults = Assumptions()
    values = {s.field: getattr(defaults, s.field) for s in ASSUMPTIONS.settings}
    values.update(assumptions or {})

    wb = Workbook()
    add_instructions(wb, TITLE, INSTRUCTIONS)
    add_lists_sheet(wb, LISTS)
    first = HEADER_ROW + 1

    # Assumptions first: the formulas elsewhere point at its named cells.
    ws = wb.create_sheet(ASSUMPTIONS.sheet, 1)
    _title(
        ws,
        "Assumptions",
        "Change a Value to your own figure; the source says where each default comes from. "
        "Rates are percentages: type 22%.",
    )
    add_settings_table(
        ws, ASSUMPTIONS, {k: getattr(v, "value", v) for k, v in values.items()}, row=HEADER_ROW
    )
    _top(ws, first, len(ASSUMPTIONS.settings))
    for letter, width in (("A", 58), ("B", 16), ("C", NOTE_WIDTH)):
        ws.column_dimensions[letter].width = width
    for offset, setting in enumerate(ASSUMPTIONS.settings):
        # A wrapped note needs its row tall enough to show every line.
        lines = -(-len(setting.note) // int(NOTE_WIDTH * 1.2))
        if lines > 1:
            ws.row_dimensions[first + offset].height = 15 * lines
    fields = [s.field for s in ASSUMPTIONS.settings]
    names = {
        "standard_hours": "StandardHours",
        "headroom": "Headroom",
        "headroom_method": "HeadroomMethod",
    }
    for name, defined in names.items():
        define_name(wb, defined, ASSUMPTIONS.sheet, f"B{first + fields.index(name)}")
    set_print(ws, landscape=True, header=MARKING)

    staff_hours, count = _letter(STAFF, "hours"), _letter(STAFF, "count")
    ws = _input_sheet(
        wb,
        STAFF,
        1,
        "One row per person or group of people alike; roles, never names. "
        "FTE is worked out by formula.",
        staff,
        lambda r: Formula(
            f'IF({staff_hours}{r}="","",{staff_hours}{r}*IF({count}{r}="",1,{count}{r})'
            "/StandardHours)"
        ),
        freeze=f"B{first}",
    )
    ws.conditional_formatting.add(
        f"{staff_hours}{first}:{staff_hours}{HEADER_ROW + FLAGGED_ROWS}",
        CellIsRule(
            operator="greaterThan", formula=[str(MAX_WEEKLY_HOURS)], fill=styles.fill(formats.RED)
        ),
    )
    h = _letter(DEMAND, "hours")
    _input_sheet(
        wb,
        DEMAND,
        2,
        "Hours of work needed each week; annual growth as a percentage (4%), or the hours "
        "for each year.",
        demand,
        lambda r: Formula(
            f'IF({h}{r}="","",IF(HeadroomMethod="divide",{h}{r}/StandardHours/(1-Headroom),'
            f"{h}{r}/StandardHours*(1+Headroom)))"
        ),
        freeze=f"A{first}",
    )
    ws = _input_sheet(
        wb,
        TARGETS,
        4,
        "Shares as percentages (type 10%); a blank Role means the whole organisation.",
        targets,
        landscape=False,
    )
    # A share shows as the percentage it is (10%); hours a week as a plain number.
    shares = {k.value for k in SHARE_TARGETS}
    value_column = [c.field for c in TARGETS.columns].index("value") + 1
    for r, row in enumerate(targets, start=first):
        if row and row[0] in shares:
            ws.cell(r, value_column).number_format = TARGET_SHARE.number_format

    _pay_sheet(wb, pay, on_costs, schemes)
    _table_sheet(
        wb,
        SCALES,
        "Agenda for Change and NJC pay points: the option list of the Pay sheet's bands. Add "
        "a year's rows when a pay award is agreed (each band once a pay year).",
        SCALE_ROWS if scales is None else scales,
        name=("PayBands", "band", SPARE_SCALES),
    )
    _table_sheet(
        wb,
        BENCHMARKS,
        "Turnover, vacancy and sickness by role (and by area, where you have them), each with "
        "its source and year. A blank rate takes the sector's: Skills for Care for social "
        "care, NHS England for the NHS.",
        example.EXAMPLE_BENCHMARKS if benchmarks is None else benchmarks,
    )
    _table_sheet(
        wb,
        SKILLS,
        "The training and qualifications each role needs (CPC 505 A5), named as the Staff "
        "sheet's Training and qualifications held names them; the costs are examples.",
        example.EXAMPLE_SKILLS if skills is None else skills,
    )
    _table_sheet(
        wb,
        ACTUALS,
        "Each quarter of the plan (2026/27 Q1 is April to June 2026): substantive FTE in post "
        "at the quarter's end, leavers and starters in it, agency hours and spend.",
        example.EXAMPLE_ACTUALS if actuals is None else actuals,
    )
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


#: Rows kept for new pension schemes and pay points below the shipped ones (the drop-downs'
#: named ranges reach over them).
SPARE_SCHEMES = 6
SPARE_SCALES = 200


def _pay_sheet(
    wb: Workbook,
    pay: Sequence[Sequence[Any]] | None,
    on_costs: dict[str, Any] | None,
    schemes: Sequence[Sequence[Any]] | None,
) -> None:
    """The Pay sheet: the on-costs and the wage floor, the pension schemes, and pay by role,
    stacked in columns A to E (names, values, sources, amounts)."""
    ws = wb.create_sheet(PAY.sheet)
    _title(
        ws,
        "Pay and on-costs",
        "Employer on-costs and the wage floor for the pay year, the pension schemes, and each "
        "role's pay. Update the shipped 2025/26 figures each year.",
    )
    values = {s.field: s.default for s in ON_COSTS.settings}
    values.update(on_costs or {})
    put(ws.cell(HEADER_ROW - 1, 1), ON_COSTS.title).font = styles.TITLE_FONT
    add_settings_table(ws, ON_COSTS, values, row=HEADER_ROW)
    _top(ws, HEADER_ROW + 1, len(ON_COSTS.settings))
    row = HEADER_ROW + len(ON_COSTS.settings) + 3
    scheme_rows = SCHEME_ROWS if schemes is None else schemes
    scheme_row = row
    put(ws.cell(row - 1, 1), PENSIONS.title).font = styles.TITLE_FONT
    add_input_table(ws, PENSIONS, _padded(scheme_rows, PENSIONS), row=row)
    _yellow(ws, PENSIONS, len(scheme_rows), header=row)
    last = row + max(len(scheme_rows), 1) + SPARE_SCHEMES
    define_name(wb, "PensionSchemeNames", ws.title, f"A{row + 1}:A{last}")
    row = last + 3
    pay_rows = example.EXAMPLE_PAY if pay is None else pay
    put(ws.cell(row - 1, 1), PAY.title).font = styles.TITLE_FONT
    add_input_table(ws, PAY, _padded(pay_rows, PAY), row=row)
    _yellow(ws, PAY, len(pay_rows), header=row)
    for letter, width in {"A": 44, "B": 32, "C": 60, "D": 13, "E": 13}.items():
        ws.column_dimensions[letter].width = width
    for r in range(scheme_row + 1, scheme_row + 1 + len(scheme_rows)):
        ws.cell(r, 3).alignment = styles.WRAP
    _top(ws, scheme_row + 1, len(scheme_rows))
    set_print(ws, landscape=True, header=MARKING)


def _table_sheet(
    wb: Workbook,
    spec: TableSpec,
    note: str,
    rows: Sequence[Sequence[Any]],
    *,
    name: tuple[str, str, int] | None = None,
) -> Any:
    """An input sheet of one table; ``name``: (a named range over one of its columns, the
    field, spare rows below) for a drop-down elsewhere to list."""
    ws = _input_sheet(wb, spec, len(wb.sheetnames), note, rows, freeze=f"A{HEADER_ROW + 1}")
    if name is not None:
        defined, field, spare = name
        letter = _letter(spec, field)
        last = HEADER_ROW + max(len(rows), 1) + spare
        define_name(wb, defined, ws.title, f"{letter}{HEADER_ROW + 1}:{letter}{last}")
    return ws


TEMPLATE = WorkbookTemplate("workforce_plan", FILENAME, TITLE, build)


# --- reading a filled workbook and writing the plan --------------------------------------


def read_inputs(path: str | os.PathLike[str]) -> PlanInputs:
    """Every table of a filled workbook, checked; errors name file, sheet, cell and field."""
    path = Path(path)
    return read_plan(read_tables(path, SPECS), file=path.name)


def write_plan(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Plan the workforce in ``source`` and write a copy with the plan sheets to ``target``.

    The source is never changed; the target appears whole or not at all.
    """
    inputs = read_inputs(source)
    return write_planned_copy(source, target, plan_of(inputs), inputs.notes)


def plan_of(inputs: PlanInputs) -> engine.Plan:
    """The plan of checked inputs, every table of them."""
    return engine.plan(
        inputs.staff,
        inputs.demand,
        inputs.targets,
        inputs.assumptions,
        pay=inputs.pay,
        benchmarks=inputs.benchmarks,
        skills=inputs.skills,
        actuals=inputs.actuals,
    )


def write_planned_copy(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    result: engine.Plan,
    notes: Sequence[str] = (),
) -> Path:
    """A copy of ``source`` with the plan's sheets at ``target`` (written atomically)."""
    source, target = Path(source), Path(target)
    check_workbook_file(source)
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
        wb = load_workbook(tmp)
        write_outputs(wb, result, notes)
        wb.save(tmp)
    return target


def write_outputs(wb: Workbook, result: engine.Plan, notes: Sequence[str] = ()) -> None:
    for output in plan_outputs(result, notes):
        ws = render(wb, output)
        set_print(ws, landscape=True, header=MARKING)
    _gap_chart_and_colours(wb[GAP_SHEET], len(result.gap_by_role), len(result.gap))


def _gap_chart_and_colours(ws: Any, roles: int, role_skills: int) -> None:
    header = GAP_FIRST_ROW
    last = header + roles
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Required and substantive FTE by role"
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
