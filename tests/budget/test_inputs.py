"""Reading the input tables: each kind of bad input gets an error saying where it is and what
is valid, and the reading of every value type the tables use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cpcxl.budget import engine, inputs
from cpcxl.budget.inputs import example, read_inputs
from cpcxl.budget.models import ContributionKind, PartnerType, RiskBasis
from cpcxl.budget.workbook import build_template, read_workbook
from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.inputs import Cells

from .tables import cells, sample_data

# In these tables the header is row 1, so the n-th sample row is sheet row n + 1.


def problems(change: Callable[[dict[str, Any]], None]) -> list[str]:
    """The messages for the sample data after ``change(data)``."""
    data = sample_data()
    change(data)
    try:
        inputs, scenarios = read_inputs(cells(data))
    except InputErrors as errors:
        return [str(e) for e in errors]
    found = engine.check(inputs)
    found.extend(engine.check_scenarios(inputs, scenarios))
    return [str(e) for e in found]


def test_the_sample_has_no_problems() -> None:
    assert problems(lambda d: None) == []


def test_a_contribution_from_a_partner_not_in_the_partner_list() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"][2][0] = "Shire Vale Hospice"

    (message,) = problems(change)
    assert message.startswith(
        "Contributions!A4, field 'Partner': 'Shire Vale Hospice' is not in the partner list; "
        "valid: Shire Vale Integrated Care Board, Shire Vale County Council"
    )


def test_a_year_outside_the_arrangement() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"][0][2] = "2030/31"

    assert problems(change) == [
        "Contributions!C2, field 'Year': year 2030/31 is outside the arrangement; "
        "valid: 2025/26 to 2027/28 (the arrangement's years)"
    ]


def test_fixed_percentages_that_do_not_add_up_to_100() -> None:
    def change(d: dict[str, Any]) -> None:
        d["arrangement"]["basis"] = "Fixed percentages"
        d["partners"][3][2] = 0.10  # 55% + 40% + 0% + 10% = 105%

    assert problems(change) == [
        "sheet 'Partners', field 'Fixed risk share %': the fixed risk-share percentages add "
        "up to 105.00%, not 100%; valid: percentages for the partners that add up to 100%"
    ]


def test_a_negative_contribution_not_marked_as_a_reduction() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"][4][4] = -5000

    assert problems(change) == [
        "Contributions!E6, field 'Amount £': the amount £-5,000.00 is negative but not marked "
        "as a reduction; valid: an amount of £0 or more, or mark the row as a reduction"
    ]


def test_a_negative_contribution_marked_as_a_reduction_is_accepted() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"].append(
            [example.VCS, example.COMMUNITY, "2026/27", "Financial", -20_000, "Yes", "Cut"]
        )

    assert problems(change) == []


def test_duplicate_rows() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"].append(list(d["contributions"][1]))  # sheet row 21 repeats row 3

    assert problems(change) == [
        "Contributions!A21, field 'Partner': a duplicate of row 3: Shire Vale Integrated Care "
        "Board, Hospital discharge, 2025/26, Financial is entered twice; valid: one row per "
        "partner, line, year and kind (add the amounts together)"
    ]


def test_a_positive_amount_marked_as_a_reduction() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"][4][5] = "Yes"

    assert problems(change) == [
        "Contributions!E6, field 'Amount £': the amount £950,000.00 is marked as a reduction "
        "but is not negative; valid: a negative amount for a reduction (e.g. -20000), or "
        "Reduction = No"
    ]


def test_a_year_to_test_outside_the_arrangement() -> None:
    def change(d: dict[str, Any]) -> None:
        d["arrangement"]["test_year"] = "2029/30"

    assert problems(change) == [
        "Arrangement!B9, field 'Year to test': year 2029/30 is outside the arrangement; "
        "valid: 2025/26 to 2027/28 (the arrangement's years)"
    ]


def test_a_number_of_years_that_is_not_whole() -> None:
    def change(d: dict[str, Any]) -> None:
        d["arrangement"]["years"] = 2.5

    assert problems(change) == [
        "Arrangement!B5, field 'Number of years': 2.5 is not a whole number; "
        "valid: a number of years from 1 to 50"
    ]


def test_text_in_an_amount() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"][0][4] = "about £18m"

    assert problems(change) == [
        "Contributions!E2, field 'Amount £': 'about £18m' is not an amount in £; "
        "valid: an amount in £ from -£1,000,000,000,000 to £1,000,000,000,000"
    ]


def test_a_host_that_is_not_a_partner() -> None:
    def change(d: dict[str, Any]) -> None:
        d["arrangement"]["host"] = "Shire Vale Hospice"

    (message,) = problems(change)
    # The host setting is the fifth row of the Arrangement table: sheet row 6, Value column B.
    assert message.startswith(
        "Arrangement!B6, field 'Host partner': the host 'Shire Vale Hospice' is not one of the "
        "partners; valid: Shire Vale Integrated Care Board"
    )


def test_every_problem_is_reported_at_once() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"][0][4] = "about £18m"
        d["contributions"][2][0] = "Shire Vale Hospice"
        d["arrangement"]["host"] = "Shire Vale Hospice"
        d["lines"][0][0] = ""  # a blank line name
        d["partners"][0][1] = "Hospital"  # not a partner type

    found = problems(change)
    assert len(found) == 3
    assert found[0].startswith("Partners!B2, field 'Type': 'Hospital' is not a partner type")
    assert found[1] == "Lines!A2, field 'Line': this is blank; valid: a budget line"
    assert found[2].startswith("Contributions!E2, field 'Amount £': 'about £18m'")


def test_a_kind_that_is_not_a_cpc_501_contribution() -> None:
    def change(d: dict[str, Any]) -> None:
        d["contributions"][5][3] = "Goodwill"

    assert problems(change) == [
        "Contributions!D7, field 'Kind': 'Goodwill' is not a kind of contribution; valid: "
        "Financial, Staff, Expertise, Time, Physical resources"
    ]


def test_a_scenario_for_a_partner_not_in_the_list() -> None:
    def change(d: dict[str, Any]) -> None:
        d["scenarios"][0][1] = "Shire Vale Hospice"

    (message,) = problems(change)
    assert message.startswith(
        "'Scenario changes'!B2, field 'Partner': 'Shire Vale Hospice' is not in the partner list"
    )


def test_errors_from_a_file_name_the_file_sheet_and_cell(tmp_path: Path) -> None:
    data = sample_data()
    data["contributions"][0][4] = "TBC"
    path = build_template(tmp_path / "budget.xlsx", data)
    with pytest.raises(InputErrors) as caught:
        read_workbook(path)
    # The workbook's tables start at row 4, so the first contribution is on row 5.
    assert [str(e) for e in caught.value] == [
        "budget.xlsx, Contributions!E5, field 'Amount £': 'TBC' is not an amount in £; "
        "valid: an amount in £ from -£1,000,000,000,000 to £1,000,000,000,000"
    ]


def test_a_partner_listed_twice_and_a_lead_that_is_not_a_partner() -> None:
    def change(d: dict[str, Any]) -> None:
        d["partners"].append([example.VCS, "Voluntary", None, None])  # sheet row 6
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
    given = cells(sample_data())
    del given["Partners"]
    given["Lines"] = Cells([["Programme", "Notes"], ["Reablement", ""]])
    with pytest.raises(InputErrors) as caught:
        read_inputs(given, file="budget.xlsx")
    # Neither header is a column of the Lines table, so it is not read at all.
    assert [str(e) for e in caught.value] == [
        "budget.xlsx, sheet 'Partners': the Partners table is missing or empty; valid: a table "
        "with the headers Partner, Type, Fixed risk share %, Risk cap £, Fixed underspend share %",
        "budget.xlsx, Lines!A1: the header 'Programme' is not a column of the Lines table; "
        "valid: the columns Line, Description, Commissioning partner, Excluded from risk share, "
        "Aligned or pooled (rename the header to one of them, or remove the column)",
        "budget.xlsx, Lines!B1: the header 'Notes' is not a column of the Lines table; "
        "valid: the columns Line, Description, Commissioning partner, Excluded from risk share, "
        "Aligned or pooled (rename the header to one of them, or remove the column)",
        "budget.xlsx, sheet 'Lines', row 1: the Lines table has no 'Line' column (headers "
        "found: 'Programme', 'Notes'); valid: the columns Line, Description, Commissioning "
        "partner, Excluded from risk share, Aligned or pooled",
    ]


# --- the one rule for rates: a fraction, within a plausible range, never divided by 100 ------

UPLIFT_RANGE = (
    "outside -50% to 50% for an uplift (no partner's contribution rises or falls by more than "
    "half in a year)"
)


@pytest.mark.parametrize(
    ("typed", "read_as", "meant"),
    [(3.9, "390%", "3.9% (or 0.039)"), (1, "100%", "1% (or 0.01)")],
)
def test_an_uplift_typed_as_a_whole_percentage_is_refused_with_what_was_meant(
    typed: float, read_as: str, meant: str
) -> None:
    # The ICB's uplift is the first condition: sheet row 2, Rate % or cap £ in column C.
    # 3.9 would be 390% a year (and 1 would be 100%): implausible, so refused, not read as 3.9%.
    def change(d: dict[str, Any]) -> None:
        d["conditions"][0][2] = typed

    assert problems(change) == [
        f"Conditions!C2, field 'Rate % or cap £': {typed} is {read_as}, {UPLIFT_RANGE}; "
        f"type {meant}; valid: a percentage from -50% to 50%"
    ]


def test_a_reduction_of_10_is_1000_percent_and_refused() -> None:
    # The community partner's 10% reduction is the fourth condition: sheet row 5.
    def change(d: dict[str, Any]) -> None:
        d["conditions"][3][2] = 10

    (message,) = problems(change)
    assert message.startswith(
        "Conditions!C5, field 'Rate % or cap £': 10 is 1,000%, outside 0% to 50% for a reduction"
    )
    assert "type 10% (or 0.1)" in message


def test_a_rate_typed_with_a_percent_sign_is_read_as_typed() -> None:
    # '3.9%' is 0.039, as the sample has it: the budget is unchanged.
    def change(d: dict[str, Any]) -> None:
        d["conditions"][0][2] = "3.9%"

    assert problems(change) == []
    data = sample_data()
    data["conditions"][0][2] = "3.9%"
    given, _ = read_inputs(cells(data))
    assert given.conditions[0].value == pytest.approx(0.039)


def test_a_cap_in_the_conditions_is_pounds_not_a_rate() -> None:
    # The county's cap (third condition) is £15,300,000; a negative cap is refused.
    given, _ = read_inputs(cells(sample_data()))
    assert given.conditions[2].value == 15_300_000

    def change(d: dict[str, Any]) -> None:
        d["conditions"][2][2] = -5

    (message,) = problems(change)
    assert message.startswith("Conditions!C4, field 'Rate % or cap £': -5 is outside £0 to ")


def test_a_fixed_risk_share_of_55_is_5500_percent() -> None:
    def change(d: dict[str, Any]) -> None:
        d["partners"][0][2] = 55

    assert problems(change) == [
        "Partners!C2, field 'Fixed risk share %': 55 is 5,500%, outside 0% to 100% for a fixed "
        "risk share (a partner bears from none to all of it); type 55% (or 0.55); valid: a "
        "percentage from 0% to 100%"
    ]


def test_scenario_rates_follow_the_same_rule() -> None:
    # Scenario 1 (row 2): uplift 5.66 is 566%; scenario 2 (row 3): a change of -5 is -500%.
    def change(d: dict[str, Any]) -> None:
        d["scenarios"][0][3] = 5.66
        d["scenarios"][1][2] = -5

    found = problems(change)
    assert found[0].startswith(
        "'Scenario changes'!C3, field 'Contribution change %': -5 is -500%, outside -50% to 50% "
        "for a contribution change"
    )
    assert "type -5% (or -0.05)" in found[0]
    assert found[1].startswith(
        f"'Scenario changes'!D2, field 'Uplift %': 5.66 is 566%, {UPLIFT_RANGE}; type 5.66% "
        "(or 0.0566)"
    )


# --- numbers, long text and headers --------------------------------------------------------


def test_an_amount_with_an_underscore_is_not_a_number() -> None:
    # Python reads '1_000' as 1000; a finance officer's cell must not.
    def change(d: dict[str, Any]) -> None:
        d["contributions"][0][4] = "1_000"

    assert problems(change) == [
        "Contributions!E2, field 'Amount £': '1_000' is not an amount in £; valid: an amount "
        "in £ from -£1,000,000,000,000 to £1,000,000,000,000"
    ]


def test_a_cell_of_32767_characters_is_shortened_in_the_message() -> None:
    # A cell holds at most 32,767 characters; the message repeats the first 37 and the count.
    def change(d: dict[str, Any]) -> None:
        d["contributions"][0][4] = "9" * 32_766 + "x"

    (message,) = problems(change)
    assert message == (
        "Contributions!E2, field 'Amount £': '" + "9" * 37 + "...' (32,767 characters) is not "
        "an amount in £; valid: an amount in £ from -£1,000,000,000,000 to £1,000,000,000,000"
    )


def test_an_implausible_amount_is_refused() -> None:
    # £2 trillion is more than all UK public spending in a year.
    def change(d: dict[str, Any]) -> None:
        d["contributions"][0][4] = 2e12

    (message,) = problems(change)
    assert message.startswith(
        "Contributions!E2, field 'Amount £': 2000000000000 is outside -£1,000,000,000,000 to "
        "£1,000,000,000,000 (no public body spends more in a year)"
    )


def test_a_renamed_header_in_the_contributions_is_reported_and_nothing_is_computed() -> None:
    # "Amount £" renamed "Amt": the amounts must not be read as missing (a £0 budget).
    given = cells(sample_data())
    rows = [list(r) for r in given["Contributions"].rows]
    rows[0][4] = "Amt"
    given["Contributions"] = Cells(rows)
    with pytest.raises(InputErrors) as caught:
        read_inputs(given)
    assert [str(e) for e in caught.value] == [
        "Contributions!E1: the header 'Amt' is not a column of the Contributions table; valid: "
        "the columns Partner, Line, Year, Kind, Amount £, Reduction, Note, Funding source, "
        "Carried forward (rename the header to one of them, or remove the column)",
        "sheet 'Contributions', row 1: the Contributions table has no 'Amount £' column "
        "(headers found: 'Partner', 'Line', 'Year', 'Kind', 'Amt', 'Reduction', 'Note', "
        "'Funding source', 'Carried forward'); valid: the columns Partner, Line, Year, Kind, "
        "Amount £, Reduction, Note, Funding source, Carried forward",
    ]


def test_a_close_variant_of_a_header_is_read_and_noted() -> None:
    given = cells(sample_data())
    rows = [list(r) for r in given["Contributions"].rows]
    rows[0][4] = "Amount (£)"
    given["Contributions"] = Cells(rows)
    read, _ = read_inputs(given)
    assert read.contributions["amount"].sum() == sum(r[4] for r in example.CONTRIBUTIONS)
    assert read.notes == ("Contributions: read the header 'Amount (£)' as 'Amount £'",)


def test_a_required_setting_left_out() -> None:
    data = sample_data()
    del data["arrangement"]["first_year"]
    with pytest.raises(InputErrors) as caught:
        read_inputs(cells(data))
    assert [str(e) for e in caught.value] == [
        "Arrangement!B4, field 'First year': the setting 'First year' is missing; valid: a year "
        "such as 2025/26 or 2025, from 1990 to 2100"
    ]


# --- choices and years as officers type them -----------------------------------------------


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        (2025, 2025),
        (2025.0, 2025),
        ("2025", 2025),
        ("2025/26", 2025),
        ("2025-26", 2025),
        (" 2025 / 2026 ", 2025),
        ("1999/00", 1999),
    ],
)
def test_financial_years_as_typed(typed: object, year: int) -> None:
    assert inputs.A_YEAR.parse(typed) == year


@pytest.mark.parametrize("typed", ["2025/27", "25/26", 2025.5, "next year", True, 12])
def test_not_financial_years(typed: object) -> None:
    with pytest.raises(InputError):
        inputs.A_YEAR.parse(typed)


def test_bases_by_code_or_label() -> None:
    # The workbook shows the labels, CPC_RISK_SHARE documents the codes: both read both.
    for basis in (inputs.BASIS, inputs.BASIS_CODE):
        assert basis.parse("Pro rata per line") is RiskBasis.PRO_RATA_PER_LINE
        assert basis.parse("HOST") is RiskBasis.HOST
        assert basis.parse("pro_rata") is RiskBasis.PRO_RATA
        assert basis.parse("each line's commissioning partner bears it") is RiskBasis.LEAD
        with pytest.raises(InputError, match="'whoever' is not a risk-share basis"):
            basis.parse("whoever")
    assert inputs.BASIS.labels[0] == "Pro rata to contributions"
    assert inputs.BASIS_CODE.labels[0] == "pro_rata"


def test_choices_ignore_case_and_punctuation() -> None:
    assert inputs.KIND.parse("physical-resources") is ContributionKind.PHYSICAL_RESOURCES
    assert inputs.PARTNER_TYPE.parse("nhs body") is PartnerType.NHS_BODY
    with pytest.raises(InputError, match="did you mean 'Expertise'"):
        inputs.KIND.parse("Expertice")
