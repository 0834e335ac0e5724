"""The worksheet functions beyond their worked examples, and the button on awkward books."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from cpcxl.common.errors import InputErrors
from cpcxl.workforce import excel
from cpcxl.workforce.inputs.example import EXAMPLE_STAFF
from cpcxl.workforce.workbook import HEADER_ROW, build
from cpcxl.xl.remote import run_script_on_file

from .helpers import (
    BAD_INPUT,
    HEADROOM_22,
    HOURS_1_000,
    LONG_TEXT,
    RENAMED_COST,
    bad_book,
    renamed_header,
    slips_book,
)


def test_functions_reach_excels_module_with_their_docstrings() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    for name in ("cpc_fte", "cpc_required_fte", "cpc_workforce_gap", "cpc_recruitment_need"):
        assert name in udfs.__all__
        assert len(getattr(udfs, name).__doc__) <= 255


def test_a_row_of_hours_and_a_blank_standard() -> None:
    # A row arrives as a flat list too: 3 × 12.5 = 37.5 h is 1 FTE on the default week.
    assert excel.cpc_fte([12.5, 12.5, 12.5], None) == pytest.approx(1.0)


def test_required_fte_headroom_can_be_a_range_beside_the_worked_fte() -> None:
    # 10 × 1.1 = 11 and 10 × 1.25 = 12.5, each row its own headroom.
    assert excel.cpc_required_fte([[10], [10]], [[0.1], [0.25]]) == [[11.0], [12.5]]
    assert excel.cpc_required_fte(10, "22%") == pytest.approx(12.2)


def test_recruitment_need_with_percent_text_as_people_type_it() -> None:
    # 100 − 100 × 0.92 × 0.75 = 31
    assert excel.cpc_recruitment_need(100, "25%", "8%", 1) == pytest.approx(31)


def _infeasible_book(folder: Path) -> Path:
    targets = [
        ["Minimum permanent share", None, None, 0.95],
        ["Maximum hours of a contract type", None, "Bank or zero-hours", 0],
    ]
    return build(folder / "infeasible.xlsx", targets=targets)


def test_the_button_explains_an_infeasible_mix(tmp_path: Path) -> None:
    # 95% permanent needs permanent hours far past what a 30% recruitment rate allows.
    cells = run_script_on_file(excel.plan_workforce, _infeasible_book(tmp_path))
    mix = cells["Optimised mix"]
    assert mix["A2"].startswith("No mix meets every constraint.")
    assert "minimum permanent share 95% (whole organisation)" in mix["A2"]
    assert "recruitment capacity" in mix["A2"]
    assert "maximum agency share" not in mix["A2"]
    # The other sheets are still written.
    assert cells["Gap"]["A3"] == "Care worker"


def test_the_button_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    staff = [list(r) for r in EXAMPLE_STAFF]
    staff[0][4] = 120
    staff[1][2] = "Casual"
    source = build(tmp_path / "bad.xlsx", staff=staff)
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.plan_workforce, source)
    text = str(caught.value)
    first = HEADER_ROW + 1
    assert f"bad.xlsx, Staff!E{first}, field 'Hours per week': 120 is outside 0 to 80" in text
    assert f"Staff!C{first + 1}, field 'Contract type': 'Casual' is not a contract type" in text


# --- the issue's cases through the button: the same located message as the file reader ------


def test_the_button_shows_substantive_cover_and_vacancy_apart(tmp_path: Path) -> None:
    # Issue 13, case 11, on the packaged example. Care worker: 555 h ÷ 37.5 × 1.22 = 18.056
    # required; substantive 6 × 37.5 + 4 × 22.5 = 315 h = 8.4 FTE; cover (2 bank × 15 h, 2
    # agency × 37.5 h, 3 volunteers × 6 h) = 123 h = 3.28 FTE; vacancy 18.056 − 8.4 = 9.656.
    # Not covered, skill level by skill level: Level 2 7.216 vacant − 0.8 bank = 6.416;
    # Level 3 (agency only: vacant and covered) 2.44 − 2.0 = 0.44; the volunteers' entry
    # level has no posts. 6.416 + 0.44 = 6.856.
    gap = run_script_on_file(excel.plan_workforce, build(tmp_path / "plan.xlsx"))["Gap"]
    headers = [gap[f"{c}2"] for c in "ABCDEFGHI"]
    assert headers == [
        "Role",
        "Required FTE",
        "Substantive FTE",
        "Gap FTE (+ shortfall)",
        "Vacancy FTE",
        "Cover FTE",
        "Vacancy not covered FTE",
        "Vacancy rate",
        "Vacancy benchmark",
    ]
    assert gap["A3"] == "Care worker"
    row = [gap[f"{c}3"] for c in "BCDEFG"]
    assert row == pytest.approx([18.056, 8.4, 9.656, 9.656, 3.28, 6.856])
    assert gap["H3"] == pytest.approx(9.656 / 18.056)  # 53.5% of the establishment vacant
    assert gap["I3"] == pytest.approx(0.070)  # Skills for Care 2025, a social care role


def test_the_button_prices_agency_cover_by_role(tmp_path: Path) -> None:
    # Issue 13, case 10: each role's own cost × (1 + 30%), not one rate for all (£18.72
    # here); issue 18: with on-costs, and from the Pay sheet where a role has a row there.
    projection = run_script_on_file(excel.plan_workforce, build(tmp_path / "plan.xlsx"))[
        "Projection"
    ]
    rates = {
        projection[f"A{r}"]: projection[f"G{r}"]
        for r in range(11, 16)
        if projection.get(f"G{r}") is not None
    }
    # In-house staff: LGPS 19.8% and National Insurance 15% above £5,000 a year: an hour of
    # a full-time post on annual pay P for h hours costs (P × 1.348 − 750) ÷ (h × 52.143).
    weeks = 365 / 7

    def post(annual: float, hours: float) -> float:
        return (annual * 1.348 - 750) / (hours * weeks)

    # The Pay sheet: care workers on NJC SCP 3 (£24,796 for 37 hours), senior care workers
    # on SCP 8 (£26,824); the others from their records: £24.80 and £26.00 full-time, and
    # the reablement workers' in-house £13.40 and voluntary-provider £12.10 (auto-enrolment:
    # 3% above £6,240) by hours.
    part_time = 12.10 * 18.75 * weeks
    provider = 12.10 + (0.15 * (part_time - 5000) + 0.03 * (part_time - 6240)) / (18.75 * weeks)
    reablement = (150 * post(13.40 * 37.5 * weeks, 37.5) + 37.5 * provider) / 187.5
    assert rates == pytest.approx(
        {
            "Care worker": post(24796, 37) * 1.3,
            "Occupational therapist": post(24.80 * 37.5 * weeks, 37.5) * 1.3,
            "Reablement support worker": reablement * 1.3,
            "Registered manager": post(26.00 * 37.5 * weeks, 37.5) * 1.3,
            "Senior care worker": post(26824, 37) * 1.3,
        }
    )
    # The care workers' turnover: Skills for Care's 28.5% for care and support workers for
    # the 6 FTE in Central, the local 32% for the 2.4 FTE in the North: (1.71 + 0.768) ÷ 8.4.
    assert projection["A11"] == "Care worker"
    assert projection["C11"] == pytest.approx((6 * 0.285 + 2.4 * 0.32) / 8.4)


def test_the_button_refuses_headroom_typed_as_22(tmp_path: Path) -> None:
    source = build(tmp_path / "plan.xlsx", assumptions={"headroom": 22})
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.plan_workforce, source)
    assert [str(e) for e in caught.value] == [HEADROOM_22]


def test_the_button_refuses_1_000_and_shortens_a_32767_character_text(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.plan_workforce, slips_book(tmp_path))
    assert [str(e) for e in caught.value] == [HOURS_1_000, LONG_TEXT]


def test_the_button_reports_a_renamed_staff_header(tmp_path: Path) -> None:
    source = renamed_header(build(tmp_path / "plan.xlsx"), "Hourly pay", "Pay")
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.plan_workforce, source)
    assert [str(e) for e in caught.value] == [RENAMED_COST]


def test_the_button_notes_a_header_read_under_another_spelling(tmp_path: Path) -> None:
    source = renamed_header(build(tmp_path / "plan.xlsx"), "Hourly pay", "Hourly pay (£)")
    cells = run_script_on_file(excel.plan_workforce, source)
    notes = [v for v in cells["Plan"].values() if isinstance(v, str) and "read the header" in v]
    assert notes == ["Staff: read the header 'Hourly pay (£)' as 'Hourly pay'"]
    # and the costs are read: the Full-time In-house weekly cost of the example, £8,347.50
    # (6×37.5×12.60 + 3×37.5×14.20 + 4×37.5×13.40 + 37.5×24.80 + 37.5×26.00).
    assert 8347.5 in cells["Plan"].values()


# --- the issue's cases in the worksheet functions -------------------------------------------


def test_headroom_typed_as_22_gives_its_reason_in_the_cell() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    result = udfs.cpc_required_fte(10, 22)
    assert result.startswith("#VALUE! headroom: 22 is 2,200%, outside 0% to 60% for headroom")
    assert "; type 22% (or 0.22)" in result and len(result) <= 255
    # by keyword too, and a whole column with one headroom
    assert udfs.cpc_required_fte(worked_fte=[[10], [5]], headroom=22) == [[result], [result]]
    # the same headroom as a percentage is 22%: 10 × 1.22 = 12.2
    assert udfs.cpc_required_fte(10, "22%") == pytest.approx(12.2)


def test_1_000_and_long_text_give_short_reasons_in_the_cell() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    assert udfs.cpc_fte("1_000") == (
        "#VALUE! hours, item 1: '1_000' is not contracted hours a week; valid: contracted hours "
        "a week from 0 to 80"
    )
    long = udfs.cpc_required_fte("9" * 32_767, 0.22)
    assert long == (
        f"#VALUE! worked_fte: '{'9' * 37}...' (32,767 characters) is not a number of FTE; "
        "valid: a number of FTE from 0 to 10,000,000"
    )
    assert len(long) <= 255


def test_recruitment_need_takes_whole_years_only() -> None:
    # 2.5 years is refused; 2 years: 31 + 25 = 56 (year 1 as the worked example, then 25).
    assert excel.cpc_recruitment_need(100, 0.25, 0.08, 2.5).startswith(
        "#VALUE! years: 2.5 is not a whole number"
    )
    assert excel.cpc_recruitment_need(100, 0.25, 0.08, 2) == pytest.approx(56)
    # A service no one works in yet (100% vacant): recruit all 100 in year 1.
    assert excel.cpc_recruitment_need(100, 0.25, 1, 1) == pytest.approx(100)


def test_pressing_the_button_twice_replaces_the_sheets(tmp_path: Path) -> None:
    from cpcxl.xl.remote import apply_values, payload_after, payload_from_xlsx, run_script

    payload = payload_from_xlsx(build(tmp_path / "plan.xlsx"))
    actions = run_script(excel.plan_workforce, payload)
    # Issue 12, case 13: the template makes none of the output sheets, so the first press
    # creates them and keeps no "(edited)" copy of anything (nothing needs marking).
    assert not [a for a in actions if a["func"] == "copySheet"]
    first = apply_values(payload, actions)
    # Press it again on the workbook as Excel would send it after the first press.
    again = payload_after(payload, actions)
    second_actions = run_script(excel.plan_workforce, again)
    second = apply_values(again, second_actions)
    assert second["Gap"] == first["Gap"]
    # Nothing was typed on the output sheets, so no copy of them is kept.
    assert not [a for a in second_actions if a["func"] == "copySheet"]


def test_the_button_draws_the_gap_chart_from_the_by_role_table(tmp_path: Path) -> None:
    from cpcxl.xl.remote import payload_from_xlsx, run_script

    payload = payload_from_xlsx(build(tmp_path / "plan.xlsx"))
    charts = [a for a in run_script(excel.plan_workforce, payload) if a["func"] == "addChart"]
    assert len(charts) == 1
    # The example has five roles: header on row 2, roles on rows 3-7; role, required, current.
    name, kind, sheet, source = charts[0]["args"][:4]
    assert (name, kind, sheet, source) == ("Gap chart", "BarClustered", "Gap", "$A$2:$C$7")


def test_the_button_colours_shortfalls_red(tmp_path: Path) -> None:
    from cpcxl.common import formats
    from cpcxl.xl.remote import payload_from_xlsx, run_script

    payload = payload_from_xlsx(build(tmp_path / "plan.xlsx"))
    actions = run_script(excel.plan_workforce, payload)
    gap_sheet = next(a["sheet_position"] for a in actions if a["func"] == "addChart")
    colours = {
        (a["start_row"], a["start_column"]): a["args"][0]
        for a in actions
        if a["func"] == "setRangeColor" and a["sheet_position"] == gap_sheet
    }
    # Care worker's gap (Gap!D3, 6.376 short) is red.
    assert colours[(2, 3)].lstrip("#").upper() == formats.RED


def test_negative_fte_and_hours_are_refused() -> None:
    # Issue 13, case 12: cpc_recruitment_need(-100, 0.25, 0.08, 3) once gave -81 and
    # cpc_required_fte(-10, 0.22) -12.2; a workforce cannot be negative. Each is refused in
    # its cell, naming the argument and the valid range (FTE from 0; hours 0 to 80 a week).
    udfs = importlib.import_module("cpcxl.xl.udfs")
    fte_range = "valid: a number of FTE from 0 to 10,000,000"
    assert udfs.cpc_recruitment_need(-100, 0.25, 0.08, 3) == (
        "#VALUE! fte: -100 is outside 0 to 10,000,000 (more than the whole UK public sector "
        f"employs: a local limit); {fte_range}"
    )
    assert udfs.cpc_required_fte(-10, 0.22) == (
        "#VALUE! worked_fte: -10 is outside 0 to 10,000,000 (more than the whole UK public "
        f"sector employs: a local limit); {fte_range}"
    )
    assert udfs.cpc_workforce_gap(12.2, -1).startswith("#VALUE! current: -1 is outside 0 to")
    assert udfs.cpc_fte([37.5, -5]).startswith("#VALUE! hours, item 2: -5 is outside 0 to 80")


def test_years_are_whole_and_bounded_before_any_work() -> None:
    # Issue 13, case 12 and issue 12, case 3: years is a whole number from 1 to 50, as plan
    # years are whole (3 to 5): 2.5 and 51 are refused before anything is worked out.
    udfs = importlib.import_module("cpcxl.xl.udfs")
    assert udfs.cpc_recruitment_need(100, 0.25, 0.08, 2.5) == (
        "#VALUE! years: 2.5 is not a whole number; valid: a whole number of years from 1 to 50"
    )
    assert udfs.cpc_recruitment_need(100, 0.25, 0.08, 51) == (
        "#VALUE! years: 51 is outside 1 to 50 (a working life: beyond any workforce plan); "
        "valid: a whole number of years from 1 to 50"
    )
    assert udfs.cpc_recruitment_need(100, 0.25, 0.08, 1e308).startswith(
        "#VALUE! years: 1e+308 is outside 1 to 50"
    )


def test_the_button_refuses_negative_hours_with_the_cell_named(tmp_path: Path) -> None:
    # Issue 13, case 12 in the workbook: negative contracted hours are refused, located.
    staff = [list(r) for r in EXAMPLE_STAFF]
    staff[2][4] = -15
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.plan_workforce, build(tmp_path / "plan.xlsx", staff=staff))
    assert [str(e) for e in caught.value] == [
        f"plan.xlsx, Staff!E{HEADER_ROW + 3}, field 'Hours per week': -15 is outside 0 to 80 "
        "(over 80 a week is a slip: the legal average is 48 unless opted out); valid: "
        "contracted hours a week from 0 to 80"
    ]


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_each_of_issue_18s_bad_inputs_is_refused_by_the_button_with_the_cell_named(
    tmp_path: Path, case: str
) -> None:
    # Issue 18, bad input, through xlwings' remote engine as the add-in runs it: the same
    # located message as the file and the command give.
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.plan_workforce, bad_book(tmp_path, case))
    assert [str(e) for e in caught.value] == [BAD_INPUT[case][1]]


def test_a_pension_rate_outside_0_to_40_percent_is_refused_in_the_cell() -> None:
    # Issue 18, bad input, in the worksheet function: =CPC_EMPLOYMENT_COST(30000, 45%).
    assert excel.cpc_employment_cost(30000, 0.45).startswith(
        "#VALUE! pension_rate: 0.45 is 45%, outside 0% to 40%"
    )
    assert excel.cpc_employment_cost(30000, -0.01).startswith(
        "#VALUE! pension_rate: -0.01 is -1%, outside 0% to 40%"
    )
    # A threshold or pay that cannot be: refused, not used.
    assert excel.cpc_employment_cost(-5, 0.2).startswith("#VALUE! annual_pay: -5 is outside")
    assert excel.cpc_employment_cost(30000, 0.2, 0.15, "five").startswith(
        "#VALUE! ni_threshold: 'five' is not a yearly threshold in £"
    )


def test_the_button_writes_the_issue_18_sheets(tmp_path: Path) -> None:
    # The packaged example: the Costs sheet prices care workers from the Pay sheet's NJC SCP
    # 3 (£24,796 for 37 h: £12.852 an hour); the voluntary provider's reablement workers on
    # £12.10 are £0.11 below the National Living Wage 2025/26 (£12.21); the Review flags care
    # workers: 8.6 FTE in post in 2026/27 Q1 against 8.4 + (18.78 − 8.4) ÷ 4 planned.
    cells = run_script_on_file(excel.plan_workforce, build(tmp_path / "plan.xlsx"))
    costs = cells["Costs"]
    assert (costs["A3"], costs["B3"]) == ("Care worker", pytest.approx(24796 / (37 * 365 / 7)))
    floor = cells["Wage floor"]
    assert floor["B3"] == "Reablement support worker"
    assert floor["F3"] == pytest.approx(0.11)
    review = cells["Review"]
    assert (review["A3"], review["G3"]) == ("Care worker", "Yes")
    assert cells["Development"]["A3"] == "Care worker"
