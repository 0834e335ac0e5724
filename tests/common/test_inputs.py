"""Input tables: declared once, built into a template, and read back with located errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from openpyxl import Workbook

from cpcxl.common.errors import InputErrors
from cpcxl.common.fields import Choice, Date, Money, Rate, Whole
from cpcxl.common.inputs import (
    Cells,
    Column,
    Setting,
    SettingsSpec,
    TableSpec,
    read_settings,
    read_table,
)
from cpcxl.common.workbook import (
    add_input_table,
    add_settings_table,
    read_sheets,
    read_tables,
    save_workbook,
)

COSTS = TableSpec(
    "Costs",
    "Costs",
    (
        Column("proposal", "Proposal ID"),
        Column("year", "Year", Whole(0, 60)),
        Column("capital", "Capital £", Money(), required=False),
        Column("revenue", "Revenue £", Money(), required=False),
    ),
)


def read(rows: list[list[object]], **cells: object) -> tuple[object, InputErrors]:
    errors = InputErrors()
    table = read_table(COSTS, Cells(rows, **cells), errors, file="round.xlsx")  # type: ignore[arg-type]
    return table, errors


def test_a_renamed_header_stops_the_table_and_says_what_was_expected() -> None:
    # Renaming "Revenue £" to "Rev" must not make revenue £0: nothing is read from the table.
    table, errors = read([["Proposal ID", "Year", "Capital £", "Rev"], ["P1", 0, 100, 50]])
    assert table is None
    assert [str(e) for e in errors] == [
        "round.xlsx, Costs!D1: the header 'Rev' is not a column of the Costs table; valid: the "
        "columns Proposal ID, Year, Capital £, Revenue £ (rename the header to one of them, or "
        "remove the column)"
    ]


def test_a_close_variant_of_a_header_matches_and_is_noted() -> None:
    table, errors = read([["Proposal ID", "Year", "Capital (£)", "revenue £"], ["P1", 0, 100, 50]])
    assert table is not None and not errors
    assert table.frame[["capital", "revenue"]].values.tolist() == [[100.0, 50.0]]
    # only the spelling that differs by more than case is worth saying
    assert errors.notes == ["Costs: read the header 'Capital (£)' as 'Capital £'"]


def test_a_missing_required_column_lists_the_headers_found() -> None:
    table, errors = read([["Proposal ID", "Capital £"], ["P1", 100]])
    assert table is None
    assert "the Costs table has no 'Year' column (headers found: 'Proposal ID', 'Capital £')" in (
        str(errors)
    )


def test_bad_cells_are_located_by_cell_and_column_and_the_rest_are_read() -> None:
    rows = [
        ["A title above the table"],
        [],
        ["Proposal ID", "Year", "Capital £", "Revenue £"],
        ["P1", 0, 100, "1_000"],
        [None, None, None, None],
        ["P2", 1.5, "£2,000", 3],
        ["P3", 2, 1e308, None],
    ]
    table, errors = read(rows)
    assert table is not None
    assert table.frame["proposal"].tolist() == ["P1", "P2", "P3"]  # the blank row is dropped
    assert table.frame["_row"].tolist() == [4, 6, 7]
    assert table.bad.tolist() == [True, True, True]
    cells = sorted((e.location.cell, e.location.field) for e in errors)  # type: ignore[union-attr]
    assert cells == [("B6", "Year"), ("C7", "Capital £"), ("D4", "Revenue £")]
    assert table.frame["capital"].tolist()[:2] == [100.0, 2000.0]


def test_a_blank_in_a_required_column_is_an_error() -> None:
    _table, errors = read([["Proposal ID", "Year"], ["P1", None]])
    assert [str(e) for e in errors] == [
        "round.xlsx, Costs!B2, field 'Year': this is blank; valid: a whole number from 0 to 60"
    ]


def test_rows_below_the_table_and_merged_cells_are_reported() -> None:
    _table, errors = read(
        [["Proposal ID", "Year"], ["P1", 0]],
        exact=True,
        stray_rows=tuple(range(120, 100_120)),
        merged=("B2:B9",),
    )
    messages = [e.message for e in errors]
    assert messages == [
        "100,000 rows from row 120 to row 100,119 hold values below the Costs table, outside it",
        "the cells B2:B9 are merged, so only the first of them can be read",
    ]


def test_a_column_named_twice_is_an_error() -> None:
    table, errors = read([["Proposal ID", "Year", "year"], ["P1", 0, 1]])
    assert table is None
    assert "the column 'Year' appears twice (also in column B)" in str(errors)


SETTINGS = SettingsSpec(
    "Settings",
    "Settings",
    (
        Setting(
            "schedule",
            "Discount schedule",
            Choice.of(["standard", "health"], "a schedule"),
            default="standard",
        ),
        Setting(
            "bias",
            "Optimism bias",
            Rate(0, 2, "the Green Book's upper bounds reach 200%"),
            default=0.0,
        ),
        Setting("start", "Start date", Date(), required=True),
    ),
)


def test_settings_take_defaults_refuse_unknown_labels_and_need_required_ones() -> None:
    errors = InputErrors()
    read = read_settings(
        SETTINGS,
        Cells([["Setting", "Value", "Notes"], ["Optimism bias", 24, ""], ["Colour", "blue", ""]]),
        errors,
    )
    assert read is not None
    assert read["schedule"] == "standard"  # blank: the default
    messages = [e.message for e in errors]
    assert messages[0].startswith("24 is 2,400%, outside 0% to 200% for a rate")
    assert "type 24% (or 0.24)" in messages[0]
    assert messages[1] == "'Colour' is not a setting of the Settings table"
    assert messages[2] == "the setting 'Start date' is missing"
    assert errors.errors[0].location.cell == "B2"  # type: ignore[union-attr]


def test_a_required_setting_with_a_bad_value_is_reported_once() -> None:
    # 'soon' is not a date: that is the problem, not that the start date is missing.
    errors = InputErrors()
    read_settings(SETTINGS, Cells([["Setting", "Value"], ["Start date", "soon"]]), errors)
    assert [e.message for e in errors] == ["'soon' is not a date"]
    assert errors.errors[0].location.cell == "B2"  # type: ignore[union-attr]


def test_a_template_built_from_a_spec_reads_back_through_the_same_spec(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Costs"
    add_input_table(ws, COSTS, [["P1", 0, 1000, 250], ["P2", 1, None, 80]], row=3, min_rows=5)
    settings_ws = wb.create_sheet("Settings")
    add_settings_table(settings_ws, SETTINGS, {"start": "01/04/2026"}, row=2)
    # Two rows typed below the table: outside it, so they must be reported, not read.
    ws["A12"] = "P9"
    path = save_workbook(wb, tmp_path / "round.xlsx")
    validations = {str(dv.sqref): dv.type for dv in ws.data_validations.dataValidation}
    assert validations["B4:B8"] == "whole"  # Year: a whole number from 0 to 60
    assert validations["C4:C8"] == "decimal"  # money within its plausible range

    cells = read_tables(path, [COSTS, SETTINGS])
    assert cells["Costs"].first_row == 3 and cells["Costs"].exact
    assert cells["Costs"].stray_rows == (12,)
    errors = InputErrors()
    table = read_table(COSTS, cells["Costs"], errors, file="round.xlsx")
    assert table is not None
    assert table.frame["revenue"].tolist() == [250.0, 80.0]
    assert [e.location.row for e in errors] == [12]  # type: ignore[union-attr]
    errors = InputErrors()
    settings = read_settings(SETTINGS, cells["Settings"], errors)
    assert not errors and settings is not None
    assert str(settings["start"]) == "2026-04-01"
    assert settings.where["bias"].cell == "B4"


def test_read_tables_opens_the_file_once_and_gives_what_reading_twice_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch reads thousands of workbooks: sheets, tables and merged cells come from one
    # opening of each file, and the cells are the same as with the sheets read beforehand.
    import python_calamine

    wb = Workbook()
    ws = wb.active
    ws.title = "Costs"
    add_input_table(ws, COSTS, [["P1", 0, 1000, 250]], row=3, min_rows=2)
    ws["A9"] = "P9"
    ws.merge_cells("C4:D4")
    path = save_workbook(wb, tmp_path / "round.xlsx")
    twice = read_tables(path, [COSTS], sheets=read_sheets(path))
    opened = []
    real = python_calamine.CalamineWorkbook.from_path

    def counting(*args: object, **kwargs: object) -> object:
        opened.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", counting)
    once = read_tables(path, [COSTS])
    assert len(opened) == 1
    assert once == twice
    assert (once["Costs"].first_row, once["Costs"].stray_rows) == (3, (9,))
    assert once["Costs"].merged == ("C4:D4",)


def test_records_give_a_blank_as_none_and_the_frame_is_built_when_asked_for() -> None:
    spec = TableSpec(
        "Notes",
        "Notes",
        (
            Column("name", "Name"),
            Column("note", "Note", required=False),
            Column("amount", "Amount", Money(), required=False),
        ),
    )
    errors = InputErrors()
    table = read_table(
        spec, Cells([["Name", "Note", "Amount"], ["A", None, None], ["B", "x", 3]]), errors
    )
    assert table is not None and not errors and len(table) == 2
    first, second = table.records()
    # a blank text cell is None (a DataFrame of text would give NaN); a blank number is NaN
    assert (first["name"], first["note"], first["_row"]) == ("A", None, 2)
    assert math.isnan(first["amount"])
    assert second == {"name": "B", "note": "x", "amount": 3.0, "_row": 3}
    assert table.frame.columns.tolist() == ["name", "note", "amount", "_row"]
    assert table.frame["amount"].tolist()[1] == 3.0


def test_a_spec_cannot_give_one_header_to_two_columns() -> None:
    with pytest.raises(ValueError):
        TableSpec("T", "T", (Column("a", "Amount"), Column("b", "Other", synonyms=("amount",))))
