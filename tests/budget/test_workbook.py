"""The packaged workbook: its make-up, its native formulas in LibreOffice, and built outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from cpcxl.budget import engine
from cpcxl.budget.inputs import ARRANGEMENT, TABLES, example, read_inputs
from cpcxl.budget.workbook import build_template, read_workbook, write_outputs
from cpcxl.common.files import sha256
from cpcxl.common.values import is_excel_error

from .tables import cells, sample_data


def test_the_committed_workbook_matches_what_the_code_builds(build_and_compare) -> None:  # type: ignore[no-untyped-def]
    build_and_compare("pooled_budget")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("budget") / "pooled_budget.xlsx")


def test_instructions_come_first_and_every_input_is_an_excel_table(template: Path) -> None:
    wb = load_workbook(template)
    assert wb.sheetnames[0] == "Instructions"
    for spec in [ARRANGEMENT.table, *TABLES.values()]:
        ws = wb[spec.sheet]
        assert spec.name in ws.tables, f"{spec.sheet} has no {spec.name} table"
        header = [c.value for c in ws[4][: len(spec.headers)]]
        assert header == spec.headers
    assert wb["Lists"].sheet_state == "hidden"
    assert wb["xlwings.conf"]["B1"].value == "cpcxl.xl.udfs"


def test_drop_downs_come_from_the_standards_scope_lists(template: Path) -> None:
    wb = load_workbook(template)
    lists = wb["Lists"]
    columns = {lists.cell(1, c).value: c for c in range(1, lists.max_column + 1)}

    def options(name: str) -> list[Any]:
        c = columns[name]
        return [
            lists.cell(r, c).value for r in range(2, lists.max_row + 1) if lists.cell(r, c).value
        ]

    # CPC 501 scope: contribution and key organisations; CPC 509: conditions for changing.
    assert options("ContributionKinds") == [
        "Financial",
        "Staff",
        "Expertise",
        "Time",
        "Physical resources",
    ]
    assert {
        "Statutory",
        "Voluntary",
        "Community",
        "Private enterprise",
        "Social enterprise",
        "Government body",
        "NHS body",
    } <= set(options("PartnerTypes"))
    assert options("ChangeReasons") == [
        "Inflation",
        "Reduced availability of resources",
        "Change in role",
        "Dissolution",
    ]
    validations = {
        (dv.formula1, str(dv.sqref)) for dv in wb["Contributions"].data_validations.dataValidation
    }
    # Each column of the table (rows 5 to 23: the sample's 19 contributions) has its
    # drop-down; Excel carries it to the rows added to the table.
    assert ("=PartnerNames", "A5:A23") in validations
    assert ("=LineNames", "B5:B23") in validations
    assert ("=ContributionKinds", "D5:D23") in validations
    assert wb.defined_names["PartnerNames"].attr_text == "Partners!$A$5:$A$54"
    # A rate is typed as a percentage and refused by Excel outside its plausible range.
    scenarios = {
        (dv.type, dv.formula1, dv.formula2, str(dv.sqref))
        for dv in wb["Scenario changes"].data_validations.dataValidation
    }
    assert ("decimal", "-0.5", "0.5", "D5:D7") in scenarios  # Uplift %: -50% to 50%
    assert wb["Partners"]["C5"].number_format == "0.0%"


def test_native_formulas_evaluate_and_agree_with_the_engine(template: Path, recalculated) -> None:  # type: ignore[no-untyped-def]
    sheets = recalculated(template)
    for name, rows in sheets.items():
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                assert not is_excel_error(value), f"{name} row {r} column {c} is {value}"
    partners = sheets["Partners"]
    # Entered (not projected) amounts, summed by the engine's own grouping of the long table.
    inputs, _ = read_inputs(cells(example.TABLES))
    c = inputs.contributions
    cash = c[c["kind"] == "Financial"].groupby("partner")["amount"].sum()
    in_kind = c[c["kind"] != "Financial"].groupby("partner")["amount"].sum()
    total_cash = cash.sum()
    for offset, name in enumerate(inputs.partner_names):
        row = partners[4 + offset]  # sheet row 5 onwards
        assert row[0] == name
        assert row[5] == pytest.approx(cash.get(name, 0.0))
        assert row[6] == pytest.approx(in_kind.get(name, 0.0))
        assert row[7] == pytest.approx(cash.get(name, 0.0) / total_cash)
    # By hand: ICB 18.5 + 9.2 + 4.1 + 1.65 + 0.95 = £34.4m cash; the district's DFG is
    # entered for two years: £4.7m.
    assert partners[4][5] == pytest.approx(34_400_000)
    assert partners[6][5] == pytest.approx(4_700_000)
    # Fixed shares 55% + 40% + 0% + 5% = 100%.
    assert partners[1][7] == pytest.approx(1.0)


def test_reading_the_workbook_gives_the_sample_inputs(template: Path) -> None:
    inputs, scenarios = read_workbook(template)
    assert inputs.partner_names == [example.ICB, example.COUNTY, example.DISTRICT, example.VCS]
    assert inputs.arrangement.first_year == 2025 and inputs.arrangement.years == 3
    assert len(inputs.contributions) == len(example.CONTRIBUTIONS)
    assert [s.scenario for s in scenarios] == [row[0] for row in example.SCENARIOS]


def test_outputs_go_into_a_copy_and_the_input_is_not_changed(
    template: Path, tmp_path: Path
) -> None:
    before = sha256(template)
    target, result = write_outputs(template, tmp_path / "built.xlsx")
    assert sha256(template) == before
    wb = load_workbook(target)
    for sheet in ("Budget", "Risk share", "Scenarios", "Monitoring"):
        assert sheet in wb.sheetnames
    assert len(wb["Budget"]._charts) == 2
    assert len(wb["Partners"]._charts) == 1  # the template's chart survives the copy
    budget = wb["Budget"]
    assert budget["A5"].value == example.ICB
    # ICB cash: 34.4m, × 1.039 = 35,741,600, × 1.039 = 37,135,522.40; total 107,277,122.40.
    assert budget["C5"].value == pytest.approx(107_277_122.40)
    # Total row of the every-basis table adds up to the tested overspend on each basis.
    totals = [
        [c.value for c in row] for row in wb["Risk share"].iter_rows() if row[0].value == "Total"
    ]
    agreed, every_basis, actual = totals
    assert agreed[5] == 1_200_000.0
    assert every_basis[1:7] == [1_200_000.0] * 6
    # The 2025/26 actual variance: +350k + 320k - 90k + 0 - 160k + 15k = 435,000.
    assert actual[5] == 435_000.0
    assert result.exposure["pence"].sum() == 120_000_000


def test_text_from_inputs_never_becomes_a_formula(tmp_path: Path) -> None:
    data = sample_data()
    data["outcomes"][0][2] = '=HYPERLINK("http://example.invalid","click")'
    source = build_template(tmp_path / "in.xlsx", data)
    target, _ = write_outputs(source, tmp_path / "out.xlsx")
    ws = load_workbook(target)["Budget"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == data["outcomes"][0][2]]
    assert cells and all(c.data_type == "s" for c in cells)
    values = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Budget").to_python()
    assert any(data["outcomes"][0][2] in row for row in values)


def test_an_aligned_budget_with_actuals_by_partner(tmp_path: Path) -> None:
    # Aligned: each partner's actual is against its own part of the line. The ICB spent
    # 18,900,000 on Reablement in 2025/26 against its 18,500,000: +400,000.
    data = sample_data(in_year=False)
    data["arrangement"]["kind"] = "Aligned"
    data["actuals"] = [[example.REABLEMENT, "2025/26", example.ICB, 18_900_000]]
    inputs, _ = read_inputs(cells(data))
    result = engine.build(inputs)
    row = result.monitoring.iloc[0]
    assert (row["partner"], row["budget"], row["variance"]) == (example.ICB, 18_500_000, 400_000)


def test_the_in_year_and_bcf_tables_have_their_drop_downs(template: Path) -> None:
    wb = load_workbook(template)
    assert "InYear" in wb["In-year"].tables
    # A forecast's profile comes from the Profiles table, a scheme's type from the national
    # list the officer updates; the names reach 50 profiles and 100 scheme types.
    assert wb.defined_names["ProfileNames"].attr_text == "Profiles!$A$5:$A$54"
    assert wb.defined_names["SchemeTypeNames"].attr_text == "'BCF scheme types'!$A$5:$A$104"
    forecasts = {
        (dv.formula1, str(dv.sqref))
        for dv in wb["Forecast methods"].data_validations.dataValidation
    }
    assert ("=ForecastMethods", "C5:C8") in forecasts
    assert ("=ProfileNames", "D5:D8") in forecasts
    schemes = {
        (dv.formula1, str(dv.sqref)) for dv in wb["BCF schemes"].data_validations.dataValidation
    }
    assert ("=SchemeTypeNames", "C5:C15") in schemes
    assert ("=FundingSources", "E5:E15") in schemes
    payments = {
        (dv.type, dv.formula1, str(dv.sqref))
        for dv in wb["Payments"].data_validations.dataValidation
    }
    assert ("decimal", "0", "D5:D15") in payments  # a payment is never negative (11 rows)
    # Each requirement shipped says it is an example and where the real figure comes from.
    ws = wb["BCF requirements"]
    assert all(str(ws[f"E{r}"].value).startswith("Example") for r in range(5, 9))


def test_reading_the_workbook_gives_the_in_year_and_bcf_inputs(template: Path) -> None:
    inputs, _ = read_workbook(template)
    assert len(inputs.in_year.actuals) == len(example.PERIOD_ACTUALS)
    assert inputs.in_year.settings.period == 6
    assert sorted(inputs.in_year.profiles) == ["Capital grants", "Carers' breaks"]
    assert len(inputs.bcf.schemes) == len(example.SCHEMES)
    assert inputs.arrangement.bcf
