"""The packaged workbook: built as committed, from the table declarations, formulas right in
LibreOffice, filled rounds read back from the file, and results written to a copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputErrors
from cpcxl.common.files import sha256
from cpcxl.proposals import engine
from cpcxl.proposals.inputs import PROPOSALS, TABLES, read_round
from cpcxl.proposals.sample import sample_round
from cpcxl.proposals.workbook import (
    DISCOUNT_YEARS,
    build,
    read_round_file,
    write_letters,
    write_results,
)


def rename_header(path: Path, sheet: str, column: int, header: str) -> Path:
    """Rename a table's header in its cell and in the Excel Table, as Excel itself would."""
    wb = load_workbook(path)
    ws = wb[sheet]
    ws.cell(1, column).value = header
    for table in ws.tables.values():
        table.tableColumns[column - 1].name = header
    wb.save(path)
    return path


def test_the_committed_workbook_is_what_the_code_builds(build_and_compare):
    built = build_and_compare("expenditure_proposals")
    wb = load_workbook(built)
    assert wb.sheetnames[:2] == ["Instructions", "Guidance"]
    tables = {t for ws in wb.worksheets for t in ws.tables}
    assert {spec.name for spec in TABLES} <= tables
    assert wb["xlwings.conf"].sheet_state == "hidden"


def test_each_tables_headers_validations_and_formats_come_from_its_declaration(tmp_path):
    wb = load_workbook(build(tmp_path / "template.xlsx"))
    ws = wb["Proposals"]
    assert [c.value for c in ws[1]] == PROPOSALS.headers
    validations = {
        str(dv.sqref): (dv.type, dv.formula1, dv.formula2)
        for dv in ws.data_validations.dataValidation
    }
    # Term and project type are drop-downs over the Lists sheet; the mitigation is a rate from
    # 0% to 100%, so 24 is refused in Excel too.
    assert validations["D2:D21"] == ("list", "=Terms", None)
    assert validations["F2:F21"] == ("list", "=ProjectTypes", None)
    assert validations["G2:G21"] == ("decimal", "0", "1")
    assert ws["G2"].number_format == "0%"
    criteria = {
        str(dv.sqref): (dv.type, dv.formula1, dv.formula2)
        for dv in wb["Criteria"].data_validations.dataValidation
    }
    assert criteria["B2:B11"] == ("decimal", "0", "1")  # a weight is a share
    assessment = {
        str(dv.sqref): dv.formula1 for dv in wb["Assessment"].data_validations.dataValidation
    }
    assert assessment["B2:B61"] == "=CriterionNames"
    assert wb.defined_names["CriterionNames"].attr_text == "Criteria!$A$2:$A$40"
    lists = wb["Lists"]
    assert [c.value for c in lists["A"] if c.value] == [
        "Terms",
        "Short term",
        "Medium term",
        "Long term",
    ]


@pytest.mark.soffice
def test_formulas_evaluate_in_libreoffice_and_agree_with_the_engine(recalculated, tmp_path):
    values = recalculated(build(tmp_path / "template.xlsx"))
    rows = values["Discount factors"]
    standard = engine.discount_factors(DISCOUNT_YEARS, "standard")
    health = engine.discount_factors(DISCOUNT_YEARS, "health")
    for year in range(DISCOUNT_YEARS + 1):
        row = rows[year + 1]
        assert row[0] == year
        assert row[2] == pytest.approx(standard[year], rel=1e-12)
        assert row[4] == pytest.approx(health[year], rel=1e-12)
    # The default criteria's weights total 100%, shown beside the table.
    header = values["Criteria"][0]
    total = header.index("Total weight")
    assert values["Criteria"][1][total] == pytest.approx(1.0)
    for sheet, sheet_rows in values.items():
        for row in sheet_rows:
            for cell in row:
                assert not (
                    isinstance(cell, str) and cell.startswith(("#VALUE", "#NAME", "#REF"))
                ), f"{sheet}: {cell}"


def test_the_file_reads_as_its_cells_do(tmp_path):
    inputs = sample_round()
    from_file = read_round_file(build(tmp_path / "round.xlsx", inputs))
    tables, pairwise = inputs.cells()
    from_cells = read_round(tables, pairwise=pairwise)
    assert from_file == from_cells


def test_a_renamed_revenue_header_in_the_file_is_reported(tmp_path):
    path = rename_header(build(tmp_path / "round.xlsx", sample_round()), "Costs", 4, "Rev")
    with pytest.raises(InputErrors) as caught:
        read_round_file(path)
    assert [str(e) for e in caught.value] == [
        "round.xlsx, Costs!D1: the header 'Rev' is not a column of the Costs table; valid: the "
        "columns Proposal ID, Year, Capital £, Revenue £, Prices (rename the header to one of "
        "them, or remove the column)"
    ]


def test_rows_typed_below_a_table_are_reported(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    wb = load_workbook(path)
    wb["Budget"]["B9"] = 500_000  # the Budget table ends at row 4
    wb.save(path)
    with pytest.raises(InputErrors) as caught:
        read_round_file(path)
    assert str(caught.value).endswith(
        "round.xlsx, sheet 'Budget', row 9: row 9 holds values below the Budget table, outside "
        "it; valid: rows inside the table: resize the table over them (Table Design > Resize "
        "Table), or delete them"
    )


def test_evaluated_copy_has_charts_and_leaves_the_input_alone(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    before = sha256(path)
    result = engine.evaluate(read_round_file(path))
    write_results(path, tmp_path / "evaluated.xlsx", result)
    assert sha256(path) == before
    wb = load_workbook(tmp_path / "evaluated.xlsx")
    assert wb.sheetnames[-8:] == [
        "Appraisal",
        "Scores",
        "Ranking",
        "Portfolio",
        "Feedback",
        "Sensitivity",
        "Value for money",
        "Affordability",
    ]
    # Issue 17: the NPSV chart moved from the Appraisal sheet to Value for money, coloured by
    # decision, beside the BCR chart; a tornado for each of the 8 proposals in the portfolio.
    charts = {name: len(wb[name]._charts) for name in wb.sheetnames[-8:]}
    assert charts == {
        "Appraisal": 0,
        "Scores": 0,
        "Ranking": 1,
        "Portfolio": 1,
        "Feedback": 0,
        "Sensitivity": 8,
        "Value for money": 2,
        "Affordability": 1,
    }
    assert result.portfolio is not None and "ASC-03" in result.portfolio.left_out


def test_notes_are_written_to_their_own_sheet_and_stale_problems_dropped(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    wb = load_workbook(path)
    wb.create_sheet("Input problems")  # from an earlier press of the button in Excel
    wb.save(path)
    rename_header(path, "Costs", 4, "Revenue (£)")
    round_ = read_round_file(path)
    write_results(path, tmp_path / "evaluated.xlsx", engine.evaluate(round_), round_.notes)
    wb = load_workbook(tmp_path / "evaluated.xlsx")
    assert "Input problems" not in wb.sheetnames
    assert wb["Input notes"]["A3"].value == "Costs: read the header 'Revenue (£)' as 'Revenue £'"


def test_feedback_letters_are_word_documents_one_per_submitter(tmp_path):
    from docx import Document

    result = engine.evaluate(read_round_file(build(tmp_path / "round.xlsx", sample_round())))
    written = write_letters(result, tmp_path / "fb")
    # The twelve sample proposals have twelve different sponsors: a letter each.
    assert len(written) == 12 and all(p.suffix == ".docx" for p in written)
    assert written[0].name == "feedback_Head_of_Reablement.docx"
    assert not [p for p in (tmp_path / "fb").iterdir() if p.name.startswith(".")]
    doc = Document(str(tmp_path / "fb" / "feedback_Hospital_Discharge_Lead.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Proposal ASC-10: Step-down beds for hospital discharge" in text
    assert "Decision: Reject" in text
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert [
        "Safeguarding and statutory duties",
        "0%",
        "2",
        "Duties identified, gaps remain",
        "-",
    ] in cells
