"""The core `cpcxl` commands."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from cpcxl.cli import cli
from cpcxl.plugins import registry

ROOT = Path(__file__).resolve().parents[1]


def test_plugins_lists_every_plugin_with_what_it_provides() -> None:
    result = CliRunner().invoke(cli, ["plugins"], terminal_width=400)
    assert result.exit_code == 0, result.output
    reg = registry()
    for name in reg.plugins:
        assert name in result.output
    for function in reg.functions:
        assert function in result.output
    # Each plugin's subcommands are listed under it, found from the plugin's own hook.
    lines = result.output.splitlines()
    server = lines.index("server")
    assert lines[server + 1].split() == ["commands", "macros,", "serve"]


def test_build_check_passes_for_the_committed_workbooks() -> None:
    result = CliRunner().invoke(cli, ["build", "--check", "--out", str(ROOT / "workbooks")])
    assert result.exit_code == 0, result.output
    for registered in registry().workbooks.values():
        assert registered.item.filename in result.output


def test_build_check_fails_and_says_so_for_a_missing_workbook(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1
    for registered in registry().workbooks.values():
        assert f"{registered.item.filename}: missing" in result.output


def test_unknown_workbook_name_lists_the_known_ones() -> None:
    result = CliRunner().invoke(cli, ["build", "no-such-workbook"])
    assert result.exit_code != 0
    assert "unknown workbook no-such-workbook; known:" in result.output


def test_the_console_script_runs_and_reports_its_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cpcxl", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "cpcxl, version 0.1.0"


def _main(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cpcxl", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**__import__("os").environ, "COLUMNS": "250"},
    )


def test_build_never_replaces_a_filled_in_workbook_without_overwrite(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    first = _main("build", "--out", str(tmp_path), "risk_register")
    assert first.returncode == 0, first.stdout + first.stderr
    target = tmp_path / "risk_register.xlsx"
    # An officer fills in a risk and saves.
    wb = load_workbook(target)
    wb["Register"]["B5"] = "Provider failure in home care"
    wb.save(target)
    filled = target.read_bytes()

    again = _main("build", "--out", str(tmp_path), "risk_register")
    assert again.returncode == 3  # kept something it was asked to write
    assert "kept 1 existing file" in again.stdout and str(target) in again.stdout
    assert target.read_bytes() == filled  # the officer's risk is still there

    replaced = _main("build", "--out", str(tmp_path), "--overwrite", "risk_register")
    assert replaced.returncode == 0
    assert load_workbook(target)["Register"]["B5"].value != "Provider failure in home care"


def test_build_over_an_unchanged_workbook_says_it_is_up_to_date(tmp_path: Path) -> None:
    assert _main("build", "--out", str(tmp_path), "risk_register").returncode == 0
    again = _main("build", "--out", str(tmp_path), "risk_register")
    assert again.returncode == 0 and "up to date" in again.stdout


def test_no_output_may_be_the_input_or_a_macro_workbook(tmp_path: Path) -> None:
    import pytest

    from cpcxl.common.files import OutputRefused, Outputs

    source = tmp_path / "round.xlsx"
    source.write_bytes(b"x")
    link = tmp_path / "link.xlsx"
    link.symlink_to(source)
    rule = Outputs(inputs=(source,))
    for target in (source, tmp_path / "." / "round.xlsx", link):
        with pytest.raises(OutputRefused, match="never writes over its input"):
            rule.check(target)
    with pytest.raises(OutputRefused, match="macro-enabled"):
        rule.check(tmp_path / "book.xlsm")
    rule.check(tmp_path / "other.xlsx")  # anything else may be written


def test_bare_cpcxl_shows_its_help_and_exits_0() -> None:
    result = _main()
    assert result.returncode == 0
    assert "Usage:" in result.stdout and "build" in result.stdout and "demo" in result.stdout


def test_an_unknown_demonstration_is_an_error_naming_the_known_ones() -> None:
    result = _main("demo", "nope")
    assert result.returncode == 2
    known = ", ".join(registry().demos)
    assert f"unknown demonstration nope; known: {known}" in result.stderr


def test_a_demonstration_keeps_an_earlier_runs_folder_unless_overwrite(tmp_path: Path) -> None:
    first = _main("demo", "--out", str(tmp_path), "risk")
    assert first.returncode == 0, first.stdout + first.stderr
    written = [
        line.removeprefix("wrote ")
        for line in first.stdout.splitlines()
        if line.startswith("wrote ")
    ]
    assert written and all(Path(p).exists() for p in written)  # it lists what it wrote
    # Its title whole, however wide (a rich rule cut it at 80 columns when piped).
    assert f"── {registry().demos['risk'].item.title} ──" in first.stdout.splitlines()
    marker = tmp_path / "risk" / "my notes.txt"
    marker.write_text("an officer's own file")
    again = _main("demo", "--out", str(tmp_path), "risk")
    assert again.returncode == 3
    assert "kept 1 existing file" in again.stdout and str(tmp_path / "risk") in again.stdout
    replaced = _main("demo", "--out", str(tmp_path), "--overwrite", "risk")
    assert replaced.returncode == 0


def test_group_listings_show_each_commands_summary_whole() -> None:
    # click cuts a command's summary at 45 characters with '...'; cpcxl's listings do not.
    for words in ((), ("budget",), ("monitoring",), ("risk",), ("proposals",), ("workforce",)):
        result = _main(*words, "--help")
        assert result.returncode == 0
        listing = result.stdout.split("Commands:")[1]
        assert "..." not in listing, listing


def _every_command() -> list[tuple[str, click.Command]]:
    """Every command cpcxl has, by its words ("risk import"), from click's command tree."""
    from cpcxl.cli import _register_plugin_commands

    _register_plugin_commands()
    found: list[tuple[str, click.Command]] = []

    def walk(words: str, command: click.Command) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{words} {name}".strip(), sub)
        else:
            found.append((words, command))

    walk("", cli)
    return found


def test_every_commands_help_says_what_it_writes_and_ends_with_an_example() -> None:
    commands = _every_command()
    words = {w for w, _ in commands}
    # the walk reaches every capability's commands, not only the core ones
    assert {"build", "demo", "risk import", "budget monitor", "proposals feedback",
            "workforce plan", "monitoring batch", "serve", "macros"} <= words  # fmt: skip
    for name, command in commands:
        with click.Context(command, info_name=f"cpcxl {name}") as context:
            text = command.get_help(context)
        paragraphs = inspect.cleandoc(command.help or "").split("\n\n")
        assert paragraphs[-1].startswith("Example: "), f"cpcxl {name}: no example last"
        assert f"cpcxl {name}" in paragraphs[-1], f"cpcxl {name}: its example is of another"
        described = (command.help or "").lower()
        assert any(w in described for w in ("write", "writes", "prints")), (
            f"cpcxl {name}: its help does not say what it writes (or prints)"
        )
        assert "Example: " in text


def test_one_name_per_idea_across_commands() -> None:
    # the date is --as-of (dd/mm/yyyy) everywhere; an old name may only be a hidden alias
    for name, command in _every_command():
        for param in command.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            opts = set(param.opts)
            assert not opts & {"--as-at", "--date", "--output", "--force", "--processes"}, (
                f"cpcxl {name}: {sorted(opts)}"
            )
            if param.metavar == "DD/MM/YYYY" or "dd/mm/yyyy" in (param.help or ""):
                assert opts == {"--as-of"}, f"cpcxl {name}: a date option named {opts}"
            if param.name in ("out_file", "out_dir"):
                assert opts == {"--out"}, f"cpcxl {name}: {opts}"
            if param.name in ("overwrite", "pdf", "jobs"):
                assert opts == {f"--{param.name}"}, f"cpcxl {name}: {opts}"
