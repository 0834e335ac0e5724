"""`cpcxl proposals ...`: evaluate a filled workbook and write feedback for each submitter."""

from __future__ import annotations

from pathlib import Path

import click

from cpcxl.common.errors import InputErrors

from . import engine
from .models import Round

_WORKBOOK = click.Path(exists=True, dir_okay=False, path_type=Path)


def _read(workbook: Path) -> Round:
    """The round in WORKBOOK, with any notes on how it was read printed first."""
    from .workbook import read_round_file

    try:
        round_ = read_round_file(workbook)
    except InputErrors as problems:
        _notes(problems.notes)
        raise
    _notes(round_.notes)
    return round_


def _notes(notes: list[str]) -> None:
    for text in notes:
        click.echo(f"note: {text}")


@click.group("proposals")
def command() -> None:
    """Expenditure proposal evaluation (CPC 506 B)."""


@command.command("feedback")
@click.argument("workbook", type=_WORKBOOK)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the feedback documents.",
)
def feedback_command(workbook: Path, out_dir: Path) -> None:
    """Write one feedback document per proposal in WORKBOOK."""
    from .workbook import write_feedback

    result = engine.evaluate(_read(workbook))
    for path in write_feedback(result, out_dir):
        click.echo(f"wrote {path}")


@command.command("evaluate")
@click.argument("workbook", type=_WORKBOOK)
@click.option(
    "--out",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the evaluated copy (the input is unchanged).",
)
def evaluate_command(workbook: Path, target: Path) -> None:
    """Write a copy of WORKBOOK with the Appraisal, Scores, Ranking, Portfolio and Feedback."""
    from .workbook import write_results

    round_ = _read(workbook)
    write_results(workbook, target, engine.evaluate(round_), round_.notes)
    click.echo(f"wrote {target}")
