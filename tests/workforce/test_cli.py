"""``cpcxl workforce plan`` and the demo."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from cpcxl.cli import cli
from cpcxl.workforce.cli import command
from cpcxl.workforce.sample import run_demo
from cpcxl.workforce.workbook import build

from .helpers import (
    BAD_INPUT,
    HEADROOM_22,
    HOURS_1_000,
    LONG_TEXT,
    RENAMED_COST,
    bad_book,
    renamed_header,
    slips_book,
)


def test_plan_command_writes_a_planned_copy(tmp_path: Path) -> None:
    source = build(tmp_path / "plan.xlsx")
    result = CliRunner().invoke(command, ["plan", str(source)])
    assert result.exit_code == 0, result.output
    planned = tmp_path / "plan-plan.xlsx"
    assert "Optimised mix" in CalamineWorkbook.from_path(str(planned)).sheet_names
    # The example has 10 staff rows and 7 demand rows.
    assert "(10 staff rows, 7 demand rows)" in result.output


def test_plan_command_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    # Issue 12, case 9: an output that is the input is refused, through a link too, and the
    # input is left byte for byte as it was.
    source = build(tmp_path / "plan.xlsx")
    before = source.read_bytes()
    link = tmp_path / "link.xlsx"
    link.symlink_to(source)
    for out in (source, link):
        result = CliRunner().invoke(command, ["plan", str(source), "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert f"is the input {source}; cpcxl never writes over its input" in result.output
        assert "nothing was written" in result.output
    assert source.read_bytes() == before


def test_plan_command_never_writes_an_xlsm(tmp_path: Path) -> None:
    # Issue 12, case 9: cpcxl writes .xlsx; an .xlsm output would lose the macros.
    source = build(tmp_path / "plan.xlsx")
    out = tmp_path / "planned.xlsm"
    result = CliRunner().invoke(command, ["plan", str(source), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "is a macro-enabled workbook" in result.output
    assert not out.exists()


def test_plan_command_keeps_an_existing_plan_unless_overwrite(tmp_path: Path) -> None:
    # Issue 12, case 10: the one overwrite rule. A planned copy a person may have edited is
    # kept, the command says so and exits 3; --overwrite replaces it.
    source = build(tmp_path / "plan.xlsx")
    planned = tmp_path / "plan-plan.xlsx"
    planned.write_bytes(b"an officer's edited plan")
    result = CliRunner().invoke(command, ["plan", str(source)])
    assert result.exit_code == 3, result.output
    assert "kept 1 existing file a person may have edited (--overwrite replaces them)" in (
        result.output
    )
    assert str(planned) in result.output
    assert planned.read_bytes() == b"an officer's edited plan"
    result = CliRunner().invoke(command, ["plan", str(source), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert "Optimised mix" in CalamineWorkbook.from_path(str(planned)).sheet_names


def _refused(source: Path) -> list[str]:
    result = CliRunner().invoke(command, ["plan", str(source), "--out", str(source) + ".out"])
    assert result.exit_code == 2, result.output
    assert not Path(str(source) + ".out").exists()
    lines = result.stderr.splitlines()  # the one error style, on standard error
    assert re.fullmatch(r"error: \d+ problems? in the input; nothing was written:", lines[0])
    return [line.removeprefix("  - ") for line in lines[1:]]


def test_headroom_typed_as_22_stops_the_command_with_the_cell_named(tmp_path: Path) -> None:
    assert _refused(build(tmp_path / "plan.xlsx", assumptions={"headroom": 22})) == [HEADROOM_22]


def test_1_000_and_a_32767_character_text_stop_the_command(tmp_path: Path) -> None:
    assert _refused(slips_book(tmp_path)) == [HOURS_1_000, LONG_TEXT]


def test_a_renamed_staff_header_stops_the_command(tmp_path: Path) -> None:
    source = renamed_header(build(tmp_path / "plan.xlsx"), "Hourly pay", "Pay")
    assert _refused(source) == [RENAMED_COST]


def test_the_installed_command_exits_non_zero_with_the_message(tmp_path: Path) -> None:
    source = build(tmp_path / "plan.xlsx", assumptions={"headroom": 22})
    installed = Path(sys.executable).parent / "cpcxl"
    result = subprocess.run(
        [str(installed), "workforce", "plan", str(source)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "250"},
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert HEADROOM_22 in result.stderr


def test_a_header_read_under_another_spelling_is_noted(tmp_path: Path) -> None:
    source = renamed_header(build(tmp_path / "plan.xlsx"), "Hourly pay", "Hourly pay (£)")
    result = CliRunner().invoke(command, ["plan", str(source)])
    assert result.exit_code == 0, result.output
    assert "note: Staff: read the header 'Hourly pay (£)' as 'Hourly pay'" in result.output


def test_the_demo_plans_about_300_staff(tmp_path: Path) -> None:
    written = run_demo(tmp_path)
    assert [p.name for p in written] == [
        "home_care_reablement_inputs.xlsx",
        "home_care_reablement_plan.xlsx",
    ]
    plan = CalamineWorkbook.from_path(str(written[1])).get_sheet_by_name("Plan").to_python()
    # People in the sample by role: 178 + 32 + 46 + 10 + 8 + 5 + 3 + 2 + 1 + 4 = 289.
    assert plan[2][:2] == ["Headcount", 289.0]
    text = " ".join(str(v) for row in plan for v in row)
    assert "Diversity profile: Age band by employer" in text
    assert "[c]" in text


def test_workforce_is_a_cpcxl_subcommand() -> None:
    from cpcxl.plugins import plugin_manager

    plugin_manager().hook.register_commands(cli=cli)
    result = CliRunner().invoke(cli, ["workforce", "--help"])
    assert result.exit_code == 0 and "plan" in result.output


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_each_of_issue_18s_bad_inputs_stops_the_command_with_the_cell_named(
    tmp_path: Path, case: str
) -> None:
    # Issue 18, bad input: a band not on the pay sheet, a pension rate above 40% or below 0,
    # a wage floor from another year than the pay, actuals for a quarter outside the plan, a
    # qualification no staff record mentions: each a located error, nothing written.
    assert _refused(bad_book(tmp_path, case)) == [BAD_INPUT[case][1]]
