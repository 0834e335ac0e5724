"""The Better Care Fund checks (issue 14): each check a located message, against the year's
national requirements as the officer entered them. The sample's 2026/27 plan passes every
check; each test breaks one thing and names where.

The checks follow the BCF policy framework 2025 to 2026 (DHSC and MHCLG, 30 January 2025)
and the BCF planning requirements 2025 to 2026 (NHS England): national condition 3 (the
NHS minimum contribution to adult social care and to NHS-commissioned out-of-hospital
services), the Disabled Facilities Grant passed to the housing authorities, and the planning
template's scheme types, lead commissioners and metrics.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cpcxl.budget import engine, outputs
from cpcxl.budget.excel import build_budget
from cpcxl.budget.inputs import example, read_inputs
from cpcxl.budget.workbook import build_template
from cpcxl.xl.remote import run_script_on_file

from .tables import cells, sample_data


def checked(data: dict[str, Any]) -> engine.BcfResult:
    given, _ = read_inputs(cells(data))
    result = engine.build(given)
    assert result.bcf is not None
    return result.bcf


def findings(data: dict[str, Any]) -> list[str]:
    return [f"{f.location}: {f.message}" for f in checked(data).findings]


def test_the_sample_plan_meets_every_check() -> None:
    bcf = checked(sample_data())
    assert bcf.met and bcf.year == 2026
    assert len(bcf.checks) == 7
    # Income by source for 2026/27 (the contributions projected): the ICB's NHS minimum
    # 34.4m × 1.039 = 35,741,600; the county's grant (4.8m + 6.3m) × 1.02 = 11,322,000 and
    # its additional contribution (2.2m + 1.15m + 0.4m) × 1.02 = 3,825,000; the DFG 2,350,000.
    income = bcf.by_source.set_index("source")["income"]
    assert income.to_dict() == {
        "NHS minimum contribution": 35_741_600,
        "Local authority additional contribution": 3_825_000,
        "ICB additional contribution": 0,
        "Disabled Facilities Grant": 2_350_000,
        "Other grants": 11_322_000,
    }
    # Ring-fenced spend from the NHS minimum: adult social care 9,558,800 + 4,259,900 +
    # 1,714,350 = 15,533,050 (minimum 15,000,000); out of hospital 19,221,500 + 987,050 =
    # 20,208,550 (minimum 10,100,000).
    ring = bcf.ring_fence.set_index("area")["planned"]
    assert ring["Adult social care"] == 15_533_050
    assert ring["NHS-commissioned out-of-hospital services"] == 20_208_550


def test_a_budget_that_is_no_bcf_plan_is_not_checked() -> None:
    data = sample_data()
    data["arrangement"]["bcf"] = "No"
    given, _ = read_inputs(cells(data))
    assert engine.build(given).bcf is None


def test_income_must_equal_planned_expenditure_in_total_and_by_source() -> None:
    data = sample_data()
    data["schemes"][1][6] = 4_846_000  # the council grant's reablement: 50,000 less planned
    assert findings(data) == [
        "sheet 'BCF schemes', field 'Planned expenditure £': planned expenditure "
        "£53,188,600.00 against income £53,238,600.00: £50,000.00 unplanned",
        "'BCF schemes'!E3, field 'Funding source': Other grants: income £11,322,000.00, planned "
        "expenditure £11,272,000.00 (£50,000.00 unplanned)",
    ]


def test_the_nhs_minimum_must_meet_each_ring_fenced_minimum() -> None:
    # Discharge to assess counted as other spend: adult social care from the NHS minimum is
    # 15,533,050 - 9,558,800 = 5,974,250, 9,025,750 below the 15,000,000 minimum.
    data = sample_data()
    data["schemes"][2][5] = "Other"
    assert findings(data) == [
        "'BCF requirements'!C3, field 'Amount £': NHS minimum contribution spend on adult "
        "social care is £5,974,250.00, £9,025,750.00 below the minimum of £15,000,000.00"
    ]


def test_the_dfg_must_be_passed_in_full_to_the_housing_authorities_named() -> None:
    data = sample_data()
    data["schemes"][8][7] = None  # the DFG scheme names no housing authority
    assert findings(data) == [
        "'BCF requirements'!C5, field 'Amount £': Millbrook District Council is passed £0.00 "
        "of its £2,350,000.00 allocation: £2,350,000.00 short",
        "'BCF schemes'!H10, field 'Housing authority (DFG)': the DFG scheme 'Disabled "
        "Facilities Grant' names no housing authority it is passed to",
    ]
    data["schemes"][8][7] = "Eastbrook Borough Council"
    assert findings(data)[1] == (
        "'BCF schemes'!H10, field 'Housing authority (DFG)': the DFG scheme 'Disabled "
        "Facilities Grant' passes the grant to 'Eastbrook Borough Council', which has no DFG "
        "allocation entered"
    )


def test_every_scheme_needs_a_scheme_type_from_the_national_list_and_a_lead() -> None:
    data = sample_data()
    data["schemes"][0][2] = "Reablment at home"  # not on the list
    data["schemes"][3][2] = None
    data["schemes"][4][3] = None
    assert findings(data) == [
        "'BCF schemes'!C2, field 'Scheme type': 'Reablment at home' (scheme 'Home-based "
        "reablement') is not on the national list of scheme types",
        "'BCF schemes'!C5, field 'Scheme type': the scheme 'Discharge: council grant' has no "
        "scheme type",
        "'BCF schemes'!D6, field 'Lead commissioner': the scheme 'Community equipment' has no "
        "lead commissioner",
    ]


def test_the_national_list_is_the_officers_to_update() -> None:
    # A scheme type added to the list this year is accepted.
    data = sample_data()
    data["schemes"][0][2] = "Reablement at home"
    data["scheme_types"].append(["Reablement at home", "added from the 2026/27 template"])
    assert checked(data).met


def test_every_scheme_must_serve_a_metric_of_the_plan() -> None:
    data = sample_data()
    data["schemes"][9][8] = None
    data["schemes"][10][8] = "Falls"
    metrics = "Discharge delays, Emergency admissions (65+), Long-term admissions to care homes"
    found = [(str(f.location), f.message, f.valid) for f in checked(data).findings]
    assert found == [
        (
            "'BCF schemes'!I11, field 'Metrics'",
            "the scheme 'Social prescribing' is linked to no metric",
            metrics + " (65+)",
        ),
        (
            "'BCF schemes'!I12, field 'Metrics'",
            "'Falls' (scheme 'Community support') is not one of the plan's metrics",
            metrics + " (65+)",
        ),
    ]


def test_the_requirements_are_one_years_and_within_the_arrangement() -> None:
    data = sample_data()
    data["requirements"][3][3] = "2025/26"
    assert findings(data)[0] == (
        "'BCF requirements'!D5, field 'Year': this requirement is for 2025/26, the others for "
        "2026/27"
    )


def test_the_bcf_sheet_shows_each_check_its_requirements_and_sources() -> None:
    data = sample_data()
    data["schemes"][2][5] = "Other"
    given, _ = read_inputs(cells(data))
    sheet = outputs.bcf_sheet(engine.build(given))
    by_title = {b.title: b for b in sheet.blocks if b.title}
    checks = by_title["The checks"]
    assert [r[1] for r in checks.values[1:]] == ["Met"] * 3 + ["Not met"] + ["Met"] * 3
    wrong = by_title["What is not met, and where"].values[1]
    assert wrong[0] == "'BCF requirements'!C3, field 'Amount £'"
    requirements = by_title[
        "The national requirements for 2026/27, as entered (update them each year)"
    ]
    assert requirements.values[1][3:] == ["2026/27", example.REQUIREMENTS[0][4]]
    assert requirements.formats == {2: "£#,##0"}
    assert example.REQUIREMENTS[0][4].startswith("Example for this illustrative area")


def test_the_button_writes_the_bcf_checks_sheet(tmp_path: Path) -> None:
    data = sample_data()
    data["schemes"][4][3] = None
    found = run_script_on_file(build_budget, build_template(tmp_path / "book.xlsx", data))
    sheet = found["BCF checks"]
    rows = {sheet.get(f"A{r}"): sheet.get(f"B{r}") for r in range(1, 60)}
    assert rows[
        "Every scheme has a scheme type from the national list and a lead commissioner"
    ] == ("Not met")
    # The template rows start on row 5, so the fifth scheme's commissioner is D9.
    assert "'BCF schemes'!D9, field 'Lead commissioner'" in rows
