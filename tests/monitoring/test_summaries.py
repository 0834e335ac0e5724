"""The monitoring summary and the portfolio workbook as files (XlsxWriter)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from cpcxl.monitoring import engine
from cpcxl.monitoring.outputs import ReportSettings, portfolio_outputs
from cpcxl.monitoring.sample import example_return, sample_return
from cpcxl.monitoring.schemes import CQC, framework_resolver
from cpcxl.monitoring.workbook import write_portfolio, write_summary

RESOLVE = framework_resolver({})
AS_AT = dt.date(2026, 6, 20)


def test_the_summary_is_print_ready_and_says_what_cpc_305_asks(tmp_path: Path) -> None:
    ret = example_return()
    ret.issues[0].description = '=HYPERLINK("http://example.invalid")'
    result = engine.evaluate(ret, CQC, as_at=AS_AT)
    settings = ReportSettings(
        organisation="Northshire Council",
        marking="OFFICIAL",
        challenge_text="Write to the Head of Commissioning within 14 days.",
    )
    path = write_summary(tmp_path / "s.xlsx", result, settings)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Evidence", "Action plan"]
    for ws in wb.worksheets:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # 9 is A4
        assert "OFFICIAL" in ws.oddHeader.center.text
    summary = wb["Summary"]
    text = {
        c.value: c.coordinate
        for row in summary.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    required = text["Improvements required (requirements of the contract)"]
    recommended = text["Recommendations (advice; not contractual requirements)"]
    assert int(required[1:]) < int(recommended[1:])
    assert "Audit every medicines record and retrain staff" in text
    assert "Write to the Head of Commissioning within 14 days." in text
    assert "Concerns that need immediate action (safeguarding)" in text
    assert "Escalations" in text
    # Input text that looks like a formula stays text.
    cell = summary[text['=HYPERLINK("http://example.invalid")']]
    assert cell.data_type == "s"
    assert len(summary._charts) == 1
    evidence = wb["Evidence"]
    assert [c.value for c in evidence[2]] == [
        "Domain",
        "Statement",
        "Score",
        "Evidence",
        "Evidence type",
        "Source",
    ]
    assert evidence["F3"].value == "Monitoring visit"


def test_the_portfolio_has_the_overview_chart_and_plan(tmp_path: Path) -> None:
    rows = [engine.portfolio_row(engine.evaluate(*_fw(i), as_at=AS_AT)) for i in range(12)]
    frame = engine.portfolio_frame(rows)
    plan, capacity = engine.monitoring_plan(frame)
    path = write_portfolio(
        tmp_path / "p.xlsx", portfolio_outputs(frame, plan, capacity, as_at=AS_AT)
    )
    wb = load_workbook(path)
    # the three sheets an officer sees, and the hidden one where cpcxl records the
    # fingerprint of what it wrote (issue 12 case 11: a rerun tells a changed portfolio)
    assert wb.sheetnames == ["Overview", "Ratings", "Monitoring plan", "cpcxl"]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible"] * 3 + ["hidden"]
    overview = wb["Overview"]
    header = [c.value for c in overview[5]]
    assert header[:4] == ["Provider ID", "Provider name", "Provider type", "Overall rating"]
    ids = [overview.cell(r, 1).value for r in range(6, 18)]
    assert ids == frame["Provider ID"].tolist()
    assert len(wb["Ratings"]._charts) == 1
    ratings = wb["Ratings"]
    counts = {
        ratings.cell(r, 1).value: ratings.cell(r, 2).value for r in range(3, ratings.max_row + 1)
    }
    assert sum(counts.values()) == 12
    # every CQC band is listed, worst first, even with no provider in it
    assert list(counts)[:1] == ["Inadequate"]
    assert {"Inadequate", "Requires improvement", "Good", "Outstanding"} <= set(counts)
    assert wb["Monitoring plan"]["A2"].value == "Officer hours needed for proactive visits"
    assert wb["Monitoring plan"]["B2"].value == capacity.hours_needed


def _fw(index: int):
    ret = sample_return(index, 3)
    return ret, RESOLVE(ret.details.framework)
