"""`cpcxl budget ...`: partner statements, a built copy of a filled-in budget workbook, and the
month-end report.

All follow the one rule for outputs (:class:`cpcxl.common.files.Outputs`): an output is never
the input and never an .xlsm; an output that exists already is kept unless --overwrite, and
the command says which and exits with status 3.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click
from rich.console import Console

from cpcxl.common.commands import require_soffice
from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.files import KEPT_EXIT, OutputRefused, Outputs
from cpcxl.common.soffice import SofficeMissing

from . import engine
from .inputs import MAX_PERIODS
from .workbook import build_result, write_outputs, write_report, write_statements

# Paths are printed whole (no wrapping), so logs and scripts can read them.
console = Console(soft_wrap=True)

OVERWRITE_HELP = "Replace outputs that exist already (a person may have edited them)."


@click.group("budget")
def command() -> None:
    """Pooled and aligned budgets: partner statements, built budgets, month-end reports."""


def _notes(notes: Iterable[str]) -> None:
    for note in notes:
        console.print(f"note: {note}", markup=False, highlight=False)


def _fail(exc: InputError | InputErrors) -> None:
    problems = exc.errors if isinstance(exc, InputErrors) else [exc]
    if isinstance(exc, InputErrors):
        _notes(exc.notes)
    console.print(f"[red]{len(problems)} problem(s); nothing was written:[/]")
    for problem in problems:
        console.print(f"- {problem}", markup=False, highlight=False)
    sys.exit(2)


def _refused(exc: OutputRefused) -> None:
    console.print(f"[red]error:[/] {exc}; nothing was written", highlight=False)
    sys.exit(2)


def _finish(outputs: Outputs) -> None:
    """Say what was kept, and exit with KEPT_EXIT if anything asked for was."""
    if outputs.kept:
        console.print(outputs.kept_message(), markup=False, highlight=False)
        sys.exit(KEPT_EXIT)


@command.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("statements"),
    show_default=True,
    help="Folder for the statements (one workbook per partner).",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF of each statement (LibreOffice).")
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def statements(workbook: Path, out_dir: Path, pdf: bool, overwrite: bool) -> None:
    """Write one statement per partner from a filled-in pooled budget WORKBOOK.

    Each shows the partner's contributions by line and year (cash and in kind apart), its
    share of the pool, its exposure under the current forecast, the scenarios side by side
    with what each would cost it, and the conditions for changing its contribution; --pdf
    gives each partner one PDF of it too. A statement already in --out is kept unless
    --overwrite (the command lists what it kept and exits with status 3); the input is
    never written over.
    """
    if pdf:
        try:
            require_soffice()  # before any work, with how to install it here
        except SofficeMissing as exc:
            console.print(f"[red]error:[/] {exc}; nothing was written", highlight=False)
            sys.exit(2)
    try:
        inputs, result, scenarios = build_result(workbook)
        comparison = engine.compare_scenarios(inputs, scenarios)
    except (InputError, InputErrors) as exc:
        _fail(exc)
        return
    _notes(inputs.notes)
    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    try:
        written = write_statements(result, out_dir, pdf=pdf, rule=outputs, comparison=comparison)
    except OutputRefused as exc:
        _refused(exc)
        return
    for path in written:
        console.print(f"wrote {path}", highlight=False)
    _finish(outputs)


@command.command("build")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The copy to write with the Budget, Risk share, Scenarios and Monitoring sheets.",
)
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def build_command(workbook: Path, out_file: Path, overwrite: bool) -> None:
    """Write a copy of WORKBOOK with its budget built (the input is never changed).

    An --out that exists already is kept unless --overwrite (the command says so and exits
    with status 3); --out is never the input, and never an .xlsm (cpcxl writes .xlsx).
    """
    written = _write_one(workbook, out_file, overwrite, lambda: write_outputs(workbook, out_file))
    if written is not None:
        _bcf(written[1])
        console.print(f"wrote {written[0]}", highlight=False)


def _write_one(
    workbook: Path,
    out_file: Path,
    overwrite: bool,
    write: Callable[[], tuple[Path, engine.BudgetResult]],
) -> tuple[Path, engine.BudgetResult] | None:
    """One output file under the one rule: refused if it is the input or an .xlsm (exit 2),
    kept if it exists and --overwrite was not given (exit 3); written from good input, or
    every problem listed (exit 2). Returns what was written, its notes printed."""
    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    try:
        if not outputs.may_write(out_file):
            _finish(outputs)
    except OutputRefused as exc:
        _refused(exc)
        return None
    try:
        path, result = write()
    except (InputError, InputErrors) as exc:
        _fail(exc)
        return None
    _notes(result.inputs.notes)
    return outputs.wrote(path), result


def _bcf(result: engine.BudgetResult) -> None:
    """A BCF plan's unmet checks, each where it is (they are on the BCF checks sheet too)."""
    if result.bcf is None or result.bcf.met:
        return
    findings = result.bcf.findings
    console.print(f"BCF: {len(findings)} finding(s) against the national requirements:")
    for f in findings:
        where = f"{f.location}: " if f.location else ""
        console.print(f"- {where}{f.message}", markup=False, highlight=False)


@command.command("monitor")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--period",
    type=click.IntRange(1, MAX_PERIODS),
    default=None,
    help="The last period closed (1 = April, or April to June); default: the In-year "
    "setting, else the latest period with an actual.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The month-end report workbook to write.",
)
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def monitor_command(workbook: Path, period: int | None, out_file: Path, overwrite: bool) -> None:
    """Write the month-end report of WORKBOOK as at --period (CPC 509 C2-C5).

    Per line and partner: budget, actual to date, forecast outturn, forecast variance, each
    partner's share of it and the movement since last period, the lines whose forecast
    moved most first, and a chart of forecast outturn against budget by month; in kind
    apart, the carry-forward and who has paid. An --out that exists already is kept unless
    --overwrite (exit 3); --out is never the input, and never an .xlsm.
    """
    written = _write_one(
        workbook, out_file, overwrite, lambda: write_report(workbook, out_file, period)
    )
    if written is None:
        return
    path, result = written
    r = result.in_year
    assert r is not None
    console.print(
        f"As at {r.periods.label(r.period) if r.period else 'no period closed'} "
        f"{r.year}/{(r.year + 1) % 100:02d}: forecast outturn £{r.total_forecast:,.0f} against "
        f"a budget of £{r.total_budget:,.0f} (variance £{r.total_forecast - r.total_budget:,.0f})",
        highlight=False,
    )
    console.print(f"wrote {path}", highlight=False)
