"""`cpcxl proposals feedback` and `cpcxl proposals evaluate`, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cpcxl.common.files import sha256
from cpcxl.proposals.sample import sample_round
from cpcxl.proposals.workbook import build

from .test_workbook import rename_header


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
    # ASC-05: capital £900,000, standard buildings half mitigated: 24% - 0.5 × (24% - 2%) =
    # 13% (issue 13 case 5; it was 12%), so PV costs £1,017,000 against PV benefits
    # £665,328: NPSV -£351,672, and benefits must rise by 351,672 / 665,328 = 52.9%.
    text = (tmp_path / "fb" / "feedback_ASC-05.md").read_text()
    assert "| Switching value: benefits would need to rise by | 53% |" in text
    assert "| Optimism bias added to capital costs | 13% |" in text


def test_feedback_on_a_bad_workbook_says_where_and_exits(tmp_path: Path) -> None:
    inputs = sample_round()
    inputs.benefits[2][3] = "lots"  # ASC-01 year 2 wider social value, sheet row 4
    path = build(tmp_path / "bad.xlsx", inputs)
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    assert result.returncode == 2
    assert "bad.xlsx, Benefits!D4, field 'Wider social value £': 'lots' is not an amount" in (
        result.stdout
    )
    assert not (tmp_path / "fb").exists()


def test_feedback_on_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    assert result.returncode == 2
    assert "notes.xlsx: the file is not an Excel workbook" in result.stdout


def test_evaluate_writes_a_copy_with_the_result_sheets(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = build(tmp_path / "round.xlsx", sample_round())
    before = sha256(path)
    target = tmp_path / "evaluated.xlsx"
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {target}\n"
    assert sha256(path) == before
    sheets = load_workbook(target).sheetnames
    assert sheets[-5:] == ["Appraisal", "Scores", "Ranking", "Portfolio", "Feedback"]


# --- the cases through the command -------------------------------------------------


def refused(tmp_path: Path, path: Path) -> str:
    target = tmp_path / "evaluated.xlsx"
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(target))
    assert result.returncode == 2, result.stdout
    assert not target.exists()
    return result.stdout


def test_evaluate_refuses_a_mitigation_of_24_with_what_was_meant(tmp_path: Path) -> None:
    inputs = sample_round()
    inputs.proposals[0][6] = 24
    out = refused(tmp_path, build(tmp_path / "bad.xlsx", inputs))
    assert "bad.xlsx, Proposals!G2, field 'Optimism bias mitigation': 24 is 2,400%" in out
    assert "type 24% (or 0.24)" in out


def test_evaluate_refuses_a_renamed_revenue_header(tmp_path: Path) -> None:
    path = rename_header(build(tmp_path / "bad.xlsx", sample_round()), "Costs", 4, "Rev")
    out = refused(tmp_path, path)
    assert "1 problem in the input" in out
    assert (
        "bad.xlsx, Costs!D1: the header 'Rev' is not a column of the Costs table; valid: the "
        "columns Proposal ID, Year, Capital £, Revenue £" in out
    )


def test_evaluate_reads_revenue_in_brackets_and_prints_the_note(tmp_path: Path) -> None:
    path = rename_header(build(tmp_path / "round.xlsx", sample_round()), "Costs", 4, "Revenue (£)")
    target = tmp_path / "evaluated.xlsx"
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(target))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "note: Costs: read the header 'Revenue (£)' as 'Revenue £'",
        f"wrote {target}",
    ]


def test_evaluate_names_1_000_and_a_very_long_text_in_the_costs(tmp_path: Path) -> None:
    inputs = sample_round()
    inputs.costs[1][2] = "1_000"  # sheet row 3
    inputs.costs[2][3] = "x" * 32_767  # sheet row 4
    out = refused(tmp_path, build(tmp_path / "bad.xlsx", inputs))
    assert "bad.xlsx, Costs!C3, field 'Capital £': '1_000' is not an amount in £" in out
    assert "bad.xlsx, Costs!D4, field 'Revenue £': 'xxxx" in out
    assert "(32,767 characters) is not an amount in £" in out
    assert len(out) < 1_000  # the text is never echoed whole
