"""``cpcxl workforce ...``: plan a filled workbook from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from cpcxl.common.errors import InputError, InputErrors

from . import engine
from .workbook import read_inputs, write_planned_copy

console = Console(soft_wrap=True)


@click.group("workforce")
def command() -> None:
    """Workforce mix planning (CPC 505)."""


def _notes(notes: list[str]) -> None:
    for note in notes:
        console.print(f"note: {note}", markup=False, highlight=False)


@command.command("plan")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the planned copy (default: WORKBOOK with '-plan' added).",
)
def plan_command(workbook: Path, out: Path | None) -> None:
    """Plan the workforce in a filled WORKBOOK; writes a copy with the plan sheets."""
    target = out or workbook.with_name(f"{workbook.stem}-plan{workbook.suffix}")
    if target.resolve() == workbook.resolve():
        raise click.BadParameter("--out must differ from the input: inputs are never changed")
    try:
        inputs = read_inputs(workbook)
    except (InputError, InputErrors) as exc:
        problems = exc.errors if isinstance(exc, InputErrors) else [exc]
        console.print(f"{len(problems)} problem(s); nothing was written:", highlight=False)
        for problem in problems:
            console.print(f"- {problem}", markup=False, highlight=False)
        _notes(exc.notes if isinstance(exc, InputErrors) else [])
        sys.exit(2)
    _notes(inputs.notes)
    result = engine.plan(inputs.staff, inputs.demand, inputs.targets, inputs.assumptions)
    written = write_planned_copy(workbook, target, result, inputs.notes)
    console.print(
        f"wrote {written} ({len(inputs.staff)} staff rows, {len(inputs.demand)} demand rows)",
        highlight=False,
    )
