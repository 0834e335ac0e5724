"""`cpcxl proposals feedback` and `cpcxl proposals evaluate`, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.files import sha256
from cpcxl.proposals.sample import sample_round
from cpcxl.proposals.workbook import build

from .test_workbook import rename_header


def cpcxl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cpcxl", *args], capture_output=True, text=True, check=False
    )


def docx_text(path: Path) -> tuple[str, list[list[str]]]:
    """A Word document's paragraphs as text, and its tables' rows."""
    from docx import Document

    doc = Document(str(path))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return "\n".join(p.text for p in doc.paragraphs), rows


def test_feedback_writes_one_word_letter_per_submitter(tmp_path: Path) -> None:
    path = build(tmp_path / "round.xlsx", sample_round())
    before = sha256(path)
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    assert result.returncode == 0, result.stderr
    docs = sorted(p.name for p in (tmp_path / "fb").iterdir())
    # Twelve sponsors, a letter each, in Word: the Markdown documents are gone (issue 17).
    assert len(docs) == 12 and all(d.endswith(".docx") for d in docs)
    assert sha256(path) == before
    text, rows = docx_text(tmp_path / "fb" / "feedback_Hospital_Discharge_Lead.docx")
    assert "Decision: Reject" in text
    assert [
        "Safeguarding and statutory duties",
        "0%",
        "2",
        "Duties identified, gaps remain",
        "-",
    ] in rows
    assert any(r[0] == "Net present social value" for r in rows)
    # No temporary files are left behind by the atomic writes.
    assert not [p for p in (tmp_path / "fb").iterdir() if p.name.startswith(".")]
    # ASC-05: capital £900,000, standard buildings half mitigated: 24% - 0.5 × (24% - 2%) =
    # 13% (issue 13 case 5; it was 12%), so PV costs £1,017,000 against PV benefits
    # £665,328: NPSV -£351,672, and benefits must rise by 351,672 / 665,328 = 52.9%.
    text, rows = docx_text(tmp_path / "fb" / "feedback_Head_of_Provider_Services.docx")
    assert ["Switching value: benefits would need to rise by", "53%"] in rows
    assert ["Optimism bias added to capital costs", "13%"] in rows
    # Strengths, weaknesses, what would have to change and how to resubmit, as issue 17 asks.
    for heading in ("Strengths", "Weaknesses", "Why it was rejected", "How to resubmit"):
        assert heading in text


def test_feedback_with_pdf_writes_a_pdf_beside_each_letter(tmp_path: Path) -> None:
    from cpcxl.proposals.sample import two_proposals_round

    path = build(tmp_path / "round.xlsx", two_proposals_round())
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"), "--pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    # X and Y are both the Head of Commissioning's: one letter, and its PDF.
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == [
        "feedback_Head_of_Commissioning.docx",
        "feedback_Head_of_Commissioning.pdf",
    ]
    assert (tmp_path / "fb" / "feedback_Head_of_Commissioning.pdf").read_bytes()[:5] == b"%PDF-"


def test_feedback_on_a_bad_workbook_says_where_and_exits(tmp_path: Path) -> None:
    inputs = sample_round()
    inputs.benefits[2][3] = "lots"  # ASC-01 year 2 wider social value, sheet row 4
    path = build(tmp_path / "bad.xlsx", inputs)
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    assert result.returncode == 2
    assert "bad.xlsx, Benefits!D4, field 'Wider social value £': 'lots' is not an amount" in (
        result.stderr
    )
    assert not (tmp_path / "fb").exists()


def test_feedback_on_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    result = cpcxl("proposals", "feedback", str(path), "--out", str(tmp_path / "fb"))
    assert result.returncode == 2
    assert "notes.xlsx: the file is not an Excel workbook" in result.stderr


def test_evaluate_writes_a_copy_with_the_result_sheets(tmp_path: Path) -> None:
    path = build(tmp_path / "round.xlsx", sample_round())
    before = sha256(path)
    target = tmp_path / "evaluated.xlsx"
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {target}\n"
    assert sha256(path) == before
    sheets = load_workbook(target).sheetnames
    assert sheets[-8:-3] == ["Appraisal", "Scores", "Ranking", "Portfolio", "Feedback"]
    # Issue 17: and the sheets a challenge asks for.
    assert sheets[-3:] == ["Sensitivity", "Value for money", "Affordability"]


# --- the cases through the command -------------------------------------------------


def refused(tmp_path: Path, path: Path) -> str:
    target = tmp_path / "evaluated.xlsx"
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(target))
    assert result.returncode == 2, result.stdout
    assert not target.exists()
    return result.stderr


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


# --- issue 12 cases 9 and 10: the one overwrite rule -----------------------------------------


def test_evaluate_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    # Issue 12 case 9: `evaluate X --out X` replaced the officer's workbook with the copy.
    path = build(tmp_path / "round.xlsx", sample_round())
    before = sha256(path)
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(path))
    assert result.returncode == 2
    assert f"the output {path} is the input {path}; cpcxl never writes over its input" in (
        result.stderr
    )
    assert sha256(path) == before
    # Nor through a link to it.
    link = tmp_path / "link.xlsx"
    link.symlink_to(path)
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(link))
    assert result.returncode == 2 and "is the input" in result.stderr
    assert sha256(path) == before


def test_evaluate_never_writes_an_xlsm(tmp_path: Path) -> None:
    # Issue 12 case 9: with an .xlsm the command wrote .xlsx bytes under the .xlsm name and
    # lost the macros. The input .xlsm is read and left alone; no .xlsm is written.
    path = build(tmp_path / "round.xlsx", sample_round()).rename(tmp_path / "round.xlsm")
    before = sha256(path)
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(path))
    assert result.returncode == 2 and "is the input" in result.stderr
    other = tmp_path / "evaluated.xlsm"
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(other))
    assert result.returncode == 2
    assert "is a macro-enabled workbook; cpcxl writes .xlsx files and would lose its macros" in (
        result.stderr
    )
    assert not other.exists() and sha256(path) == before
    # An .xlsx copy of the .xlsm round is fine.
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(tmp_path / "evaluated.xlsx"))
    assert result.returncode == 0, result.stdout


def test_evaluate_keeps_an_existing_copy_unless_told_to_overwrite(tmp_path: Path) -> None:
    # Issue 12 case 10: an existing output (an officer may have edited it) is kept, the
    # command says so and exits 3; --overwrite replaces it.
    path = build(tmp_path / "round.xlsx", sample_round())
    target = tmp_path / "evaluated.xlsx"
    assert cpcxl("proposals", "evaluate", str(path), "--out", str(target)).returncode == 0
    wb = load_workbook(target)
    wb["Feedback"]["G3"] = "Discussed with the sponsor on 12 May"  # the officer's note
    wb.save(target)
    edited = sha256(target)
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(target))
    assert result.returncode == 3
    assert result.stdout == (
        f"kept 1 existing file a person may have edited (--overwrite replaces them):\n  {target}\n"
    )
    assert sha256(target) == edited
    result = cpcxl("proposals", "evaluate", str(path), "--out", str(target), "--overwrite")
    assert result.returncode == 0 and result.stdout == f"wrote {target}\n"
    assert load_workbook(target)["Feedback"]["G3"].value is None


def test_feedback_keeps_existing_documents_unless_told_to_overwrite(tmp_path: Path) -> None:
    # Issue 12 case 10 for feedback: a document already there is kept (and listed), the rest
    # written, exit 3; --overwrite replaces them all.
    path = build(tmp_path / "round.xlsx", sample_round())
    out = tmp_path / "fb"
    assert cpcxl("proposals", "feedback", str(path), "--out", str(out)).returncode == 0
    note = out / "feedback_Head_of_Reablement.docx"  # ASC-01's sponsor
    note.write_text("My notes for the sponsor meeting", encoding="utf-8")
    (out / "feedback_Assistive_Technology_Lead.docx").unlink()  # ASC-02's
    result = cpcxl("proposals", "feedback", str(path), "--out", str(out))
    assert result.returncode == 3
    lines = result.stdout.splitlines()
    assert lines[0] == f"wrote {out / 'feedback_Assistive_Technology_Lead.docx'}"
    assert lines[1] == (
        "kept 11 existing files a person may have edited (--overwrite replaces them):"
    )
    assert f"  {note}" in lines
    assert note.read_text(encoding="utf-8") == "My notes for the sponsor meeting"
    result = cpcxl("proposals", "feedback", str(path), "--out", str(out), "--overwrite")
    assert result.returncode == 0
    assert "Proposal ASC-01: Expand home-based reablement" in docx_text(note)[0]


def test_feedback_pdf_without_libreoffice_stops_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from cpcxl.common import commands, soffice
    from cpcxl.proposals.cli import command

    monkeypatch.setattr(commands, "find_soffice", lambda: None)
    monkeypatch.setattr(soffice.sys, "platform", "linux")
    out = tmp_path / "fb"
    # not even read: a file that is no workbook is not reported, LibreOffice is
    path = tmp_path / "round.xlsx"
    path.write_text("not read")
    result = CliRunner().invoke(command, ["feedback", str(path), "--out", str(out), "--pdf"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --pdf needs LibreOffice, which is not installed: install LibreOffice (on "
        "Debian or Ubuntu: apt install libreoffice-writer-nogui); nothing was written\n"
    )
    assert result.stdout == "" and not out.exists()


def test_feedback_tells_the_progress_bar_after_each_letter(tmp_path: Path) -> None:
    from cpcxl.proposals import engine
    from cpcxl.proposals.workbook import read_round_file, write_letters

    round_ = read_round_file(build(tmp_path / "round.xlsx", sample_round()))
    told: list[tuple[int, int | None]] = []
    written = write_letters(
        engine.evaluate(round_), tmp_path / "fb", progress=lambda d, t: told.append((d, t))
    )
    # the sample round has twelve sponsors: a letter each, the bar moved after each
    assert len(written) == 12
    assert told == [(n, 12) for n in range(1, 13)]
