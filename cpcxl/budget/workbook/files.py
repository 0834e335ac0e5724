"""Reading a filled budget workbook, and writing its outputs: a built copy of it, and the
month-end report on its own. openpyxl and calamine only: no Excel needed."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.workbook import open_for_reading, read_tables, render, save_workbook, set_print

from .. import engine, outputs
from ..inputs import SPECS, read_inputs
from .charts import contribution_charts, forecast_chart
from .template import MARKING, PARTNERS_SHEET, _partner_chart


def read_workbook(
    path: str | os.PathLike[str],
) -> tuple[engine.BudgetInputs, list[engine.ScenarioChange]]:
    """The inputs of a filled-in budget workbook; InputErrors lists every problem with its
    file, sheet and cell."""
    path = Path(path)
    inputs, scenarios = read_inputs(read_tables(path, SPECS), file=path.name)
    problems = engine.check(inputs)
    problems.extend(engine.check_scenarios(inputs, scenarios))
    if problems:
        raise InputErrors([e.at(file=path.name) for e in problems], notes=inputs.notes)
    return inputs, scenarios


def check_period(inputs: engine.BudgetInputs, period: int | None) -> None:
    """A period asked for (``--period``) must be one of the monitored year's."""
    size = inputs.in_year.settings.periods.size
    if period is not None and not 1 <= period <= size:
        kind = inputs.in_year.settings.periods.value.lower()
        raise InputError(
            f"--period {period} is beyond the year: a {kind} year has {size} periods",
            valid=f"1 to {size}",
        )


def build_result(
    source: str | os.PathLike[str], period: int | None = None
) -> tuple[engine.BudgetInputs, engine.BudgetResult, list[engine.ScenarioChange]]:
    """A filled workbook read and built (the in-year position as at ``period``); located
    errors name the file."""
    inputs, scenarios = read_workbook(source)
    check_period(inputs, period)
    try:
        result = engine.build(inputs, check_first=False, period=period)
    except InputErrors as errors:
        raise InputErrors([e.at(file=Path(source).name) for e in errors]) from None
    return inputs, result, scenarios


def write_outputs(
    source: str | os.PathLike[str], target: str | os.PathLike[str]
) -> tuple[Path, engine.BudgetResult]:
    """A copy of ``source`` with the Budget, Risk share, Scenarios and Monitoring sheets added
    (and the Month-end report and BCF checks where there are any).

    The source is never changed; the copy is written atomically.
    """
    inputs, result, scenarios = build_result(source)
    comparison = engine.compare_scenarios(inputs, scenarios)
    wb = open_for_reading(source)
    sheets = outputs.output_sheets(result, comparison)
    for output in sheets:
        ws = render(wb, output)
        set_print(ws, landscape=True, header=MARKING, repeat_rows="1:2")
    contribution_charts(wb[outputs.BUDGET], sheets[0])
    report = next((s for s in sheets if s.name == outputs.REPORT), None)
    if report is not None:
        forecast_chart(wb[outputs.REPORT], report)
    if PARTNERS_SHEET in wb.sheetnames and not wb[PARTNERS_SHEET]._charts:
        _partner_chart(wb[PARTNERS_SHEET])
    return save_workbook(wb, target), result


def write_report(
    source: str | os.PathLike[str], target: str | os.PathLike[str], period: int | None = None
) -> tuple[Path, engine.BudgetResult]:
    """The month-end report as at ``period``, a workbook of its own to hand to the partners
    (its chart of forecast outturn against budget by month included); the source is never
    changed."""
    _, result, _ = build_result(source, period)
    if result.in_year is None:
        raise InputError(
            "there is nothing to report on: no actuals by period and no payments",
            valid="the Actuals by period table (or the Payments table) filled in",
        )
    sheet = outputs.report_sheet(result)
    wb = Workbook()
    render(wb, sheet, index=0)
    del wb["Sheet"]
    ws = wb[sheet.name]
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:2")
    forecast_chart(ws, sheet)
    return save_workbook(wb, target), result
