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


def _one_good_return(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(CORPUS / "good_1.xlsx", folder)
    return folder


def test_the_batch_counts_every_file_it_writes_errors_csv_included(tmp_path: Path) -> None:
    returns = _one_good_return(tmp_path / "returns")
    out = tmp_path / "o"
    result = CliRunner().invoke(
        monitoring, ["batch", str(returns), "--out", str(out), "--as-of", "01/11/2026"]
    )
    assert result.exit_code == 0, result.output
    # one summary, the overview and errors.csv: every file now in the folder, and no more
    on_disk = sorted(p.name for p in out.iterdir())
    assert len(on_disk) == 3 and "errors.csv" in on_disk and "portfolio.xlsx" in on_disk
    assert result.stdout.splitlines()[0] == "1 of 1 returns summarised; 3 files written"
    assert result.stderr == ""  # nothing went wrong, so nothing on standard error


def test_an_empty_folder_of_returns_is_an_error_naming_it(tmp_path: Path) -> None:
    empty = tmp_path / "returns"
    empty.mkdir()
    (empty / "notes.txt").write_text("the returns are in the shared drive")  # not a return
    out = tmp_path / "o"
    result = CliRunner().invoke(monitoring, ["batch", str(empty), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: 1 problem in the input; nothing was written:\n"
        f"  - {empty}: there are no monitoring returns in the folder; valid: the providers' "
        "returns as .xlsx workbooks in that folder (one per provider; cpcxl monitoring sample "
        "writes examples)\n"
    )
    assert not out.exists()  # stopped before any work


def test_as_of_is_the_date_and_as_at_its_hidden_old_name(tmp_path: Path) -> None:
    returns = _one_good_return(tmp_path / "returns")
    runner = CliRunner()
    for name in ("--as-of", "--as-at"):
        out = tmp_path / name.strip("-")
        result = runner.invoke(monitoring, ["batch", str(returns), "--out", str(out), name,
                                            "01/11/2026"])  # fmt: skip
        assert result.exit_code == 0, result.output
    # the same date by either name: the overview is as at it
    from python_calamine import CalamineWorkbook

    for folder in ("as-of", "as-at"):
        book = CalamineWorkbook.from_path(str(tmp_path / folder / "portfolio.xlsx"))
        text = " ".join(str(v) for row in book.get_sheet_by_name("Overview").to_python()
                        for v in row)  # fmt: skip
        assert "As at 01/11/2026." in text
    bad = runner.invoke(monitoring, ["batch", str(returns), "--out", str(tmp_path / "x"),
                                     "--as-of", "31/02/2026"])  # fmt: skip
    assert bad.exit_code == 2 and "'31/02/2026' is not a real date" in bad.stderr
    listing = runner.invoke(monitoring, ["batch", "--help"], terminal_width=200).stdout
    assert "--as-of DD/MM/YYYY" in listing and "--as-at, its old name, still works" in listing
    assert "--as-at DD/MM/YYYY" not in listing  # hidden: one name per idea in the help


def test_batch_pdf_without_libreoffice_stops_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cpcxl.common import commands

    monkeypatch.setattr(commands, "find_soffice", lambda: None)
    returns = _one_good_return(tmp_path / "returns")
    out = tmp_path / "o"
    result = CliRunner().invoke(monitoring, ["batch", str(returns), "--out", str(out), "--pdf"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --pdf needs LibreOffice, which is not installed: ")
    assert result.stderr.endswith("; nothing was written\n")
    assert not out.exists()


def test_a_bad_settings_file_stops_the_batch_with_exit_2(tmp_path: Path) -> None:
    returns = _one_good_return(tmp_path / "returns")
    settings = tmp_path / "settings.toml"
    settings.write_text("[histroy]\nrounds_shown = 3\n", encoding="utf-8")
    result = CliRunner().invoke(
        monitoring,
        ["batch", str(returns), "--out", str(tmp_path / "o"), "--settings", str(settings)],
    )
    assert result.exit_code == 2  # an input problem, before any work (it was 1)
    assert "settings.toml: unknown settings tables [histroy]; valid: [report]" in result.stderr
    assert not (tmp_path / "o").exists()


def test_sample_tells_the_progress_bar_after_each_return(tmp_path: Path) -> None:
    from cpcxl.monitoring.sample import write_samples

    told: list[tuple[int, int | None]] = []
    written = write_samples(tmp_path, 3, 1, progress=lambda d, t: told.append((d, t)))
    assert len(written) == 3 and told == [(1, 3), (2, 3), (3, 3)]
