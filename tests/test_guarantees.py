"""What cpcxl never does, shown for every command that writes files (the README's list).

Each command runs for real, as an officer would run it (``python -m cpcxl``), on a filled-in
workbook of its capability:

- it never changes its input (the input's SHA-256 is the same after);
- it never writes over its input (``--out`` naming the input is refused, exit 2);
- it never replaces an output a person may have edited unless ``--overwrite`` is given
  (the rerun keeps the edited file byte for byte, says so and exits 3; with --overwrite
  it is replaced).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "cpcxl", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=environment,
        timeout=600,
    )


def filled_proposals(folder: Path) -> Path:
    from cpcxl.proposals.sample import sample_round
    from cpcxl.proposals.workbook import build

    return build(folder / "round.xlsx", sample_round())


def monitoring_returns(folder: Path) -> Path:
    returns = folder / "returns"
    result = run("monitoring", "sample", "--providers", "3", "--out", str(returns))
    assert result.returncode == 0, result.stdout + result.stderr
    return returns


def copied(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        return Path(shutil.copy(WORKBOOKS / name, folder / name))

    return make


@dataclass(frozen=True)
class Command:
    """A command, how to make its input, and the one output (file or folder) it writes."""

    words: tuple[str, ...]
    make_input: Callable[[Path], Path]
    output: str  # relative to the test's folder
    extra: tuple[str, ...] = ()
    folder_output: bool = False
    edited: str = ""  # the file inside a folder output that the officer edits

    def __call__(self, source: Path, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
        return run(*self.words, str(source), "--out", str(out), *self.extra, *flags)


COMMANDS = {
    "budget build": Command(("budget", "build"), copied("pooled_budget.xlsx"), "built.xlsx"),
    "budget statements": Command(
        ("budget", "statements"),
        copied("pooled_budget.xlsx"),
        "statements",
        folder_output=True,
    ),
    "budget monitor": Command(
        ("budget", "monitor"), copied("pooled_budget.xlsx"), "month.xlsx", ("--period", "6")
    ),
    "proposals evaluate": Command(("proposals", "evaluate"), filled_proposals, "evaluated.xlsx"),
    "proposals feedback": Command(
        ("proposals", "feedback"), filled_proposals, "feedback", folder_output=True
    ),
    "risk score": Command(("risk", "score"), copied("risk_register.xlsx"), "scored.xlsx"),
    "risk import": Command(
        ("risk", "import"),
        lambda folder: Path(
            shutil.copy(ROOT / "tests" / "data" / "risk" / "district_council.csv", folder)
        ),
        "imported.xlsx",
    ),
    "workforce plan": Command(("workforce", "plan"), copied("workforce_plan.xlsx"), "plan.xlsx"),
    "monitoring batch": Command(
        ("monitoring", "batch"),
        monitoring_returns,
        "summaries",
        folder_output=True,
        edited="portfolio.xlsx",
    ),
}


def inputs_of(source: Path) -> list[Path]:
    return sorted(source.iterdir()) if source.is_dir() else [source]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_command_changes_its_input(name: str, tmp_path: Path) -> None:
    command = COMMANDS[name]
    source = command.make_input(tmp_path)
    before = {p: sha(p) for p in inputs_of(source)}
    result = command(source, tmp_path / command.output)
    assert result.returncode == 0, result.stdout + result.stderr
    assert {p: sha(p) for p in inputs_of(source)} == before


@pytest.mark.parametrize("name", sorted(n for n in COMMANDS if not COMMANDS[n].folder_output))
def test_no_command_writes_over_its_input(name: str, tmp_path: Path) -> None:
    command = COMMANDS[name]
    source = command.make_input(tmp_path)
    before = sha(source)
    result = command(source, source)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "never writes over its input" in result.stdout + result.stderr
    assert sha(source) == before


def _edit(path: Path) -> None:
    """An officer's note typed into the output and saved."""
    note = "Checked with the finance lead on Monday"
    if path.suffix != ".xlsx":
        with path.open("ab") as handle:  # a document or text file: the note at its end
            handle.write(f"\n{note}\n".encode())
        return
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    ws.cell(ws.max_row + 2, 1, note)
    wb.save(path)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_command_replaces_a_persons_work_without_overwrite(name: str, tmp_path: Path) -> None:
    command = COMMANDS[name]
    source = command.make_input(tmp_path)
    out = tmp_path / command.output
    first = command(source, out)
    assert first.returncode == 0, first.stdout + first.stderr
    if command.folder_output:
        target = out / command.edited if command.edited else sorted(out.iterdir())[0]
    else:
        target = out
    _edit(target)
    edited = sha(target)

    again = command(source, out)
    assert again.returncode == 3, again.stdout + again.stderr
    assert "kept" in again.stdout + again.stderr and target.name in again.stdout + again.stderr
    assert sha(target) == edited  # the officer's note is still there

    replaced = command(source, out, "--overwrite")
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    assert sha(target) != edited
