"""The one command-line dialect every ``cpcxl`` command speaks.

One name per idea (``--out``, ``--overwrite``, ``--pdf``, ``--jobs``, ``--as-of`` for the
date, dd/mm/yyyy), one error style (the located problems, each with what would be valid,
then exit status 2), one end (what was written, what was kept and why, exit status 3 when
something asked for was kept), and a progress bar on anything that can take more than a
moment. Capabilities build their commands from these pieces so that a finance officer who
knows one command knows them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator, Sized
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .errors import CpcxlError, InputError, InputErrors
from .fields import Date
from .files import KEPT_EXIT, OutputRefused, Outputs
from .soffice import SofficeMissing, find_soffice, soffice_hint

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: The exit status of a command stopped by a problem in its input (or its options).
INPUT_EXIT = 2

#: Paths and names are printed whole (no wrapping), so logs and scripts can read them.
console = Console(soft_wrap=True, highlight=False)
errors_console = Console(stderr=True, soft_wrap=True, highlight=False)


def out_file_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """``--out FILE``: the one file a command writes (passed as ``out_file``)."""
    return click.option(
        "--out",
        "out_file",
        type=click.Path(dir_okay=False, path_type=Path),
        required=required,
        help=help,
    )


def out_dir_option(
    help: str, *, required: bool = True, default: Path | None = None
) -> Callable[[F], F]:
    """``--out DIRECTORY``: the folder a command writes into (passed as ``out_dir``)."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=required and default is None,
        default=default,
        show_default=default is not None,
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


def parse_as_of(context: click.Context, parameter: click.Parameter, value: Any) -> dt.date | None:
    """The callback of ``--as-of`` (and of an old name for it): a date, dd/mm/yyyy, read as
    every date is."""
    if value is None:
        return None
    try:
        parsed: dt.date = Date(what="a date").parse(value)
    except InputError as exc:
        raise click.BadParameter(f"{exc.message}; valid: {exc.valid}") from None
    return parsed


def as_of_option(help: str) -> Callable[[F], F]:
    """``--as-of dd/mm/yyyy``: the date a command works things out as at."""
    return click.option("--as-of", "as_of", callback=parse_as_of, metavar="DD/MM/YYYY", help=help)


#: Told how far work has gone: ``update(done, total)`` (total None while it is unknown).
Update = Callable[[int, int | None], None]


@contextlib.contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Update]:
    """A progress bar on the terminal (standard error) for work that says how far it has
    gone through the ``update`` it is given; nothing is drawn when standard error is not a
    terminal, so logs and tests read plain lines."""
    if not errors_console.is_terminal:

        def say_nothing(done: int, total: int | None = None) -> None:
            pass

        yield say_nothing
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

        def update(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def progress(items: Iterable[T], description: str, *, total: int | None = None) -> Iterator[T]:
    """``items`` with a progress bar on the terminal (see :func:`progress_bar`); the total is
    ``len(items)`` unless given."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    with progress_bar(description, total) as update:
        for done, item in enumerate(items, start=1):
            yield item
            update(done, total)


def report_written(outputs: Outputs) -> None:
    """Say every file written (standard output), then :func:`exit_if_kept`."""
    for path in outputs.written:
        console.print(f"wrote {path}", markup=False)
    exit_if_kept(outputs)


def output_file(target: Path, *, inputs: Iterable[Path] = (), overwrite: bool = False) -> Outputs:
    """The rule for a command that writes one file, applied before any work: ``target``
    may not be one of ``inputs`` nor an .xlsm (:class:`OutputRefused`); if it exists and
    ``overwrite`` is not given it is kept, said, and the command exits with status 3.
    Returns the :class:`Outputs` to record the file in once written."""
    outputs = Outputs(overwrite=overwrite, inputs=tuple(inputs))
    if not outputs.may_write(target):
        exit_if_kept(outputs)
    return outputs


def exit_if_kept(outputs: Outputs) -> None:
    """Say every output kept and why, and exit with status 3, if anything asked for was kept
    (for commands that said what they wrote as they went)."""
    if outputs.kept:
        console.print(outputs.kept_message(), markup=False)
        sys.exit(KEPT_EXIT)


def show_notes(notes: Iterable[str]) -> None:
    """Notes on how the input was read ("read the header 'Revenue (£)' as 'Revenue £'"),
    one ``note:`` line each on standard output."""
    for note in notes:
        console.print(f"note: {note}", markup=False)


#: Located problems listed at most: an input wrong throughout (a column of dates typed as
#: text, say) has a problem in every row, and the first hundred show what is wrong. A local
#: choice.
SHOWN_PROBLEMS = 100


def show_problems(exc: CpcxlError) -> None:
    """The one error style, on standard error: each located problem (with what would be
    valid) on a line of its own, the first :data:`SHOWN_PROBLEMS` of them and how many more;
    then the notes on how the input was read, on standard output as every note is."""
    if isinstance(exc, InputError | InputErrors):
        problems = list(exc) if isinstance(exc, InputErrors) else [exc]
        count = len(problems)
        errors_console.print(
            f"[red]error:[/] {count:,} problem{'s' if count != 1 else ''} in the input; "
            "nothing was written:"
        )
        for problem in problems[:SHOWN_PROBLEMS]:
            errors_console.print(f"  - {problem}", markup=False)
        if count > SHOWN_PROBLEMS:
            errors_console.print(
                f"  ... and {count - SHOWN_PROBLEMS:,} more (the first {SHOWN_PROBLEMS} are "
                "shown: put those right and run again to see any left)",
                markup=False,
            )
        show_notes(exc.notes if isinstance(exc, InputErrors) else ())
    elif isinstance(exc, OutputRefused | SofficeMissing):  # said before any work
        errors_console.print(f"[red]error:[/] {escape(str(exc))}; nothing was written")
    else:
        errors_console.print(f"[red]error:[/] {escape(str(exc))}")


def stop(exc: CpcxlError) -> NoReturn:
    """:func:`show_problems`, then exit with :data:`INPUT_EXIT`."""
    show_problems(exc)
    sys.exit(INPUT_EXIT)


class Group(click.Group):
    """A command group whose commands all end the one way on a problem: any
    :class:`CpcxlError` (bad input, a refused output, LibreOffice missing for ``--pdf``)
    is shown by :func:`show_problems` and the command exits with :data:`INPUT_EXIT`; never
    a traceback. Use it as ``@click.group(cls=commands.Group)``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CpcxlError as exc:
            stop(exc)


def require_soffice(component: str = "calc") -> None:
    """Stop before any work if ``--pdf`` was asked for and LibreOffice is missing, saying
    how to install it on this platform (``component``: "calc" for workbooks, "writer" for
    Word documents, where the platform packages them apart)."""
    if find_soffice() is None:
        raise SofficeMissing(
            f"--pdf needs LibreOffice, which is not installed: {soffice_hint(component)}"
        )
