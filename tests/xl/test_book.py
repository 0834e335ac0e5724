"""An open workbook's tables read through xlwings exactly as the file reader reads them."""

from __future__ import annotations

from pathlib import Path

import xlwings as xw
from openpyxl import Workbook

from cpcxl.common.fields import Money, Whole
from cpcxl.common.inputs import Cells, Column, TableSpec
from cpcxl.common.report import Block, SheetOutput
from cpcxl.common.workbook import add_input_table, read_tables, save_workbook
from cpcxl.xl.book import read_book_tables
from cpcxl.xl.remote import run_script_on_file
from cpcxl.xl.render import render

COSTS = TableSpec(
    "Costs",
    "Costs",
    (
        Column("proposal", "Proposal ID"),
        Column("year", "Year", Whole(0, 60)),
        Column("capital", "Capital £", Money(), required=False),
    ),
)


def book_with_a_stray_row(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Costs"
    ws["A1"] = "Costs by year"
    add_input_table(ws, COSTS, [["P1", 0, 1000], ["P2", 1, 500]], row=3)
    ws["B9"] = 7  # typed below the table, outside it
    return save_workbook(wb, tmp_path / "round.xlsx")


def describe(cells: Cells) -> list[list[object]]:
    rows = [
        ["first row", cells.first_row],
        ["first column", cells.first_column],
        ["exact", cells.exact],
        ["stray", ",".join(map(str, cells.stray_rows))],
        *[list(r) for r in cells.rows],
    ]
    return [r + [None] * (3 - len(r)) for r in rows]


def test_the_button_reads_a_table_as_the_file_reader_does(tmp_path: Path) -> None:
    path = book_with_a_stray_row(tmp_path)

    def script(book: xw.Book) -> None:
        cells = read_book_tables(book, [COSTS])["Costs"]
        render(book, SheetOutput("Read", [Block(describe(cells), header=False)]))

    written = run_script_on_file(script, path)["Read"]
    from_file = describe(read_tables(path, [COSTS])["Costs"])
    through_xlwings = [
        [written.get(f"{letter}{r}") for letter in "ABC"] for r in range(1, len(from_file) + 1)
    ]
    # the remote engine gives blanks as None and whole numbers as ints
    assert through_xlwings[:4] == from_file[:4]
    assert through_xlwings[4:] == [
        ["Proposal ID", "Year", "Capital £"],
        ["P1", 0, 1000],
        ["P2", 1, 500],
    ]
    assert from_file[3] == ["stray", "9", None]


RATES = TableSpec("Rates", "Costs", (Column("name", "Name"), Column("rate", "Rate", Whole(0, 9))))


def test_stacked_titled_tables_are_not_stray_rows_to_the_button_either(tmp_path: Path) -> None:
    # The file reader lets a sheet stack titled tables (issue 19); the button's reader read
    # the lower table and its title as rows typed below the upper one. Both now agree: only
    # the value typed outside every table is stray.
    wb = Workbook()
    ws = wb.active
    ws.title = "Costs"
    add_input_table(ws, COSTS, [["P1", 0, 1000], ["P2", 1, 500]], row=3)
    ws["A7"] = "Rates"  # the lower table's title
    add_input_table(ws, RATES, [["a", 1], ["b", 2]], row=8)
    ws["B12"] = 7  # typed below both tables, outside them
    path = save_workbook(wb, tmp_path / "stacked.xlsx")

    def script(book: xw.Book) -> None:
        cells = read_book_tables(book, [COSTS, RATES])
        rows = [[name, ",".join(map(str, c.stray_rows))] for name, c in cells.items()]
        render(book, SheetOutput("Read", [Block(rows, header=False)]))

    written = run_script_on_file(script, path)["Read"]
    from_file = read_tables(path, [COSTS, RATES])
    assert [written["A1"], written["B1"]] == ["Costs", "12"]
    assert [written["A2"], written["B2"]] == ["Rates", "12"]
    assert from_file["Costs"].stray_rows == from_file["Rates"].stray_rows == (12,)
