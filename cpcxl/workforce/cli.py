"""``cpcxl workforce ...``: plan a filled workbook from the command line, and the demo."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from . import sample
from .workbook import build, read_inputs, write_plan

console = Console()


@click.group()
def workforce() -> None:
    """Workforce mix planning (CPC 505)."""


@workforce.command("plan")
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
    written = write_plan(workbook, target)
    inputs = read_inputs(written)
    console.print(
        f"wrote {written} ({len(inputs.staff)} staff rows, {len(inputs.demand)} demand rows)"
    )


def run_demo(out_dir: Path) -> list[Path]:
    """Build the workbook with the sample service's data and plan it."""
    data = sample.home_care_service()
    source = build(
        out_dir / "home_care_reablement_inputs.xlsx",
        staff=data["staff"],
        demand=data["demand"],
        targets=data["targets"],
    )
    planned = write_plan(source, out_dir / "home_care_reablement_plan.xlsx")
    return [source, planned]
