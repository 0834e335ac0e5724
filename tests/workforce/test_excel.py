"""The worksheet functions beyond their worked examples, and the button on awkward books."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from cpcxl.common.errors import InputErrors
from cpcxl.workforce import excel, sample
from cpcxl.workforce.workbook import HEADER_ROW, build
from cpcxl.xl.remote import run_script_on_file


def test_functions_reach_excels_module_with_their_docstrings() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    for name in ("cpc_fte", "cpc_required_fte", "cpc_workforce_gap", "cpc_recruitment_need"):
        assert name in udfs.__all__
        assert len(getattr(udfs, name).__doc__) <= 255


def test_a_row_of_hours_and_a_blank_standard() -> None:
    # A row arrives as a flat list too: 3 × 12.5 = 37.5 h is 1 FTE on the default week.
    assert excel.cpc_fte([12.5, 12.5, 12.5], None) == pytest.approx(1.0)


def test_required_fte_headroom_can_be_a_range_beside_the_worked_fte() -> None:
    # 10 × 1.1 = 11 and 10 × 1.25 = 12.5, each row its own headroom.
    assert excel.cpc_required_fte([[10], [10]], [[0.1], [0.25]]) == [[11.0], [12.5]]
    assert excel.cpc_required_fte(10, "22%") == pytest.approx(12.2)


def test_recruitment_need_with_percent_text_as_people_type_it() -> None:
    # 100 − 100 × 0.92 × 0.75 = 31
    assert excel.cpc_recruitment_need(100, "25%", "8%", 1) == pytest.approx(31)


def _infeasible_book(folder: Path) -> Path:
    targets = [
        ["Minimum permanent share", None, None, 0.95],
        ["Maximum hours of a contract type", None, "Bank or zero-hours", 0],
    ]
    return build(folder / "infeasible.xlsx", targets=targets)


def test_the_button_explains_an_infeasible_mix(tmp_path: Path) -> None:
    # 95% permanent needs permanent hours far past what a 30% recruitment rate allows.
    cells = run_script_on_file(excel.plan_workforce, _infeasible_book(tmp_path))
    mix = cells["Optimised mix"]
    assert mix["A2"].startswith("No mix meets every constraint.")
    assert "minimum permanent share 95% (whole organisation)" in mix["A2"]
    assert "recruitment capacity" in mix["A2"]
    assert "maximum agency share" not in mix["A2"]
    # The other sheets are still written.
    assert cells["Gap"]["A3"] == "Care worker"


def test_the_button_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    staff = [list(r) for r in sample.EXAMPLE_STAFF]
    staff[0][4] = 120
    staff[1][2] = "Casual"
    source = build(tmp_path / "bad.xlsx", staff=staff)
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.plan_workforce, source)
    text = str(caught.value)
    first = HEADER_ROW + 1
    assert f"sheet 'Staff', row {first}, field 'Hours per week'" in text
    assert f"row {first + 1}, field 'Contract type': 'Casual' is not a known contract type" in text


def test_pressing_the_button_twice_replaces_the_sheets(tmp_path: Path) -> None:
    from cpcxl.xl.remote import apply_values, payload_from_xlsx, run_script

    payload = payload_from_xlsx(build(tmp_path / "plan.xlsx"))
    first = apply_values(payload, run_script(excel.plan_workforce, payload))
    # Run again on a payload that already has the output sheets.
    payload["sheets"] += [
        {"name": name, "values": [["old"]], "pictures": [], "tables": []}
        for name in ("Plan", "Gap", "Projection", "Optimised mix", "Risks")
    ]
    second = apply_values(payload, run_script(excel.plan_workforce, payload))
    assert second["Gap"] == first["Gap"]


def test_the_button_draws_the_gap_chart_from_the_by_role_table(tmp_path: Path) -> None:
    from cpcxl.xl.remote import payload_from_xlsx, run_script

    payload = payload_from_xlsx(build(tmp_path / "plan.xlsx"))
    charts = [a for a in run_script(excel.plan_workforce, payload) if a["func"] == "addChart"]
    assert len(charts) == 1
    # The example has five roles: header on row 2, roles on rows 3-7; role, required, current.
    name, kind, sheet, source = charts[0]["args"][:4]
    assert (name, kind, sheet, source) == ("Gap chart", "BarClustered", "Gap", "$A$2:$C$7")


def test_the_button_colours_shortfalls_red(tmp_path: Path) -> None:
    from cpcxl.common import formats
    from cpcxl.xl.remote import payload_from_xlsx, run_script

    payload = payload_from_xlsx(build(tmp_path / "plan.xlsx"))
    actions = run_script(excel.plan_workforce, payload)
    gap_sheet = next(a["sheet_position"] for a in actions if a["func"] == "addChart")
    colours = {
        (a["start_row"], a["start_column"]): a["args"][0]
        for a in actions
        if a["func"] == "setRangeColor" and a["sheet_position"] == gap_sheet
    }
    # Care worker's gap (Gap!D3, 6.376 short) is red.
    assert colours[(2, 3)].lstrip("#").upper() == formats.RED
