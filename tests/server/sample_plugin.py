"""A small plugin the runtime tests register, so every argument shape is exercised over HTTP
whatever capabilities are installed: cells, columns, tables, optional arguments, dates as
serial numbers, error values, and a button script that reads a table and writes a sheet.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import xlwings as xw
from openpyxl import Workbook

import cpcxl
from cpcxl.common.errors import InputError
from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.grid import cell_error, elementwise, numbers
from cpcxl.common.limits import check_time
from cpcxl.common.report import Block, SheetOutput
from cpcxl.common.values import is_blank, to_date, to_number
from cpcxl.common.workbook import add_table, save_workbook
from cpcxl.xl.render import render

PLUGIN_NAME = "runtime-sample"


def _score(likelihood: Any, impact: Any) -> float:
    values = []
    for value, what in ((likelihood, "likelihood"), (impact, "impact")):
        number = to_number(value, what=f"a {what} score")
        if number not in (1, 2, 3, 4, 5):
            raise InputError(f"{what} {value!r} is not a score", valid="1, 2, 3, 4 or 5")
        values.append(number)
    return values[0] * values[1]


@examples(
    Example((3, 4), 12.0, "3 × 4 on a 5×5 matrix"),
    Example(([3, 2, 5], [4, 5, 1]), [12.0, 10.0, 5.0], "a column: 3×4, 2×5, 5×1"),
    Example(([[1, 2], [3, 4]], 2), [[2.0, 4.0], [6.0, 8.0]], "a table times one cell"),
    Example(
        ([[1, 2], [3, None]], [[2, 2], [2, None]]),
        [[2.0, 4.0], [6.0, None]],
        "a blank row in both ranges stays blank",
    ),
    Example(
        ([3, "high"], [4, 4]),
        [12.0, "#VALUE! 'high' is not a likelihood score; valid: a number"],
        "a bad cell says why and leaves the others",
    ),
    Example(
        ("#N/A", 4),
        "#VALUE! the input cell holds the error #N/A",
        "an error value in a cell is reported, not read as blank",
    ),
)
def cpc_sample_risk_score(likelihood: Any, impact: Any) -> Any:
    """Risk score: likelihood × impact, each 1 to 5 (a runtime test plugin's function)."""
    return elementwise(_score, likelihood, impact)


@examples(
    Example((dt.date(2026, 4, 1), dt.date(2026, 4, 30)), 29, "30 April is 29 days after 1 April"),
    Example(
        ([dt.date(2025, 4, 1), dt.date(2024, 2, 28)], [dt.date(2026, 3, 31), dt.date(2024, 3, 1)]),
        [364, 2],
        "a financial year is 364 days end to end; 2024 is a leap year (28 Feb -> 1 Mar is 2)",
    ),
    Example(
        ("31/12/2026", "not a date"),
        "#VALUE! 'not a date' is not a date; valid: "
        "a date, an Excel date serial, dd/mm/yyyy or yyyy-mm-dd",
        "bad text is named",
    ),
)
def cpc_sample_days_between(start: Any, end: Any) -> Any:
    """Days from start to end (a runtime test plugin's function)."""
    return elementwise(lambda s, e: (to_date(e) - to_date(s)).days, start, end)


@examples(
    Example(([100, 250, None, 50],), 400.0, "100 + 250 + 50, the blank skipped"),
    Example(([[100, 200], [300, 400]], 0.1), 1100.0, "1,000 plus a 10% uplift"),
    Example(([1, "x"],), "#VALUE! item 2 ('x'): 'x' is not a number", "text is named by position"),
)
def cpc_sample_total(values: Any, uplift: Any = None) -> float:
    """Total of a range, with an optional uplift such as 0.1 for 10% (a test function)."""
    total = sum(numbers(values))
    rate = 0.0 if uplift in (None, "") else to_number(uplift, what="an uplift")
    return total * (1 + rate)


@examples(
    Example((0,), 0, "no time asked for: it stops at once"),
)
def cpc_sample_spin(seconds: Any) -> Any:
    """Works for a number of seconds, checking the clock (a test of the server's time limit)."""
    end = time.monotonic() + to_number(seconds)
    while time.monotonic() < end:
        check_time()
    return 0


@examples(
    Example((2, 3), 6.0, "2 × 3"),
    Example(
        ([[1e300], [2]], 1e10),
        ["#NUM! the result is not a finite number (it is too large, or undefined)", 2e10],
        "1e300 × 1e10 overflows to infinity, which no cell holds; the other cell is fine",
    ),
)
def cpc_sample_product(values: Any, factor: Any) -> Any:
    """Each value times a factor (a test of results that are not finite)."""
    return elementwise(lambda v, f: to_number(v) * to_number(f), values, factor)


SERVICES = [["ASC", "Adult social care"], ["CS", "Children's services"]]


@examples(
    Example(("CS", SERVICES), "Children's services", "CS is the second row's code"),
    Example(
        (["ASC", "XX", None], SERVICES),
        ["Adult social care", "#N/A 'XX' is not a code in the table", None],
        "a code the table lacks is #N/A with the reason; a blank stays blank",
    ),
)
def cpc_sample_lookup(code: Any, table: Any) -> Any:
    """The name beside a code in a two-column table; #N/A where it is not there (a test)."""
    names = {str(row[0]): row[1] for row in table}

    def one(value: Any) -> Any:
        if is_blank(value):
            return None
        if str(value) not in names:
            return cell_error(f"{value!r} is not a code in the table", "#N/A")
        return names[str(value)]

    return [one(v) for v in code] if isinstance(code, list) else one(code)


def _notes(folder: Path) -> Path:
    wb = Workbook()
    wb.active.title = "Notes"
    wb.active["A1"] = "all well"
    return save_workbook(wb, folder / "notes.xlsx")


@examples(ScriptExample(_notes, {"Status": {"A1": "all well"}}, "A1 is copied to Status"))
def sample_copy_status(book: xw.Book) -> None:
    """Copies Notes!A1 to a Status sheet; 'fail' there is a bug (a test of 500 answers)."""
    text = book.sheets["Notes"]["A1"].value
    if text == "fail":
        raise RuntimeError("internal detail that must never reach the user")
    render(book, SheetOutput("Status", [Block([[text]], header=False)]))


def _register(folder: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    add_table(
        ws,
        "Register",
        ["ID", "Likelihood", "Impact", "Raised"],
        [["R1", 3, 4, dt.date(2026, 4, 1)], ["R2", 2, 5, dt.date(2026, 5, 1)]],
    )
    return save_workbook(wb, folder / "sample-register.xlsx")


@examples(
    ScriptExample(
        _register,
        {
            "Scores": {"A1": "ID", "B1": "Score", "A2": "R1", "B2": 12, "A3": "R2", "B3": 10},
            "Register": {"D2": 46113},
        },
        "3×4 = 12 and 2×5 = 10; 01/04/2026 is Excel serial 46113",
    )
)
def sample_score_register(book: xw.Book) -> None:
    """Scores every risk in the Register table onto a Scores sheet (a test button)."""
    if "Register" not in [sheet.name for sheet in book.sheets]:
        raise InputError("the workbook has no Register sheet", valid="a Register sheet")
    rows = book.sheets["Register"].tables["Register"].data_body_range.value
    scores = [[r[0], r[1] * r[2]] for r in rows]
    render(book, SheetOutput("Scores", [Block([["ID", "Score"], *scores])]))


class RuntimeSample:
    @staticmethod
    @cpcxl.hookimpl
    def register_functions():
        return [
            cpc_sample_risk_score,
            cpc_sample_days_between,
            cpc_sample_total,
            cpc_sample_spin,
            cpc_sample_product,
            cpc_sample_lookup,
        ]

    @staticmethod
    @cpcxl.hookimpl
    def register_scripts():
        return [sample_score_register, sample_copy_status]
