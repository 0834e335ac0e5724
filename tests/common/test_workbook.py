from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from cpcxl.common import formats
from cpcxl.common.formats import Formula
from cpcxl.common.workbook import (
    add_instructions,
    add_list_validation,
    add_lists_sheet,
    add_table,
    add_xlwings_conf,
    column_widths,
    contents_differences,
    put,
    read_sheets,
    save_workbook,
    workbook_contents,
)


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    put(ws["A1"], '=HYPERLINK("http://example.invalid","click")')
    put(ws["A2"], "+44 20 7946 0000")
    put(ws["A3"], Formula("SUM(1,2)"))
    put(ws["A4"], dt.date(2026, 3, 31))
    path = save_workbook(wb, tmp_path / "t.xlsx")
    back = load_workbook(path)["Sheet"]
    assert back["A1"].data_type == "s" and back["A1"].value.startswith("=HYPERLINK")
    assert back["A2"].data_type == "s"
    assert back["A3"].data_type == "f" and back["A3"].value == "=SUM(1,2)"
    assert back["A4"].number_format == formats.DATE_UK


def test_text_from_input_stays_text_in_libreoffice(tmp_path: Path, recalculated) -> None:
    wb = Workbook()
    put(wb.active["A1"], "=1+1")
    put(wb.active["A2"], Formula("=1+1"))
    put(wb.active["A3"], Formula("=1/0"))
    values = recalculated(save_workbook(wb, tmp_path / "t.xlsx"))
    assert values["Sheet"][0][0] == "=1+1"
    assert values["Sheet"][1][0] == 2
    assert values["Sheet"][2][0] == "#DIV/0!"  # errors are visible to the tests, not blanks


def test_tables_validations_and_names_are_captured_for_golden_comparison(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    ref = add_table(ws, "Register", ["ID", "Category"], [["R1", "Reputation"]], min_rows=3)
    add_lists_sheet(wb, {"Categories": ["Reputation", "Financial loss"]})
    add_list_validation(ws, "B2:B4", "Categories")
    add_xlwings_conf(wb)
    path = save_workbook(wb, tmp_path / "r.xlsx")
    contents = workbook_contents(path)
    assert ref == "A1:B4"
    assert contents["sheets"] == ["Register", "Lists", "xlwings.conf"]
    assert contents["names"] == {"Categories": "Lists!$A$2:$A$3"}
    assert contents["Register"]["tables"] == {"Register": "A1:B4"}
    assert contents["Register"]["validations"] == ["list:=Categories:None:B2:B4"]
    assert contents["xlwings.conf"]["cells"]["B1"][0] == "cpcxl.xl.udfs"

    changed = dict(contents)
    changed["Register"] = {**contents["Register"], "tables": {"Register": "A1:B9"}}
    assert contents_differences(contents, changed) == [
        "/Register/tables/Register: 'A1:B4' != 'A1:B9'"
    ]


def test_instructions_that_name_functions_give_the_office_add_in_names_too() -> None:
    wb = Workbook()
    ws = add_instructions(
        wb, "Plan", [("What to do", "Fill in Staff."), ("Functions", ["=CPC_FTE(hours)"])]
    )
    assert wb.sheetnames == ["Instructions"]
    texts = [c.value for c in ws["A"] if c.value]
    assert texts[:4] == ["Plan", "What to do", "Fill in Staff.", "Functions"]
    assert texts[4] == "•  =CPC_FTE(hours)"
    assert texts[5] == "Function names"
    assert "=CPC.FTE" in texts[6] and "=CPC_FTE" in texts[6]


def test_instructions_without_functions_have_no_function_names_note() -> None:
    ws = add_instructions(Workbook(), "Return", [("Buttons", ["Build summary"])])
    assert "Function names" not in [c.value for c in ws["A"]]


def test_error_cells_are_read_as_their_error_not_as_blanks(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws["A1"] = "Amount"
    ws["A2"] = 100
    ws.cell(3, 1).value = "#N/A"  # openpyxl stores the error codes as error cells
    ws.cell(5, 3).value = "#DIV/0!"
    assert ws.cell(5, 3).data_type == "e"
    wb.create_sheet("Notes")["B2"] = "no errors here"
    path = save_workbook(wb, tmp_path / "errors.xlsx")
    sheets = read_sheets(path)
    assert sheets["Budget"][1][0] == 100
    assert sheets["Budget"][2][0] == "#N/A"
    assert sheets["Budget"][4][2] == "#DIV/0!"
    assert sheets["Notes"][1][1] == "no errors here"


@pytest.mark.soffice
def test_formula_errors_in_a_recalculated_workbook_are_read(
    tmp_path: Path, recalculated: Callable[[Path], dict[str, list[list[Any]]]]
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet 1"
    put(ws["A1"], 6)
    put(ws["B1"], Formula("A1/0"))
    put(ws["B2"], Formula("NA()"))
    put(ws["B3"], Formula("A1*2"))
    sheets = recalculated(save_workbook(wb, tmp_path / "formulas.xlsx"))
    assert [row[1] for row in sheets["Sheet 1"][:3]] == ["#DIV/0!", "#N/A", 12]


def test_column_widths_count_a_span_of_columns_for_each_of_them(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "spans.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("S")
    sheet.set_column("B:B", 10)
    sheet.set_column("E:F", 22)  # equal neighbours: XlsxWriter writes one <col min=5 max=6>
    sheet.write("A1", "x")
    book.close()
    ws = load_workbook(path)["S"]
    # XlsxWriter stores a width of w characters as w + 0.71 (its 5-pixel padding at 7 px).
    assert column_widths(ws) == {
        "B": pytest.approx(10.7109375),
        "E": pytest.approx(22.7109375),
        "F": pytest.approx(22.7109375),
    }
    assert ws.column_dimensions["F"].width == 13  # what openpyxl alone says: its default
