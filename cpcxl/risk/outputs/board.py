"""The board report: one A4 page (landscape) for an audit committee or board, with where the
register stands, the £ exposure, the top risks with their movement, response and the next
action (who owns it, when it is due), the risks that moved and the overdue actions."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput

from .. import engine
from ..inputs import RegisterBook
from ..models import Flag

BOARD_REPORT = "Board report"
BOARD_RISKS = 10
#: Rows of moved risks and overdue actions shown: the page holds the rest of the report.
SHOWN = 8
#: Columns: A Risk ID, B Title, C Score, D Band, E Movement, F Response, G Next action,
#: H Owner, I Due; the smaller tables sit in the columns whose widths suit them.
WIDTHS = {"A": 9, "B": 38, "C": 8, "D": 10, "E": 14, "F": 11, "G": 38, "H": 24, "I": 11}


def _at(block: Block, row: int, column: int = 1) -> Block:
    return dataclasses.replace(block, row=row, column=column)


def board_report_output(result: engine.Assessment, book: RegisterBook) -> SheetOutput:
    scored = result.scored
    live = engine.open_risks(scored)
    exposure = result.analysis.exposure
    late = engine.overdue_actions(result.actions) if len(result.actions) else pd.DataFrame()
    day = f"{book.as_of:%d/%m/%Y}" if book.as_of else "today"
    counts = dict(engine.movement_counts(scored).itertuples(index=False, name=None))
    standing: list[list[Any]] = [
        ["Where the register stands", "Risks"],
        ["Open risks", len(live)],
        ["Above appetite", int(live[engine.flag_column(Flag.ABOVE_APPETITE)].sum())],
        ["Above target, no open action", int(live[engine.flag_column(Flag.NO_OPEN_ACTION)].sum())],
        ["With an action overdue", int(live[engine.flag_column(Flag.ACTION_OVERDUE)].sum())],
        ["Score increased since last review", counts.get("Increased", 0)],
        ["Score reduced since last review", counts.get("Reduced", 0)],
    ]
    contingency = f"Contingency at {exposure.confidence:.0%} confidence"
    money: list[list[Any]] = [
        [f"Quantified exposure ({exposure.risks} risks)", "£"],
        ["Expected exposure", engine.round_pounds(exposure.expected)],
        [contingency, engine.round_pounds(exposure.contingency)],
        ["P95", engine.round_pounds(exposure.p95)],
    ]
    intro = Block(
        [[f"As of {day}; matrix {book.matrix.name}."]],
        row=2,
        header=False,
        title="Risk register: report to the board",
    )
    blocks = [
        intro,
        Block(standing, row=4, column=2),
        Block(money, row=4, column=7, formats={1: formats.GBP}),
    ]
    top = engine.board_risks(scored, result.actions, BOARD_RISKS)
    row = 4 + len(standing) + 2
    blocks.append(
        _at(Block.from_frame(top, title=f"Top {BOARD_RISKS} open risks by residual score"), row)
    )
    row += len(top) + 3
    moved = engine.movement(scored).rename(
        columns={"Score at last review": "Was", "Residual score": "Now"}
    )
    if len(moved):
        shown = Block.from_frame(moved.head(SHOWN), title=_shown("Scores that moved", moved))
        blocks.append(_at(shown, row))
    if len(late):
        table = late[["Risk ID", "Action", "Owner", "Due date"]].head(SHOWN)
        shown = Block.from_frame(table, title=_shown("Overdue actions", late))
        blocks.append(_at(shown, row, column=6))
    return SheetOutput(BOARD_REPORT, blocks, widths=WIDTHS)


def _shown(title: str, frame: pd.DataFrame) -> str:
    more = len(frame) - SHOWN
    return f"{title} ({SHOWN} of {len(frame)}; the Summary lists all)" if more > 0 else title
