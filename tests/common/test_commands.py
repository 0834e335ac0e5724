"""The one command-line dialect (cpcxl.common.commands): errors on standard error, what was
written and notes on standard output, exit 2 for a problem and 3 for a kept output."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cpcxl.common import commands, soffice
from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.files import OutputRefused, Outputs


def _group(action: click.Command) -> click.Group:
    group = commands.Group("cap")
    group.add_command(action)
    return group


def test_a_groups_commands_show_located_problems_on_stderr_and_exit_2() -> None:
    @click.command("run")
    def run() -> None:
        problems = InputErrors(notes=["Staff: read the header 'Pay (£)' as 'Pay £'"])
        problems.add("'likley' is not a likelihood", location=Location("a.xlsx", "Register", "E6"),
                     valid="Rare, Unlikely, Possible, Likely, Almost certain")  # fmt: skip
        problems.add("blank", location=Location("a.xlsx", "Register", "F6"), valid="1 to 5")
        raise problems

    result = CliRunner().invoke(_group(run), ["run"])
    assert result.exit_code == commands.INPUT_EXIT == 2
    assert result.stderr.splitlines() == [
        "error: 2 problems in the input; nothing was written:",
        "  - a.xlsx, Register!E6: 'likley' is not a likelihood; valid: Rare, Unlikely, "
        "Possible, Likely, Almost certain",
        "  - a.xlsx, Register!F6: blank; valid: 1 to 5",
    ]
    # how the input was read is a note, on standard output with everything else said
    assert result.stdout == "note: Staff: read the header 'Pay (£)' as 'Pay £'\n"


def test_an_input_wrong_throughout_lists_its_first_problems_and_counts_the_rest() -> None:
    @click.command("many")
    def many() -> None:
        problems = InputErrors()
        for row in range(6, 6 + 12_345):
            problems.add("not a date", location=Location("a.xlsx", "Register", f"G{row}"))
        raise problems

    result = CliRunner().invoke(_group(many), ["many"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "error: 12,345 problems in the input; nothing was written:"
    # the first hundred, in order: rows 6 to 105
    assert lines[1] == "  - a.xlsx, Register!G6: not a date"
    assert lines[commands.SHOWN_PROBLEMS] == "  - a.xlsx, Register!G105: not a date"
    # 12,345 - 100 = 12,245 more, counted on one line
    assert lines[commands.SHOWN_PROBLEMS + 1 :] == [
        "  ... and 12,245 more (the first 100 are shown: put those right and run again to see "
        "any left)"
    ]


def test_one_problem_and_a_refusal_are_said_the_same_way() -> None:
    @click.command("one")
    def one() -> None:
        raise InputError("the file is empty", location=Location(file="b.xlsx"), valid="an .xlsx")

    @click.command("refused")
    def refused() -> None:
        raise OutputRefused("b.xlsm is a macro-enabled workbook")

    first = CliRunner().invoke(_group(one), ["one"])
    assert first.exit_code == 2 and first.stdout == ""
    assert first.stderr == (
        "error: 1 problem in the input; nothing was written:\n"
        "  - b.xlsx: the file is empty; valid: an .xlsx\n"
    )
    second = CliRunner().invoke(_group(refused), ["refused"])
    assert second.exit_code == 2 and second.stdout == ""
    assert second.stderr == "error: b.xlsm is a macro-enabled workbook; nothing was written\n"


def test_what_was_written_is_said_and_a_kept_output_exits_3(tmp_path: Path) -> None:
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(b"edited")
    fresh = tmp_path / "fresh.xlsx"

    @click.command("write")
    def write() -> None:
        outputs = Outputs()
        for target in (fresh, kept):
            if outputs.may_write(target):
                target.write_bytes(b"new")
                outputs.wrote(target)
        commands.report_written(outputs)

    result = CliRunner().invoke(_group(write), ["write"])
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"wrote {fresh}",
        "kept 1 existing file a person may have edited (--overwrite replaces them):",
        f"  {kept}",
    ]
    assert kept.read_bytes() == b"edited"


def test_output_file_refuses_the_input_and_keeps_an_existing_file(tmp_path: Path) -> None:
    source = tmp_path / "in.xlsx"
    source.write_bytes(b"x")
    with pytest.raises(OutputRefused, match="never writes over its input"):
        commands.output_file(source, inputs=[source])
    assert commands.output_file(tmp_path / "new.xlsx", inputs=[source]).kept == []
    with pytest.raises(SystemExit) as stopped:  # exists, no --overwrite: kept before any work
        commands.output_file(source)
    assert stopped.value.code == 3
    assert commands.output_file(source, overwrite=True).kept == []


def test_progress_gives_every_item_and_draws_nothing_off_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert list(commands.progress(["a", "b", "c"], "Writing")) == ["a", "b", "c"]
    assert list(commands.progress(iter(range(4)), "Counting")) == [0, 1, 2, 3]
    told = []
    with commands.progress_bar("Converting", total=2) as update:
        for done in (1, 2):
            update(done, 2)
            told.append(done)
    assert told == [1, 2]
    assert capsys.readouterr() == ("", "")  # tests and logs read plain lines only


def test_require_soffice_stops_with_the_platforms_way_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(commands, "find_soffice", lambda: None)
    monkeypatch.setattr(soffice.sys, "platform", "linux")
    with pytest.raises(soffice.SofficeMissing, match="apt install libreoffice-writer-nogui"):
        commands.require_soffice("writer")
    monkeypatch.setattr(soffice.sys, "platform", "win32")
    with pytest.raises(soffice.SofficeMissing) as caught:
        commands.require_soffice()
    assert str(caught.value) == (
        "--pdf needs LibreOffice, which is not installed: install LibreOffice from "
        "libreoffice.org, then run the command again"
    )
    assert "apt" not in str(caught.value)  # no Debian package name on Windows
    monkeypatch.setattr(commands, "find_soffice", lambda: "/usr/bin/soffice")
    commands.require_soffice()  # installed: nothing to say
