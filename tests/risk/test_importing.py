"""`cpcxl risk import` on six registers laid out as UK councils, NHS bodies and partnerships
lay them out (tests/data/risk, written by build_registers.py there; invented, no two sharing
a set of headers): headers by meaning, bands and scores checked, text scales, statuses,
responses, actions, CSV and two sheets, the report as one table, nothing lost (issue 15)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cpcxl.cli import _register_plugin_commands, cli
from cpcxl.common.tables import normalise_header
from cpcxl.risk import inputs, workbook
from cpcxl.risk.inputs.importing.headers import meaning

_register_plugin_commands()

DATA = Path(__file__).parents[1] / "data" / "risk"
REGISTERS = ["nhs_trust_corporate.xlsx", "district_council.csv", "county_service.xlsx",
             "icb_partnership.xlsx", "fire_authority.xlsx", "academy_trust.xlsx"]  # fmt: skip


def imported(name: str) -> inputs.Imported:
    return workbook.import_file(DATA / name)


def read_as(result: inputs.Imported) -> dict[str, str]:
    return {r.header: r.read_as for r in result.report}


def by_id(result: inputs.Imported) -> dict[str, dict[str, object]]:
    return {str(r["risk_id"]): r for r in result.risks}


def test_the_registers_are_laid_out_differently() -> None:
    # At least five registers, no two with the same set of headers.
    headers = [frozenset(normalise_header(r.header) for r in imported(n).report) for n in REGISTERS]
    assert len(REGISTERS) >= 5
    assert all(a != b for i, a in enumerate(headers) for b in headers[i + 1 :])


@pytest.mark.parametrize(
    ("header", "field", "stage", "check"),
    [
        ("Probability (1-5)", "likelihood", "", ""),  # a scale suffix
        ("Likelihood score", "likelihood", "", ""),
        ("Severity rating", "impact", "", ""),
        ("Gross likelihood", "likelihood", "inherent", ""),
        ("Current risk Consequence", "impact", "residual", ""),  # a group header's stage
        ("Net impact (1 to 5)", "impact", "residual", ""),
        ("Probability %", "probability", "", ""),  # a chance, not a likelihood
        ("Controls / mitigations", "controls", "", ""),  # a combined header
        ("Treatment", "controls", "", ""),  # (values may make it the response)
        ("Existing controls", "controls", "", ""),
        ("RAG", None, "", "band"),  # a band: checked, never a title
        ("Rating", None, "", "band"),
        ("Risk score", None, "", "score"),
        ("L x I", None, "", "score"),
        ("Inherent risk Score", None, "inherent", "score"),
        ("Score at last review", "previous_score", "", ""),
        ("Further actions", "action", "", ""),
        ("Mitigation plan", "action", "", ""),
        ("Response strategy", "response", "", ""),
        ("Owner / Lead", "owner", "", ""),
        ("Risk description (cause, event, effect)", "description", "", ""),
        ("Target date", "action_due", "", ""),
        ("BAF ref", "baf_ref", "", ""),
    ],
)
def test_a_header_is_read_for_its_meaning(
    header: str, field: str | None, stage: str, check: str
) -> None:
    m = meaning(header)
    assert (m.field, m.stage, m.check) == (field, stage, check)
    assert m.why  # every reading says why, for the report


def test_an_nhs_trust_register_with_a_three_row_header_and_no_title_column() -> None:
    result = imported("nhs_trust_corporate.xlsx")
    assert (result.sheet, result.header_rows) == ("Corporate risk register", (4, 6))
    columns = read_as(result)
    # 'Risk assessment' over 'Initial risk' over 'C', 'L': consequence first, as the NHS writes.
    assert columns["Risk assessment Initial risk C"] == "Inherent impact"
    assert columns["Risk assessment Initial risk L"] == "Inherent likelihood"
    assert columns["Risk assessment Current risk Rating"] == "Checked: the residual band"
    assert columns["Controls / mitigations"] == "Controls"
    assert columns["Gaps in control"] == "Carried as an extra column"  # controls already read
    risks = by_id(result)
    # No title column: each title is the description's first sentence.
    assert risks["NCH-01"]["title"] == "Community nursing vacancies above 15%"
    # NCH-02: C 5, L 3 (15, as the file's Score says); current C 5, L 2.
    assert (risks["NCH-02"]["inherent_impact"], risks["NCH-02"]["inherent_likelihood"]) == (5, 3)
    # Statuses Treating and Tolerated are open; responses Mitigate and Reduce are Treat,
    # Accept is Tolerate (the Orange Book's words for them).
    assert {r["status"] for r in result.risks} == {"Open"}
    assert [risks[k]["response"] for k in ("NCH-01", "NCH-03", "NCH-04")] == [
        "Treat", "Tolerate", "Treat"
    ]  # fmt: skip
    # NCH-04's current rating C 5 × L 2 = 10 is High on the NPSA matrix; the file says Green.
    assert [str(c) for c in result.checks] == [
        "nhs_trust_corporate.xlsx, 'Corporate risk register'!I10, field 'Risk assessment "
        "Current risk Rating': the file says 'Green', but its ratings give 10, High"
    ]
    # The numbered and bulleted action plans become actions, one per item: 3 + 1 + 1 + 2.
    assert len(result.actions) == 7
    assert result.actions[0] == {
        "risk_id": "NCH-01", "action": "Recruit 20 nurses from overseas",
        "owner": "Director of Workforce", "due": dt.date(2026, 11, 30), "status": None,
    }  # fmt: skip
    assert any("row 13: 'Key: C = consequence" in n for n in result.notes)  # a note, not a risk
    assert "Status as imported" in result.extra[0] and "Gaps in control" in result.extra[0]


def test_a_district_council_csv_with_scale_suffixes_a_rag_and_other_words_for_responses() -> None:
    result = imported("district_council.csv")
    assert (result.sheet, len(result.risks)) == ("", 5)
    columns = read_as(result)
    assert (columns["Probability (1-5)"], columns["Impact (1-5)"]) == (
        "Inherent likelihood", "Inherent impact"
    )  # fmt: skip
    assert (columns["Risk Score"], columns["RAG"]) == (
        "Checked: the inherent score", "Checked: the inherent band"
    )  # fmt: skip
    risks = by_id(result)
    # Mitigate is Treat, Share Transfer, Accept Tolerate, Avoid Terminate.
    assert [risks[k]["response"] for k in ("CR/01", "CR/03", "CR/04", "CR/05")] == [
        "Treat", "Transfer", "Tolerate", "Terminate"
    ]  # fmt: skip
    assert [risks[k]["status"] for k in ("CR/01", "CR/05")] == ["Open", "Closed"]  # Live, Closed
    # CR/03: 2 × 4 = 8, High (8-12) on the NPSA matrix, where the file's RAG says Green; the
    # others agree (12 High Amber, 20 Extreme Red, 10 High Amber, 3 Low Green).
    assert [c.message for c in result.checks] == [
        "the file says 'Green', but its ratings give 8, High"
    ]
    assert result.checks[0].location is not None and result.checks[0].location.cell == "G4"
    assert [a["action"] for a in result.actions] == [
        "Targeted recovery campaign", "Penetration test; offline back-ups"
    ]  # fmt: skip


def test_a_county_register_with_text_scales_sections_and_cause_and_consequence() -> None:
    result = imported("county_service.xlsx")
    risks = by_id(result)
    # High, Medium, Low onto the 5-point scales: Low 1, Medium 3, High 5 (the lowest, middle
    # and highest levels), said in the report.
    why = next(r.why for r in result.report if r.header == "Likelihood")
    assert "Low 1 (Rare), Medium 3 (Possible), High 5 (Almost certain)" in why
    assert (risks["ASC1"]["inherent_likelihood"], risks["ASC1"]["inherent_impact"]) == (5, 5)
    assert (risks["ASC2"]["inherent_likelihood"], risks["ASC2"]["inherent_impact"]) == (1, 5)
    # 'Consequence' holds text, not ratings: with Cause, it makes the description.
    assert read_as(result)["Consequence"] == "Description"
    assert risks["ASC3"]["description"] == (
        "Cause: Social work vacancies and rising referrals\n"
        "Effect: People wait longer for care and complaints rise"
    )
    # The Rating column uses the same three words: High is the top band, Medium those
    # between, Low the lowest. ASC1 5 × 5 = 25 Extreme (High), ASC2 1 × 5 = 5 Moderate
    # (Medium), ASC3 3 × 3 = 9 High (Medium), ASC4 5 × 3 = 15 Extreme (High): all agree.
    assert result.checks == []
    # The headings are not risks; each risk carries its section, and the directorate.
    assert len(result.risks) == 4
    headers, rows = result.extra
    assert headers == ["Rating", "Directorate", "Section"]
    assert [r[-1] for r in rows] == ["Commissioning", "Commissioning", "Operations", "Operations"]
    assert risks["ASC2"]["proximity"] == "2027/28"


def test_a_partnership_register_on_two_sheets_with_shared_risks() -> None:
    result = imported("icb_partnership.xlsx")
    assert (result.sheet, result.actions_sheet) == ("Risks", "Actions")
    risks = by_id(result)
    # 'Treatment' holds Treat, Tolerate, Transfer: it is the response, not the controls.
    assert read_as(result)["Treatment"] == "Response"
    assert [risks[k]["response"] for k in ("JC-1", "JC-3", "JC-4")] == [
        "Treat", "Tolerate", "Transfer"
    ]  # fmt: skip
    assert [risks[k]["shared"] for k in ("JC-1", "JC-3")] == ["Yes", "No"]  # Y, N
    assert (risks["JC-2"]["residual_likelihood"], risks["JC-2"]["residual_impact"]) == (3, 3)
    assert [(a["risk_id"], a["status"]) for a in result.actions] == [
        ("JC-1", "On track"), ("JC-1", "Not started"), ("JC-2", "Delayed"), ("JC-4", "Complete"),
        ("JC-9", "Not started"),
    ]  # fmt: skip
    # An action for a risk that does not exist is a located error (and kept, to be seen).
    assert [str(p) for p in result.problems] == [
        "icb_partnership.xlsx, Actions!A8, field 'Risk ID': an action for 'JC-9', which is not "
        "a risk on the register; valid: a risk id of the risks' sheet"
    ]


def test_a_fire_authority_register_with_percent_chances_and_a_risk_level() -> None:
    result = imported("fire_authority.xlsx")
    risks = by_id(result)
    assert read_as(result)["Probability %"] == "Chance of occurring"
    assert (risks["SR1"]["probability"], risks["SR1"]["minimum"], risks["SR1"]["maximum"]) == (
        0.4, 50_000, 400_000
    )  # fmt: skip
    assert risks["SR4"]["status"] == "Closed"  # Archived
    # SR1's inherent 4 × 4 = 16 is Extreme (15-25), not the file's High; SR3's residual
    # 1 × 5 = 5 is Moderate (4-6), not Low. The Overall scores agree (4 × 4 = 16 ...).
    assert [c.message for c in result.checks] == [
        "the file says 'High', but its ratings give 16, Extreme",
        "the file says 'Low', but its ratings give 5, Moderate",
    ]
    assert result.extra[0] == [
        "Overall score", "Risk level", "Residual risk level", "Notes", "Comments",
        "Status as imported",
    ]  # fmt: skip


def test_an_academy_trust_register_with_letters_under_group_headers() -> None:
    result = imported("academy_trust.xlsx")
    columns = read_as(result)
    assert (columns["Before controls L"], columns["After controls I"]) == (
        "Inherent likelihood", "Residual impact"
    )  # fmt: skip
    # Risk 4: after controls L 4 × I 2 = 8, where the file's L x I says 6.
    assert [(c.location.cell if c.location else None, c.message) for c in result.checks] == [
        ("J8", "the file says 6, but its ratings give 8 (High)")
    ]
    assert by_id(result)["3"]["objectives"] == "O1; O3"


def test_the_command_imports_a_csv_and_keeps_everything(tmp_path: Path) -> None:
    out = tmp_path / "district.xlsx"
    result = CliRunner().invoke(
        cli, ["risk", "import", str(DATA / "district_council.csv"), "--out", str(out),
              "--as-of", "01/07/2026"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if line.startswith("Sheet"))
    assert header.split() == ["Sheet", "Column", "Header", "found", "Read", "as", "Why"]
    wb = load_workbook(out)
    # The register, its actions, the columns it had no place for, and the report as a table.
    assert [wb["Register"][f"A{r}"].value for r in range(6, 11)] == [
        "CR/01", "CR/02", "CR/03", "CR/04", "CR/05"
    ]  # fmt: skip
    actions = wb["Actions"]
    assert [actions[f"B{r}"].value for r in (5, 6)] == [
        "Targeted recovery campaign", "Penetration test; offline back-ups"
    ]  # fmt: skip
    carried = wb["Imported columns"]
    assert [carried.cell(4, c).value for c in (1, 2, 3, 4)] == [
        "Risk ID", "Risk Score", "RAG", "Status as imported"
    ]  # fmt: skip
    assert [carried.cell(5, c).value for c in (1, 2, 3, 4)] == ["CR/01", "12", "Amber", "Live"]
    report = wb["Import report"]
    assert [report.cell(4, c).value for c in range(1, 6)] == [
        "Sheet", "Column", "Header found", "Read as", "Why"
    ]  # fmt: skip
    assert report.cell(8, 3).value == "Probability (1-5)"  # the fourth header, row 4 + 4


def test_the_command_imports_a_two_sheet_register_and_flags_the_stray_action(
    tmp_path: Path,
) -> None:
    out = tmp_path / "partnership.xlsx"
    result = CliRunner().invoke(
        cli, ["risk", "import", str(DATA / "icb_partnership.xlsx"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Actions!A8, field 'Risk ID': an action for 'JC-9'" in result.output
    actions = load_workbook(out)["Actions"]
    flags = {actions[f"A{r}"].value: actions[f"G{r}"].value for r in range(5, 10)}
    assert flags["JC-9"].startswith("Check Risk ID: 'JC-9' is not a risk on the Register")
