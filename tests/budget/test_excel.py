"""The worksheet functions' edges and the Build budget button through xlwings' remote engine."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from cpcxl.budget import sample
from cpcxl.budget.excel import (
    build_budget,
    cpc_pool_shares,
    cpc_pool_summary,
    cpc_risk_share,
    cpc_uplift,
)
from cpcxl.budget.workbook import build_template
from cpcxl.common.errors import InputError
from cpcxl.xl.remote import apply_values, payload_from_xlsx, run_script, run_script_on_file

from .tables import sample_data


def test_the_button_writes_every_sheet_and_two_charts(tmp_path: Path) -> None:
    payload = payload_from_xlsx(build_template(tmp_path / "book.xlsx"))
    actions = run_script(build_budget, payload)
    cells = apply_values(payload, actions)
    for sheet in ("Budget", "Risk share", "Scenarios", "Monitoring"):
        assert sheet in cells
    charts = [a for a in actions if a["func"] == "addChart"]
    assert [c["args"][0] for c in charts] == [
        "Cash and in kind by partner",
        "Contributions by partner and year",
    ]
    scenarios = cells["Scenarios"]
    assert scenarios["A5"] == sample.ICB
    assert scenarios["B4"] == "Base: contribution £"
    # "Host bears overspends": the county (host) bears the whole £1,200,000 test overspend.
    host_column = [k for k, v in scenarios.items() if v == "Host bears overspends: exposure £"]
    (header,) = host_column
    column = header.rstrip("0123456789")
    assert scenarios[f"{column}6"] == 1_200_000
    monitoring = cells["Monitoring"]
    # Reablement 2025/26: 23,650,000 against 18.5m + 4.8m = 23.3m: +350,000.
    row = next(k[1:] for k, v in monitoring.items() if v == sample.REABLEMENT and k[0] == "A")
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


# --- the cases: the rate rule, '1_000', a 32,767-character cell, a renamed header ---

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


def test_uplift_years_are_whole() -> None:
    assert cpc_uplift(1000, 0.1, 1.5) == (
        "#VALUE! years: 1.5 is not a whole number; valid: a number of years from 0 to 50"
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
        "(headers found: 'Partner', 'Line', 'Year', 'Kind', 'Amt', 'Reduction', 'Note')",
    }
