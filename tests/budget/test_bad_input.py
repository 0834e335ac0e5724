"""Issue 14's bad input: each gets a located error, in the worksheet function where it can
arise there, through the Build budget button (its Problems sheet) and through the command
(`cpcxl budget monitor`: exit 2, nothing written), and nothing else is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cpcxl.budget import engine
from cpcxl.budget.cli import command as budget
from cpcxl.budget.excel import build_budget, cpc_outturn
from cpcxl.budget.inputs import example, read_inputs
from cpcxl.budget.workbook import build_template
from cpcxl.common.errors import InputError, InputErrors
from cpcxl.xl.remote import run_script_on_file

from .tables import cells, sample_data

HALF: list[Any] = [None] * 6
YEAR_SIX = [100, 110, 120, 115, 125, 120, *HALF]


def problems(data: dict[str, Any]) -> list[str]:
    """Every problem reading and checking ``data`` finds (the header on row 1)."""
    try:
        given, _ = read_inputs(cells(data))
    except InputErrors as errors:
        return [str(e) for e in errors]
    try:
        engine.build(given)
    except InputErrors as errors:
        return [str(e) for e in errors]
    return [str(e) for e in engine.check(given)]


def button(tmp_path: Path, data: dict[str, Any]) -> dict[str, str]:
    """The Problems sheet the button writes instead of a budget: {where: problem}."""
    found = run_script_on_file(build_budget, build_template(tmp_path / "book.xlsx", data))
    assert "Budget" not in found, "the budget was built from bad input"
    sheet = found["Problems"]
    return {sheet[f"A{r}"]: sheet[f"B{r}"] for r in range(4, 100) if sheet.get(f"A{r}")}


def monitor(tmp_path: Path, data: dict[str, Any], *extra: str) -> Any:
    source = build_template(tmp_path / "book.xlsx", data)
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(budget, ["monitor", str(source), "--out", str(out), *extra])
    assert not out.exists(), "a report was written from bad input"
    return result


# --- actuals for a line or partner not in the budget ----------------------------------------


def test_actuals_for_a_line_not_in_the_budget(tmp_path: Path) -> None:
    data = sample_data()
    data["period_actuals"][0][0] = "Meals on wheels"
    assert problems(data) == [
        "'Actuals by period'!A2, field 'Line': 'Meals on wheels' is not a line of the budget; "
        f"valid: {', '.join(r[0] for r in example.LINES)}"
    ]
    assert button(tmp_path, data)["'Actuals by period'!A5, field 'Line'"] == (
        "'Meals on wheels' is not a line of the budget"
    )
    result = monitor(tmp_path, data, "--period", "6")
    assert result.exit_code == 2
    assert "book.xlsx, 'Actuals by period'!A5, field 'Line': 'Meals on wheels'" in result.output


def test_actuals_for_a_partner_not_in_the_budget_or_not_on_the_line(tmp_path: Path) -> None:
    data = sample_data()
    data["period_actuals"][0][1] = "Shire Vale Hospice"
    # Community Action puts no cash into Hospital discharge in 2026/27 (only know-how in kind).
    data["period_actuals"][1][1] = example.VCS
    found = problems(data)
    assert found[0].startswith(
        "'Actuals by period'!B2, field 'Partner': 'Shire Vale Hospice' is not a partner of the "
        "budget; valid: Shire Vale Integrated Care Board"
    )
    assert found[1] == (
        "'Actuals by period'!B3, field 'Partner': 'Shire Vale Community Action' has no cash in "
        "'Hospital discharge' in 2026/27, so this actual is not in the budget; valid: a partner "
        "that contributes to the line that year, or blank for a pooled line's whole spend"
    )
    on_button = button(tmp_path, data)
    assert "'Actuals by period'!B5, field 'Partner'" in on_button
    assert on_button["'Actuals by period'!B6, field 'Partner'"].startswith(
        "'Shire Vale Community Action' has no cash in 'Hospital discharge'"
    )
    assert monitor(tmp_path, data).exit_code == 2


def test_an_aligned_lines_actual_and_anything_in_kind_must_name_its_partner() -> None:
    data = sample_data()
    data["lines"][0].append("Aligned")  # Reablement aligned: each partner bears its own
    data["period_actuals"][6][1] = None  # the volunteer time, with no partner
    data["actuals"] = []  # (the closed year's whole-line actuals would be refused too)
    found = problems(data)
    assert found[0] == (
        "'Actuals by period'!B2, field 'Partner': this actual must say whose it is: the line "
        f"{example.REABLEMENT!r} is aligned: each partner bears its own variance (CPC 509); "
        f"valid: {example.ICB}, {example.COUNTY}, {example.DISTRICT}, {example.VCS}"
    )
    assert found[1].startswith(
        "'Actuals by period'!B8, field 'Partner': this actual must say whose it is: in kind is "
        "the partner's own"
    )


# --- a period beyond the year ------------------------------------------------------------


def test_a_period_beyond_a_quarterly_year(tmp_path: Path) -> None:
    # Quarterly: P1 to P4 are the year's four quarters; Reablement's P5 is beyond it. (The
    # other rows' P5 and P6 are too: each cell says so.)
    data = sample_data()
    data["in_year"].update(periods="Quarterly", period=2)
    data["period_actuals"] = [data["period_actuals"][0]]
    data["payments"] = [[example.ICB, 5, 100, None]]
    found = problems(data)
    assert found[:2] == [
        "'Actuals by period'!H2, field 'P5 Aug': period 5 is beyond the year: a quarterly year "
        "has 4 periods; valid: actuals in P1 to P4, the periods after left blank",
        "'Actuals by period'!I2, field 'P6 Sep': period 6 is beyond the year: a quarterly year "
        "has 4 periods; valid: actuals in P1 to P4, the periods after left blank",
    ]
    assert any(
        p.startswith("Payments!B2, field 'Period due': period 5 is beyond the year") for p in found
    )
    assert button(tmp_path, data)["'Actuals by period'!H5, field 'P5 Aug'"].startswith(
        "period 5 is beyond the year"
    )


def test_a_period_asked_for_beyond_the_year(tmp_path: Path) -> None:
    data = sample_data()
    data["in_year"].update(periods="Quarterly", period=2)
    data["period_actuals"] = [[example.REABLEMENT, None, "Financial", 6_000_000, 6_000_000]]
    data["forecasts"] = data["profiles"] = data["payments"] = []
    result = monitor(tmp_path, data, "--period", "5")
    assert result.exit_code == 2
    assert (
        "--period 5 is beyond the year: a quarterly year has 4 periods; valid: 1 to 4"
        in result.output
    )
    # Thirteen months is beyond any year: refused before the workbook is read.
    assert monitor(tmp_path, data, "--period", "13").exit_code == 2


def test_a_range_of_actuals_longer_than_a_year_in_the_function() -> None:
    with pytest.raises(InputError, match="actuals: the range has 13 cells, more periods"):
        cpc_outturn(1200, [[100] * 13])
    with pytest.raises(InputError, match="actuals: the actuals have 5 periods"):
        cpc_outturn(1200, [[100] * 5])


def test_a_last_period_closed_beyond_twelve_months() -> None:
    data = sample_data()
    data["in_year"]["period"] = 13
    (found,) = problems(data)
    assert found.startswith(
        "'In-year'!B4, field 'Last period closed': 13 is outside 1 to 12 (a year has 12 months "
        "or 4 quarters)"
    )


# --- a profile that does not add up to more than zero or has the wrong length --------------


def test_a_profile_adding_up_to_nothing(tmp_path: Path) -> None:
    data = sample_data()
    data["profiles"][0] = ["Carers' breaks", *[0] * 12]
    assert problems(data) == [
        "Profiles!A2, field 'Profile': the profile \"Carers' breaks\": the profile's weights add "
        "up to 0, so they spread nothing; valid: weights that add up to more than zero"
    ]
    assert button(tmp_path, data)["Profiles!A5, field 'Profile'"].endswith(
        "the profile's weights add up to 0, so they spread nothing"
    )
    with pytest.raises(InputError, match="profile: the profile's weights add up to 0"):
        cpc_outturn(1200, [YEAR_SIX], "profile", [[0] * 12])


def test_a_profile_of_the_wrong_length(tmp_path: Path) -> None:
    data = sample_data()
    data["profiles"][1][12] = None  # Capital grants: no weight for February
    assert problems(data) == [
        "Profiles!A3, field 'Profile': the profile 'Capital grants': the profile has 11 weights "
        "but the year has 12 periods; valid: 12 weights, one a period (0 for a period with "
        "nothing to spend)"
    ]
    result = monitor(tmp_path, data)
    assert result.exit_code == 2
    assert "book.xlsx, Profiles!A6, field 'Profile': the profile 'Capital grants'" in result.output
    with pytest.raises(InputError, match="profile: the profile has 4 weights but the year has 12"):
        cpc_outturn(1200, [YEAR_SIX], "profile", [[1, 1, 1, 1]])


def test_a_quarterly_profile_with_weights_beyond_the_year() -> None:
    data = sample_data()
    data["in_year"].update(periods="Quarterly", period=2)
    data["period_actuals"] = [[example.CARERS, None, "Financial", 700_000, 650_000]]
    data["forecasts"] = [[example.CARERS, None, "Profile", "Carers' breaks"]]
    data["profiles"] = [["Carers' breaks", 24, 26, 26, 24, 10]]
    data["payments"] = []
    assert problems(data) == [
        "Profiles!F2, field 'P5 Aug': the profile \"Carers' breaks\" has a weight in period 5, "
        "beyond the year: a quarterly year has 4 periods; valid: 4 weights, in P1 to P4"
    ]


def test_a_profile_named_but_not_in_the_profiles_table() -> None:
    data = sample_data()
    data["forecasts"][2][3] = "Carers breaks 2"
    assert problems(data) == [
        "'Forecast methods'!D4, field 'Profile': the profile 'Carers breaks 2' is not in the "
        "Profiles table; valid: Capital grants, Carers' breaks"
    ]


# --- negative payments ---------------------------------------------------------------------


def test_a_negative_payment(tmp_path: Path) -> None:
    data = sample_data()
    data["payments"][0][3] = -8_935_400
    assert problems(data) == [
        "Payments!D2, field 'Paid £': -8935400 is outside £0 to £1,000,000,000,000 (a payment "
        "into the fund is never negative; record a refund by lowering what is due); valid: a "
        "payment in £ from £0 to £1,000,000,000,000"
    ]
    # (The button's cell holds it as text: Excel's leading ' keeps a '-' from being a formula.)
    assert (
        button(tmp_path, data)["Payments!D5, field 'Paid £'"]
        .lstrip("'")
        .startswith("-8935400 is outside £0")
    )
    assert monitor(tmp_path, data).exit_code == 2


# --- overspend and underspend terms that do not settle to the penny -------------------------


def test_fixed_underspend_shares_that_do_not_add_up(tmp_path: Path) -> None:
    data = sample_data()
    data["arrangement"]["underspend_basis"] = "Fixed percentages"
    for row, share in zip(data["partners"], (0.5, 0.3, 0.0, 0.1), strict=True):
        row.append(share)  # the fixed underspend share column: 90% in all
    assert problems(data) == [
        "sheet 'Partners', field 'Fixed underspend share %': the fixed underspend percentages "
        "add up to 90.00%, not 100%, so an underspend would not settle; valid: percentages for "
        "the partners that add up to 100%"
    ]
    assert button(tmp_path, data)["sheet 'Partners', field 'Fixed underspend share %'"].startswith(
        "the fixed underspend percentages add up to 90.00%"
    )


def test_an_underspend_basis_of_the_host_with_no_host() -> None:
    data = sample_data()
    data["arrangement"].update(host=None, underspend_basis="Host bears it")
    (found,) = problems(data)
    assert found.startswith(
        "Arrangement!B6, field 'Host partner': the underspend basis is 'host bears it' but no "
        "host is named"
    )


def test_capped_terms_the_forecast_overspend_overruns_with_no_host(tmp_path: Path) -> None:
    # Capped: Community Action's £2,500 and the ICB's and County's £10 caps cover £2,520 of
    # the forecast's £589,097 overspend of the shared lines (the district has no cash there);
    # no host bears the rest. (No overspend is tested, so only the forecast meets the caps.)
    data = sample_data()
    data["arrangement"].update(basis="Capped, remainder pro rata", host=None, test_variance=0)
    data["actuals"] = []  # (the closed year's variance would overrun the caps too)
    for row, cap in zip(data["partners"], (10, 10, 10, 2_500), strict=True):
        row[3] = cap
    data["scenarios"] = []
    (found,) = problems(data)
    assert found.startswith(
        "Arrangement!B7, field 'Risk-share basis': the forecast variance cannot be settled to "
        "the penny: the caps together cover £2,520.00 of a £589,097.00 variance and no host is "
        "named to bear the rest"
    )
    assert monitor(tmp_path, data).exit_code == 2


# --- nothing else is lost -------------------------------------------------------------------


def test_every_problem_is_reported_at_once_and_the_rest_still_read() -> None:
    data = sample_data()
    data["period_actuals"][0][0] = "Meals on wheels"
    data["profiles"][0] = ["Carers' breaks", *[0] * 12]
    data["payments"][0][3] = -1
    data["contributions"][0][4] = "lots"
    found = problems(data)
    # The cells each table's reading refuses come first, each with its place; the cross-table
    # problems need every table read, so they follow once those are fixed.
    assert [p.split(":")[0] for p in found] == [
        "Contributions!E2, field 'Amount £'",
        "Payments!D2, field 'Paid £'",
    ]
    data["contributions"][0][4] = 18_500_000
    data["payments"][0][3] = 8_935_400
    found = problems(data)
    assert [p.split(":")[0] for p in found] == [
        "'Actuals by period'!A2, field 'Line'",
        "Profiles!A2, field 'Profile'",
    ]


def test_capped_terms_a_closed_years_variance_overruns_is_located_too() -> None:
    # The closed 2025/26 variance of the shared lines (+595,000) meets the same caps.
    data = sample_data(in_year=False)
    data["arrangement"].update(basis="Capped, remainder pro rata", host=None, test_variance=0)
    for row, cap in zip(data["partners"], (10, 10, 10, 2_500), strict=True):
        row[3] = cap
    data["scenarios"] = []
    (found,) = problems(data)
    assert found.startswith(
        "Arrangement!B7, field 'Risk-share basis': the actual variance cannot be settled to "
        "the penny: the caps together cover £2,520.00 of a £595,000.00 variance"
    )
