"""The packaged risk register: as committed, recalculated by LibreOffice, and read back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from cpcxl.common import soffice as lo
from cpcxl.plugins import registry
from cpcxl.risk import engine, excel, report, workbook
from cpcxl.risk.cli import DEMO_AS_OF, run_demo
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
    assert wb.sheetnames == ["Instructions", "Register", "Matrix", "Appetite", "Lists",
                             "Heat map", "Summary", "xlwings.conf"]  # fmt: skip
    register = wb["Register"]
    assert register.tables["Register"].ref == f"A5:AB{5 + workbook.MIN_ROWS}"
    sources = {dv.formula1 for dv in register.data_validations.dataValidation}
    assert {"=Categories", "=Statuses", "=LikelihoodLabels", "=ImpactLabels"} <= sources
    assert register.conditional_formatting  # bands coloured
    assert wb["Heat map"].conditional_formatting
    assert len(wb["Summary"]._charts) == 1
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
    _, register = report.read_rows(
        workbook.read_register_workbook(path)[0], NHS_5X5, None, first_row=workbook.HEADER_ROW
    )
    scored = engine.score_register(register, NHS_5X5, as_of=DEMO_AS_OF)
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
    cells, matrix, appetite, as_of = workbook.read_register_workbook(path)
    assert path.read_bytes() == before  # reading never changes the input
    assert as_of == DEMO_AS_OF
    assert matrix.likelihood == NHS_5X5.likelihood and matrix.bands == NHS_5X5.bands
    assert appetite.categories["Information governance"].value == "Minimal"
    assert cells[0][: len(workbook.HEADERS)] == workbook.HEADERS


@pytest.mark.soffice
def test_a_matrix_changed_on_the_sheet_is_followed_by_formulas_and_the_button(
    soffice: str, tmp_path: Path
) -> None:
    path = workbook.build_register_workbook(
        tmp_path / "r.xlsx", excel.EXAMPLE_RISKS, as_of=excel.EXAMPLE_AS_OF
    )
    wb = load_workbook(path)
    matrix = wb["Matrix"]
    # The organisation renames its bands and calls likelihood 4 'Probable'.
    for r in range(8, 12):
        matrix[f"K{r}"] = {"Low": "Green", "Moderate": "Amber", "High": "Orange",
                           "Extreme": "Red"}[matrix[f"K{r}"].value]  # fmt: skip
    matrix["B11"] = "Probable"
    wb["Register"]["F6"] = "Probable"  # R1's inherent likelihood, was 'Likely' (4)
    wb.save(path)
    cells = run_script_on_file(excel.score_register, path)
    assert cells["Summary"]["A6"] == "Green" and cells["Summary"]["A9"] == "Red"
    values = recalculated_cells(path, tmp_path)["Register"]
    assert (values["H6"], values["I6"]) == (16, "Red")  # Probable (4) × Major (4)
    assert (values["M6"], values["N6"]) == (12, "Orange")
