"""The one command-line dialect every ``cpcxl`` command speaks.

One name per idea (``--out``, ``--overwrite``, ``--pdf``, ``--jobs``, ``--as-of`` for the
date, dd/mm/yyyy), one error style (the located problems, each with what would be valid,
then exit status 2), one end (what was written, what was kept and why, exit status 3 when
something asked for was kept), and a progress bar on anything that can take more than a
moment. Capabilities build their commands from these pieces so that a finance officer who
knows one command knows them all.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .errors import CpcxlError, InputError, InputErrors
from .fields import Date
from .files import KEPT_EXIT, Outputs
from .soffice import SofficeMissing, find_soffice, soffice_hint

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: The exit status of a command stopped by a problem in its input (or its options).
INPUT_EXIT = 2

#: Paths and names are printed whole (no wrapping), so logs and scripts can read them.
console = Console(soft_wrap=True, highlight=False)
errors_console = Console(stderr=True, soft_wrap=True, highlight=False)


def out_file_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


def out_dir_option(help: str, *, required: bool = True) -> Callable[[F], F]:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=required,
        help=help,
    )


overwrite_option = click.option(
    "--overwrite",
    is_flag=True,
    help="Replace outputs that exist already (a person may have edited them); without it "
    "they are kept, listed, and the command exits with status 3.",
)
pdf_option = click.option(
    "--pdf", is_flag=True, help="Also write a PDF of each (needs LibreOffice)."
)
jobs_option = click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="How many to work on at once (processes).",
)


def _as_of(context: click.Context, parameter: click.Parameter, value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        parsed: dt.date = Date(what="a date").parse(value)
    except InputError as exc:
        raise click.BadParameter(f"{exc.message}; valid: {exc.valid}") from None
    return parsed


def as_of_option(help: str) -> Callable[[F], F]:
    """``--as-of dd/mm/yyyy``: the date a command works things out as at."""
    return click.option("--as-of", "as_of", callback=_as_of, metavar="DD/MM/YYYY", help=help)


def progress(items: Iterable[T], description: str, *, total: int | None = None) -> Iterator[T]:
    """``items`` with a progress bar on the terminal (nothing is drawn when output is not a
    terminal, so logs and tests read plain lines)."""
    if not errors_console.is_terminal:
        yield from items
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)


def report_written(outputs: Outputs) -> None:
    """Say every file written and every one kept; exit 3 if anything asked for was kept."""
    for path in outputs.written:
        console.print(f"wrote {path}")
    if outputs.kept:
        console.print(outputs.kept_message(), markup=False)
        sys.exit(KEPT_EXIT)


def show_problems(exc: CpcxlError) -> None:
    """The one error style: each located problem on a line of its own, then what to do."""
    if isinstance(exc, InputErrors):
        count = len(exc)
        console.print(
            f"[red]error:[/] {count} problem{'s' if count != 1 else ''} in the input; "
            "nothing was written:"
        )
        for problem in exc:
            console.print(f"  - {problem}", markup=False)
    else:
        console.print(f"[red]error:[/] {escape(str(exc))}")


def require_soffice() -> None:
    """Stop before any work if ``--pdf`` was asked for and LibreOffice is missing."""
    if find_soffice() is None:
        raise SofficeMissing(f"--pdf needs LibreOffice, which is not installed: {soffice_hint()}")
