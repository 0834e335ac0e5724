"""The XlsxWriter renderer (cpcxl.common.xlsxwriter_render) keeps the workbook safety rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.formats import Formula
from cpcxl.common.report import Block, SheetOutput
from cpcxl.common.xlsxwriter_render import write_outputs, xlsx_book


def test_input_text_stays_text_and_only_formula_objects_become_formulas(tmp_path: Path) -> None:
    output = SheetOutput(
        "Report",
        [
            Block(
                [
                    ["Text", "Number", "Date", "Formula"],
                    ["=1+1", 3, dt.date(2026, 4, 1), Formula("=B2*2")],
                    ["+SUM(A1)", 2.5, None, "0123"],
                ],
                formats={1: "0.0"},
                fills={(1, 1): "FFC7CE"},
            )
        ],
        widths={"A": 20},
        freeze="A2",
    )
    path = write_outputs(tmp_path / "r.xlsx", [output], print_header="OFFICIAL-SENSITIVE")
    ws = load_workbook(path)["Report"]
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    assert (ws["A3"].value, ws["A3"].data_type) == ("+SUM(A1)", "s")
    assert (ws["D3"].value, ws["D3"].data_type) == ("0123", "s")
    assert ws["D2"].value == "=B2*2" and ws["D2"].data_type == "f"
    assert ws["B2"].number_format == "0.0"
    assert ws["C2"].value == dt.datetime(2026, 4, 1) and ws["C2"].number_format == "dd/mm/yyyy"
    assert ws["B2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == pytest.approx(20, abs=1)
    assert "OFFICIAL-SENSITIVE" in ws.oddHeader.center.text
    assert str(ws.page_setup.paperSize) == "9"  # A4


def test_a_failure_while_writing_leaves_no_file_at_all(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    with pytest.raises(RuntimeError), xlsx_book(target) as book:
        book.render(SheetOutput("S", [Block([["a"]])]))
        raise RuntimeError("stopped part way")
    assert list(tmp_path.iterdir()) == []
