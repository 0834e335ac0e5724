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
from cpcxl.risk import workbook
from cpcxl.risk.cli import run_demo

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
    imported = workbook.import_register(messy_register(tmp_path))
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
    assert imported.not_used == [
        ("Inherent risk Score", "cpcxl works this out from likelihood and impact"),
        ("Current risk Rating", "cpcxl works this out from likelihood and impact"),
        ("Notes", "no register column of that name"),
    ]
    assert [str(p) for p in imported.problems] == [
        f"their_register.xlsx, '{SHEET}'!E6, field 'Inherent likelihood': 'likley' is not a "
        "likelihood (did you mean 'Likely'?); valid: 1 to 5, or Rare, Unlikely, Possible, "
        "Likely, Almost certain",
        f"their_register.xlsx, '{SHEET}'!L6, field 'Next review': '31/13/2026' is not a real "
        "date (month must be in 1..12); valid: a date, an Excel date serial, dd/mm/yyyy or "
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
        workbook.import_register(path)
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
    assert "missing required column inherent_impact" in result.stdout
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
    assert "'Inherent risk Probability' -> Inherent likelihood" in result.output
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


def test_the_demo_writes_a_scored_sample_register(tmp_path: Path) -> None:
    written = run_demo(tmp_path)
    assert [p.name for p in written] == ["risk_register_sample.xlsx"]
    wb = load_workbook(written[0])
    owners = {wb["Register"][f"E{r}"].value for r in range(6, 66)}
    assert len(owners) >= 8 and all(o and o[0].isupper() for o in owners)
    summary = wb["Summary"]
    # 60 risks, 3 of them closed.
    assert summary["A2"].value.startswith("57 open risks of 60")
