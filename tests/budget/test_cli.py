"""`cpcxl budget statements` and `build`, and the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from cpcxl.budget.cli import command as budget
from cpcxl.budget.inputs import example
from cpcxl.budget.sample import run_demo
from cpcxl.budget.workbook import build_template
from cpcxl.common.files import sha256

from .tables import sample_data


def cells(path: Path) -> dict[str, list[Any]]:
    """Each row of the statement keyed by its first cell (labels are unique within a block)."""
    ws = load_workbook(path)["Statement"]
    return {str(row[0].value): [c.value for c in row[1:]] for row in ws.iter_rows() if row[0].value}


def test_one_statement_per_partner(tmp_path: Path) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    before = sha256(source)
    result = CliRunner().invoke(budget, ["statements", str(source), "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert sha256(source) == before
    written = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert written == [
        "statement-millbrook-district-council.xlsx",
        "statement-shire-vale-community-action.xlsx",
        "statement-shire-vale-county-council.xlsx",
        "statement-shire-vale-integrated-care-board.xlsx",
    ]
    district = cells(tmp_path / "s" / "statement-millbrook-district-council.xlsx")
    # DFG cash 2.35m a year for three years (the third projected flat), staff 120k a year.
    assert district["Cash contribution £"][0] == 7_050_000
    assert district["In-kind contribution £"][0] == 360_000
    assert district["Homes adapted so people can stay at home"][2] == 7_410_000
    # Its only line is kept out of the risk share, so it bears none of the tested overspend.
    assert district["Pro rata to contributions (agreed)"][0] == 0
    community = cells(tmp_path / "s" / "statement-shire-vale-community-action.xlsx")
    # 1,200,000 × 180,000 / 49,430,000 = 4,369.82; capped at £2,500 on the capped basis.
    assert community["Pro rata to contributions (agreed)"][0] == 4369.82
    assert community["Capped, remainder pro rata"][0] == 2500
    ws = load_workbook(tmp_path / "s" / "statement-shire-vale-community-action.xlsx")
    rows = [[c.value for c in row] for row in ws["Statement"].iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Part of shared lines £")
    # The 2025/26 actual variance on shared lines: +350k + 320k - 90k + 0 + 15k = 595,000;
    # × 180,000 / 49,430,000 = 2,166.70; the DFG underspend is the district's alone.
    assert rows[header + 1][:3] == [2166.7, 0, 2166.7]


def test_the_pooling_benefit_in_a_statement(tmp_path: Path) -> None:
    # Alone: 2.6m a year × 3 = 7.8m against 7.05m + 0.36m = 7.41m jointly: 390,000 (5%) saved.
    source = build_template(tmp_path / "budget.xlsx")
    CliRunner().invoke(budget, ["statements", str(source), "--out", str(tmp_path / "s")])
    ws = load_workbook(tmp_path / "s" / "statement-millbrook-district-council.xlsx")["Statement"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Cost alone £")
    assert rows[header + 1][:4] == [7_800_000, 7_410_000, 390_000, 0.05]


def test_a_bad_workbook_writes_nothing_and_says_where(tmp_path: Path) -> None:
    data = sample_data()
    data["contributions"][3][0] = "Shire Vale Hospice"
    source = build_template(tmp_path / "budget.xlsx", data)
    out = tmp_path / "s"
    result = CliRunner().invoke(budget, ["statements", str(source), "--out", str(out)])
    assert result.exit_code == 2
    # the one error style, on standard error: the count, then each problem where it is
    assert result.stderr.startswith("error: 1 problem in the input; nothing was written:\n")
    assert "budget.xlsx, Contributions!A8, field 'Partner': 'Shire Vale Hospice'" in result.stderr
    assert not out.exists()


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "budget.xlsx"
    bad.write_text("partner,amount\n")
    result = CliRunner().invoke(budget, ["statements", str(bad), "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "budget.xlsx: the file is not an Excel workbook" in result.output


def test_build_writes_a_copy_and_refuses_to_overwrite_the_input(tmp_path: Path) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    result = CliRunner().invoke(budget, ["build", str(source), "--out", str(source)])
    assert result.exit_code != 0
    result = CliRunner().invoke(budget, ["build", str(source), "--out", str(tmp_path / "b.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Budget" in load_workbook(tmp_path / "b.xlsx").sheetnames


def test_the_demo_builds_the_sample_and_its_statements(tmp_path: Path) -> None:
    written = run_demo(tmp_path)
    names = [p.name for p in written]
    assert names[:2] == ["pooled_budget_sample.xlsx", "pooled_budget_sample_built.xlsx"]
    assert len([n for n in names if n.startswith("statement-")]) == 4
    assert all(p.exists() for p in written)


def test_partners_whose_names_look_alike_get_a_statement_each(tmp_path: Path) -> None:
    # "Shire Vale County-Council" and "Shire Vale County Council" make the same file name.
    data = sample_data()
    for key, rows in data.items():
        if key in ("arrangement", "in_year"):  # settings: no community partner named there
            continue
        for row in rows:
            row[:] = ["Shire Vale County-Council" if v == example.VCS else v for v in row]
    source = build_template(tmp_path / "budget.xlsx", data)
    result = CliRunner().invoke(budget, ["statements", str(source), "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    written = {p.name for p in (tmp_path / "s").iterdir()}
    assert len(written) == 4
    assert {
        "statement-shire-vale-county-council.xlsx",
        "statement-shire-vale-county-council-2.xlsx",
    } <= written


def test_statements_as_pdf_too(tmp_path: Path, soffice: str) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    out = tmp_path / "s"
    result = CliRunner().invoke(budget, ["statements", str(source), "--out", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 4
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)


def test_an_uplift_of_3_9_stops_the_statements_and_says_where(tmp_path: Path) -> None:
    # 3.9 is 390% a year: refused, with what was meant, and no statement is written.
    data = sample_data()
    data["conditions"][0][2] = 3.9
    source = build_template(tmp_path / "budget.xlsx", data)
    out = tmp_path / "s"
    result = CliRunner().invoke(budget, ["statements", str(source), "--out", str(out)])
    assert result.exit_code == 2
    assert (
        "budget.xlsx, Conditions!C5, field 'Rate % or cap £': 3.9 is 390%, outside -50% to 50% "
        "for an uplift" in result.output
    )
    assert "type 3.9% (or 0.039)" in result.output
    assert not out.exists()


def test_a_renamed_header_stops_the_build_and_says_which(tmp_path: Path) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    wb = load_workbook(source)
    wb["Contributions"]["E4"] = "Amt"
    wb["Contributions"].tables["Contributions"].tableColumns[4].name = "Amt"
    wb.save(source)
    target = tmp_path / "built.xlsx"
    result = CliRunner().invoke(budget, ["build", str(source), "--out", str(target)])
    assert result.exit_code == 2
    assert (
        "budget.xlsx, Contributions!E4: the header 'Amt' is not a column of the Contributions "
        "table" in result.output
    )
    assert not target.exists()


def test_a_header_read_under_another_spelling_is_noted(tmp_path: Path) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    wb = load_workbook(source)
    wb["Contributions"]["E4"] = "Amount (£)"
    wb["Contributions"].tables["Contributions"].tableColumns[4].name = "Amount (£)"
    wb.save(source)
    result = CliRunner().invoke(budget, ["build", str(source), "--out", str(tmp_path / "b.xlsx")])
    assert result.exit_code == 0, result.output
    assert "note: Contributions: read the header 'Amount (£)' as 'Amount £'" in result.output


# --- issue 12, cases 9-10: never over the input, never an .xlsm, an output kept unless asked ---


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(budget, [str(a) for a in args])


def test_issue_12_case_9_build_never_writes_over_its_input_even_through_a_link(
    tmp_path: Path,
) -> None:
    # A hard link is the same file under another name: main compared resolved paths only and
    # wrote over the input through it, --overwrite or not.
    source = build_template(tmp_path / "budget.xlsx")
    before = sha256(source)
    link = tmp_path / "linked.xlsx"
    link.hardlink_to(source)
    for target in (source, link):
        result = run("build", source, "--out", target, "--overwrite")
        assert result.exit_code == 2
        assert f"the output {target} is the input {source}; cpcxl never writes over its input" in (
            result.stderr
        )
    assert sha256(source) == before


def test_issue_12_case_9_build_never_writes_an_xlsm(tmp_path: Path) -> None:
    # cpcxl writes .xlsx bytes: under an .xlsm name they would pass for a macro workbook
    # whose macros are gone (main wrote them).
    source = build_template(tmp_path / "budget.xlsx")
    target = tmp_path / "budget-built.xlsm"
    result = run("build", source, "--out", target)
    assert result.exit_code == 2
    assert "is a macro-enabled workbook; cpcxl writes .xlsx files and would lose its macros" in (
        result.output
    )
    assert not target.exists()


def test_issue_12_case_10_build_keeps_an_existing_output_unless_overwrite(tmp_path: Path) -> None:
    # An officer's notes in the built copy survive a rerun: kept, said, exit 3 (main replaced
    # it and exited 0); --overwrite replaces it.
    source = build_template(tmp_path / "budget.xlsx")
    target = tmp_path / "built.xlsx"
    assert run("build", source, "--out", target).exit_code == 0
    wb = load_workbook(target)
    wb["Budget"]["A1"] = "my notes for the board"
    wb.save(target)
    edited = sha256(target)
    result = run("build", source, "--out", target)
    assert result.exit_code == 3
    assert "kept 1 existing file a person may have edited (--overwrite replaces them):" in (
        result.output
    )
    assert str(target) in result.output
    assert sha256(target) == edited
    result = run("build", source, "--out", target, "--overwrite")
    assert result.exit_code == 0, result.output
    assert load_workbook(target)["Budget"]["A1"].value != "my notes for the board"


def test_issue_12_case_10_statements_keep_existing_ones_and_write_the_rest(tmp_path: Path) -> None:
    # Four partners, four statements; one edited since: kept (and said, exit 3), the three
    # missing written; --overwrite replaces all four.
    source = build_template(tmp_path / "budget.xlsx")
    out = tmp_path / "s"
    assert run("statements", source, "--out", out).exit_code == 0
    edited = out / "statement-shire-vale-community-action.xlsx"
    wb = load_workbook(edited)
    wb["Statement"]["A1"] = "agreed at the board, 3 March"
    wb.save(edited)
    for other in out.glob("statement-*.xlsx"):
        if other != edited:
            other.unlink()
    result = run("statements", source, "--out", out)
    assert result.exit_code == 3
    assert "kept 1 existing file a person may have edited (--overwrite replaces them):" in (
        result.output
    )
    assert f"  {edited}" in result.output
    assert result.output.count("wrote ") == 3
    assert load_workbook(edited)["Statement"]["A1"].value == "agreed at the board, 3 March"
    result = run("statements", source, "--out", out, "--overwrite")
    assert result.exit_code == 0, result.output
    assert result.output.count("wrote ") == 4
    assert load_workbook(edited)["Statement"]["A1"].value != "agreed at the board, 3 March"


def test_issue_12_case_9_statements_never_write_over_their_input(tmp_path: Path) -> None:
    # The input saved in --out under a statement's name: refused before anything is written.
    out = tmp_path / "s"
    source = build_template(out / "statement-shire-vale-community-action.xlsx")
    before = sha256(source)
    result = run("statements", source, "--out", out, "--overwrite")
    assert result.exit_code == 2
    assert "cpcxl never writes over its input" in result.output
    assert sha256(source) == before
    assert sorted(p.name for p in out.iterdir()) == [source.name]


def test_issue_12_case_10_a_statements_pdf_is_kept_too(tmp_path: Path, soffice: str) -> None:
    # A PDF that exists is an output like any other: kept, and the command says so.
    source = build_template(tmp_path / "budget.xlsx")
    out = tmp_path / "s"
    assert run("statements", source, "--out", out, "--pdf").exit_code == 0
    pdf = out / "statement-shire-vale-community-action.pdf"
    before = sha256(pdf)
    (out / "statement-shire-vale-community-action.xlsx").unlink()
    result = run("statements", source, "--out", out, "--pdf")
    assert result.exit_code == 3
    assert "kept 7 existing files" in result.output  # three statements and four PDFs
    assert result.output.count("wrote ") == 1
    assert sha256(pdf) == before


# --- issue 13, case 1, through the command: an aligned budget's statements -------------------


def test_issue_13_case_1_an_aligned_statement_shows_the_partners_own_variance(
    tmp_path: Path,
) -> None:
    # CPC 509: the ICB's own +£100,000 on Reablement (18.6m of its 18.5m) is its own; the
    # County's statement shows none of it (main: £30,042.48).
    data = sample_data(in_year=False)
    data["arrangement"]["kind"] = "Aligned"
    data["actuals"] = [[example.REABLEMENT, "2025/26", example.ICB, 18_600_000]]
    source = build_template(tmp_path / "budget.xlsx", data)
    result = run("statements", source, "--out", tmp_path / "s")
    assert result.exit_code == 0, result.output

    def own(slug: str) -> list[Any]:
        ws = load_workbook(tmp_path / "s" / f"statement-{slug}.xlsx")["Statement"]
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        header = next(i for i, r in enumerate(rows) if r[0] == "Your own variance £")
        assert rows[header][:2] == ["Your own variance £", "Settlement £"]
        return rows[header + 1][:2]

    assert own("shire-vale-integrated-care-board") == [100_000, 100_000]
    assert own("shire-vale-county-council") == [0, 0]
    assert own("shire-vale-community-action") == [0, 0]


def test_issue_13_case_1_an_aligned_actual_with_no_partner_stops_the_command(
    tmp_path: Path,
) -> None:
    data = sample_data(in_year=False)
    data["arrangement"]["kind"] = "Aligned"
    source = build_template(tmp_path / "budget.xlsx", data)
    result = run("statements", source, "--out", tmp_path / "s")
    assert result.exit_code == 2
    assert (
        "budget.xlsx, Actuals!C5, field 'Partner': the arrangement is aligned, so this actual "
        f"for {example.REABLEMENT!r} must say whose budget it is" in result.output
    )
    assert not (tmp_path / "s").exists()


def test_statements_tell_the_progress_bar_after_each_partner(tmp_path: Path) -> None:
    from cpcxl.budget.workbook import build_result, write_statements

    _, result, _ = build_result(build_template(tmp_path / "budget.xlsx"))
    told: list[tuple[int, int | None]] = []
    written = write_statements(result, tmp_path / "s", progress=lambda d, t: told.append((d, t)))
    # the sample pool has four partners: one statement each, the bar moved after each
    assert len(written) == 4
    assert told == [(1, 4), (2, 4), (3, 4), (4, 4)]
