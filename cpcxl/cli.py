"""The ``cpcxl`` command. Core commands are here; each plugin adds its own subcommands."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click
from rich.markup import escape

from . import __version__
from .common import commands
from .common.commands import (
    INPUT_EXIT,
    console,
    errors_console,
    out_dir_option,
    overwrite_option,
    progress,
    show_problems,
)
from .common.errors import CpcxlError
from .common.files import Outputs, write_bytes_atomically
from .common.workbook import contents_differences, workbook_contents
from .plugins import plugin_manager, registry


@click.group(
    cls=commands.Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)
@click.version_option(__version__, prog_name="cpcxl")
@click.pass_context
def cli(context: click.Context) -> None:
    """Excel tooling for commissioning and finance teams."""
    if context.invoked_subcommand is None:
        click.echo(context.get_help())


@cli.command()
def plugins() -> None:
    """List each plugin with its functions, scripts, workbooks, schemes, commands and demos.

    Writes nothing: prints each installed plugin's name, then a line for each sort of thing
    it provides.

    Example: cpcxl plugins
    """
    reg = registry()
    commands = _commands_by_plugin()
    for name in reg.plugins:
        provided = {**reg.by_plugin(name), "commands": commands.get(name, [])}
        console.print(f"[bold]{escape(name)}[/bold]")
        for sort, names in provided.items():
            if names:
                console.print(f"  {sort:<10} {', '.join(names)}", markup=False)


@cli.command()
@out_dir_option("Folder to write the workbooks to.", default=Path("workbooks"))
@click.option(
    "--check", is_flag=True, help="Compare with the workbooks in --out instead of writing."
)
@overwrite_option
@click.argument("names", nargs=-1)
def build(out_dir: Path, check: bool, overwrite: bool, names: tuple[str, ...]) -> None:
    """Build the packaged workbooks (all, or those NAMES).

    Writes each as its .xlsx file in --out (with --check, writes nothing and exits with
    status 1 if any differs). A workbook already in --out that differs from the blank
    template (an officer may have filled it in) is kept unless --overwrite is given; the
    command lists what it kept and exits with status 3.

    Example: cpcxl build --out out/workbooks risk_register
    """
    reg = registry()
    unknown = [n for n in names if n not in reg.workbooks]
    if unknown:
        raise click.BadParameter(
            f"unknown workbook {', '.join(unknown)}; known: {', '.join(reg.workbooks)}"
        )
    stale = []
    outputs = Outputs(overwrite=overwrite)
    chosen = [(n, r) for n, r in reg.workbooks.items() if not names or n in names]
    for _name, registered in progress(chosen, "Building workbooks", total=len(chosen)):
        template = registered.item
        target = out_dir / template.filename
        outputs.check(target)
        with tempfile.TemporaryDirectory() as tmp:
            built = template.build(Path(tmp) / template.filename)
            differences = (
                contents_differences(workbook_contents(target), workbook_contents(built))
                if target.exists()
                else ["missing"]
            )
            if check:
                if not target.exists():
                    stale.append(f"{target}: missing")
                elif differences:
                    stale.append(f"{target}:\n  " + "\n  ".join(differences))
                else:
                    console.print(f"[green]up to date[/] {escape(str(target))}")
                continue
            if not differences:
                console.print(f"up to date {target}  ({template.title})", markup=False)
            elif outputs.may_write(target):
                target.parent.mkdir(parents=True, exist_ok=True)
                write_bytes_atomically(target, built.read_bytes())
                console.print(f"wrote {outputs.wrote(target)}  ({template.title})", markup=False)
    if stale:
        errors_console.print(
            "[red]error:[/] workbooks differ from what the code builds; run `cpcxl build`:"
        )
        for line in stale:
            errors_console.print(line, markup=False)
        sys.exit(1)
    commands.exit_if_kept(outputs)


@cli.command()
@out_dir_option(
    "Folder for what the demonstrations write (one folder per demonstration).",
    default=Path("out"),
)
@overwrite_option
@click.argument("names", nargs=-1)
def demo(out_dir: Path, overwrite: bool, names: tuple[str, ...]) -> None:
    """Run every capability's demonstration on bundled sample data (or those NAMES).

    Each writes into its own folder under --out and lists every file it writes. A folder
    from an earlier run (a person may have opened and changed its files) is kept unless
    --overwrite is given; the command then exits with status 3.

    Example: cpcxl demo --out out budget risk
    """
    reg = registry()
    unknown = [n for n in names if n not in reg.demos]
    if unknown:
        raise click.BadParameter(
            f"unknown demonstration {', '.join(unknown)}; known: {', '.join(reg.demos)}",
            param_hint="NAMES",
        )
    outputs = Outputs(overwrite=overwrite)
    for name, registered in reg.demos.items():
        if names and name not in names:
            continue
        folder = out_dir / name
        if folder.exists() and any(folder.iterdir()) and not outputs.may_write(folder):
            continue
        # The title whole, as a heading line (a rule cuts a long title at the terminal's width).
        console.print(f"── {registered.item.title} ──", markup=False)
        before = _files(folder)
        reported = [Path(p) for p in registered.item.run(folder)]
        # every file the demonstration wrote, whether or not its run listed it
        changed = [p for p, stamp in _files(folder).items() if before.get(p) != stamp]
        for path in dict.fromkeys([*reported, *sorted(set(changed) - set(reported))]):
            console.print(f"wrote {outputs.wrote(path)}", markup=False)
    commands.exit_if_kept(outputs)


def _files(folder: Path) -> dict[Path, tuple[int, int]]:
    """Every file under ``folder`` with its modification time and size."""
    if not folder.exists():
        return {}
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


def _register_plugin_commands() -> None:
    plugin_manager().hook.register_commands(cli=cli)
    _whole_summaries(cli)


def _whole_summaries(command: click.Command) -> None:
    """A group's listing shows each command's first sentence whole: click would cut it at
    45 characters, and an officer reading `cpcxl --help` should not have to guess the rest."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            if sub.short_help is None and sub.help:
                first = sub.help.strip().split("\n\n")[0].replace("\n", " ")
                sub.short_help = first.split(". ")[0].rstrip(".")
            _whole_summaries(sub)


def _commands_by_plugin() -> dict[str, list[str]]:
    """Which subcommands each plugin adds, found by letting each add them to a fresh group."""
    found = {}
    for impl in plugin_manager().hook.register_commands.get_hookimpls():
        group = click.Group()
        impl.function(cli=group)
        found[impl.plugin_name] = sorted(group.commands)
    return found


def main() -> None:
    _register_plugin_commands()
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CpcxlError as exc:
        show_problems(exc)
        sys.exit(INPUT_EXIT)
    except SystemExit:
        raise
