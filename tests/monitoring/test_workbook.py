"""The monitoring return, the summary and the portfolio workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputErrors
from cpcxl.monitoring import engine
from cpcxl.monitoring.inputs import DETAILS, TEMPLATE_TABLES
from cpcxl.monitoring.sample import example_return, sample_return
from cpcxl.monitoring.schemes import CQC, framework_resolver
from cpcxl.monitoring.workbook import LISTS, read_return_file, write_return

RESOLVE = framework_resolver({})
AS_AT = dt.date(2026, 6, 20)


def test_the_packaged_return_matches_the_committed_copy(build_and_compare) -> None:
    built = build_and_compare("monitoring_return")
    wb = load_workbook(built)
    assert wb.sheetnames[:2] == ["Instructions", "Return"]
    # every input table of the return is an Excel Table built from its spec
    # (issue 16 added the Strengths, Stakeholders and Compliance tables)
    assert {t for ws in wb.worksheets for t in ws.tables} == {
        "Details", "Participants", "Scores", "KPIs", "Issues", "Actions", "PreviousRound",
        "Strengths", "Stakeholders", "Compliance",
    }  # fmt: skip
    assert wb["Compliance"].tables["Compliance"].ref == "A3:H13"
    assert wb["Compliance"]["A2"].value.startswith("For example: Improvement notice")
    assert LISTS["StageList"] == [
        "None",
        "Informal concern",
        "Improvement notice",
        "Default notice",
        "Suspension of new placements",
        "Termination notice",
    ]
    # 16 details under the header (issue 13 case 14 added "Key question of the breach")
    assert wb["Return"].tables["Details"].ref == "A3:C19"
    assert wb["KPIs"]["E3"].value == "Tolerance" and wb["KPIs"]["E4"].number_format == "0.0%"
    # Drop-downs come from the standards' scope lists on the Lists sheet.
    assert LISTS["ProviderTypeList"] == [
        "Private sector",
        "Voluntary and community sector",
        "Local authority",
        "Selected by people using services",
    ]
    assert LISTS["ActivityList"] == [
        "Proactive monitoring",
        "Reactive monitoring",
        "Self-assessment",
    ]
    validations = {dv.formula1 for ws in wb.worksheets for dv in ws.data_validations.dataValidation}
    assert {"=ScoreList", "=EvidenceTypeList", "=IssueTypeList", "=ResponsibleList"} <= validations
    # every drop-down a spec names has its list, and the Lists sheet has nothing else
    named = {
        kind.list_name
        for kind in [s.type for s in DETAILS.settings]
        + [c.type for t in TEMPLATE_TABLES for c in t.columns]
        if getattr(kind, "list_name", None)
    }
    assert named == set(LISTS)
    assert {f"={n}" for n in named} <= validations
    # the KPI tolerance is a rate from 0% to 50%: Excel refuses anything else as it is typed
    [tolerance] = [
        dv for dv in wb["KPIs"].data_validations.dataValidation if str(dv.sqref).startswith("E4:")
    ]
    assert (tolerance.type, tolerance.formula1, tolerance.formula2) == ("decimal", "0", "0.5")
    assert wb["Scores"].max_row == 3 + 34  # CQC's 34 quality statements listed
    assert wb["Return"].oddHeader.center.text == "OFFICIAL-SENSITIVE"


def test_a_written_return_reads_back_as_it_was_written(tmp_path: Path) -> None:
    original = sample_return(5, seed=11)
    path = write_return(tmp_path / "r.xlsx", original)
    ret, framework = read_return_file(path, RESOLVE)
    assert framework.name == original.details.framework
    assert ret.details == original.details
    assert [(s.domain, s.score, s.evidence_type) for s in ret.scores] == [
        (s.domain, s.score, s.evidence_type) for s in original.scores
    ]
    assert ret.kpis == original.kpis
    assert ret.issues == original.issues
    assert ret.actions == original.actions
    assert ret.previous == original.previous
    assert ret.participants == original.participants


def test_every_problem_in_a_return_is_reported_at_once(tmp_path: Path) -> None:
    path = write_return(tmp_path / "r.xlsx", example_return())
    wb = load_workbook(path)
    wb["Scores"]["D4"] = "x"
    wb["Scores"]["D5"] = 7
    wb["KPIs"]["C4"] = "lots"
    wb.save(path)
    with pytest.raises(InputErrors) as caught:
        read_return_file(path, RESOLVE)
    cells = [(e.location.sheet, e.location.cell) for e in caught.value.errors]
    assert cells == [("Scores", "D4"), ("Scores", "D5"), ("KPIs", "C4")]


def test_excels_own_preview_formulas_agree_with_the_engine(tmp_path: Path, recalculated) -> None:
    ret = example_return()
    path = write_return(tmp_path / "r.xlsx", ret)
    values = recalculated(path)
    result = engine.evaluate(ret, CQC, as_at=AS_AT)
    preview = values["Return"]
    for offset, domain in enumerate(result.domains):
        row = preview[3 + offset]  # Return!D4:F8
        assert row[3] == domain.domain
        assert row[4] == pytest.approx(domain.percentage)
        assert row[5] == domain.rating
    kpis = values["KPIs"]
    assert [kpis[3][7], kpis[4][7]] == [k.rag for k in result.kpis]
    assert all(not str(v).startswith(("#", "Err:")) for r in preview for v in r)


# "portfolio": the batch's overview is portfolio.xlsx, beside the summaries (in any case:
# Windows and macOS fold case in file names)
@pytest.mark.parametrize(
    "provider_id", ["../P-1", "CON", "nul.txt", "P 1", "=P1", "x" * 65, "portfolio", "PortFolio"]
)
def test_a_provider_id_that_cannot_name_a_file_is_refused(tmp_path: Path, provider_id) -> None:
    path = write_return(tmp_path / "r.xlsx", example_return())
    wb = load_workbook(path)
    wb["Return"]["B4"].value = provider_id
    wb["Return"]["B4"].data_type = "s"
    wb.save(path)
    with pytest.raises(InputErrors, match=r"Return!B4.*cannot name a summary file"):
        read_return_file(path, RESOLVE)
