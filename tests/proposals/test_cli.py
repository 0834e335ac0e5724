"""`cpcxl proposals feedback` and the demo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cpcxl.common.files import sha256
from cpcxl.proposals.cli import run_demo
from cpcxl.proposals.sample import sample_round
from cpcxl.proposals.workbook import build


def cpcxl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cpcxl", *args], capture_output=True, text=True, check=False
    )


def test_feedback_writes_one_document_per_proposal(tmp_path: Path) -> None:
    path = build(tmp_path / "round.xlsx", sample_round())
    before = sha256(path)
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    assert result.returncode == 0, result.stderr
    docs = sorted(p.name for p in (tmp_path / "fb").iterdir())
    assert docs == [f"feedback_ASC-{i:02d}.md" for i in range(1, 13)]
    assert sha256(path) == before
    text = (tmp_path / "fb" / "feedback_ASC-10.md").read_text()
    assert "## Decision: Reject" in text
    assert "| Safeguarding and statutory duties | 0% | 2 | Duties identified, gaps remain |" in text
    assert "| Net present social value |" in text
    # No temporary files are left behind by the atomic writes.
    assert not [p for p in (tmp_path / "fb").iterdir() if p.name.startswith(".")]


def test_feedback_on_a_bad_workbook_says_where_and_exits(tmp_path: Path) -> None:
    inputs = sample_round()
    inputs.benefits[2][3] = "lots"  # ASC-01 year 2 wider social value, sheet row 4
    path = build(tmp_path / "bad.xlsx", inputs)
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    assert result.returncode == 2
    assert "sheet 'Benefits', row 4, field 'Wider social value £'" in result.stdout
    assert not (tmp_path / "fb").exists()


def test_feedback_on_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    assert result.returncode == 2
    assert "notes.xlsx: the file is not an Excel workbook" in result.stdout


def test_the_demo_evaluates_a_dozen_proposals(tmp_path: Path) -> None:
    written = run_demo(tmp_path)
    names = [p.name for p in written]
    assert names[:2] == ["adult_social_care_round.xlsx", "adult_social_care_round_evaluated.xlsx"]
    assert len([n for n in names if n.startswith("feedback_")]) == 12


def test_evaluate_writes_a_copy_with_the_result_sheets(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = build(tmp_path / "round.xlsx", sample_round())
    before = sha256(path)
    target = tmp_path / "evaluated.xlsx"
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert sha256(path) == before
    sheets = load_workbook(target).sheetnames
    assert sheets[-5:] == ["Appraisal", "Scores", "Ranking", "Portfolio", "Feedback"]


def test_the_switching_value_reads_as_a_sentence(tmp_path: Path) -> None:
    path = build(tmp_path / "round.xlsx", sample_round())
    cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    # ASC-05: PV benefits £665,328 against PV costs £1,008,000: NPSV -£342,672, so
    # benefits must rise by 342,672 / 665,328 = 51.5%.
    text = (tmp_path / "fb" / "feedback_ASC-05.md").read_text()
    assert "| Switching value: benefits would need to rise by | 52% |" in text
