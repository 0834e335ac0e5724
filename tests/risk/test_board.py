"""The Board report sheet (issue 15): where the register stands, the top open risks with
their movement and next action, the scores that moved, and one landscape A4 page."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from cpcxl.common import soffice as lo
from cpcxl.risk import workbook
from cpcxl.risk.models import RiskRow, RiskStatus
from cpcxl.risk.outputs.board import BOARD_REPORT, BOARD_RISKS, SHOWN
from cpcxl.risk.sample import example_workbook


def cells(path: Path) -> dict[str, Any]:
    ws = load_workbook(path)[BOARD_REPORT]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def table(sheet: dict[str, Any], title: str, columns: str) -> list[list[Any]]:
    """The body of the table under ``title`` (its header the next row), column by column."""
    row = next(int(k[1:]) for k, v in sheet.items() if v == title and k[0] == "A")
    body = []
    for r in range(row + 2, row + 2 + 50):
        values = [sheet.get(f"{c}{r}") for c in columns]
        if values[0] is None:
            break
        body.append(values)
    return body


def test_the_three_example_risks_by_hand(tmp_path: Path) -> None:
    sheet = cells(example_workbook(tmp_path))
    # R1 residual 3 × 4 = 12 > Cautious 9; R2 4 × 5 = 20 > Averse 3: two above appetite.
    # R1 has an open action due 30/09/2026 (after 01/06/2026): none overdue, none without one.
    # R2 went 15 -> 20 (increased), R1 16 -> 12 (reduced).
    standing = {sheet[f"B{r}"]: sheet[f"C{r}"] for r in range(5, 11)}
    assert standing == {
        "Open risks": 3,
        "Above appetite": 2,
        "Above target, no open action": 0,
        "With an action overdue": 0,
        "Score increased since last review": 1,
        "Score reduced since last review": 1,
    }
    # Highest residual first: R2 20 (Extreme, 20 >= 15), R1 12 (High), R3 4 (its residual
    # likelihood 'likley' is misspelt, so its inherent 2 × 2 = 4, Moderate, stands).
    top = table(sheet, f"Top {BOARD_RISKS} open risks by residual score", "ACDEGHI")
    assert top == [
        ["R2", 20, "Extreme", "Increased", None, "Safeguarding Lead", None],
        [
            "R1", 12, "High", "Reduced",
            "Agree a contingency plan with the two other home care providers",
            "Head of Commissioning", dt.datetime(2026, 9, 30),
        ],
        ["R3", 4, "Moderate", "No earlier score", None, "Communications Manager", None],
    ]  # fmt: skip
    assert table(sheet, "Scores that moved", "ACDE") == [
        ["R1", 16, 12, "Reduced"],
        ["R2", 15, 20, "Increased"],
    ]


def twelve_risks() -> list[RiskRow]:
    """R01..R12 with residual likelihood × impact set so the order is known by hand: Rn has
    residual n // 3 + 1 by 5 (R01-R02 5, R03-R05 10, R06-R08 15, R09-R11 20, R12 25), R12
    is closed, and each was scored 1 at the last review (so all eleven open ones increased)."""
    rows = []
    for n in range(1, 13):
        likelihood = n // 3 + 1
        rows.append(
            RiskRow(
                risk_id=f"R{n:02d}",
                title=f"Risk {n}",
                category="Financial loss",
                inherent_likelihood=5,
                inherent_impact=5,
                residual_likelihood=min(likelihood, 5),
                residual_impact=5,
                status=RiskStatus.CLOSED if n == 12 else RiskStatus.OPEN,
                previous_score=1,
            )
        )
    return rows


def test_the_top_ten_are_the_highest_open_residual_scores(tmp_path: Path) -> None:
    path = workbook.build_register_workbook(
        tmp_path / "twelve.xlsx", twelve_risks(), as_of=dt.date(2026, 6, 1)
    )
    sheet = cells(path)
    top = table(sheet, f"Top {BOARD_RISKS} open risks by residual score", "AC")
    # R12 (25) is closed; of the eleven open, R01 and R02 tie at 5 (the same inherent 25 too),
    # and a tie goes in order of ID, so R02 is the one left out.
    assert top == [
        ["R09", 20], ["R10", 20], ["R11", 20],
        ["R06", 15], ["R07", 15], ["R08", 15],
        ["R03", 10], ["R04", 10], ["R05", 10],
        ["R01", 5],
    ]  # fmt: skip
    assert sheet["C5"] == 11 and sheet["C9"] == 11  # open; increased since last review
    moved_title = f"Scores that moved ({SHOWN} of 11; the Summary lists all)"
    assert len(table(sheet, moved_title, "A")) == SHOWN


@pytest.mark.soffice
def test_the_board_report_prints_on_one_landscape_a4_page(soffice: str, tmp_path: Path) -> None:
    path = workbook.build_register_workbook(
        tmp_path / "twelve.xlsx", twelve_risks(), as_of=dt.date(2026, 6, 1)
    )
    ws = load_workbook(path)[BOARD_REPORT]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    # LibreOffice prints the sheet alone: one page.
    only = load_workbook(path)
    for name in only.sheetnames:
        if name != BOARD_REPORT:
            del only[name]
    alone = tmp_path / "board.xlsx"
    only.save(alone)
    pdf = lo.convert(alone, tmp_path / "board.pdf")
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "pdfinfo is missing: install poppler-utils (.ci/run does)"
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
