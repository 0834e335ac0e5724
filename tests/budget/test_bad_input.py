"""Each kind of bad input the issue names gets an error saying where it is and what is valid."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from cpcxl.budget import engine, sample
from cpcxl.budget.inputs import TABLES, TableValues, read_inputs
from cpcxl.budget.workbook import build_template, read_workbook
from cpcxl.common.errors import InputErrors

# In these tables the header is row 1, so the n-th sample row is sheet row n + 1.


def tables(data: dict[str, list[list[Any]]]) -> dict[str, TableValues]:
    return {k: TableValues([TABLES[k].headers, *rows]) for k, rows in data.items()}


def problems(change) -> list[str]:  # type: ignore[no-untyped-def]
    """The messages for the sample data after ``change(data)``."""
    data = copy.deepcopy(sample.TABLES)
    change(data)
    try:
        inputs, scenarios = read_inputs(tables(data))
    except InputErrors as errors:
        return [str(e) for e in errors]
    found = engine.check(inputs)
    found.extend(engine.check_scenarios(inputs, scenarios))
    return [str(e) for e in found]


def test_the_sample_has_no_problems() -> None:
    assert problems(lambda d: None) == []


def test_a_contribution_from_a_partner_not_in_the_partner_list() -> None:
    def change(d: dict) -> None:
        d["contributions"][2][0] = "Shire Vale Hospice"

    (message,) = problems(change)
    assert message.startswith(
        "Contributions!A4, field 'Partner': 'Shire Vale Hospice' is not in the partner list; "
        "valid: Shire Vale Integrated Care Board, Shire Vale County Council"
    )


def test_a_year_outside_the_arrangement() -> None:
    def change(d: dict) -> None:
        d["contributions"][0][2] = "2030/31"

    assert problems(change) == [
        "Contributions!C2, field 'Year': year 2030/31 is outside the arrangement; "
        "valid: 2025/26 to 2027/28 (the arrangement's years)"
    ]


def test_fixed_percentages_that_do_not_add_up_to_100() -> None:
    def change(d: dict) -> None:
        d["arrangement"][5][1] = "Fixed percentages"
        d["partners"][3][2] = 0.10  # 55% + 40% + 0% + 10% = 105%

    assert problems(change) == [
        "sheet 'Partners', field 'Fixed risk share %': the fixed risk-share percentages add "
        "up to 105.00%, not 100%; valid: percentages for the partners that add up to 100%"
    ]


def test_a_negative_contribution_not_marked_as_a_reduction() -> None:
    def change(d: dict) -> None:
        d["contributions"][4][4] = -5000

    assert problems(change) == [
        "Contributions!E6, field 'Amount £': the amount £-5,000.00 is negative but not marked "
        "as a reduction; valid: an amount of £0 or more, or mark the row as a reduction"
    ]


def test_a_negative_contribution_marked_as_a_reduction_is_accepted() -> None:
    def change(d: dict) -> None:
        d["contributions"].append(
            [sample.VCS, sample.COMMUNITY, "2026/27", "Financial", -20_000, "Yes", "Cut"]
        )

    assert problems(change) == []


def test_duplicate_rows() -> None:
    def change(d: dict) -> None:
        d["contributions"].append(list(d["contributions"][1]))  # sheet row 21 repeats row 3

    assert problems(change) == [
        "Contributions!A21, field 'Partner': a duplicate of row 3: Shire Vale Integrated Care "
        "Board, Hospital discharge, 2025/26, Financial is entered twice; valid: one row per "
        "partner, line, year and kind (add the amounts together)"
    ]


def test_a_positive_amount_marked_as_a_reduction() -> None:
    def change(d: dict) -> None:
        d["contributions"][4][5] = "Yes"

    assert problems(change) == [
        "Contributions!E6, field 'Amount £': the amount £950,000.00 is marked as a reduction "
        "but is not negative; valid: a negative amount for a reduction (e.g. -20000), or "
        "Reduction = No"
    ]


def test_a_year_to_test_outside_the_arrangement() -> None:
    def change(d: dict) -> None:
        d["arrangement"][7][1] = "2029/30"

    assert problems(change) == [
        "Arrangement!B9, field 'Year to test': year 2029/30 is outside the arrangement; "
        "valid: 2025/26 to 2027/28 (the arrangement's years)"
    ]


def test_a_number_of_years_that_is_not_whole() -> None:
    def change(d: dict) -> None:
        d["arrangement"][3][1] = 2.5

    assert problems(change) == [
        "Arrangement!B5, field 'Number of years': 2.5 is not a whole number of years; "
        "valid: 1 to 50"
    ]


def test_text_in_an_amount() -> None:
    def change(d: dict) -> None:
        d["contributions"][0][4] = "about £18m"

    assert problems(change) == [
        "Contributions!E2, field 'Amount £': 'about £18m' is not an amount in £; valid: a number"
    ]


def test_a_host_that_is_not_a_partner() -> None:
    def change(d: dict) -> None:
        d["arrangement"][4][1] = "Shire Vale Hospice"

    (message,) = problems(change)
    # The host setting is the fifth row of the Arrangement table: sheet row 6, Value column B.
    assert message.startswith(
        "Arrangement!B6, field 'Host partner': the host 'Shire Vale Hospice' is not one of the "
        "partners; valid: Shire Vale Integrated Care Board"
    )


def test_every_problem_is_reported_at_once() -> None:
    def change(d: dict) -> None:
        d["contributions"][0][4] = "about £18m"
        d["contributions"][2][0] = "Shire Vale Hospice"
        d["arrangement"][4][1] = "Shire Vale Hospice"
        d["lines"][0][0] = ""  # a blank line name
        d["partners"][0][1] = "Hospital"  # not a partner type

    found = problems(change)
    assert len(found) == 3
    assert found[0].startswith("Partners!B2, field 'Type': 'Hospital' is not a partner type")
    assert found[1] == "Lines!A2, field 'Line': this is blank"
    assert found[2].startswith("Contributions!E2, field 'Amount £': 'about £18m'")


def test_a_kind_that_is_not_a_cpc_501_contribution() -> None:
    def change(d: dict) -> None:
        d["contributions"][5][3] = "Goodwill"

    assert problems(change) == [
        "Contributions!D7, field 'Kind': 'Goodwill' is not a kind of contribution; valid: "
        "Financial, Staff, Expertise, Time, Physical resources"
    ]


def test_a_scenario_for_a_partner_not_in_the_list() -> None:
    def change(d: dict) -> None:
        d["scenarios"][0][1] = "Shire Vale Hospice"

    (message,) = problems(change)
    assert message.startswith(
        "'Scenario changes'!B2, field 'Partner': 'Shire Vale Hospice' is not in the partner list"
    )


def test_errors_from_a_file_name_the_file_sheet_and_cell(tmp_path: Path) -> None:
    data = copy.deepcopy(sample.TABLES)
    data["contributions"][0][4] = "TBC"
    path = build_template(tmp_path / "budget.xlsx", data)
    with pytest.raises(InputErrors) as caught:
        read_workbook(path)
    # The workbook's tables start at row 4, so the first contribution is on row 5.
    assert [str(e) for e in caught.value] == [
        "budget.xlsx, Contributions!E5, field 'Amount £': 'TBC' is not an amount in £; "
        "valid: a number"
    ]


def test_a_partner_listed_twice_and_a_lead_that_is_not_a_partner() -> None:
    def change(d: dict) -> None:
        d["partners"].append([sample.VCS, "Voluntary", None, None])  # sheet row 6
        d["lines"][1][2] = "Shire Vale Hospice"  # Lines row 3, Commissioning partner (C)

    found = problems(change)
    assert found[0] == (
        "Partners!A6, field 'Partner': partner 'Shire Vale Community Action' is listed twice "
        "(first at row 5); valid: each partner once"
    )
    assert found[1].startswith(
        "Lines!C3, field 'Commissioning partner': the commissioning partner 'Shire Vale "
        "Hospice' of line 'Hospital discharge' is not one of the partners"
    )


def test_a_missing_table_and_a_missing_column() -> None:
    data = copy.deepcopy(sample.TABLES)
    given = tables(data)
    del given["partners"]
    given["lines"] = TableValues([["Programme", "Notes"], ["Reablement", ""]])
    with pytest.raises(InputErrors) as caught:
        read_inputs(given, file="budget.xlsx")
    assert [str(e) for e in caught.value] == [
        "budget.xlsx, sheet 'Partners': the Partners table is missing; valid: a table with "
        "headers Partner, Type, Fixed risk share %, Risk cap £",
        "budget.xlsx, sheet 'Lines': missing required column line; headers found: 'Programme', "
        "'Notes'",
    ]
