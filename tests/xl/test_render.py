"""Reruns of a button never lose what a person typed on its output sheet (issue 12, case 13).

The output is drawn through xlwings' real remote engine; the workbook Excel would send back
next time is built from the actions, a person's edit is made in it, and the button is run
again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from cpcxl.common.report import Block, SheetOutput
from cpcxl.common.workbook import save_workbook
from cpcxl.xl.remote import apply_values, payload_after, payload_from_xlsx, run_script
from cpcxl.xl.render import render

PLAN = SheetOutput(
    "Action plan",
    [
        Block(
            [
                ["Action", "Responsible", "Due"],
                ["Review medication records", "Provider", dt.date(2026, 6, 30)],
                ["Recruit two senior carers", "Provider", dt.date(2026, 9, 1)],
            ],
            row=2,
            title="Actions",
        )
    ],
)


def first_run(tmp_path: Path) -> dict[str, Any]:
    wb = Workbook()
    wb.active.title = "Return"
    wb.active["A1"] = "Riverside Home Care Ltd"
    payload = payload_from_xlsx(save_workbook(wb, tmp_path / "return.xlsx"))
    return payload_after(payload, run_script(lambda book: render(book, PLAN), payload))


def rerun(payload: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    actions = run_script(lambda book: render(book, PLAN), payload)
    return actions, apply_values(payload, actions)


def test_a_rerun_over_an_untouched_sheet_replaces_it_and_keeps_no_copy(tmp_path: Path) -> None:
    payload = first_run(tmp_path)
    actions, cells = rerun(payload)
    assert not [a for a in actions if a["func"] == "copySheet"]
    assert set(cells) == {"Return", "Action plan"}
    assert cells["Action plan"]["A3"] == "Review medication records"


def test_a_rerun_over_an_edited_sheet_keeps_a_copy_and_says_where(tmp_path: Path) -> None:
    payload = first_run(tmp_path)
    plan = next(s for s in payload["sheets"] if s["name"] == "Action plan")
    for row in plan["values"]:
        row.append("")
    plan["values"][2][3] = "Chased on 12/05: policy rewritten"  # D3, beside the first action
    actions, cells = rerun(payload)
    assert [a["func"] for a in actions].count("copySheet") == 1
    assert cells["Action plan (edited)"]["D3"] == "Chased on 12/05: policy rewritten"
    assert "D3" not in cells["Action plan"]  # the new sheet is written afresh
    assert cells["Action plan"]["A6"] == (
        "Your changes to the earlier Action plan sheet are kept on the sheet "
        "'Action plan (edited)'; this sheet was written afresh."
    )
    # Run once more without touching it: the new sheet is cpcxl's own, so no second copy.
    again = payload_after(payload, actions)
    actions, cells = rerun(again)
    assert not [a for a in actions if a["func"] == "copySheet"]
    assert "Action plan (edited)" in cells


def test_a_sheet_of_that_name_cpcxl_never_wrote_is_kept_too(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Action plan"
    wb.active["A1"] = "my own plan, typed before any button was pressed"
    payload = payload_from_xlsx(save_workbook(wb, tmp_path / "own.xlsx"))
    _, cells = rerun(payload)
    assert cells["Action plan (edited)"]["A1"] == "my own plan, typed before any button was pressed"


def test_a_sheet_the_template_made_for_the_button_is_filled_without_a_copy(
    tmp_path: Path,
) -> None:
    from cpcxl.common.workbook import mark_output_sheet

    wb = Workbook()
    wb.active.title = "Action plan"
    wb.active["A1"] = "Press the button to fill this sheet."
    mark_output_sheet(wb, "Action plan")
    payload = payload_from_xlsx(save_workbook(wb, tmp_path / "template.xlsx"))
    actions, cells = rerun(payload)
    assert not [a for a in actions if a["func"] == "copySheet"]
    assert cells["Action plan"]["A3"] == "Review medication records"


def test_a_sheet_a_command_wrote_is_cpcxls_own_to_replace(tmp_path: Path) -> None:
    # A command writes the sheet into a file (openpyxl); the officer opens it and presses
    # the button: nothing was changed by a person, so no copy is kept.
    from cpcxl.common.workbook import render as render_to_file

    wb = Workbook()
    wb.active.title = "Return"
    render_to_file(wb, PLAN)
    payload = payload_from_xlsx(save_workbook(wb, tmp_path / "written.xlsx"))
    actions, cells = rerun(payload)
    assert not [a for a in actions if a["func"] == "copySheet"]
    assert cells["Action plan"]["C3"] == "2026-06-30"  # the date, as xlwings sends it

    # The same file with a person's note typed on the sheet is kept as a copy.
    from openpyxl import load_workbook

    edited = load_workbook(tmp_path / "written.xlsx")
    edited["Action plan"]["D3"] = "chased"
    payload = payload_from_xlsx(save_workbook(edited, tmp_path / "edited.xlsx"))
    actions, cells = rerun(payload)
    assert cells["Action plan (edited)"]["D3"] == "chased"
