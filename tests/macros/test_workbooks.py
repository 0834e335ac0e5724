"""Every packaged workbook works with both add-ins: the desktop add-in's ``xlwings.conf``
sheet loads cpcxl's functions, and every cpcxl function a formula names is registered.

Iterates over ``registry().workbooks``, so each capability's workbook is covered as it lands.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from cpcxl.common.excel_names import desktop_formula_name, office_formula_name
from cpcxl.common.workbook import add_xlwings_conf, save_workbook
from cpcxl.plugins import registry

WORKBOOKS = sorted(registry().workbooks)
#: A cpcxl function in a formula: CPC_NAME( on the desktop, CPC.NAME( in the Office add-in
#: (which Excel may store with its _xldudf_ prefix for add-in functions).
_CALL = re.compile(r"(?<![\w.])(?:_xldudf_)?(CPC[._][A-Z0-9_]+)\s*\(", re.IGNORECASE)


def xlwings_conf(path: Path) -> tuple[str, dict[str, Any]]:
    """The xlwings.conf sheet's state and its settings {name: value}."""
    wb = load_workbook(path)
    assert "xlwings.conf" in wb.sheetnames, f"{path.name} has no xlwings.conf sheet"
    ws = wb["xlwings.conf"]
    return ws.sheet_state, {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}


def check_conf(path: Path) -> None:
    state, settings = xlwings_conf(path)
    assert settings.get("UDF Modules") == "cpcxl.xl.udfs", path.name
    # The file is shared: no setting may point at one PC's interpreter or folders.
    for key in settings:
        assert not key.lower().startswith(("interpreter", "pythonpath")), (path.name, key)
    assert state == "hidden"


def cpcxl_calls(path: Path) -> set[str]:
    """cpcxl functions named in formulas and in text (instructions show formulas as text)."""
    wb = load_workbook(path)
    found = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.update(_CALL.findall(cell.value))
    return found


def registered_function(formula_name: str) -> str | None:
    """The registered function a formula name refers to in either add-in, if any."""
    for name in registry().functions:
        if formula_name.upper() in (desktop_formula_name(name), office_formula_name(name)):
            return name
    return None


@pytest.mark.parametrize("name", WORKBOOKS)
def test_each_packaged_workbook_has_the_desktop_add_ins_settings(name: str, tmp_path) -> None:
    template = registry().workbooks[name].item
    check_conf(template.build(tmp_path / template.filename))
    committed = Path(__file__).resolve().parents[2] / "workbooks" / template.filename
    if committed.exists():  # build_and_compare in the capability's tests checks it exists
        check_conf(committed)


@pytest.mark.parametrize("name", WORKBOOKS)
def test_each_workbook_names_only_registered_functions(name: str, tmp_path) -> None:
    template = registry().workbooks[name].item
    for call in cpcxl_calls(template.build(tmp_path / template.filename)):
        assert registered_function(call), f"{template.filename}: {call} is not a cpcxl function"


def test_the_checks_see_a_good_and_a_bad_workbook(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "=CPC_NO_SUCH_FUNCTION(B1)+SUM(C1:C3)"
    ws["A2"] = "=CPC.ALSO_MISSING(B2)"
    ws["A3"] = "=MY_CPC_THING(B3)"  # someone else's function that merely contains CPC_
    ws["A4"] = "Type =CPC_IN_TEXT(range) to score a column."  # instructions show formulas
    add_xlwings_conf(wb)
    path = save_workbook(wb, tmp_path / "book.xlsx")
    check_conf(path)
    assert cpcxl_calls(path) == {"CPC_NO_SUCH_FUNCTION", "CPC.ALSO_MISSING", "CPC_IN_TEXT"}
    assert registered_function("CPC_NO_SUCH_FUNCTION") is None
    wrong = Workbook()
    add_xlwings_conf(wrong, udf_modules="mymodule")
    with pytest.raises(AssertionError):
        check_conf(save_workbook(wrong, tmp_path / "wrong.xlsx"))


def test_both_add_ins_names_for_a_function() -> None:
    assert desktop_formula_name("cpc_risk_score") == "CPC_RISK_SCORE"
    assert office_formula_name("cpc_risk_score") == "CPC.RISK_SCORE"
