"""``cpcxl workforce ...``: plan a filled workbook from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from cpcxl.common import commands
from cpcxl.common.commands import console, out_file_option, overwrite_option

from .workbook import plan_of, read_inputs, write_planned_copy


@click.group("workforce", cls=commands.Group)
def command() -> None:
    """Workforce mix planning (CPC 505)."""


@command.command("plan")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@out_file_option(
    "Where to write the planned copy, an .xlsx (default: WORKBOOK-plan.xlsx beside it)."
)
@overwrite_option
def plan_command(workbook: Path, out_file: Path | None, overwrite: bool) -> None:
    """Plan the workforce in a filled WORKBOOK; writes a copy with the plan sheets.

    Prints how many staff and demand rows it planned from. The input is never changed, and
    an .xlsm is never written (cpcxl writes .xlsx and would lose its macros). A planned copy
    that exists already is kept unless --overwrite is given: the command says so and exits
    with status 3.

    Example: cpcxl workforce plan workforce_plan.xlsx --out planned.xlsx
    """
    target = out_file or workbook.with_name(f"{workbook.stem}-plan.xlsx")
    outputs = commands.output_file(target, inputs=[workbook], overwrite=overwrite)
    inputs = read_inputs(workbook)
    commands.show_notes(inputs.notes)
    outputs.wrote(write_planned_copy(workbook, target, plan_of(inputs), inputs.notes))
    console.print(
        f"planned {workbook.name} ({len(inputs.staff)} staff rows, {len(inputs.demand)} "
        "demand rows)",
        markup=False,
    )
    commands.report_written(outputs)
