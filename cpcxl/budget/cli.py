"""`cpcxl budget ...`: partner statements, a built copy of a filled-in budget workbook, and the
month-end report.

All follow the one rule for outputs (:class:`cpcxl.common.files.Outputs`): an output is never
the input and never an .xlsm; an output that exists already is kept unless --overwrite, and
the command says which and exits with status 3.
"""

from __future__ import annotations

from pathlib import Path

import click

from cpcxl.common import commands
from cpcxl.common.commands import (
    console,
    out_dir_option,
    out_file_option,
    overwrite_option,
    pdf_option,
)
from cpcxl.common.files import Outputs

from . import engine
from .inputs import MAX_PERIODS
from .workbook import build_result, write_outputs, write_report, write_statements


@click.group("budget", cls=commands.Group)
def command() -> None:
    """Pooled and aligned budgets: partner statements, built budgets, month-end reports."""


@command.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@out_dir_option("Folder for the statements (one workbook per partner).", default=Path("statements"))
@pdf_option
@overwrite_option
def statements(workbook: Path, out_dir: Path, pdf: bool, overwrite: bool) -> None:
    """Write one statement per partner from a filled-in pooled budget WORKBOOK.

    Each shows the partner's contributions by line and year (cash and in kind apart), its
    share of the pool, its exposure under the current forecast, the scenarios side by side
    with what each would cost it, and the conditions for changing its contribution; --pdf
    gives each partner one PDF of it too. A statement already in --out is kept unless
    --overwrite (the command lists what it kept and exits with status 3); the input is
    never written over.

    Example: cpcxl budget statements pooled_budget.xlsx --out statements --pdf
    """
    if pdf:
        commands.require_soffice()  # before any work, with how to install it here
    inputs, result, scenarios = build_result(workbook)
    comparison = engine.compare_scenarios(inputs, scenarios)
    commands.show_notes(inputs.notes)
    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    with commands.progress_bar("Writing statements", len(result.budget.partners)) as update:
        write_statements(
            result, out_dir, pdf=pdf, rule=outputs, comparison=comparison, progress=update
        )
    commands.report_written(outputs)


@command.command("build")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@out_file_option(
    "The copy to write with the Budget, Risk share, Scenarios and Monitoring sheets.",
    required=True,
)
@overwrite_option
def build_command(workbook: Path, out_file: Path, overwrite: bool) -> None:
    """Write a copy of WORKBOOK with its budget built (the input is never changed).

    Prints a Better Care Fund plan's unmet checks, each at its cell. An --out that exists
    already is kept unless --overwrite (the command says so and exits with status 3); --out
    is never the input, and never an .xlsm (cpcxl writes .xlsx).

    Example: cpcxl budget build pooled_budget.xlsx --out built.xlsx
    """
    outputs = commands.output_file(out_file, inputs=[workbook], overwrite=overwrite)
    path, result = write_outputs(workbook, out_file)
    commands.show_notes(result.inputs.notes)
    _bcf(result)
    outputs.wrote(path)
    commands.report_written(outputs)


def _bcf(result: engine.BudgetResult) -> None:
    """A BCF plan's unmet checks, each where it is (they are on the BCF checks sheet too)."""
    if result.bcf is None or result.bcf.met:
        return
    findings = result.bcf.findings
    console.print(f"BCF: {len(findings)} finding(s) against the national requirements:")
    for f in findings:
        where = f"{f.location}: " if f.location else ""
        console.print(f"- {where}{f.message}", markup=False)


@command.command("monitor")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--period",
    type=click.IntRange(1, MAX_PERIODS),
    default=None,
    help="The last period closed (1 = April, or April to June); default: the In-year "
    "setting, else the latest period with an actual.",
)
@out_file_option("The month-end report workbook to write.", required=True)
@overwrite_option
def monitor_command(workbook: Path, period: int | None, out_file: Path, overwrite: bool) -> None:
    """Write the month-end report of WORKBOOK as at --period (CPC 509 C2-C5).

    Per line and partner: budget, actual to date, forecast outturn, forecast variance, each
    partner's share of it and the movement since last period, the lines whose forecast
    moved most first, and a chart of forecast outturn against budget by month; in kind
    apart, the carry-forward and who has paid. Prints the forecast against the budget. An
    --out that exists already is kept unless --overwrite (exit 3); --out is never the
    input, and never an .xlsm.

    Example: cpcxl budget monitor pooled_budget.xlsx --period 6 --out month6.xlsx
    """
    outputs = commands.output_file(out_file, inputs=[workbook], overwrite=overwrite)
    path, result = write_report(workbook, out_file, period)
    commands.show_notes(result.inputs.notes)
    r = result.in_year
    assert r is not None
    console.print(
        f"As at {r.periods.label(r.period) if r.period else 'no period closed'} "
        f"{r.year}/{(r.year + 1) % 100:02d}: forecast outturn £{r.total_forecast:,.0f} against "
        f"a budget of £{r.total_budget:,.0f} (variance £{r.total_forecast - r.total_budget:,.0f})"
    )
    outputs.wrote(path)
    commands.report_written(outputs)
