"""The desktop add-in's VBA: every procedure runs a script that exists, every button has both
procedures, and the committed module is what the installed plugins produce."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cpcxl.plugins import Registry, make_plugin_manager, registry
from cpcxl.xl.macros import FILENAME, procedure_name, procedures, vba_module
from tests.server.sample_plugin import PLUGIN_NAME, RuntimeSample

ROOT = Path(__file__).resolve().parents[2]
MACROS = sorted((ROOT / "macros").glob("*.bas"))


def test_the_macros_folder_holds_the_module() -> None:
    assert [p.name for p in MACROS] == [FILENAME]


@pytest.mark.parametrize("path", MACROS, ids=lambda p: p.name)
def test_every_procedure_runs_a_script_that_exists(path: Path) -> None:
    source = path.read_text()
    found = procedures(source)
    # Every Sub in the file was parsed (none hidden from the check by odd formatting).
    assert len(found) == len(re.findall(r"^\s*(?:Public\s+|Private\s+)?Sub\s", source, re.M))
    for procedure, calls in found.items():
        assert calls, f"{path.name}: {procedure} runs no cpcxl script"
        for _, script in calls:
            assert script in registry().scripts, f"{path.name}: {procedure} runs {script!r}"


@pytest.mark.parametrize("name", sorted(registry().scripts))
def test_every_button_has_a_local_and_a_server_procedure(name: str) -> None:
    found = procedures((ROOT / "macros" / FILENAME).read_text())
    procedure = procedure_name(name)
    assert found.get(procedure) == [("local", name)], "run `cpcxl macros`"
    assert found.get(f"{procedure}OnServer") == [("server", name)], "run `cpcxl macros`"


def test_the_committed_module_is_what_the_plugins_produce() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cpcxl", "macros", "--check", "--out", str(ROOT / "macros")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_module_for_a_plugin_runs_each_of_its_scripts_both_ways() -> None:
    pm = make_plugin_manager(load_entry_points=False)
    pm.register(RuntimeSample, name=PLUGIN_NAME)
    source = vba_module(Registry.from_manager(pm))
    assert source.startswith('Attribute VB_Name = "cpcxl"\r\n')
    assert procedures(source) == {
        "SampleScoreRegister": [("local", "sample_score_register")],
        "SampleScoreRegisterOnServer": [("server", "sample_score_register")],
        "SampleCopyStatus": [("local", "sample_copy_status")],
        "SampleCopyStatusOnServer": [("server", "sample_copy_status")],
    }
    assert "RunPython \"import cpcxl.xl.scripts as s; s.run('sample_score_register')\"" in source
    assert "' Sample score register: Scores every risk in the Register table" in source
    assert 'GetConfig("CPCXL_SERVER", "http://127.0.0.1:8000")' in source


def test_a_procedure_naming_an_unknown_script_is_caught() -> None:
    call = "RunPython \"import cpcxl.xl.scripts as s; s.run('nope')\""
    source = f"Sub Bogus()\r\n    {call}\r\nEnd Sub\r\n"
    assert procedures(source) == {"Bogus": [("local", "nope")]}
    assert "nope" not in registry().scripts


def test_the_local_command_runs_the_dispatcher_it_names() -> None:
    # What RunPython executes is plain Python: run it, with a name no plugin registers.
    command = "import cpcxl.xl.scripts as s; s.run('no_such_button')"
    result = subprocess.run([sys.executable, "-c", command], capture_output=True, text=True)
    assert result.returncode == 1
    assert "'no_such_button' is not a cpcxl button script" in result.stderr


def test_a_buttons_input_problem_is_shown_in_a_message_box() -> None:
    # Excel's message box, as xlwings' desktop book exposes it: book.app.alert(prompt, title).
    import types

    from cpcxl.plugins import plugin_manager, refresh
    from cpcxl.xl.scripts import run

    shown: list[tuple[str, str]] = []
    book = types.SimpleNamespace(
        sheets=[types.SimpleNamespace(name="Notes")],
        app=types.SimpleNamespace(alert=lambda prompt, title: shown.append((prompt, title))),
    )
    plugin_manager().register(RuntimeSample, name=PLUGIN_NAME)
    try:
        refresh()
        run("sample_score_register", book)
    finally:
        plugin_manager().unregister(name=PLUGIN_NAME)
        refresh()
    assert shown == [
        (
            "the workbook has no Register sheet; valid: a Register sheet",
            "cpcxl: Sample score register",
        )
    ]


def test_an_edited_module_is_kept_unless_overwrite(tmp_path: Path) -> None:
    first = subprocess.run(
        [sys.executable, "-m", "cpcxl", "macros", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert first.returncode == 0, first.stdout + first.stderr
    module = tmp_path / "cpcxl.bas"
    module.write_text(module.read_text() + "' our own procedure\r\n")
    edited = module.read_bytes()
    again = subprocess.run(
        [sys.executable, "-m", "cpcxl", "macros", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 3 and "kept 1 existing file" in again.stdout
    assert module.read_bytes() == edited
