"""The monitoring commands: sample returns, the batch's exit status, and the settings file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cpcxl.common.errors import InputError
from cpcxl.monitoring.cli import command, load_settings, monitoring
from cpcxl.monitoring.schemes import framework_resolver
from cpcxl.monitoring.workbook import read_return_file

from .cases import ISSUE_CASES, edited_return

CORPUS = Path(__file__).resolve().parents[1] / "data" / "monitoring"


def test_the_group_is_exported_as_command() -> None:
    assert command is monitoring and set(command.commands) == {"sample", "batch"}


def test_the_command_exits_1_when_any_return_failed(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        monitoring,
        [
            "batch",
            str(CORPUS),
            "--out",
            str(tmp_path / "o"),
            "--as-at",
            "01/11/2026",
            "--max-mb",
            "0.38",
        ],
    )
    assert result.exit_code == 1, result.output
    good_only = tmp_path / "good"
    good_only.mkdir()
    shutil.copy(CORPUS / "good_1.xlsx", good_only)
    result = runner.invoke(monitoring, ["batch", str(good_only), "--out", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output


def test_sample_writes_n_varied_returns_the_same_for_the_same_seed(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["sample", "--providers", "6", "--seed", "3", "--out"]
    assert runner.invoke(monitoring, [*args, str(tmp_path / "a")]).exit_code == 0
    assert runner.invoke(monitoring, [*args, str(tmp_path / "b")]).exit_code == 0
    resolve = framework_resolver({})
    a = [read_return_file(p, resolve)[0] for p in sorted((tmp_path / "a").glob("*.xlsx"))]
    b = [read_return_file(p, resolve)[0] for p in sorted((tmp_path / "b").glob("*.xlsx"))]
    assert len(a) == 6 and [r.model_dump() for r in a] == [
        {**r.model_dump(), "source_file": x.source_file} for r, x in zip(b, a, strict=True)
    ]
    assert len({r.details.provider_name for r in a}) == 6
    assert len({len(r.actions) for r in a} | {len(r.kpis) for r in a}) > 1
    # Issue 12 case 10: the one overwrite rule: the six returns already there are kept (an
    # officer may have filled them in), listed, and the command exits 3 (KEPT_EXIT)
    again = runner.invoke(monitoring, [*args, str(tmp_path / "a")])
    assert again.exit_code == 3, again.output
    assert "kept 6 existing files" in again.output and "--overwrite replaces them" in again.output
    assert "return_P-0006.xlsx" in again.output


def test_settings_file_sets_the_marking_challenge_text_and_plan(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        '[report]\norganisation = "Northshire Council"\nmarking = "OFFICIAL"\n'
        'challenge_text = "Email the contracts manager."\n[plan]\ncontingency = 0.2\n',
        encoding="utf-8",
    )
    report, plan = load_settings(path)
    assert (report.organisation, report.marking, report.challenge_text) == (
        "Northshire Council", "OFFICIAL", "Email the contracts manager."
    )  # fmt: skip
    assert plan.contingency == 0.2
    path.write_text("[plan]\ncontingency = 2\n", encoding="utf-8")
    with pytest.raises(InputError, match="contingency"):
        load_settings(path)


def test_the_batch_command_names_each_bad_return_where_it_is_and_exits_1(
    tmp_path: Path,
) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    edited_return(returns / "good.xlsx", {})
    edits, sheet, cell, message = ISSUE_CASES["a tolerance typed as 5"]
    edited_return(returns / "bad.xlsx", {**edits, "Return": {"B4": "P-0900"}})
    result = CliRunner().invoke(
        monitoring, ["batch", str(returns), "--out", str(tmp_path / "o"), "--as-at", "01/11/2026"]
    )
    assert result.exit_code == 1, result.output
    assert "1 of 2 returns summarised" in result.output
    assert f"bad.xlsx {sheet}!{cell}: {message}" in result.output


def test_issue16_the_settings_file_sets_the_history_and_the_compliance_stages(
    tmp_path: Path,
) -> None:
    from cpcxl.monitoring.cli import load_all_settings

    path = tmp_path / "settings.toml"
    path.write_text(
        "[history]\nrounds_shown = 6\ncarry_forward_months = 18\n"
        '[compliance]\nname = "northshire"\n'
        'stages = ["None", "Letter", { name = "Notice", after = "Letter" }]\n'
        '[report]\ncontact_text = "Call 0300 000 0000."\n',
        encoding="utf-8",
    )
    report, _, history, stages = load_all_settings(path)
    assert (history.rounds_shown, history.carry_forward_months) == (6, 18)
    assert stages.names == ["None", "Letter", "Notice"] and stages.name == "northshire"
    assert report.contact_text == "Call 0300 000 0000."
    # bounds, and tables that are no settings, are refused saying where
    path.write_text("[history]\nrounds_shown = 30\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[history\] rounds_shown: 30 is outside 2 to 12"):
        load_all_settings(path)
    path.write_text("[histroy]\nrounds_shown = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown settings tables \[histroy\]"):
        load_all_settings(path)
