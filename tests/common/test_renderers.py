"""One SheetOutput drawn by each renderer (openpyxl, XlsxWriter, xlwings) looks the same.

The contract lives in cpcxl.common.report: values, number formats, which cells wrap and the
rows that grow for them, fills, column widths and frozen panes. openpyxl and XlsxWriter write
files (read back with openpyxl); xlwings draws through its real remote engine, the one
xlwings Server uses, and its actions are read back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput
from cpcxl.common.workbook import render as render_openpyxl
from cpcxl.common.workbook import save_workbook
from cpcxl.common.xlsxwriter_render import write_outputs
from cpcxl.xl.remote import apply_formats, apply_values, payload_from_xlsx, run_script
from cpcxl.xl.render import freeze_range
from cpcxl.xl.render import render as render_xlwings

LONG = "Lack of home care capacity delays discharge from hospital in the winter months"
OUTPUT = SheetOutput(
    "Summary",
    [
        Block(
            [
                ["Risk", "Owner", "Exposure £", "Review", "Share"],
                ["R1", LONG, 125000.5, dt.date(2026, 4, 1), 0.25],  # blocked: wraps
                ["R2", "Head of finance", 98000, dt.date(2026, 5, 12), 0.75],
            ],
            row=3,
            title="Top risks",
            formats={2: formats.GBP, 4: formats.PERCENT},
            fills={(1, 0): formats.RED},
        ),
        Block([["Note", LONG]], row=8, header=False),  # last in its row: spills, no wrap
        Block([['=HYPERLINK("x")', "+1", "@SUM(A1)"]], row=10, header=False),
    ],
    widths={"A": 10, "B": 20, "C": 14},
    freeze="B4",
)


def from_file(path: Path) -> dict[str, Any]:
    ws = load_workbook(path)["Summary"]
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            value = c.value.date() if isinstance(c.value, dt.datetime) else c.value
            cells[c.coordinate] = (value, c.number_format, bool(c.alignment.wrap_text))
    fills = {
        c.coordinate: c.fill.fgColor.rgb[-6:]
        for row in ws.iter_rows(min_row=4)  # below the header row, which has its own fill
        for c in row
        if c.fill.fill_type == "solid"
    }
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    widths = {k: round(d.width, 2) for k, d in ws.column_dimensions.items() if k in "ABC"}
    return {
        "cells": cells,
        "fills": fills,
        "heights": heights,
        "widths": widths,
        "freeze": ws.freeze_panes,
    }


def drawn_by_openpyxl(tmp_path: Path) -> dict[str, Any]:
    wb = Workbook()
    render_openpyxl(wb, OUTPUT)
    del wb["Sheet"]
    return from_file(save_workbook(wb, tmp_path / "openpyxl.xlsx"))


def drawn_by_xlsxwriter(tmp_path: Path) -> dict[str, Any]:
    drawn = from_file(write_outputs(tmp_path / "xlsxwriter.xlsx", [OUTPUT]))
    # XlsxWriter stores a width with Excel's 0.71-character cell padding added, as Excel
    # itself does; the width a person sees is the one asked for.
    drawn["widths"] = {k: round(v - 0.71, 2) for k, v in drawn["widths"].items()}
    return drawn


def drawn_by_xlwings(tmp_path: Path) -> dict[str, Any]:
    wb = Workbook()
    wb.active.title = "Input"
    payload = payload_from_xlsx(save_workbook(wb, tmp_path / "input.xlsx"))
    actions = run_script(lambda book: render_xlwings(book, OUTPUT), payload)
    values = apply_values(payload, actions)["Summary"]
    look = apply_formats(payload, actions)["Summary"]
    cells = {}
    for cell, value in values.items():
        if isinstance(value, str) and value[:1] == "'":
            value = value[1:]  # Excel's text marker: the cell holds the text after it
        if cell[0] == "D" and cell != "D3":
            value = dt.date.fromisoformat(value)  # xlwings sends dates to Excel as ISO text
        cells[cell] = (value, look["formats"].get(cell, "General"), look["wrap"].get(cell, False))
    fills = {c: v for c, v in look["fills"].items() if int(c[1:]) >= 4}
    return {
        "cells": cells,
        "fills": fills,
        "heights": look["heights"],
        "widths": {k: round(v, 2) for k, v in look["widths"].items()},
        "freeze": look["freeze"],
    }


def test_the_three_renderers_agree(tmp_path: Path) -> None:
    openpyxl_ = drawn_by_openpyxl(tmp_path)
    xlsxwriter_ = drawn_by_xlsxwriter(tmp_path)
    xlwings_ = drawn_by_xlwings(tmp_path)
    for other in (xlsxwriter_, xlwings_):
        assert other["cells"] == openpyxl_["cells"]
        assert other["fills"] == openpyxl_["fills"]
        assert other["heights"] == openpyxl_["heights"]
        assert other["widths"] == openpyxl_["widths"]
    assert openpyxl_["freeze"] == xlsxwriter_["freeze"] == "B4"
    assert xlwings_["freeze"] == "A1:A3" == freeze_range("B4")  # the cells that stay put


def test_what_the_contract_says(tmp_path: Path) -> None:
    cells = drawn_by_openpyxl(tmp_path)
    got = cells["cells"]
    assert got["A2"] == ("Top risks", "General", False)  # the title, above the block
    assert got["C4"] == (125000.5, formats.GBP, False)
    assert got["D4"] == (dt.date(2026, 4, 1), formats.DATE_UK, False)  # dates shown UK-style
    assert got["E4"] == (0.25, formats.PERCENT, False)
    # 79 characters in a column 20 wide (19 a line, one a unit less a character's padding)
    # with a neighbour: wraps, on ceil(79 / 19) = 5 lines of 15 points
    assert got["B4"] == (LONG, "General", True)
    # '=HYPERLINK("x")' is 15 characters in a column 10 wide (9 a line) beside '+1': 2 lines
    assert cells["heights"] == {4: 75.0, 10: 30.0}
    assert got["B8"] == (LONG, "General", False)  # nothing to its right: it spills
    # text from an input that looks like a formula stays text in every renderer
    assert [got[c] for c in ("A10", "B10", "C10")] == [
        ('=HYPERLINK("x")', "General", True),
        ("+1", "General", False),
        ("@SUM(A1)", "General", False),
    ]
    assert cells["fills"] == {"A4": formats.RED}


@pytest.mark.parametrize(("freeze", "kept"), [("A2", "1:1"), ("C1", "A:B"), ("C5", "A1:B4")])
def test_frozen_panes_in_excels_terms(freeze: str, kept: str) -> None:
    assert freeze_range(freeze) == kept
