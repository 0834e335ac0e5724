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
from cpcxl.workforce import engine
from cpcxl.workforce.inputs import LISTS, SPECS, STAFF, example
from cpcxl.workforce.models import HeadroomMethod
from cpcxl.workforce.outputs import OUTPUT_SHEETS
from cpcxl.workforce.workbook import HEADER_ROW, build, read_inputs, write_plan

from .helpers import HEADROOM_22, HOURS_1_000, LONG_TEXT, RENAMED_COST, renamed_header, slips_book

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


def test_the_template_is_built_from_the_input_declarations(tmp_path: Path) -> None:
    wb = load_workbook(build(tmp_path / "plan.xlsx"))
    # The button makes every output sheet itself: the template pre-creates none to mark.
    assert not set(OUTPUT_SHEETS) & set(wb.sheetnames)
    # Every table's header is on row 4, but for the Pay sheet's, stacked under the On-costs:
    # the Pension schemes (header on row 19) and Pay by role (row 32).
    stacked = {"PensionSchemes": 19, "Pay": 32}
    for spec in SPECS:
        ws = wb[spec.sheet]
        table = ws.tables[spec.name]
        top_left = table.ref.split(":")[0]
        row = stacked.get(spec.name, HEADER_ROW)
        assert top_left == f"A{row}"
        headers = spec.table.headers if hasattr(spec, "table") else spec.headers
        assert [c.value for c in ws[row]][: len(headers)] == headers
    # The drop-downs of bands and schemes list the Pay scales sheet's own tables.
    assert wb.defined_names["PayBands"].attr_text == "'Pay scales'!$B$5:$B$257"
    assert wb.defined_names["PensionSchemeNames"].attr_text == "Pay!$A$20:$A$29"
    pay = {str(dv.formula1) for dv in wb["Pay"].data_validations.dataValidation}
    assert {"=PayBands", "=PensionSchemeNames", "=WageFloors", "=LevyRules"} <= pay
    # Each rate's cell checks its declared range: headroom 0 to 60% (B6), growth -50% to
    # 50% (Demand column E), a share target is read by its kind so has no fixed check.
    assumptions = {
        f"{dv.type}:{dv.formula1}:{dv.formula2}:{dv.sqref}"
        for dv in wb["Assumptions"].data_validations.dataValidation
    }
    assert "decimal:0:0.6:B6" in assumptions
    assert "whole:3:5:B15" in assumptions  # below the four turnover and vacancy rates
    assert "list:=HeadroomMethods:None:B7" in assumptions
    demand = {
        f"{dv.type}:{dv.formula1}:{dv.formula2}:{dv.sqref}"
        for dv in wb["Demand"].data_validations.dataValidation
    }
    assert f"decimal:-0.5:0.5:E{FIRST}:E{FIRST + len(example.EXAMPLE_DEMAND) - 1}" in demand
    lists = wb["Lists"]
    for column, (name, options) in enumerate(LISTS.items(), start=1):
        values = [lists.cell(r, column).value for r in range(1, len(options) + 2)]
        assert values == [name, *options]


@pytest.mark.soffice
@pytest.mark.parametrize("method", ["uplift", "divide"])
def test_formulas_evaluate_in_libreoffice_and_agree_with_the_engine(
    recalculated: Callable[[Path], dict[str, list[list[Any]]]], tmp_path: Path, method: str
) -> None:
    path = build(tmp_path / "plan.xlsx", assumptions={"headroom_method": method})
    sheets = recalculated(path)
    staff_rows = sheets["Staff"][FIRST - 1 : FIRST - 1 + len(example.EXAMPLE_STAFF)]
    fte = [c.field for c in STAFF.columns].index("fte")
    for row, given in zip(staff_rows, example.EXAMPLE_STAFF, strict=True):
        expected = given[4] * given[8] / 37.5  # hours × people ÷ standard hours
        assert row[fte] == pytest.approx(expected, rel=1e-12), row
    demand_rows = sheets["Demand"][FIRST - 1 : FIRST - 1 + len(example.EXAMPLE_DEMAND)]
    for row, given in zip(demand_rows, example.EXAMPLE_DEMAND, strict=True):
        expected = float(engine.required_fte(given[3] / 37.5, 0.22, HeadroomMethod(method)))
        assert row[10] == pytest.approx(expected, rel=1e-12), row
    # Every formula cell evaluated: nothing shows an error value.
    for name, rows in sheets.items():
        for row in rows:
            assert not any(isinstance(v, str) and v.startswith("#") for v in row), (name, row)


def test_reading_the_packaged_example(tmp_path: Path) -> None:
    inputs = read_inputs(build(tmp_path / "plan.xlsx"))
    assert len(inputs.staff) == len(example.EXAMPLE_STAFF)
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
    for sheet in OUTPUT_SHEETS:
        assert sheet in wb.sheetnames
    gap = wb["Gap"]
    assert len(gap._charts) == 1
    assert gap["A3"].value == "Care worker"
    assert gap["B3"].value == pytest.approx(18.056)  # 555 h ÷ 37.5 × 1.22
    assert len(gap.conditional_formatting) == 2
    assert wb["Risks"]["A3"].value == "Skill minimum not met"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    staff = [list(r) for r in example.EXAMPLE_STAFF]
    staff[0][0] = '=HYPERLINK("http://example.invalid","Care worker")'
    demand = [list(r) for r in example.EXAMPLE_DEMAND]
    demand[0][1] = staff[0][0]
    source = build(tmp_path / "plan.xlsx", staff=staff, demand=demand)
    target = write_plan(source, tmp_path / "planned.xlsx")
    gap = load_workbook(target)["Gap"]
    cells = [c for row in gap.iter_rows() for c in row if c.value == staff[0][0]]
    assert cells and all(c.data_type == "s" for c in cells)


def test_every_bad_input_is_reported_with_its_place(tmp_path: Path) -> None:
    staff = [list(r) for r in example.EXAMPLE_STAFF]
    staff[1][4] = 90  # hours, row FIRST + 1
    staff[2][2] = "Permanent"  # contract type, row FIRST + 2
    staff[3][6] = "soon"  # start date, row FIRST + 3
    staff[4][4] = -2  # hours, row FIRST + 4
    demand = [list(r) for r in example.EXAMPLE_DEMAND]
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
    hours = "valid: contracted hours a week from 0 to 80"
    assert f"bad.xlsx, Staff!E{FIRST + 1}, field 'Hours per week': 90 is outside 0 to 80" in text
    assert f"bad.xlsx, Staff!E{FIRST + 4}, field 'Hours per week': -2 is outside 0 to 80" in text
    assert text.count(hours) == 2
    assert (
        f"Staff!C{FIRST + 2}, field 'Contract type': 'Permanent' is not a contract type; "
        "valid: Full-time, Part-time, Temporary, Bank or zero-hours, Agency, Contractor, "
        "Volunteer"
    ) in text
    assert f"Staff!G{FIRST + 3}, field 'Start date': 'soon' is not a date" in text
    # A headroom of 100% is outside 0% to 60% whichever the method (with divide it would
    # need infinite staff): refused where it is typed.
    assert (
        "bad.xlsx, Assumptions!B6, field 'Headroom for leave, sickness and training': 1 is "
        "100%, outside 0% to 60% for headroom"
    ) in text
    # Every table was read (bad cells aside), so the roles are checked too.
    assert (
        f"Demand!B{FIRST}, field 'Role': 'Care wroker' is not a role of a staff record or "
        "target; did you mean 'Care worker'?"
    ) in text
    assert len(caught.value) == 6


def test_headroom_typed_as_22_is_refused_where_it_is(tmp_path: Path) -> None:
    source = build(tmp_path / "plan.xlsx", assumptions={"headroom": 22})
    with pytest.raises(InputErrors) as caught:
        read_inputs(source)
    assert [str(e) for e in caught.value] == [HEADROOM_22]


def test_a_renamed_optional_header_is_reported_not_ignored(tmp_path: Path) -> None:
    source = renamed_header(build(tmp_path / "plan.xlsx"), "Hourly pay", "Pay")
    with pytest.raises(InputErrors) as caught:
        read_inputs(source)
    assert [str(e) for e in caught.value] == [RENAMED_COST]


def test_a_role_in_demand_alone_is_located_in_the_file(tmp_path: Path) -> None:
    demand = [list(r) for r in example.EXAMPLE_DEMAND]
    demand[2][1] = "Senior carer"
    source = build(tmp_path / "typo.xlsx", demand=demand)
    with pytest.raises(InputErrors) as caught:
        read_inputs(source)
    assert (
        f"typo.xlsx, Demand!B{FIRST + 2}, field 'Role': 'Senior carer' is not a role of a "
        "staff record or target; did you mean 'Senior care worker'? (a role in the demand must "
        "be in a staff record or a target"
    ) in str(caught.value)


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(InputError, match=r"notes\.xlsx: the file is not an Excel workbook"):
        read_inputs(bad)


def test_1_000_and_a_32767_character_text_are_located_in_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as caught:
        read_inputs(slips_book(tmp_path))
    assert [str(e) for e in caught.value] == [HOURS_1_000, LONG_TEXT]
