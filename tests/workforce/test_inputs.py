"""Reading the four tables from cells: every bad value located, and said what would do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.inputs import Cells
from cpcxl.workforce import inputs
from cpcxl.workforce.models import ALL_ROLES, NOT_RECORDED, Assumptions, HeadroomMethod
from cpcxl.workforce.workbook import build, read_inputs

from .helpers import STAFF_FIELDS, cells, demand_frame, staff_frame, targets_frame


def problems(caught: pytest.ExceptionInfo[InputErrors]) -> list[str]:
    return [str(e) for e in caught.value]


def test_hours_out_of_range_are_located_by_cell() -> None:
    with pytest.raises(InputErrors) as caught:
        staff_frame(
            [
                ["Care worker", "L2", "Full-time", "In-house", -4, 12],
                ["Care worker", "L2", "Full-time", "In-house", 81, 12],
                ["Care worker", "L2", "Full-time", "In-house", 37.5, 12],
            ]
        )
    # Hours per week is column E; the header is row 1, so the rows are 2, 3 and 4.
    assert problems(caught) == [
        "Staff!E2, field 'Hours per week': -4 is outside 0 to 80 (over 80 a week is a slip: "
        "the legal average is 48 unless opted out); valid: contracted hours a week from 0 to 80",
        "Staff!E3, field 'Hours per week': 81 is outside 0 to 80 (over 80 a week is a slip: "
        "the legal average is 48 unless opted out); valid: contracted hours a week from 0 to 80",
    ]


def test_1_000_in_hours_is_refused_not_read_as_a_thousand() -> None:
    # '1_000' is how Python writes 1000; in a cell it is a typing slip, never a number.
    with pytest.raises(InputErrors) as caught:
        staff_frame([["Care worker", "L2", "Full-time", "In-house", "1_000", 12]])
    assert problems(caught) == [
        "Staff!E2, field 'Hours per week': '1_000' is not contracted hours a week; valid: "
        "contracted hours a week from 0 to 80"
    ]


def test_a_32767_character_text_in_a_number_cell_is_shortened_in_the_message() -> None:
    # A cell holds at most 32,767 characters; the message repeats 37 of them and the count.
    text = "9" * 32_767
    with pytest.raises(InputErrors) as caught:
        staff_frame([["Care worker", "L2", "Full-time", "In-house", 30, text]])
    [message] = problems(caught)
    assert message == (
        f"Staff!F2, field 'Hourly pay': '{'9' * 37}...' (32,767 characters) is not an hourly "
        "rate in £; valid: an hourly rate in £ from £0 to £1,000"
    )


def test_a_renamed_staff_header_stops_the_table_and_names_the_columns() -> None:
    # Renaming the optional "Hourly pay" to "Pay" must not make every cost £0: nothing is
    # read from the table until the header is fixed.
    rows = [["Role", "Contract type", "Hours per week", "Pay"], ["Care worker", "Agency", 30, 18]]
    errors = InputErrors()
    assert inputs.read_staff(Cells(rows), errors, file="plan.xlsx") is None
    assert [str(e) for e in errors] == [
        "plan.xlsx, Staff!D1: the header 'Pay' is not a column of the Staff table; valid: the "
        "columns Role, Skill level, Contract type, Employer, Hours per week, Hourly pay, Start "
        "date, Leaving date, Number of people, Age band, Sex, Ethnic group, Disability, Area, "
        "Training and qualifications held, FTE "
        "(rename the header to one of them, or remove the column)"
    ]


def test_a_close_variant_of_a_header_is_read_and_noted() -> None:
    rows = [
        ["Role", "Contract type", "Hours-per-week", "Hourly cost (£)"],
        ["Care worker", "Agency", 30, 18],
    ]
    errors = InputErrors()
    staff = inputs.read_staff(Cells(rows), errors)
    assert staff is not None and not errors
    assert staff[["hours", "hourly_pay"]].values.tolist() == [[30.0, 18.0]]
    assert errors.notes == [
        "Staff: read the header 'Hours-per-week' as 'Hours per week'",
        "Staff: read the header 'Hourly cost (£)' as 'Hourly pay'",
    ]


def test_blank_optional_cells_take_their_defaults() -> None:
    staff = staff_frame([["Care worker", None, "Agency", None, 30]])
    row = staff.iloc[0]
    # A blank skill is 'Not recorded', a blank employer In-house, a blank count 1 person,
    # a blank cost unknown (NaN, costed at £0 by the engine), blank dates no date.
    assert (row["skill"], row["employer"], row["count"]) == (NOT_RECORDED, "In-house", 1.0)
    assert row["hourly_pay"] != row["hourly_pay"]  # NaN
    assert str(row["start_date"]) == "NaT"
    assert row["age_band"] == NOT_RECORDED


def test_unknown_contract_type_lists_the_valid_ones_and_guesses() -> None:
    with pytest.raises(InputErrors) as caught:
        staff_frame(
            [
                ["Care worker", "L2", "Permanent-ish", "In-house", 30, 12],
                ["Care worker", "L2", "Agncy", "In-house", 30, 12],
            ]
        )
    valid = "Full-time, Part-time, Temporary, Bank or zero-hours, Agency, Contractor, Volunteer"
    assert problems(caught) == [
        f"Staff!C2, field 'Contract type': 'Permanent-ish' is not a contract type; valid: {valid}",
        f"Staff!C3, field 'Contract type': 'Agncy' is not a contract type; did you mean "
        f"'Agency'?; valid: {valid}",
    ]


def test_contract_types_are_read_as_people_write_them() -> None:
    staff = staff_frame(
        [
            ["Care worker", "L2", "full time", "in house", 30, 12],
            ["Care worker", "L2", "BANK OR ZERO HOURS", "Private provider", 8, 12],
        ]
    )
    assert staff["contract_type"].tolist() == ["Full-time", "Bank or zero-hours"]
    assert staff["employer"].tolist() == ["In-house", "Private provider"]


def test_dates_that_are_not_dates_are_located() -> None:
    with pytest.raises(InputErrors) as caught:
        staff_frame(
            [
                ["Care worker", "L2", "Full-time", "In-house", 30, 12, "next Tuesday"],
                ["Care worker", "L2", "Full-time", "In-house", 30, 12, "31/02/2024"],
            ]
        )
    text = str(caught.value)
    assert "Staff!G2, field 'Start date': 'next Tuesday' is not a date" in text
    assert "Staff!G3, field 'Start date': '31/02/2024' is not a real date" in text


def test_a_leaving_date_before_the_start_date_is_located() -> None:
    with pytest.raises(InputErrors) as caught:
        staff_frame(
            [
                [
                    "Care worker",
                    "L2",
                    "Full-time",
                    "In-house",
                    30,
                    12,
                    dt.date(2024, 5, 1),
                    dt.date(2024, 4, 1),
                ]
            ]
        )
    assert problems(caught) == [
        "Staff!H2, field 'Leaving date': the leaving date is before the start date; valid: a "
        "leaving date on or after the start date"
    ]


def test_a_number_of_people_is_whole() -> None:
    with pytest.raises(InputErrors, match=r"Staff!I2, field 'Number of people': 2.5 is not a"):
        staff_frame([["Care worker", "L2", "Full-time", "In-house", 30, 12, None, None, 2.5]])


def test_annual_growth_typed_as_a_whole_percent_is_refused_with_what_was_meant() -> None:
    with pytest.raises(InputErrors) as caught:
        demand_frame([["Home care", "Care worker", "L2", 100, 4]])
    assert problems(caught) == [
        "Demand!E2, field 'Annual growth': 4 is 400%, outside -50% to 50% for annual growth "
        "(demand halving or growing by half in a year is a new service: give the Year hours "
        "instead); type 4% (or 0.04); valid: a percentage from -50% to 50%"
    ]
    # Typed as a percentage, or as the fraction Excel stores, it is 4% a year.
    assert demand_frame([["Home care", "Care worker", "L2", 100, "4%"]])["growth"].iat[0] == 0.04


def test_an_empty_demand_table_is_an_error_not_a_crash() -> None:
    with pytest.raises(InputErrors, match="the Demand table has no rows"):
        demand_frame([])


def test_targets_out_of_range_are_located() -> None:
    with pytest.raises(InputErrors) as caught:
        targets_frame(
            [
                ["Maximum agency share", None, None, 10],  # 10 meant as 10%
                ["Max bank", None, None, 0.5],
                ["Maximum hours of a contract type", None, "Overtime", 40],
                ["Minimum share at skill level", "Care worker", None, 0.2],
                ["Minimum permanent share", None, None, None],
            ]
        )
    text = problems(caught)
    assert text[0].startswith("Targets!A3, field 'Target': 'Max bank' is not a target; valid: ")
    assert text[1:] == [
        "Targets!D2, field 'Value': 10 is 1,000%, outside 0% to 100% for a target share (a "
        "share of hours: none of them to all); type 10% (or 0.1); valid: a percentage from 0% "
        "to 100%",
        "Targets!C4, field 'Skill level or contract type': 'Overtime' is not a contract type; "
        "valid: Full-time, Part-time, Temporary, Bank or zero-hours, Agency, Contractor, "
        "Volunteer",
        "Targets!C5, field 'Skill level or contract type': the skill level is missing; valid: "
        "the skill level the minimum applies to",
        "Targets!D6, field 'Value': the target's value is blank; valid: a share such as 10% for "
        "a share target; hours a week for a maximum",
    ]


def test_targets_read_by_their_kind() -> None:
    targets = targets_frame(
        [
            ["Maximum agency share", None, None, "10%"],
            ["Maximum hours of a contract type", "Care worker", "bank or zero hours", 60],
        ]
    )
    assert targets[["kind", "role", "detail", "value"]].values.tolist() == [
        ["Maximum agency share", ALL_ROLES, "", 0.1],
        ["Maximum hours of a contract type", "Care worker", "Bank or zero-hours", 60.0],
    ]


ASSUMPTION_HEADER = ["Assumption", "Value", "Where the default comes from"]


def test_headroom_of_22_in_the_assumptions_is_refused_with_what_was_meant() -> None:
    rows = [ASSUMPTION_HEADER, ["Headroom for leave, sickness and training", 22, ""]]
    errors = InputErrors()
    inputs.read_assumptions(Cells(rows, first_row=4), errors, file="plan.xlsx")
    assert [str(e) for e in errors] == [
        "plan.xlsx, Assumptions!B5, field 'Headroom for leave, sickness and training': 22 is "
        "2,200%, outside 0% to 60% for headroom (NHS roster policies set 16% to 26%; over "
        "60% is more absence than any rota plans for); type 22% (or 0.22); valid: a percentage "
        "from 0% to 60%"
    ]


def test_assumptions_take_defaults_and_read_what_is_given() -> None:
    rows = [
        ASSUMPTION_HEADER,
        ["Headroom for leave, sickness and training", "25%", ""],
        ["Headroom method (uplift or divide)", "Divide", ""],
        ["Plan years (3 to 5)", 3, ""],
        ["Plan start date", "01/04/2027", ""],
        ["Turnover rate a year", None, ""],
    ]
    errors = InputErrors()
    a = inputs.read_assumptions(Cells(rows), errors)
    assert not errors and a is not None
    assert (a.headroom, a.headroom_method, a.years) == (0.25, HeadroomMethod.DIVIDE, 3)
    assert a.plan_start == dt.date(2027, 4, 1)
    # Blank or not given: the defaults (issue 13, case 17: the latest Skills for Care report,
    # October 2025, gives 23.1% turnover and 7.0% vacancies for 2024/25; 37.5 hours).
    assert (a.turnover, a.vacancy, a.standard_hours) == (0.231, 0.070, 37.5)
    # NHS roles: 10.1% left the NHS in the year to September 2024; 7.5% vacancies then.
    assert (a.nhs_turnover, a.nhs_vacancy) == (0.101, 0.075)
    # No Assumptions table at all: every default.
    assert inputs.read_assumptions(None, errors) == Assumptions()


def test_assumptions_out_of_range_and_unknown_are_located() -> None:
    rows = [
        ASSUMPTION_HEADER,
        ["Plan years (3 to 5)", 7, ""],
        ["Vacancy rate", 1.5, ""],
        ["Colour", "blue", ""],
    ]
    errors = InputErrors()
    inputs.read_assumptions(Cells(rows), errors)
    # In row order: each value where it is, then the label no setting has.
    assert [str(e) for e in errors] == [
        "Assumptions!B2, field 'Plan years (3 to 5)': 7 is outside 3 to 5 (CPC 510's 3 to 5 "
        "year horizon); valid: a whole number of years from 3 to 5",
        # The old label 'Vacancy rate' still reads as the social care vacancy rate.
        "Assumptions!B3, field 'Vacancy rate (social care roles)': 1.5 is 150%, outside 0% "
        "to 100% for the vacancy rate (the share of posts empty: none to all, as in a service "
        "no one works in yet); type 1.5% (or 0.015); valid: a percentage from 0% to 100%",
        "Assumptions!A4, field 'Assumption': 'Colour' is not a setting of the Assumptions "
        "table; valid: " + ", ".join(s.label for s in inputs.ASSUMPTIONS.settings),
    ]


def test_a_role_in_demand_that_nothing_else_mentions() -> None:
    staff = staff_frame([["Care worker", "L2", "Full-time", "In-house", 30, 12]])
    demand = demand_frame([["Home care", "Care wroker", "L2", 30, 0]])
    errors = InputErrors()
    inputs.check_roles(staff, demand, targets_frame([]), errors)
    assert [str(e) for e in errors] == [
        "row 2, field 'Role': 'Care wroker' is not a role of a staff record or target; did you "
        "mean 'Care worker'? (a role in the demand must be in a staff record or a target: a new "
        "role needs a target naming it); valid: Care worker"
    ]
    # A new role is fine once a target names it.
    errors = InputErrors()
    targets = targets_frame([["Minimum permanent share", "Care wroker", None, 0.5]])
    inputs.check_roles(staff, demand, targets, errors)
    assert not errors


def test_a_role_differing_only_in_case_is_named_as_such() -> None:
    # The engine groups roles exactly, so 'care worker' would be a second role: say so.
    staff = staff_frame([["Care worker", "L2", "Full-time", "In-house", 30, 12]])
    demand = demand_frame([["Home care", "care worker", "L2", 30, 0]])
    errors = InputErrors()
    inputs.check_roles(staff, demand, targets_frame([]), errors)
    assert "'care worker' is written differently from 'Care worker'" in str(errors)


def test_inputs_are_not_modified() -> None:
    rows = [["Care worker", "L2", "full time", "In-house", "30", "£12.50"]]
    table = cells(inputs.STAFF, STAFF_FIELDS, rows)
    before = [list(r) for r in table.rows]
    staff = inputs.read_staff(table, InputErrors())
    assert staff is not None and staff["hourly_pay"].iat[0] == 12.5
    assert [list(r) for r in table.rows] == before


# --- issue 18: the Pay, Benchmarks, Skills and Actuals tables --------------------------------


def _pay(
    pay: list[list[object]] | None = None,
    scales: list[list[object]] | None = None,
    on_costs: list[list[object]] | None = None,
) -> tuple[object, list[str]]:
    tables = {}
    if pay is not None:
        tables[inputs.PAY.name] = Cells([inputs.PAY.headers, *pay])
    if scales is not None:
        tables[inputs.SCALES.name] = Cells([inputs.SCALES.headers, *scales])
    if on_costs is not None:
        tables[inputs.ON_COSTS.name] = Cells([inputs.ON_COSTS.table.headers, *on_costs])
    errors = InputErrors()
    setup = inputs.read_pay(tables, errors, standard_hours=37.5, roles={"Nurse", "Carer"})
    return setup, [str(e) for e in errors]


def test_a_workbook_without_the_pay_sheet_takes_the_shipped_on_costs() -> None:
    # An older workbook: NI 15% above £5,000 (2025/26), the shipped schemes, no role pay.
    setup, problems = _pay()
    assert not problems and setup is not None
    assert (setup.on_costs.ni_rate, setup.on_costs.ni_threshold) == (0.15, 5000)
    assert list(setup.schemes["scheme"]) == [s[0] for s in inputs.SCHEME_ROWS]
    assert setup.roles.empty


def test_a_band_is_read_for_the_pay_year_and_a_band_of_another_year_is_refused() -> None:
    scales = [
        ["AfC", "Band 5", 31049, 37.5, "2025/26"],
        ["AfC", "Band 6", 40000, 37.5, "2026/27"],
    ]
    setup, problems = _pay([["Nurse", "band 5"], ["Carer", None, None, 25000, 37]], scales)
    assert not problems and setup is not None
    roles = setup.roles.set_index("role")
    assert roles.loc["Nurse", ["band", "annual_pay", "hours"]].tolist() == ["Band 5", 31049, 37.5]
    assert roles.loc["Nurse", "pay_basis"] == "Band 5 (2025/26)"
    assert roles.loc["Carer", "pay_basis"] == "the annual pay given"
    _, problems = _pay([["Nurse", "Band 6"]], scales)
    assert problems == [
        "Pay!B2, field 'Band or point': the band 'Band 6' has no 2025/26 pay on the Pay scales "
        "sheet (it has 2026/27); valid: a band with its 2025/26 pay on the Pay scales sheet"
    ]


def test_a_pay_row_needs_a_band_or_a_pay_and_a_role_the_plan_has() -> None:
    _, problems = _pay([["Nurse"], ["Nures", None, None, 30000]])
    assert problems == [
        "Pay!B2, field 'Band or point': the row has neither a band nor an annual pay; valid: "
        "a band or point from the Pay scales sheet, or the annual pay",
        "Pay!A3, field 'Role': 'Nures' is not a role on the Staff or Demand sheets; did you "
        "mean 'Nurse'?; valid: a role on the Staff or Demand sheets: Carer, Nurse",
    ]


def test_an_unknown_scheme_and_a_local_floor_without_its_rate_are_refused() -> None:
    settings = [
        ["Pension scheme of NHS staff", "NHS pension"],
        ["Wage floor", "A local wage floor"],
    ]
    _, problems = _pay(on_costs=settings)
    assert problems == [
        "Pay!B2, field 'Pension scheme of NHS staff': 'NHS pension' is not a pension scheme on "
        "the Pension schemes table; did you mean 'NHS Pension Scheme'?; valid: a pension "
        "scheme on the Pension schemes table: "
        "Auto-enrolment minimum, Local Government Pension Scheme, NHS Pension Scheme, No "
        "pension",
        "sheet 'Pay', field 'Wage floor £ an hour': a local wage floor has no shipped rate; "
        "valid: the local floor's rate £ an hour (or the National or Real Living Wage)",
    ]


def test_the_real_living_wage_is_taken_for_its_year_or_as_entered() -> None:
    setup, problems = _pay(on_costs=[["Wage floor", "RLW"]])
    assert not problems and setup is not None and setup.on_costs.floor == 12.60
    setup, problems = _pay(
        on_costs=[
            ["Wage floor", "Real Living Wage (London)"],
            ["Pay year", "2026/27"],
            ["Wage floor year", "2026-27"],
        ]
    )
    assert not problems and setup is not None and setup.on_costs.floor == 14.80


def test_quarters_are_read_as_officers_write_them() -> None:
    q = inputs.QUARTER
    assert q.parse("2026/27 Q1") == q.parse("Q1 2026/27") == q.parse("2026-2027 q1") == (2026, 1)
    assert q.parse(dt.date(2027, 2, 10)) == (2026, 4)  # January to March is Q4
    assert inputs.quarter_start(2026, 4) == dt.date(2027, 1, 1)
    with pytest.raises(InputError, match="is not one financial year"):
        q.parse("2026/28 Q1")
    with pytest.raises(InputError, match="valid: a quarter such as 2026/27 Q1"):
        q.parse("Q5 2026/27")


def test_headroom_parts_adding_up_past_60_percent_are_refused(tmp_path: Path) -> None:
    # 30% leave + 20% study + 15% other + the social care sickness 2.3% = 67.3%.
    path = build(
        tmp_path / "plan.xlsx",
        assumptions={"leave_part": 0.3, "study_part": 0.2, "other_part": 0.15},
    )
    with pytest.raises(InputErrors) as caught:
        read_inputs(path)
    assert [str(e) for e in caught.value] == [
        "plan.xlsx, Assumptions!B20, field 'Headroom part: annual leave': headroom built from "
        "its parts comes to 67.3%, outside 0% to 60% for headroom (NHS roster "
        "policies set 16% to 26%; over 60% is more absence than any rota plans for); valid: "
        "parts that add up to at most 60%: annual leave, sickness, study leave, parental "
        "leave and other"
    ]
