"""The packaged risk register: as committed, recalculated by LibreOffice, and read back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from cpcxl.common import soffice as lo
from cpcxl.common.errors import InputError
from cpcxl.common.workbook import save_workbook
from cpcxl.plugins import registry
from cpcxl.risk import engine, excel, inputs, sample, workbook
from cpcxl.risk.sample import DEMO_AS_OF, run_demo
from cpcxl.risk.schemes import NHS_5X5
from cpcxl.xl.remote import run_script_on_file

FORMULA_COLUMNS = ["Inherent score", "Inherent band", "Residual score", "Residual band",
                   "Target score"]  # fmt: skip


def recalculated_cells(path: Path, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """Every cell LibreOffice calculated, by address: {sheet: {'H6': value}}, errors as '#N/A'."""
    target = lo.recalculate(path, tmp_path / f"recalculated-{path.name}")
    wb = load_workbook(target, data_only=True)
    return {
        ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row
                   if c.value is not None}
        for ws in wb.worksheets
    }  # fmt: skip


def formula_cells(path: Path) -> dict[str, list[str]]:
    wb = load_workbook(path)
    return {
        ws.title: [c.coordinate for row in ws.iter_rows() for c in row
                   if isinstance(c.value, str) and c.value.startswith("=")]
        for ws in wb.worksheets
    }  # fmt: skip


def test_the_committed_workbook_is_what_the_code_builds(
    build_and_compare: Callable[[str], Path],
) -> None:
    built = build_and_compare("risk_register")
    wb = load_workbook(built)
    assert wb.sheetnames == ["Instructions", "Register", "Actions", "Incidents", "Objectives",
                             "Matrix", "Appetite", "Correlation", "Lists", "Heat map", "Summary",
                             "Exposure", "Board report", "xlwings.conf"]  # fmt: skip
    register = wb["Register"]
    # 34 columns: 28 before issue 15, then Response, Reason for response, Proximity,
    # Objectives, BAF ref and Shared risk before Flags.
    assert register.tables["Register"].ref == f"A5:AH{5 + workbook.MIN_ROWS}"
    sources = {dv.formula1 for dv in register.data_validations.dataValidation}
    assert {"=Categories", "=Statuses", "=LikelihoodLabels", "=ImpactLabels"} <= sources
    assert register.conditional_formatting  # bands coloured
    assert wb["Heat map"].conditional_formatting
    assert len(wb["Summary"]._charts) == 1
    assert len(wb["Exposure"]._charts) == 1  # the tornado
    assert wb["xlwings.conf"]["A1"].value == "UDF Modules"


@pytest.mark.soffice
def test_every_formula_of_the_empty_template_calculates_in_libreoffice(
    soffice: str, tmp_path: Path
) -> None:
    path = workbook.build_template(tmp_path / "template.xlsx")
    values = recalculated_cells(path, tmp_path)
    formulas = formula_cells(path)
    errors = [f"{sheet}!{cell}={values[sheet].get(cell)!r}"
              for sheet, cells in formulas.items() for cell in cells
              if str(values[sheet].get(cell, "")).startswith("#")]  # fmt: skip
    assert formulas["Register"] and formulas["Appetite"]
    assert errors == []
    # The Appetite sheet's tolerated scores follow the levels: Financial loss is Cautious, 9.
    appetite = values["Appetite"]
    row = next(c[1:] for c, v in appetite.items() if v == "Financial loss")
    assert (appetite[f"B{row}"], appetite[f"C{row}"]) == ("Cautious", 9)


@pytest.mark.soffice
def test_native_scores_and_bands_agree_with_the_python_engine(soffice: str, tmp_path: Path) -> None:
    path = run_demo(tmp_path)[0]
    values = recalculated_cells(path, tmp_path)["Register"]
    read = inputs.read_register_book(*workbook.read_register_file(path))
    scored = engine.score_register(read.register.risks, NHS_5X5, as_of=DEMO_AS_OF)
    assert len(scored) == 60
    compared = 0
    for risk in scored.itertuples(index=False):
        row = risk._0  # the sheet row (the _row column)
        for stage in ("inherent", "residual", "target"):
            native = values.get(f"{workbook.LETTER[stage.capitalize() + ' score']}{row}")
            python = getattr(risk, f"{stage}_score")
            if pd.isna(python):
                # The engine could not score it (CR034's 'Likley'): Excel shows #N/A, and a
                # blank pair stays blank in both.
                assert native in (None, "#N/A"), (risk.risk_id, stage, native)
            else:
                assert native == int(python), (risk.risk_id, stage, native, python)
                compared += 1
            if stage != "target":
                band = values.get(f"{workbook.LETTER[stage.capitalize() + ' band']}{row}")
                if pd.isna(python):
                    assert band in (None, "#N/A"), (risk.risk_id, stage, band)
                else:
                    assert band == getattr(risk, f"{stage}_band"), (risk.risk_id, stage, band)
    assert compared == 3 * 60 - 1  # every score of the 60 risks but CR034's residual


def test_the_register_prints_four_landscape_pages_across_with_id_and_title_on_each(
    tmp_path: Path,
) -> None:
    template = registry().workbooks["risk_register"].item
    ws = load_workbook(template.build(tmp_path / template.filename))["Register"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (4, 0)
    assert ws.page_setup.pageOrder == "overThenDown"
    assert ws.print_title_cols == "$A:$B"
    assert ws.print_title_rows == "$5:$5"


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    risks = [
        {
            "risk_id": "R1",
            "title": '=HYPERLINK("http://example.invalid","x")',
            "inherent_likelihood": 3,
            "inherent_impact": 3,
            "owner": "+Head of Finance",
        }
    ]
    path = workbook.build_register_workbook(tmp_path / "r.xlsx", risks)
    ws = load_workbook(path)["Register"]
    assert ws["B6"].data_type == "s" and ws["B6"].value.startswith("=HYPERLINK")
    assert ws["E6"].data_type == "s"


def test_a_saved_register_reads_back_with_its_matrix_and_appetite(tmp_path: Path) -> None:
    path = run_demo(tmp_path)[0]
    before = path.read_bytes()
    tables, named = workbook.read_register_file(path)
    assert path.read_bytes() == before  # reading never changes the input
    read = inputs.read_register_book(tables, named, file=path.name)
    assert read.as_of == DEMO_AS_OF
    assert read.matrix.likelihood == NHS_5X5.likelihood and read.matrix.bands == NHS_5X5.bands
    assert read.matrix.name == "nhs-5x5" and read.matrix.high_score == 8
    assert read.appetite.categories["Information governance"].value == "Minimal"
    cells = tables[workbook.REGISTER_TABLE]
    assert (cells.first_row, cells.exact) == (workbook.HEADER_ROW, True)
    assert list(cells.rows[0]) == workbook.HEADERS
    assert len(read.register.risks) == 60 and len(read.register.problems) == 1


def test_no_input_table_has_anything_below_it(tmp_path: Path) -> None:
    # A row typed below a table is reported as outside it, so nothing of cpcxl's own may stand
    # there: every table of the template reads with no stray rows and no merged cells.
    path = run_demo(tmp_path)[0]
    tables, _ = workbook.read_register_file(path)
    tables.pop(inputs.CORRELATION_CELLS)  # the Correlation sheet read whole, for its matrix
    assert sorted(tables) == sorted(spec.name for spec in inputs.TABLES)
    assert {name: (c.stray_rows, c.merged) for name, c in tables.items()} == {
        spec.name: ((), ()) for spec in inputs.TABLES
    }


def test_a_row_typed_below_the_register_table_is_reported(tmp_path: Path) -> None:
    path = run_demo(tmp_path)[0]
    wb = load_workbook(path)
    last = 5 + 100  # the table's last row (60 risks and 40 spare rows)
    wb["Register"][f"A{last + 2}"] = "CR099"
    wb.save(path)
    read = inputs.read_register_book(*workbook.read_register_file(path), file=path.name)
    assert str(read.register.problems.errors[-1]) == (
        f"risk_register_sample.xlsx, sheet 'Register', row {last + 2}: row {last + 2} holds "
        "values below the Register table, outside it; valid: rows inside the table: resize the "
        "table over them (Table Design > Resize Table), or delete them"
    )


def test_a_workbook_that_is_no_register_says_which_sheets_it_lacks(tmp_path: Path) -> None:

    book = Workbook()
    book.active.title = "Register"
    path = save_workbook(book, tmp_path / "other.xlsx")
    with pytest.raises(InputError) as caught:
        workbook.read_register_file(path)
    assert str(caught.value) == (
        "other.xlsx: not a cpcxl risk register: no Matrix, Appetite sheet; valid: a workbook "
        "made by `cpcxl build` (or import it with `cpcxl risk import`)"
    )


@pytest.mark.soffice
def test_a_matrix_changed_on_the_sheet_is_followed_by_formulas_and_the_button(
    soffice: str, tmp_path: Path
) -> None:
    path = workbook.build_register_workbook(
        tmp_path / "r.xlsx", sample.EXAMPLE_RISKS, as_of=sample.EXAMPLE_AS_OF
    )
    wb = load_workbook(path)
    matrix = wb["Matrix"]
    # The organisation renames its bands and calls likelihood 4 'Probable'.
    for r in range(8, 12):  # the Bands table's names, in column L
        matrix[f"L{r}"] = {"Low": "Green", "Moderate": "Amber", "High": "Orange",
                           "Extreme": "Red"}[matrix[f"L{r}"].value]  # fmt: skip
    matrix["B11"] = "Probable"
    wb["Register"]["F6"] = "Probable"  # R1's inherent likelihood, was 'Likely' (4)
    wb.save(path)
    cells = run_script_on_file(excel.score_register, path)
    assert cells["Summary"]["A6"] == "Green" and cells["Summary"]["A9"] == "Red"
    values = recalculated_cells(path, tmp_path)["Register"]
    assert (values["H6"], values["I6"]) == (16, "Red")  # Probable (4) × Major (4)
    assert (values["M6"], values["N6"]) == (12, "Orange")
