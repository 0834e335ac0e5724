"""The core `cpcxl` commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
