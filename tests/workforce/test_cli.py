"""``cpcxl workforce plan`` and the demo."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from cpcxl.cli import cli
from cpcxl.workforce.cli import run_demo, workforce
from cpcxl.workforce.workbook import build


def test_plan_command_writes_a_planned_copy(tmp_path: Path) -> None:
    source = build(tmp_path / "plan.xlsx")
    result = CliRunner().invoke(workforce, ["plan", str(source)])
    assert result.exit_code == 0, result.output
    planned = tmp_path / "plan-plan.xlsx"
    assert "Optimised mix" in CalamineWorkbook.from_path(str(planned)).sheet_names


def test_plan_command_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    source = build(tmp_path / "plan.xlsx")
    result = CliRunner().invoke(workforce, ["plan", str(source), "--out", str(source)])
    assert result.exit_code != 0
    assert "inputs are never changed" in result.output


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
