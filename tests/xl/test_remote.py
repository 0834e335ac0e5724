"""Scripts run on a workbook file through xlwings' remote engine, with no Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlwings as xw
from openpyxl import Workbook

from cpcxl.common.report import Block, SheetOutput
from cpcxl.common.workbook import add_table, save_workbook
from cpcxl.xl.remote import run_script_on_file
from cpcxl.xl.render import render


def sample_book(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    add_table(
        ws,
        "Register",
        ["ID", "Likelihood", "Impact", "Raised"],
        [["R1", 3, 4, dt.date(2026, 4, 1)], ["R2", 2, 5, dt.date(2026, 5, 1)]],
    )
    return save_workbook(wb, tmp_path / "book.xlsx")


def score(book: xw.Book) -> None:
    rows = book.sheets["Register"].tables["Register"].data_body_range.value
    scores = [[r[0], r[1] * r[2]] for r in rows]
    render(
        book,
        SheetOutput(
            "Scores", [Block([["ID", "Score"], *scores]), Block([["=evil()"]], row=5, header=False)]
        ),
    )


def test_a_script_reads_a_table_and_writes_a_new_sheet(tmp_path: Path) -> None:
    cells = run_script_on_file(score, sample_book(tmp_path))
    assert cells["Scores"] == {
        "A1": "ID",
        "B1": "Score",
        "A2": "R1",
        "B2": 12,
        "A3": "R2",
        "B3": 10,
        "A5": "'=evil()",
    }
    # Dates reach the script as Excel sends them: serial numbers (01/04/2026 is 46113).
    assert cells["Register"]["D2"] == 46113
