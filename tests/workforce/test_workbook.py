"""The packaged workbook: committed copy, formulas in LibreOffice, reading, writing the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.files import sha256
from cpcxl.workforce import engine, sample
from cpcxl.workforce.workbook import HEADER_ROW, build, read_inputs, write_plan

FIRST = HEADER_ROW + 1  # first data row of every input table


def test_the_committed_workbook_is_what_the_code_builds(
    build_and_compare: Callable[[str], Path],
) -> None:
    path = build_and_compare("workforce_plan")
    wb = load_workbook(path)
    assert wb.sheetnames[:5] == ["Instructions", "Staff", "Demand", "Assumptions", "Targets"]
    assert {"Staff", "Demand", "Targets", "Assumptions"} <= {
        t for ws in wb.worksheets for t in ws.tables
    }
    validations = {str(dv.formula1) for dv in wb["Staff"].data_validations.dataValidation}
    assert {"=ContractTypes", "=Employers", "=SkillLevels"} <= validations
    assert wb["xlwings.conf"].sheet_state == "hidden"


@pytest.mark.soffice
@pytest.mark.parametrize("method", ["uplift", "divide"])
def test_formulas_evaluate_in_libreoffice_and_agree_with_the_engine(
    recalculated: Callable[[Path], dict[str, list[list[Any]]]], tmp_path: Path, method: str
) -> None:
    path = build(tmp_path / "plan.xlsx", assumptions={"headroom_method": method})
    sheets = recalculated(path)
    staff_rows = sheets["Staff"][FIRST - 1 : FIRST - 1 + len(sample.EXAMPLE_STAFF)]
    for row, given in zip(staff_rows, sample.EXAMPLE_STAFF, strict=True):
        expected = given[4] * given[8] / 37.5  # hours × people ÷ standard hours
        assert row[13] == pytest.approx(expected, rel=1e-12), row
    demand_rows = sheets["Demand"][FIRST - 1 : FIRST - 1 + len(sample.EXAMPLE_DEMAND)]
    for row, given in zip(demand_rows, sample.EXAMPLE_DEMAND, strict=True):
        expected = float(engine.required_fte(given[3] / 37.5, 0.22, method))
        assert row[10] == pytest.approx(expected, rel=1e-12), row
    # Every formula cell evaluated: nothing shows an error value.
    for name, rows in sheets.items():
        for row in rows:
            assert not any(isinstance(v, str) and v.startswith("#") for v in row), (name, row)


def test_reading_the_packaged_example(tmp_path: Path) -> None:
    inputs = read_inputs(build(tmp_path / "plan.xlsx"))
    assert len(inputs.staff) == len(sample.EXAMPLE_STAFF)
    assert inputs.staff["_row"].tolist()[0] == FIRST
    assert inputs.staff["start_date"].iat[0] == dt.datetime(2019, 4, 1)
    assert inputs.assumptions.standard_hours == 37.5
    assert inputs.assumptions.plan_start == dt.date(2026, 4, 1)


def test_write_plan_leaves_the_input_alone_and_adds_every_sheet(tmp_path: Path) -> None:
    source = build(tmp_path / "plan.xlsx")
    before = sha256(source)
    target = write_plan(source, tmp_path / "out" / "planned.xlsx")
    assert sha256(source) == before
    wb = load_workbook(target)
    for sheet in ("Plan", "Gap", "Projection", "Optimised mix", "Risks"):
        assert sheet in wb.sheetnames
    gap = wb["Gap"]
    assert len(gap._charts) == 1
    assert gap["A3"].value == "Care worker"
    assert gap["B3"].value == pytest.approx(18.056)  # 555 h ÷ 37.5 × 1.22
    assert len(gap.conditional_formatting) == 2
    assert wb["Risks"]["A3"].value == "Skill minimum not met"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    staff = [list(r) for r in sample.EXAMPLE_STAFF]
    staff[0][0] = '=HYPERLINK("http://example.invalid","Care worker")'
    demand = [list(r) for r in sample.EXAMPLE_DEMAND]
    demand[0][1] = staff[0][0]
    source = build(tmp_path / "plan.xlsx", staff=staff, demand=demand)
    target = write_plan(source, tmp_path / "planned.xlsx")
    gap = load_workbook(target)["Gap"]
    cells = [c for row in gap.iter_rows() for c in row if c.value == staff[0][0]]
    assert cells and all(c.data_type == "s" for c in cells)


def test_every_bad_input_is_reported_with_its_place(tmp_path: Path) -> None:
    staff = [list(r) for r in sample.EXAMPLE_STAFF]
    staff[1][4] = 90  # hours, row FIRST + 1
    staff[2][2] = "Permanent"  # contract type, row FIRST + 2
    staff[3][6] = "soon"  # start date, row FIRST + 3
    staff[4][4] = -2  # hours, row FIRST + 4
    demand = [list(r) for r in sample.EXAMPLE_DEMAND]
    demand[0][1] = "Care wroker"
    source = build(
        tmp_path / "bad.xlsx",
        staff=staff,
        demand=demand,
        assumptions={"headroom": 1.0, "headroom_method": "divide"},
    )
    with pytest.raises(InputErrors) as caught:
        read_inputs(source)
    text = str(caught.value)
    assert f"bad.xlsx, sheet 'Staff', row {FIRST + 1}, field 'Hours per week': contracted " in text
    assert "hours a week 90 is out of range; valid: from 0 to 80" in text
    assert f"row {FIRST + 4}, field 'Hours per week': contracted hours a week -2 is out" in text
    assert (
        f"row {FIRST + 2}, field 'Contract type': 'Permanent' is not a known contract type; "
        "valid: Full-time, Part-time, Temporary, Bank or zero-hours, Agency, Contractor, "
        "Volunteer"
    ) in text
    assert f"row {FIRST + 3}, field 'Start date': 'soon' is not a date" in text
    assert "bad.xlsx, Assumptions!B6, field 'Headroom for leave, sickness and training': " in text
    assert "headroom 100% with the divide method would need infinite staff" in text


def test_a_role_in_demand_alone_is_located_in_the_file(tmp_path: Path) -> None:
    demand = [list(r) for r in sample.EXAMPLE_DEMAND]
    demand[2][1] = "Senior carer"
    source = build(tmp_path / "typo.xlsx", demand=demand)
    with pytest.raises(InputErrors) as caught:
        read_inputs(source)
    assert (
        f"typo.xlsx, sheet 'Demand', row {FIRST + 2}, field 'Role': role 'Senior carer' is in "
        "the demand but in no staff record or target"
    ) in str(caught.value)


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(InputError, match=r"notes\.xlsx: the file is not an Excel workbook"):
        read_inputs(bad)
