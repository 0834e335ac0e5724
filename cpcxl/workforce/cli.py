"""``cpcxl workforce ...``: plan a filled workbook from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.files import KEPT_EXIT, OutputRefused, Outputs

from .workbook import plan_of, read_inputs, write_planned_copy

console = Console(soft_wrap=True)


@click.group("workforce")
def command() -> None:
    """Workforce mix planning (CPC 505)."""


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False)


def _notes(notes: list[str]) -> None:
    for note in notes:
        _say(f"note: {note}")


@command.command("plan")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the planned copy, an .xlsx (default: WORKBOOK-plan.xlsx beside it).",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace the planned copy if it exists already (a person may have edited it).",
)
def plan_command(workbook: Path, out: Path | None, overwrite: bool) -> None:
    """Plan the workforce in a filled WORKBOOK; writes a copy with the plan sheets.

    The input is never changed, and an .xlsm is never written (cpcxl writes .xlsx and would
    lose its macros). A planned copy that exists already is kept unless --overwrite is
    given: the command says so and exits with status 3.
    """
    target = out or workbook.with_name(f"{workbook.stem}-plan.xlsx")
    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    try:
        if not outputs.may_write(target):
            _say(outputs.kept_message())
            sys.exit(KEPT_EXIT)
    except OutputRefused as exc:
        _say(f"error: {exc}; nothing was written")
        sys.exit(2)
    try:
        inputs = read_inputs(workbook)
    except (InputError, InputErrors) as exc:
        problems = exc.errors if isinstance(exc, InputErrors) else [exc]
        _say(f"{len(problems)} problem(s); nothing was written:")
        for problem in problems:
            _say(f"- {problem}")
        _notes(exc.notes if isinstance(exc, InputErrors) else [])
        sys.exit(2)
    _notes(inputs.notes)
    written = outputs.wrote(write_planned_copy(workbook, target, plan_of(inputs), inputs.notes))
    _say(f"wrote {written} ({len(inputs.staff)} staff rows, {len(inputs.demand)} demand rows)")
