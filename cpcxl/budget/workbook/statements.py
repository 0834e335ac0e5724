"""Partner statements for negotiation: one workbook per partner and, on request, one PDF per
partner (LibreOffice), each on A4 with money in £ and every chart from £0."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from cpcxl.common.files import Outputs
from cpcxl.common.soffice import convert
from cpcxl.common.workbook import render, save_workbook, set_print

from .. import engine, outputs
from .charts import statement_chart
from .template import MARKING


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "partner"


def write_statements(
    result: engine.BudgetResult,
    out_dir: str | os.PathLike[str],
    *,
    pdf: bool = False,
    rule: Outputs | None = None,
    comparison: pd.DataFrame | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[Path]:
    """One statement workbook per partner, each written atomically; with ``pdf``, a PDF copy
    of each too (LibreOffice), for partners who will not open a workbook. ``comparison``
    (:func:`cpcxl.budget.engine.compare_scenarios`) puts the scenarios side by side in each.
    ``progress(done, total)`` is told after each partner's statement (and PDF).

    ``rule`` is the one a command follows (:class:`cpcxl.common.files.Outputs`): every
    file is checked before any is written (never the input, never an .xlsm), and one that
    exists is kept unless it allows overwriting; without it, files are replaced (the demo).
    """
    out_dir = Path(out_dir)
    rule = rule if rule is not None else Outputs(overwrite=True)
    targets = {}
    used: set[str] = set()
    for partner in result.budget.partners:
        name = slug(partner)
        while name in used:  # "A&B" and "A-B" must not overwrite each other's statement
            name += "-2"
        used.add(name)
        targets[partner] = out_dir / f"statement-{name}.xlsx"
    for target in targets.values():  # refuse before anything is written
        rule.check(target)
        if pdf:
            rule.check(target.with_suffix(".pdf"))
    written = []
    for done, (partner, target) in enumerate(targets.items(), start=1):
        paper = target.with_suffix(".pdf")
        write_book = rule.may_write(target)
        write_paper = pdf and rule.may_write(paper)
        if write_book:
            written.append(rule.wrote(write_statement(result, partner, target, comparison)))
            if write_paper:
                written.append(rule.wrote(convert(target, paper, to="pdf")))
        elif write_paper:  # the statement is kept (it may be edited): a PDF of a fresh one
            with tempfile.TemporaryDirectory(prefix="cpcxl-statement-") as tmp:
                fresh = write_statement(result, partner, Path(tmp) / target.name, comparison)
                written.append(rule.wrote(convert(fresh, paper, to="pdf")))
        if progress is not None:
            progress(done, len(targets))
    return written


def write_statement(
    result: engine.BudgetResult,
    partner: str,
    target: Path,
    comparison: pd.DataFrame | None = None,
) -> Path:
    """One partner's statement workbook: A4 landscape, fitted to the page's width, the
    heading repeated on every page, the chart of its contributions by year from £0."""
    sheet = outputs.statement_sheet(result, partner, comparison)
    wb = Workbook()
    render(wb, sheet, index=0)
    del wb["Sheet"]
    ws = wb[sheet.name]
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:2")
    statement_chart(ws, len(result.inputs.arrangement.year_list), partner)
    return save_workbook(wb, target)
