"""Run button scripts on a workbook file through xlwings' own remote workbook engine.

This is the engine xlwings Server uses: the workbook arrives as a JSON payload, the script
works on an ``xw.Book`` built from it, and the result is a list of actions for Excel to
apply. Building the payload from an .xlsx lets scripts run (and be tested) with no Excel.
Needs the xlwings PRO parts: ``XLWINGS_LICENSE_KEY=noncommercial`` for non-commercial use.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import xlwings as xw
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from cpcxl.common.files import check_workbook_file
from cpcxl.common.report import column_index


def payload_from_xlsx(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON an Office add-in would send for this workbook: values, tables and names."""
    path = check_workbook_file(path)
    wb = load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [
            ["" if v is None else _json_value(v) for v in row]
            for row in ws.iter_rows(values_only=True)
        ] or [[""]]
        width = max(len(r) for r in values)
        values = [r + [""] * (width - len(r)) for r in values]
        tables = []
        for table in ws.tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            header = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{min_row}"
            body = (
                f"{get_column_letter(min_col)}{min_row + 1}:{get_column_letter(max_col)}{max_row}"
            )
            tables.append(
                {
                    "name": table.displayName,
                    "range_address": table.ref,
                    "header_row_range_address": header,
                    "data_body_range_address": body,
                    "total_row_range_address": None,
                    "show_headers": True,
                    "show_totals": False,
                    "table_style": table.tableStyleInfo.name if table.tableStyleInfo else "",
                    "show_autofilter": True,
                }
            )
        sheets.append(sheet_payload(ws.title, values, tables))
    names = []
    for name, defined in wb.defined_names.items():
        if not list(defined.destinations):  # a constant, such as a sheet's fingerprint
            names.append(
                {
                    "name": name,
                    "refers_to": f"={defined.attr_text}",
                    "sheet_index": None,
                    "address": None,
                    "book_scope": True,
                    "scope_sheet_name": None,
                    "scope_sheet_index": None,
                }
            )
        for sheet_name, ref in defined.destinations:
            names.append(
                {
                    "name": name,
                    "sheet_index": wb.sheetnames.index(sheet_name),
                    "address": ref.replace("$", ""),
                    "book_scope": True,
                }
            )
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


def sheet_payload(
    name: str, values: list[list[Any]], tables: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One sheet as xlwings' Office.js client sends it (its custom-scripts index.js): the
    cells and every collection the remote engine expects, empty where the sheet has none."""
    return {
        "name": name,
        "visibility": "Visible",
        "show_gridlines": True,
        "print_area": None,
        "notes": [],
        "notes_supported": True,
        "values": values,
        "pictures": [],
        "shapes": [],
        "charts": [],
        "tables": tables or [],
        "pivot_tables": [],
    }


def _json_value(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dt.datetime | dt.date):
        # Office.js sends dates as Excel serial numbers.
        from cpcxl.common.values import date_to_excel_serial

        day = value.date() if isinstance(value, dt.datetime) else value
        return date_to_excel_serial(day)
    return value


def run_script(
    script: Callable[[xw.Book], None], payload: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Run ``script`` on a payload as xlwings Server would; return the actions for Excel."""
    # xlwings changes the payload it is given as the script works; keep the caller's intact
    book = xw.Book(json=copy.deepcopy(dict(payload)))
    script(book)
    return book.json()["actions"]


def apply_values(
    payload: Mapping[str, Any], actions: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """What each sheet's cells hold after the actions: {sheet: {"A1": value}} (values only)."""
    sheets = [s["name"] for s in payload["sheets"]]
    cells: dict[str, dict[str, Any]] = {}
    for s in payload["sheets"]:
        cells[s["name"]] = {
            f"{get_column_letter(c + 1)}{r + 1}": v
            for r, row in enumerate(s["values"])
            for c, v in enumerate(row)
            if v not in ("", None)
        }
    for action in actions:
        func = action["func"]
        if func == "addSheet":
            name = action["args"][1] if len(action["args"]) > 1 and action["args"][1] else None
            position = action["args"][0]
            name = name or f"Sheet{len(sheets) + 1}"
            sheets.insert(position, name)
            cells[name] = {}
            continue
        if func == "copySheet":
            where, target, name = action["args"]
            sheets.insert(target if where == "Before" else target + 1, name)
            cells[name] = dict(cells[sheets[action["sheet_position"]]])
            continue
        if action.get("sheet_position") is None:
            continue
        sheet = sheets[action["sheet_position"]]
        if func == "setSheetName":
            cells[action["args"][0]] = cells.pop(sheet)
            sheets[action["sheet_position"]] = action["args"][0]
        elif func in ("sheetClear", "sheetClearContents"):
            cells[sheet] = {}
        elif func in ("rangeClear", "rangeClearContents"):
            for r in range(action["row_count"]):
                for c in range(action["column_count"]):
                    cells[sheet].pop(_address(action, r, c), None)
        elif func == "setValues":
            for r, row in enumerate(action["values"]):
                for c, value in enumerate(row):
                    cell = _address(action, r, c)
                    if value in ("", None):
                        cells[sheet].pop(cell, None)
                    else:
                        cells[sheet][cell] = value
    return cells


def apply_formats(
    payload: Mapping[str, Any], actions: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """How each sheet looks after the actions: {sheet: {"formats": {cell: number format},
    "wrap": {cell: bool}, "fills": {cell: hex}, "widths": {column: width}, "heights":
    {row: points}, "freeze": frozen range}}, for comparing with the file renderers."""
    sheets = [s["name"] for s in payload["sheets"]]
    looks: dict[str, dict[str, Any]] = {name: _blank_look() for name in sheets}
    for action in actions:
        func = action["func"]
        if func == "addSheet":
            name = action["args"][1] if len(action["args"]) > 1 and action["args"][1] else None
            name = name or f"Sheet{len(sheets) + 1}"
            sheets.insert(action["args"][0], name)
            looks[name] = _blank_look()
            continue
        if func == "copySheet":
            where, target, name = action["args"]
            sheets.insert(target if where == "Before" else target + 1, name)
            looks[name] = _blank_look()
            continue
        if action.get("sheet_position") is None:
            continue
        look = looks[sheets[action["sheet_position"]]]
        if func in ("sheetClear", "sheetClearFormats"):
            looks[sheets[action["sheet_position"]]] = _blank_look()
            continue
        if func == "freezePaneAtRange":
            look["freeze"] = action["args"][0]
            continue
        cells = [
            _address(action, r, c)
            for r in range(action.get("row_count", 0))
            for c in range(action.get("column_count", 0))
        ]
        args = action.get("args")
        if isinstance(args, list) and len(args) == 1:
            args = args[0]
        if func == "setNumberFormat":
            look["formats"].update(dict.fromkeys(cells, args))
        elif func == "setWrapText":
            look["wrap"].update(dict.fromkeys(cells, bool(args)))
        elif func == "setRangeColor":
            look["fills"].update(dict.fromkeys(cells, str(args).lstrip("#").upper()))
        elif func == "setColumnWidth":
            look["widths"][get_column_letter(action["start_column"] + 1)] = args
        elif func == "setRowHeight":
            look["heights"][action["start_row"] + 1] = args
    return looks


def _blank_look() -> dict[str, Any]:
    return {"formats": {}, "wrap": {}, "fills": {}, "widths": {}, "heights": {}, "freeze": None}


def payload_after(payload: Mapping[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """The workbook JSON Excel would send next time, after applying ``actions``: the cells,
    sheets and workbook names they change (so a button can be run again, as an officer
    reruns it)."""
    cells = apply_values(payload, actions)
    names = [dict(n) for n in payload.get("names", [])]
    for action in actions:
        if action["func"] == "namesAdd":
            name, refers_to = action["args"][:2]
            names.append(
                {
                    "name": name,
                    "refers_to": refers_to,
                    "sheet_index": None,
                    "address": None,
                    "book_scope": True,
                    "scope_sheet_name": None,
                    "scope_sheet_index": None,
                }
            )
        elif action["func"] == "setNameRefersTo":
            name, _book_scope, _scope_sheet, refers_to = action["args"]
            for n in names:
                if n["name"] == name:
                    n["refers_to"] = refers_to
    sheets = []
    for name, found in cells.items():
        height = max((int(_split(a)[1]) for a in found), default=1)
        width = max((column_index(_split(a)[0]) for a in found), default=1)
        values: list[list[Any]] = [[""] * width for _ in range(height)]
        for address, value in found.items():
            letters, row = _split(address)
            values[int(row) - 1][column_index(letters) - 1] = value
        old = next((s for s in payload["sheets"] if s["name"] == name), None)
        sheets.append(sheet_payload(name, values, old["tables"] if old else []))
    return {**payload, "names": names, "sheets": sheets}


def _split(address: str) -> tuple[str, str]:
    letters = "".join(ch for ch in address if ch.isalpha())
    return letters, address[len(letters) :]


def _address(action: Mapping[str, Any], row_offset: int, column_offset: int) -> str:
    column = get_column_letter(action["start_column"] + column_offset + 1)
    return f"{column}{action['start_row'] + row_offset + 1}"


def run_script_on_file(
    script: Callable[[xw.Book], None], path: str | os.PathLike[str]
) -> dict[str, dict[str, Any]]:
    """Run a button script on an .xlsx and return every sheet's cell values afterwards."""
    payload = payload_from_xlsx(Path(path))
    return apply_values(payload, run_script(script, payload))
