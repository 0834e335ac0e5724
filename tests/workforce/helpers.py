"""Inputs built the way the readers receive them: rows of cells, header first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook

from cpcxl.common.errors import InputErrors
from cpcxl.common.inputs import Cells, TableSpec
from cpcxl.workforce import inputs
from cpcxl.workforce.inputs import SCHEME_ROWS, example
from cpcxl.workforce.models import NO_PENSION, LevyRule, OnCosts, PaySetup
from cpcxl.workforce.workbook import HEADER_ROW, build

STAFF_FIELDS = [
    "role",
    "skill",
    "contract_type",
    "employer",
    "hours",
    "hourly_pay",
    "start_date",
    "leaving_date",
    "count",
    "age_band",
    "sex",
    "ethnic_group",
    "disability",
    "area",
    "held",
]
DEMAND_FIELDS = ["service", "role", "skill", "hours", "growth", *(f"year_{y}" for y in range(1, 6))]
TARGET_FIELDS = ["kind", "role", "detail", "value"]


def cells(spec: TableSpec, fields: list[str], rows: list[list[Any]]) -> Cells:
    """A table as a sheet holds it: the headers of ``fields`` on row 1, data below."""
    headers = [spec.header_of(f) for f in fields]
    padded = [list(r) + [None] * (len(fields) - len(r)) for r in rows]
    return Cells([headers, *padded])


def _read(
    reader: Callable[[Cells, InputErrors], pd.DataFrame | None], table: Cells
) -> pd.DataFrame:
    errors = InputErrors()
    frame = reader(table, errors)
    errors.raise_if_any()
    assert frame is not None
    return frame


def staff_frame(rows: list[list[Any]]) -> pd.DataFrame:
    return _read(inputs.read_staff, cells(inputs.STAFF, STAFF_FIELDS, rows))


def demand_frame(rows: list[list[Any]]) -> pd.DataFrame:
    return _read(inputs.read_demand, cells(inputs.DEMAND, DEMAND_FIELDS, rows))


def targets_frame(rows: list[list[Any]]) -> pd.DataFrame:
    return _read(inputs.read_targets, cells(inputs.TARGETS, TARGET_FIELDS, rows))


# --- the cases, as a workbook gives them ----------------------------------------------


def renamed_header(path: Path, old: str, new: str) -> Path:
    """The workbook at ``path`` with the Staff header ``old`` renamed ``new`` (as a person
    renames it in Excel: the cell and the table's column alike)."""
    wb = load_workbook(path)
    ws = wb[inputs.STAFF.sheet]
    table = ws.tables[inputs.STAFF.name]
    for cell in ws[HEADER_ROW]:
        if cell.value == old:
            cell.value = new
    for column in table.tableColumns:
        if column.name == old:
            column.name = new
    wb.save(path)
    return path


#: What each case must say, in the file, the button and the command alike.
HEADROOM_22 = (
    "plan.xlsx, Assumptions!B6, field 'Headroom for leave, sickness and training': 22 is "
    "2,200%, outside 0% to 60% for headroom (NHS roster policies set 16% to 26%; over 60% "
    "is more absence than any rota plans for); type 22% (or 0.22); valid: a percentage from "
    "0% to 60%"
)
RENAMED_COST = (
    "plan.xlsx, Staff!F4: the header 'Pay' is not a column of the Staff table; valid: the "
    "columns Role, Skill level, Contract type, Employer, Hours per week, Hourly pay, Start "
    "date, Leaving date, Number of people, Age band, Sex, Ethnic group, Disability, Area, "
    "Training and qualifications held, FTE (rename the header to one of them, or remove the "
    "column)"
)
HOURS_1_000 = (
    "plan.xlsx, Staff!E5, field 'Hours per week': '1_000' is not contracted hours a week; "
    "valid: contracted hours a week from 0 to 80"
)
LONG_TEXT = (
    "plan.xlsx, Staff!F6, field 'Hourly pay': '" + "9" * 37 + "...' (32,767 characters) is "
    "not an hourly rate in £; valid: an hourly rate in £ from £0 to £1,000"
)


def slips_book(folder: Path) -> Path:
    """The packaged example with '1_000' in the first row's hours and a 32,767-character
    text in the second row's hourly cost."""
    staff = [list(r) for r in example.EXAMPLE_STAFF]
    staff[0][4] = "1_000"
    staff[1][5] = "9" * 32_767
    return build(folder / "plan.xlsx", staff=staff)


#: No on-costs at all: pay is the whole cost (for tests of what pay a role is priced from and
#: of the optimiser's logic, worked by hand in whole pounds).
NO_ON_COSTS = PaySetup(
    OnCosts(
        ni_rate=0.0,
        levy=LevyRule.NO,
        in_house_scheme=NO_PENSION,
        nhs_scheme=NO_PENSION,
        provider_scheme=NO_PENSION,
    )
)


# --- issue 18's bad input, as a workbook gives it ---------------------------------------------

_SCHEMES = [list(r) for r in SCHEME_ROWS]


def _rate(row: int, rate: float) -> list[list[Any]]:
    rows = [list(r) for r in _SCHEMES]
    rows[row][1] = rate
    return rows


#: Each of the issue's bad inputs: what build() is given, and the located error it must give
#: (the same in the file, the button and the command).
BAD_INPUT: dict[str, tuple[dict[str, Any], str]] = {
    "a band not on the pay sheet": (
        {"pay": [["Care worker", "NJC SCP 33", "Local Government Pension Scheme"]]},
        "plan.xlsx, Pay!B33, field 'Band or point': 'NJC SCP 33' is not a band or point on the "
        "Pay scales sheet; did you mean 'NJC SCP 3'?; valid: a band or point on the Pay "
        "scales sheet: AfC Band 2, AfC Band 3 (0-2 years), AfC Band 3 (2+ years), AfC Band 4 "
        "(0-3 years), AfC Band 4 (3+ years), AfC Band 5 (0-2 years), AfC Band 5 (2-4 years), "
        "AfC Band 5 (4+ years), AfC Band 6 (0-2 years), AfC Band 6 (2-5 years), AfC Band 6 "
        "(5+ years), AfC Band 7 (0-2 years) and 41 more",
    ),
    "a pension rate above 40%": (
        {"schemes": _rate(0, 0.45)},
        "plan.xlsx, Pay!B20, field 'Employer rate': 0.45 is 45%, outside 0% to 40% for an "
        "employer pension rate (no UK employer scheme charges 40% of pay (the NHS 23.78%, "
        "LGPS funds about 20%): a local limit); type 0.45% (or 0.0045); valid: a percentage "
        "from 0% to 40%",
    ),
    "a pension rate below 0": (
        {"schemes": _rate(1, -0.02)},
        "plan.xlsx, Pay!B21, field 'Employer rate': -0.02 is -2%, outside 0% to 40% for an "
        "employer pension rate (no UK employer scheme charges 40% of pay (the NHS 23.78%, "
        "LGPS funds about 20%): a local limit); valid: a percentage from 0% to 40%",
    ),
    "a wage floor from a different year than the pay": (
        {"on_costs": {"wage_floor_year": "2024/25"}},
        "plan.xlsx, Pay!B13, field 'Wage floor year': the wage floor is for 2024/25 but the "
        "pay is for 2025/26; valid: the wage floor for the pay year 2025/26 (its rate and "
        "year), or pay for the wage floor's year",
    ),
    "actuals for a quarter outside the plan": (
        {"actuals": [["2025/26 Q4", "Care worker", 8.4, 0, 0, 0, 0]]},
        "plan.xlsx, Actuals!A5, field 'Quarter': 2025/26 Q4 is outside the plan, which runs "
        "from 01/04/2026 for 5 years; valid: a quarter of the plan, from 2026/27 Q1 to "
        "2030/31 Q4",
    ),
    "a qualification a role requires that no staff record mentions": (
        {"skills": [["Care worker", "Care Certifcate", 150, None, 0.5]]},
        "plan.xlsx, Skills!B5, field 'Training or qualification': 'Care Certifcate' is not "
        "training or a qualification on any staff record (Staff, Training and qualifications "
        "held); did you mean 'Care Certificate'?; valid: the name as the staff records write "
        "it in Training and qualifications held, so those who hold it are counted",
    ),
}


def bad_book(folder: Path, case: str) -> Path:
    """The packaged example with one of the issue's bad inputs."""
    return build(folder / "plan.xlsx", **BAD_INPUT[case][0])
