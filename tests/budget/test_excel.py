"""The worksheet functions' edges and the Build budget button through xlwings' remote engine."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from cpcxl.budget.excel import (
    build_budget,
    cpc_outturn,
    cpc_pool_shares,
    cpc_pool_summary,
    cpc_risk_share,
    cpc_uplift,
)
from cpcxl.budget.inputs import example
from cpcxl.budget.workbook import build_template
from cpcxl.common.errors import InputError
from cpcxl.xl.remote import apply_values, payload_from_xlsx, run_script, run_script_on_file

from .tables import sample_data


def test_the_button_writes_every_sheet_and_its_charts_from_zero(tmp_path: Path) -> None:
    payload = payload_from_xlsx(build_template(tmp_path / "book.xlsx"))
    actions = run_script(build_budget, payload)
    cells = apply_values(payload, actions)
    for sheet in ("Budget", "Risk share", "Scenarios", "Monitoring", "Month-end report"):
        assert sheet in cells
    # The two charts of the contributions, and (the sample has actuals by month) the
    # month-end report's forecast against budget.
    charts = [a for a in actions if a["func"] == "addChart"]
    assert [c["args"][0] for c in charts] == [
        "Cash and in kind by partner",
        "Contributions by partner and year",
        "Forecast outturn against budget by month",
    ]
    # Every chart's value axis starts at £0 (issue 14: an axis from £14.4m made in kind look
    # as big as cash) and is in £.
    axes = [a["args"][2] for a in actions if a["func"] == "setChartAxis"]
    assert axes.count({"minimum_scale": 0.0}) == 3
    assert axes.count({"number_format": "£#,##0"}) == 3
    scenarios = cells["Scenarios"]
    assert scenarios["A5"] == example.ICB
    assert scenarios["B4"] == "Base: contribution £"
    # "Host bears overspends": the county (host) bears the whole £1,200,000 test overspend.
    host_column = [k for k, v in scenarios.items() if v == "Host bears overspends: exposure £"]
    (header,) = host_column
    column = header.rstrip("0123456789")
    assert scenarios[f"{column}6"] == 1_200_000
    monitoring = cells["Monitoring"]
    # Reablement 2025/26: 23,650,000 against 18.5m + 4.8m = 23.3m: +350,000.
    row = next(k[1:] for k, v in monitoring.items() if v == example.REABLEMENT and k[0] == "A")
    assert monitoring[f"F{row}"] == 350_000


def test_the_button_lists_problems_with_their_cells_instead_of_building(tmp_path: Path) -> None:
    data = sample_data()
    data["contributions"][0][2] = "2031/32"
    data["arrangement"]["host"] = "Nobody"
    payload = payload_from_xlsx(build_template(tmp_path / "book.xlsx", data))
    cells = apply_values(payload, run_script(build_budget, payload))
    assert "Budget" not in cells
    problems = cells["Problems"]
    assert problems["A4"] == "Arrangement!B9, field 'Host partner'"
    assert problems["B4"] == "the host 'Nobody' is not one of the partners"
    assert problems["A5"] == "Contributions!C5, field 'Year'"
    assert problems["B5"] == "year 2031/32 is outside the arrangement"
    assert problems["C5"] == "2025/26 to 2027/28 (the arrangement's years)"


def test_a_stale_problems_sheet_is_removed_once_the_budget_builds(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = build_template(tmp_path / "book.xlsx")
    wb = load_workbook(path)
    wb.create_sheet("Problems")["A1"] = "an old problem"
    wb.save(path)
    payload = payload_from_xlsx(path)
    assert "Problems" in [s["name"] for s in payload["sheets"]]
    actions = run_script(build_budget, payload)
    # cpcxl.xl.remote.apply_values does not replay sheetDelete, so check the action itself.
    assert [a["func"] for a in actions].count("sheetDelete") == 1


def test_cpc_outturn_gives_the_issues_example() -> None:
    # Budget 1,200; six months of actuals adding up to 690, the rest not closed. Flat profile:
    # 690 + 1,200 × 6/12 = 1,290; run rate: 690 × 12/6 = 1,380. By keyword, as the guide says.
    actuals = [[100, 110, 120, 115, 125, 120, None, None, None, None, None, None]]
    assert cpc_outturn(1200, actuals) == 1290
    assert cpc_outturn(budget=1200, actuals=actuals, method="run_rate") == 1380
    # As a column too, and with the method as the drop-down labels it.
    column = [[v] for v in actuals[0]]
    assert cpc_outturn(1200, column, "Run rate") == 1380


def test_cpc_outturn_refuses_a_profile_with_the_run_rate_and_an_unknown_method() -> None:
    actuals = [[100] * 6 + [None] * 6]
    with pytest.raises(InputError, match="profile: a profile is for the profile method"):
        cpc_outturn(1200, actuals, "run_rate", [[1] * 12])
    with pytest.raises(InputError, match="method: 'guess' is not a forecast method"):
        cpc_outturn(1200, actuals, "guess")
    with pytest.raises(InputError, match="actuals: 'n/a' is not an amount in £"):
        cpc_outturn(1200, [["n/a"] + [None] * 11])


def test_pool_shares_of_nothing_says_why() -> None:
    with pytest.raises(InputError, match="add up to £0"):
        cpc_pool_shares([[0], [None]])


def test_pool_shares_of_a_single_cell() -> None:
    assert cpc_pool_shares(250) == 1.0


def test_risk_share_with_an_unknown_basis() -> None:
    with pytest.raises(InputError, match="'whoever' is not a risk-share basis; valid: pro_rata"):
        cpc_risk_share([[1], [2]], 10, "whoever")


def test_risk_share_fixed_percentages_must_add_up() -> None:
    with pytest.raises(InputError, match=r"add up to 90\.00%, not 100%"):
        cpc_risk_share([[1], [2]], 10, "fixed", [[0.5], [0.4]])


def test_risk_share_terms_must_match_the_contributions() -> None:
    with pytest.raises(InputError, match="the terms have 3 cells but the contributions have 2"):
        cpc_risk_share([[1], [2]], 10, "fixed", [[0.5], [0.4], [0.1]])


def test_risk_share_by_the_lines_commissioning_partner() -> None:
    # Two partners (rows) × two lines (columns); line 1 led by partner 2, line 2 by partner 1.
    result = cpc_risk_share([[10, 20], [30, 40]], [[100, -40]], "lead", [[2, 1]])
    assert result == [[0.0, -40.0], [100.0, 0.0]]


def test_risk_share_by_basis_label_as_the_workbook_shows_it() -> None:
    # "Host bears it" is the drop-down's label for the host basis.
    assert cpc_risk_share([[1], [1]], 99.99, "Host bears it", 1) == [[99.99], [0.0]]


def test_risk_share_per_line_needs_a_variance_per_line() -> None:
    with pytest.raises(InputError, match=r"there are 2 lines \(columns\) but 3 variances"):
        cpc_risk_share([[1, 1], [1, 1]], [[1, 2, 3]], "pro_rata_per_line")


def test_pool_summary_with_an_unknown_kind() -> None:
    table = [["Partner", "Line", "Year", "Amount", "Kind"], ["NHS", "L", 2025, 10, "Goodwill"]]
    with pytest.raises(InputError, match="row 2, field 'Kind': 'Goodwill' is not a kind"):
        cpc_pool_summary(table)


def test_pool_summary_without_the_amount_column() -> None:
    with pytest.raises(InputError, match="the contributions table has no 'Amount' column"):
        cpc_pool_summary([["Partner", "Line", "Year"], ["NHS", "L", 2025]])


def test_uplift_of_negative_years() -> None:
    assert cpc_uplift(100, 0.1, -1).startswith("#VALUE! years: -1 is outside 0 to 50")


# --- the issue's cases: the rate rule, '1_000', a 32,767-character cell, a renamed header ---

UPLIFT_RANGE = (
    "outside -50% to 50% for an uplift (no partner's contribution rises or falls by more than "
    "half in a year)"
)


def udf(name: str) -> Any:
    """The function as Excel calls it (through the worksheet-function wrapper)."""
    return getattr(importlib.import_module("cpcxl.xl.udfs"), name)


@pytest.mark.parametrize(
    ("rate", "read_as", "meant"), [(1, "100%", "1% (or 0.01)"), (3.9, "390%", "3.9% (or 0.039)")]
)
def test_uplift_refuses_a_rate_that_is_a_whole_percentage(
    rate: float, read_as: str, meant: str
) -> None:
    # CPC_UPLIFT(1000, 1, 1) was 2,000 (1 read as 100%); a rate is a fraction, so 1 is 100%,
    # outside the plausible -50% to 50%, and refused with what was probably meant.
    expected = (
        f"#VALUE! rate: {rate} is {read_as}, {UPLIFT_RANGE}; type {meant}; valid: a percentage "
        "from -50% to 50%"
    )
    assert cpc_uplift(1000, rate, 1) == expected
    assert udf("cpc_uplift")(1000, rate, 1) == expected
    assert udf("cpc_uplift")(amount=1000, rate=rate, years=1) == expected
    assert len(expected) <= 255


def test_uplift_as_a_percentage_or_a_fraction_is_the_same() -> None:
    # £1,000 × 1.039 = £1,039 whichever way 3.9% is typed.
    assert cpc_uplift(1000, "3.9%", 1) == pytest.approx(1039)
    assert cpc_uplift(1000, 0.039, 1) == pytest.approx(1039)


@pytest.mark.parametrize("years", [1.5, 2.5])  # 2.5: issue 13 case 12, accepted before
def test_uplift_years_are_whole(years: float) -> None:
    # An uplift compounds once a year: part of a year has no rate (the other functions agree).
    assert cpc_uplift(1000, 0.1, years) == (
        f"#VALUE! years: {years} is not a whole number; valid: a number of years from 0 to 50"
    )


def test_an_amount_with_an_underscore_is_refused_in_each_function() -> None:
    message = "'1_000' is not an amount in £"
    assert message in cpc_uplift("1_000", 0.1, 1)
    assert message in cpc_pool_shares([["1_000"], [500]])[0][0]
    with pytest.raises(InputError, match=f"row 2, field 'Amount': {message}"):
        cpc_pool_summary([["Partner", "Line", "Year", "Amount"], ["NHS", "L", 2025, "1_000"]])


def test_a_32767_character_amount_gives_a_short_cell_error() -> None:
    # The cell shows the first 37 characters and the count, never the whole text.
    text = "1" * 32_767
    result = udf("cpc_uplift")(text, 0.1, 1)
    assert result.startswith("#VALUE! amount: '" + "1" * 37 + "...' (32,767 characters) is not")
    assert len(result) <= 255
    summary = udf("cpc_pool_summary")(
        [["Partner", "Line", "Year", "Amount"], ["NHS", "L", 2025, text]]
    )
    assert "(32,767 characters)" in summary and len(summary) <= 255


def test_pool_summary_with_a_renamed_header_says_which() -> None:
    result = udf("cpc_pool_summary")([["Partner", "Line", "Year", "Amt"], ["NHS", "L", 2025, 10]])
    assert result.startswith("#VALUE! 2 problems in the input:")
    assert "the header 'Amt' is not a column of the contributions table" in result
    assert len(result) <= 255


def test_risk_share_fixed_shares_follow_the_rate_rule() -> None:
    # 50 and 50 would be 5,000% each: refused, not read as 50% (type 50%, or 0.5).
    with pytest.raises(InputError, match=r"terms: 50 is 5,000%, outside 0% to 100% for a fixed"):
        cpc_risk_share([[1], [1]], 10, "fixed", [[50], [50]])
    assert cpc_risk_share([[1], [1]], 10, "fixed", [["50%"], ["50%"]]) == [[5.0], [5.0]]


def problems_from_the_button(path: Path) -> dict[str, Any]:
    cells = run_script_on_file(build_budget, path)
    assert "Budget" not in cells, "the budget was built from bad input"
    sheet = cells["Problems"]
    return {sheet[f"A{r}"]: sheet[f"B{r}"] for r in range(4, 100) if sheet.get(f"A{r}")}


@pytest.mark.parametrize(
    ("rate", "read_as", "meant"), [(1, "100%", "1% (or 0.01)"), (3.9, "390%", "3.9% (or 0.039)")]
)
def test_the_button_refuses_an_uplift_of_1_or_3_9_in_the_conditions(
    tmp_path: Path, rate: float, read_as: str, meant: str
) -> None:
    # The ICB's uplift is the first condition: row 5 of the sheet, column C.
    data = sample_data()
    data["conditions"][0][2] = rate
    found = problems_from_the_button(build_template(tmp_path / "book.xlsx", data))
    assert found == {
        "Conditions!C5, field 'Rate % or cap £'": f"{rate} is {read_as}, {UPLIFT_RANGE}; "
        f"type {meant}"
    }


def test_the_button_refuses_1_000_and_shortens_a_32767_character_amount(tmp_path: Path) -> None:
    data = sample_data()
    data["contributions"][0][4] = "1_000"
    data["contributions"][1][4] = "2" * 32_767
    found = problems_from_the_button(build_template(tmp_path / "book.xlsx", data))
    assert found == {
        "Contributions!E5, field 'Amount £'": "'1_000' is not an amount in £",
        "Contributions!E6, field 'Amount £'": "'"
        + "2" * 37
        + "...' (32,767 characters) is not an amount in £",
    }


def test_the_button_reports_a_renamed_header_and_builds_nothing(tmp_path: Path) -> None:
    path = build_template(tmp_path / "book.xlsx")
    wb = load_workbook(path)
    ws = wb["Contributions"]
    assert ws["E4"].value == "Amount £"
    ws["E4"] = "Amt"
    ws.tables["Contributions"].tableColumns[4].name = "Amt"
    wb.save(path)
    found = problems_from_the_button(path)
    assert found == {
        "Contributions!E4": "the header 'Amt' is not a column of the Contributions table",
        "sheet 'Contributions', row 4": "the Contributions table has no 'Amount £' column "
        "(headers found: 'Partner', 'Line', 'Year', 'Kind', 'Amt', 'Reduction', 'Note', "
        "'Funding source', 'Carried forward')",
    }


# --- issue 13, case 2: CPC_RISK_SHARE never loses a line's variance --------------------------

NO_BEARER = (
    "#VALUE! line 2 has a variance of £300.00 but no contributions, and terms name no host or "
    "lead to bear it; valid: in terms, the host's row (1 to 2) or a row of each line's lead"
)


def test_issue_13_case_2_the_issues_call_says_why_in_the_lines_own_cells() -> None:
    # The issue's call: line 2's £300 has no contributions and terms name no one, so each of
    # line 2's cells says why (main gave 1p each: £300 became 2p); line 1's £1,000 is still
    # shared 80:20 = £800 and £200.
    expected = [[800.0, NO_BEARER], [200.0, NO_BEARER]]
    assert cpc_risk_share([[80, 0], [20, 0]], [[1000, 300]], "pro_rata_per_line") == expected
    assert udf("cpc_risk_share")([[80, 0], [20, 0]], [[1000, 300]], "pro_rata_per_line") == expected
    assert len(NO_BEARER) <= 255


def test_issue_13_case_2_the_host_or_lead_in_terms_bears_a_line_nobody_contributes_to() -> None:
    # The host (row 2) takes line 2's £300: the parts add up to 1,000 and 300, as given.
    assert cpc_risk_share([[80, 0], [20, 0]], [[1000, 300]], "pro_rata_per_line", 2) == [
        [800.0, 0.0],
        [200.0, 300.0],
    ]
    # Or each line's lead, a row of partners' rows: line 2's lead is row 1 (line 1 has
    # contributors, so its lead is not needed and may be blank).
    assert cpc_risk_share([[80, 0], [20, 0]], [[1000, 300]], "pro_rata_per_line", [[None, 1]]) == [
        [800.0, 300.0],
        [200.0, 0.0],
    ]


def test_issue_13_case_2_a_blank_cell_that_bears_a_part_shows_it() -> None:
    # A blank contribution stays blank, as in a sum, unless it bears a part: the host's cell
    # here is blank, and its £50 is shown, so the parts add up to the £50 given (main left the
    # cell blank and the £50 nowhere).
    assert cpc_risk_share([[100], [None]], 50, "host", 2) == [[0.0], [50.0]]
    assert cpc_risk_share([[80, None], [20, None]], [[1000, 300]], "pro_rata_per_line", 1) == [
        [800.0, 300.0],
        [200.0, None],
    ]


def test_issue_13_case_2_a_line_with_no_lead_is_its_own_error() -> None:
    # Lead basis: line 1's £100 to its lead, row 2; line 2's -£40 has no lead: its own cells
    # say so and line 1 is still settled.
    why = (
        "#VALUE! line 2 has a variance of -£40.00 and no lead in terms to bear it; valid: the "
        "lead partner's row for each line, 1 to 2"
    )
    assert cpc_risk_share([[10, 20], [30, 40]], [[100, -40]], "lead", [[2, None]]) == [
        [0.0, why],
        [100.0, why],
    ]


# --- issue 12, case 3: every argument that sizes work is bounded; long loops stop in time ---


def test_issue_12_case_3_a_range_over_the_cell_limit_is_refused_before_any_work() -> None:
    # Partners × lines in CPC_RISK_SHARE are bounded by the server's cell limit
    # (MAX_ARGUMENT_CELLS, 200,000 cells an argument), checked before any work.
    from cpcxl.common.limits import MAX_ARGUMENT_CELLS

    assert MAX_ARGUMENT_CELLS == 200_000
    result = udf("cpc_risk_share")([[1.0]] * 200_001, 10)
    assert result == (
        "#VALUE! contributions: the range has 200,001 cells, over the 200,000 a function may be "
        "given; valid: a smaller range"
    )


def test_issue_12_case_3_reading_a_big_range_stops_at_the_time_limit() -> None:
    # Reading 10,000 amounts cell by cell checks the clock every 4,096 cells; past the time
    # limit (here none at all) the call stops with the reason.
    from cpcxl.common.limits import TimeLimitExceeded, time_limit

    with time_limit(0.0), pytest.raises(TimeLimitExceeded, match="stopped after 0 seconds"):
        cpc_pool_shares([[1.0]] * 10_000)


def test_issue_12_case_3_the_capped_rounds_stop_at_the_time_limit() -> None:
    # The capped basis takes a round per partner capped (up to one per cell), each checking
    # the clock: three cells here, so it is the rounds, not the reading, that stop.
    from cpcxl.common.limits import TimeLimitExceeded, time_limit

    with time_limit(0.0), pytest.raises(TimeLimitExceeded):
        cpc_risk_share([[600000], [300000], [100000]], 10000, "capped", [[None], [1000], [None]])


# --- issue 12, case 14: money is plausible money ----------------------------------------------


def test_issue_12_case_14_every_amount_refuses_1e308_with_the_range() -> None:
    # Money() refuses beyond ±£1 trillion ("no public body spends more in a year").
    outside = "1e+308 is outside -£1,000,000,000,000 to £1,000,000,000,000"
    assert outside in cpc_pool_shares([[1e308], [1]])[0][0]
    assert outside in cpc_risk_share([[1e308], [1]], 10)[0][0]
    assert outside in cpc_uplift(1e308, 0.1, 1)
    with pytest.raises(InputError, match=re.escape(f"variance: {outside}")):
        cpc_risk_share([[1], [1]], 1e308)
    with pytest.raises(InputError, match="terms: 1e\\+308 is outside £0 to £1,000,000,000,000"):
        cpc_risk_share([[1], [1]], 10, "capped", [[1e308], [None]])
    with pytest.raises(InputError, match=re.escape(f"row 2, field 'Amount': {outside}")):
        cpc_pool_summary([["Partner", "Line", "Year", "Amount"], ["A", "L", 2025, 1e308]])


def test_issue_12_case_14_an_uplifted_amount_beyond_a_trillion_is_refused() -> None:
    # £1tn × 1.5^50 = £637,621,500 trillion (6.38e20): an implausible result is refused with
    # the range, as an implausible input is, not printed as a 21-digit figure.
    assert cpc_uplift(1e12, 0.5, 50) == (
        "#VALUE! the uplifted amount: 6.37622e+20 is outside -£1,000,000,000,000 to "
        "£1,000,000,000,000 (no public body spends more in a year); valid: an amount in £ from "
        "-£1,000,000,000,000 to £1,000,000,000,000"
    )
    # £1,000,000 × 1.039² = £1,079,521 is as before.
    assert cpc_uplift(1_000_000, 0.039, 2) == pytest.approx(1_079_521)


# --- issue 13, case 1, through the button: an aligned budget shares nothing ------------------


def aligned_book(tmp_path: Path, actuals: list[list[Any]]) -> Path:
    data = sample_data(in_year=False)
    data["arrangement"]["kind"] = "Aligned"
    data["actuals"] = actuals
    return build_template(tmp_path / "aligned.xlsx", data)


def block_rows(sheet: dict[str, Any], title_start: str) -> dict[str, list[Any]]:
    """The rows of the block whose title starts so, by their first cell (header included)."""
    top = next(
        int(k[1:]) for k, v in sheet.items() if k[0] == "A" and str(v).startswith(title_start)
    )
    rows: dict[str, list[Any]] = {}
    for r in range(top + 1, top + 50):
        if sheet.get(f"A{r}") is None:
            break
        rows[sheet[f"A{r}"]] = [sheet.get(f"{c}{r}") for c in "BCDEF"]
    return rows


def test_issue_13_case_1_the_button_settles_the_icbs_overspend_wholly_to_the_icb(
    tmp_path: Path,
) -> None:
    # CPC 509, aligned: the ICB's own +£100,000 on Reablement (18.6m spent of its 18.5m) is
    # the ICB's alone; main's Risk share sheet shared it £69,593.37 / £30,042.48 / £364.15.
    cells = run_script_on_file(
        build_budget,
        aligned_book(tmp_path, [[example.REABLEMENT, "2025/26", example.ICB, 18_600_000]]),
    )
    rows = block_rows(cells["Risk share"], "Each partner's own 2025/26 actual variance")
    assert rows["Partner"][:4] == ["Own cash budget £", "Share", "Own variance £", "Settlement £"]
    assert rows[example.ICB][2:4] == [100_000.0, 100_000.0]
    assert rows[example.COUNTY][2:4] == [0.0, 0.0]
    assert rows[example.VCS][2:4] == [0.0, 0.0]
    assert rows["Total"][3] == 100_000.0


def test_issue_13_case_1_the_button_wants_a_partner_on_every_aligned_actual(
    tmp_path: Path,
) -> None:
    # An aligned line's actuals must say whose budget they are: the sheet's first actual is
    # row 5 (header on row 4), Partner in column C; nothing is built.
    found = problems_from_the_button(
        aligned_book(tmp_path, [[example.REABLEMENT, "2025/26", None, 18_600_000]])
    )
    assert found == {
        "Actuals!C5, field 'Partner'": f"the arrangement is aligned, so this actual for "
        f"{example.REABLEMENT!r} must say whose budget it is (each partner bears its own "
        "variance, CPC 509)"
    }


# --- issue 12, case 13: the template has no output sheet, so a press keeps no copy -----------


def test_issue_12_case_13_pressing_the_button_twice_keeps_no_edited_copy(tmp_path: Path) -> None:
    # The template holds only input sheets (the button creates Budget, Risk share, Scenarios
    # and Monitoring), so there is nothing to mark with mark_output_sheet; the first press and a
    # second on the workbook as Excel sends it back copy nothing aside.
    from openpyxl import load_workbook as load

    from cpcxl.budget.outputs import BUDGET, MONITORING, RISK, SCENARIOS
    from cpcxl.xl.remote import payload_after

    path = build_template(tmp_path / "book.xlsx")
    assert not {BUDGET, RISK, SCENARIOS, MONITORING} & set(load(path).sheetnames)
    payload = payload_from_xlsx(path)
    first = run_script(build_budget, payload)
    again = payload_after(payload, first)
    second = run_script(build_budget, again)
    for actions in (first, second):
        assert not [a for a in actions if a["func"] == "copySheet"]
    after = apply_values(again, second)
    assert not [name for name in after if "(edited)" in name]
    assert after[RISK]["F16"] == 360_509.81  # the same County exposure as the first press
