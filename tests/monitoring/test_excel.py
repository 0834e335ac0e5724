"""Worksheet functions, the Build summary button, and organisations' own frameworks."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.monitoring import engine
from cpcxl.monitoring.batch import BatchOptions, framework_resolver, run_batch
from cpcxl.monitoring.cli import load_settings
from cpcxl.monitoring.excel import (
    build_summary,
    cpc_kpi_rag,
    cpc_monitoring_rating,
    cpc_monitoring_score,
    cpc_overall_rating,
)
from cpcxl.monitoring.sample import example_return
from cpcxl.monitoring.schemes import framework_from_rows, load_framework_toml
from cpcxl.monitoring.workbook import write_return
from cpcxl.plugins import registry
from cpcxl.xl.remote import run_script_on_file


def test_both_built_in_frameworks_are_registered_schemes() -> None:
    reg = registry()
    assert reg.scheme("monitoring-framework", "CQC").domain_names() == [
        "Safe", "Effective", "Caring", "Responsive", "Well-led"
    ]  # fmt: skip
    council = reg.scheme("monitoring-framework", "council")
    assert council.labels == ["Poor", "Requires improvement", "Good", "Excellent"]
    assert council.domain_names() == [
        "Involvement and information",
        "Personalised care and support",
        "Safeguarding and safety",
        "Suitability of staffing",
        "Quality of management",
    ]


def test_score_of_a_single_cell_and_excel_error_cells() -> None:
    assert cpc_monitoring_score(2) == 50.0  # 2 / 4
    assert cpc_monitoring_score([4, "n/a", "NA"]) == 100.0
    with pytest.raises(InputError, match="#DIV/0!"):
        cpc_monitoring_score([3, "#DIV/0!"])


def test_rating_of_an_unknown_scheme_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"valid: .*cqc.*council"):
        cpc_monitoring_rating(70, "iso")


def test_rating_a_row_of_percentages_keeps_its_shape() -> None:
    assert cpc_monitoring_rating([[38, 39, 63, 88]]) == [
        ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    ]


def test_overall_rating_with_council_labels_and_a_text_breach() -> None:
    ratings = ["Good", "Excellent", "Excellent", "Good", "Good"]
    assert cpc_overall_rating(ratings, False, "council") == "Excellent"
    assert cpc_overall_rating(ratings, "Yes", "council") == "Requires improvement"
    with pytest.raises(InputError, match="not TRUE or FALSE"):
        cpc_overall_rating(ratings, "maybe", "council")


def test_kpi_rag_with_ranges_for_every_argument() -> None:
    result = cpc_kpi_rag(
        [[95], [12], [3]], [[90], [10], [2]], [[True], [False], ["No"]], [[0.05], [0.2], [0.1]]
    )
    # 95 >= 90 Green; 12 is 2 over 10 = 20% (Amber at 20%); 3 is 1 over 2 = 50% > 10%: Red
    assert result == [["Green"], ["Amber"], ["Red"]]


def test_build_summary_writes_the_summary_into_the_open_workbook(tmp_path: Path) -> None:
    path = write_return(tmp_path / "r.xlsx", example_return())
    cells = run_script_on_file(build_summary, path)
    summary = cells["Summary"]
    assert summary["A18"] == "Requires improvement"
    text = set(summary.values())
    assert "Improvements required (requirements of the contract)" in text
    assert "Recommendations (advice; not contractual requirements)" in text
    assert "The provider's right to challenge this outcome" in text
    assert cells["Evidence"]["A1"] == "Evidence of performance and its sources"
    # 34 statements under the header on row 2, then who took part beside the evidence column
    assert cells["Evidence"]["D39"] == "Who took part"
    assert cells["Evidence"]["D40"] == "Contracts and Quality Officer"
    assert cells["Action plan"]["A3"] == "Audit every medicines record and retrain staff"


def test_build_summary_names_the_bad_cell(tmp_path: Path) -> None:
    path = write_return(tmp_path / "r.xlsx", example_return())
    wb = load_workbook(path)
    wb["Scores"]["D6"] = "excellent"
    wb.save(path)
    with pytest.raises(InputErrors, match=r"Scores!D6.*'excellent' is not a score"):
        run_script_on_file(build_summary, path)


TOML = """
name = "northshire"
description = "Northshire's contract standards"

[[bands]]
label = "Unsatisfactory"
min_percent = 0
[[bands]]
label = "Adequate"
min_percent = 50
[[bands]]
label = "Good"
min_percent = 70
[[bands]]
label = "Very good"
min_percent = 90

[[domains]]
name = "Outcomes"
statements = ["People achieve their goals", "People feel safer"]

[[domains]]
name = "Safeguarding"
statements = [{ text = "Concerns are reported the same day", safeguarding = true }]

[overall]
breach_caps_at = "Adequate"
limiting_rules = [{ name = "safeguarding scored 1", caps_at = "Unsatisfactory" }]
"""


def test_an_organisations_own_framework_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "northshire.toml"
    path.write_text(TOML, encoding="utf-8")
    framework = load_framework_toml(path)
    assert framework.labels == ["Unsatisfactory", "Adequate", "Good", "Very good"]
    assert engine.rating(69.5, framework) == "Good"  # 69.5 -> 70
    ret = example_return()
    ret.details.framework = "northshire"
    ret.scores = [
        ret.scores[0].model_copy(update={"domain": "Outcomes", "score": 4}),
        ret.scores[1].model_copy(update={"domain": "Outcomes", "score": 4}),
        ret.scores[2].model_copy(
            update={"domain": "Safeguarding", "score": 1, "safeguarding": True}
        ),
    ]
    ret.previous = []
    returns = tmp_path / "returns"
    returns.mkdir()
    write_return(returns / "r.xlsx", ret)
    report = run_batch(
        returns, tmp_path / "out", BatchOptions(frameworks={"northshire": framework})
    )
    assert report.ok, report.errors
    overview = load_workbook(tmp_path / "out" / "portfolio.xlsx")["Overview"]
    header = [c.value for c in overview[5]]
    row = dict(zip(header, [c.value for c in overview[6]], strict=True))
    # Outcomes 8/8 = 100% Very good; Safeguarding 1/4 = 25% Unsatisfactory -> one worst band
    # gives the second band (Adequate); the safeguarding statement scored 1 caps it lower.
    assert row["Overall rating"] == "Unsatisfactory"
    assert "safeguarding scored 1" in row["Why"]


def test_a_bad_framework_file_says_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "x"\n[[domains]]\nname = "A"\n[[domains]]\nname = "a"\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="domain names must be different"):
        load_framework_toml(path)


def test_a_framework_from_a_sheet() -> None:
    rows = [
        ["Our framework"],
        [],
        ["Area", "Statement", "Safeguarding"],
        ["Safety", "People are safe", "Yes"],
        ["Safety", "Premises are safe", "No"],
        ["Voice", "People are listened to", None],
    ]
    framework = framework_from_rows(rows, name="sheet-framework")
    assert framework.domain_names() == ["Safety", "Voice"]
    assert [s.safeguarding for s in framework.domains[0].statements] == [True, False]
    assert framework_resolver({"sheet-framework": framework})("Sheet-Framework") is framework


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


def test_a_return_can_carry_its_own_framework_on_a_framework_sheet(tmp_path: Path) -> None:
    ret = example_return()
    ret.details.framework = "day-services"
    ret.previous = []
    ret.details.previous_overall = ""
    ret.scores = [
        ret.scores[0].model_copy(update={"domain": "Activities", "score": 4}),
        ret.scores[1].model_copy(update={"domain": "Activities", "score": 3}),
        ret.scores[2].model_copy(update={"domain": "Safety", "score": 2, "safeguarding": True}),
    ]
    path = write_return(tmp_path / "r.xlsx", ret)
    wb = load_workbook(path)
    ws = wb.create_sheet("Framework")
    for row in (
        ["Domain", "Statement", "Safeguarding"],
        ["Activities", "People choose their activities", "No"],
        ["Activities", "Activities meet people's goals", "No"],
        ["Safety", "People are kept safe", "Yes"],
    ):
        ws.append(row)
    wb.save(path)
    cells = run_script_on_file(build_summary, path)
    summary = cells["Summary"]
    # Activities 7/8 = 87.5% -> 88 Outstanding; Safety 2/4 = 50% Requires improvement:
    # one Requires improvement and no two Outstanding-and-rest-Good -> Good, then the breach
    # in the example caps it at Requires improvement.
    assert (summary["A22"], summary["B22"], summary["C22"]) == ("Activities", 87.5, "Outstanding")
    assert (summary["A23"], summary["C23"]) == ("Safety", "Requires improvement")
    assert summary["A18"] == "Requires improvement"


def test_build_summary_adds_a_bar_chart_of_the_domain_scores(tmp_path: Path) -> None:
    from cpcxl.xl.remote import payload_from_xlsx, run_script

    path = write_return(tmp_path / "r.xlsx", example_return())
    actions = run_script(build_summary, payload_from_xlsx(path))
    charts = [a["args"] for a in actions if a["func"] == "addChart"]
    # the domain table's header is on row 21 and its five domains on rows 22-26 (A: domain,
    # B: score); the chart sits in the space left under it
    assert len(charts) == 1
    name, kind, sheet, source = charts[0][:4]
    assert (name, kind, sheet, source) == (
        "Domain scores",
        "BarClustered",
        "Summary",
        "$A$21:$B$26",
    )
    assert charts[0][9] == "$A$28"
