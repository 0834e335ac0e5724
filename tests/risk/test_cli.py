"""``cpcxl risk import``, ``score`` and ``matrix``, and the demo, on files as officers have them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from cpcxl.cli import _register_plugin_commands, cli
from cpcxl.common.errors import InputError
from cpcxl.common.files import sha256
from cpcxl.common.workbook import save_workbook
from cpcxl.risk import excel, workbook
from cpcxl.risk.sample import run_demo

_register_plugin_commands()

SHEET = "Corporate risks"


def messy_register(folder: Path) -> Path:
    """A register as another council keeps it: a title, grouped two-row headers, its own
    words for likelihood and impact, labels and numbers mixed, and a few slips."""
    wb = Workbook()
    wb.active.title = "Read me"
    wb.active["A1"] = "Scores are out of 25."
    ws = wb.create_sheet(SHEET)
    rows = [
        ["Adult Social Care: corporate risk register 2026/27"],
        [],
        ["Ref", "Risk", "Category", "Risk owner", "Inherent risk", None, None,
         "Current controls", "Current risk", None, None, "Review date", "Notes"],
        [None, None, None, None, "Probability", "Severity", "Score", None, "Likelihood",
         "Consequence", "Rating", None, None],
        ["CR1", "Provider failure", "Financial", "Head of Finance", "Likely", "Major", 16,
         "Monthly checks", 3, 4, 12, "01/09/2026", "seen by audit"],
        ["CR2", "Safeguarding backlog", "Safeguarding", "Safeguarding Lead", "likley",
         "Catastrophic", 20, None, 4, 5, 20, "31/13/2026", None],
        ["CR1", "Phishing of provider staff", "Cyber", "Data Protection Officer", 2, 2, 4,
         "Training", 1, 2, 2, 46204, None],
        ["CR4", "Day centre roof", "Property", "Property Services Manager", "#N/A",
         "insignificant", None, "Survey", 2, 1, 2, None, None],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    return save_workbook(wb, folder / "their_register.xlsx")


def test_import_reports_what_it_mapped_what_not_and_why(tmp_path: Path) -> None:
    imported = workbook.import_file(messy_register(tmp_path))
    assert imported.sheet == SHEET and imported.header_rows == (3, 4)
    assert dict(imported.mapped) == {
        "Ref": "Risk ID",
        "Risk": "Title",
        "Category": "Category",
        "Risk owner": "Owner",
        "Inherent risk Probability": "Inherent likelihood",
        "Inherent risk Severity": "Inherent impact",
        "Current controls": "Controls",
        "Current risk Likelihood": "Residual likelihood",
        "Current risk Consequence": "Residual impact",
        "Review date": "Next review",
    }
    # Issue 15: what is not read into a column is checked (a score) or carried whole.
    not_read = [(r.header, r.read_as) for r in imported.report
                if r.read_as.startswith(("Checked", "Carried"))]  # fmt: skip
    assert not_read == [
        ("Inherent risk Score", "Checked: the inherent score"),
        ("Current risk Rating", "Checked: the residual score"),  # its values are numbers
        ("Notes", "Carried as an extra column"),
    ]
    # 4 × 4 = 16, 3 × 4 = 12 ... every score in the file agrees with its ratings.
    assert imported.checks == []
    assert imported.extra[0] == ["Inherent risk Score", "Current risk Rating", "Notes"]
    assert [str(p) for p in imported.problems] == [
        f"their_register.xlsx, '{SHEET}'!E6, field 'Inherent likelihood': 'likley' is not a "
        "likelihood; did you mean 'Likely'?; valid: 1 to 5, or Rare, Unlikely, Possible, "
        "Likely, Almost certain",
        f"their_register.xlsx, '{SHEET}'!L6, field 'Next review': '31/13/2026' is not a real "
        "date (there is no month 13); valid: a date, an Excel date serial, dd/mm/yyyy or "
        "yyyy-mm-dd",
        f"their_register.xlsx, '{SHEET}'!A7, field 'Risk ID': risk id 'CR1' is already used "
        "at row 5; valid: an id unique in the register",
        # An error cell is reported as the error it holds, in its own cell, not read as blank.
        f"their_register.xlsx, '{SHEET}'!E8, field 'Inherent likelihood': the cell holds the "
        "error #N/A; valid: 1 to 5, or Rare, Unlikely, Possible, Likely, Almost certain",
    ]
    assert imported.own_categories == {"Cyber": 1}  # 'Property' is the standard's property
    # Nothing is lost: four risks, their words read as the standard's, slips kept as typed.
    risks = imported.risks
    assert [r["risk_id"] for r in risks] == ["CR1", "CR2", "CR1", "CR4"]
    assert [r["category"] for r in risks] == [
        "Financial loss", "Harm to vulnerable adults or children", "Cyber", "Risks to property",
    ]  # fmt: skip
    # The error cell is kept as the text it showed, so the register (and its button) flag it.
    assert [r["inherent_likelihood"] for r in risks] == ["Likely", "likley", 2, "#N/A"]
    assert risks[3]["inherent_impact"] == "Negligible"  # 'insignificant' is Negligible
    assert risks[2]["next_review"].isoformat() == "2026-07-01"  # Excel serial 46204


def test_a_register_missing_a_required_column_is_an_error_listing_the_headers(
    tmp_path: Path,
) -> None:
    wb = Workbook()
    wb.active.append(["Ref", "Title", "Probability", "Owner"])
    wb.active.append(["R1", "Provider failure", 3, "Head of Finance"])
    path = save_workbook(wb, tmp_path / "short.xlsx")
    with pytest.raises(InputError) as caught:
        workbook.import_file(path)
    assert str(caught.value) == (
        "short.xlsx, sheet 'Sheet': missing required column inherent_impact; headers found: "
        "'Ref', 'Title', 'Probability', 'Owner'"
    )
    # On the command line it is one readable line and exit status 2, not a traceback.
    result = subprocess.run(
        [sys.executable, "-m", "cpcxl", "risk", "import", str(path), "--out",
         str(tmp_path / "out.xlsx")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "missing required column inherent_impact" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_import_command_writes_a_scored_register_and_leaves_the_file_alone(
    tmp_path: Path,
) -> None:
    source = messy_register(tmp_path)
    before = sha256(source)
    out = tmp_path / "imported.xlsx"
    result = CliRunner().invoke(
        cli, ["risk", "import", str(source), "--out", str(out), "--as-of", "01/08/2026"]
    )
    assert result.exit_code == 0, result.output
    assert sha256(source) == before
    row = next(line for line in result.output.splitlines() if "Inherent risk Probability" in line)
    assert "Inherent likelihood" in row and "'probability' is a word for likelihood" in row
    assert "Categories kept as your own (set their appetite): Cyber (1 risks)" in result.output
    ws = load_workbook(out)["Register"]
    assert [ws[f"A{r}"].value for r in range(6, 10)] == ["CR1", "CR2", "CR1", "CR4"]
    flags = ws[f"{workbook.LETTER['Flags']}7"].value
    assert flags.startswith("Check Inherent likelihood: 'likley' is not a likelihood")
    # CR1 is Financial loss (Cautious: up to 9); residual 3 × 4 = 12; review due 01/09/2026.
    assert ws[f"{workbook.LETTER['Flags']}6"].value == "Above appetite (Cautious: up to 9)"
    appetite = load_workbook(out)["Appetite"]
    categories = [appetite[f"A{r}"].value for r in range(1, 40)]
    assert "Cyber" in categories and "Property" not in categories


def test_score_command_scores_a_saved_register_into_a_copy(tmp_path: Path) -> None:
    source = run_demo(tmp_path / "demo")[0]
    before = sha256(source)
    out = tmp_path / "scored.xlsx"
    result = CliRunner().invoke(
        cli, ["risk", "score", str(source), "--out", str(out), "--as-of", "01/01/2030"]
    )
    assert result.exit_code == 0, result.output
    assert sha256(source) == before
    assert "'Likley' is not a likelihood" in result.output
    summary = load_workbook(out)["Summary"]
    assert summary["A2"].value.startswith("57 open risks of 60; reviews due as of 01/01/2030")


def test_matrix_command_checks_an_organisations_own_toml() -> None:
    toml = Path(__file__).parents[1] / "data" / "risk" / "council_4x4.toml"
    result = CliRunner().invoke(cli, ["risk", "matrix", "--matrix-file", str(toml)])
    assert result.exit_code == 0, result.output
    assert "likelihood: 1 Low, 2 Medium, 3 High, 4 Very high" in result.output
    assert "bands: Green 1-3, Amber 4-8, Red 9-16" in result.output


#: The Register's Flags column (after the £ estimate and the issue 15 columns).
FLAGS = workbook.LETTER["Flags"]

LONG = "9" * 10 + "x" * 32_757  # a cell's most: 32,767 characters


def test_score_command_reports_the_issues_cases_each_in_its_cell(tmp_path: Path) -> None:
    source = excel._example_workbook(tmp_path)
    wb = load_workbook(source)
    ws = wb["Register"]
    at = workbook.LETTER
    # R1 (row 6): '1_000' as a £ minimum; R2 (row 7): 30 for 30%, and 32,767 characters.
    for row, values in ((6, (0.3, "1_000", 2000, 3000)), (7, (30, 1000, 2000, LONG))):
        for header, value in zip(
            ("Chance of occurring", "Minimum impact (£)", "Most likely impact (£)",
             "Maximum impact (£)"), values, strict=True,
        ):  # fmt: skip
            ws[f"{at[header]}{row}"] = value
    wb.save(source)
    out = tmp_path / "scored.xlsx"
    result = CliRunner().invoke(cli, ["risk", "score", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output  # the register is scored; each slip marked
    checks = [line for line in result.output.splitlines() if line.startswith("check: ")]
    assert checks[0] == (
        "check: register.xlsx, Register!Y6, field 'Minimum impact (£)': '1_000' is not an "
        "amount in £; valid: an amount in £ from -£1,000,000,000,000 to £1,000,000,000,000"
    )
    assert checks[1].startswith(
        "check: register.xlsx, Register!X7, field 'Chance of occurring': 30 is 3,000%, outside "
        "0% to 100%"
    )
    assert "type 30% (or 0.3)" in checks[1]
    assert checks[2].startswith(
        f"check: register.xlsx, Register!AA7, field 'Maximum impact (£)': '{LONG[:37]}...' "
        "(32,767 characters) is not an amount in £"
    )
    assert len(checks) == 4 and LONG not in result.output  # and R3's 'likley', as before
    flags = load_workbook(out)["Register"]
    assert flags[f"{FLAGS}6"].value.startswith("Check Minimum impact (£): '1_000' is not an amount")


def test_score_command_stops_on_a_header_that_is_no_column(tmp_path: Path) -> None:
    source = excel._example_workbook(tmp_path)
    wb = load_workbook(source)
    wb["Register"][f"{workbook.LETTER['Maximum impact (£)']}5"] = "Max"
    wb.save(source)
    result = subprocess.run(
        [sys.executable, "-m", "cpcxl", "risk", "score", str(source), "--out",
         str(tmp_path / "out.xlsx")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        "register.xlsx, Register!AA5: the header 'Max' is not a column of the Register table"
        in result.stderr
    )
    assert not (tmp_path / "out.xlsx").exists()
    assert "Traceback" not in result.stdout + result.stderr


def test_as_of_is_read_as_every_date_is() -> None:
    result = CliRunner().invoke(cli, ["risk", "score", __file__, "--out", "x.xlsx",
                                      "--as-of", "31/02/2026"])  # fmt: skip
    assert result.exit_code == 2
    assert "'31/02/2026' is not a real date" in result.output


# --- issue 12 cases 9 and 10: one overwrite rule --------------------------------------------------


@pytest.mark.parametrize("command", ["import", "score"])
def test_case_12_10_an_existing_output_is_kept_unless_overwrite(
    tmp_path: Path, command: str
) -> None:
    # Issue 12 case 10: an output the officer may have edited is never replaced silently: it
    # is kept, the command says so and exits 3; --overwrite replaces it.
    source = messy_register(tmp_path) if command == "import" else excel._example_workbook(tmp_path)
    out = tmp_path / "ours.xlsx"
    args = ["risk", command, str(source), "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    edited = load_workbook(out)
    edited["Register"]["C6"] = "The officer's own description, typed after the import"
    edited.save(out)
    before = sha256(out)
    kept = CliRunner().invoke(cli, args)
    assert kept.exit_code == 3, kept.output
    assert "kept 1 existing file a person may have edited (--overwrite replaces them)" in (
        kept.output
    )
    assert sha256(out) == before
    replaced = CliRunner().invoke(cli, [*args, "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert sha256(out) != before


@pytest.mark.parametrize("command", ["import", "score"])
def test_case_12_9_never_over_the_input_nor_an_xlsm(tmp_path: Path, command: str) -> None:
    # Issue 12 case 9: the input (here through a link to it) and an .xlsm are refused, exit 2,
    # and the input is untouched.
    source = messy_register(tmp_path) if command == "import" else excel._example_workbook(tmp_path)
    before = sha256(source)
    link = tmp_path / "link.xlsx"
    link.symlink_to(source)
    for target, said in ((link, "cpcxl never writes over its input"),
                         (tmp_path / "ours.xlsm", "is a macro-enabled workbook")):  # fmt: skip
        result = CliRunner().invoke(
            cli, ["risk", command, str(source), "--out", str(target), "--overwrite"]
        )
        assert result.exit_code == 2, result.output
        assert said in result.stderr and "nothing was written" in result.stderr  # an error
    assert sha256(source) == before
    assert not (tmp_path / "ours.xlsm").exists()
