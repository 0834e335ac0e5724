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
    # issue 16 added the Compliance action sheet
    assert wb.sheetnames == ["Summary", "Evidence", "Action plan", "Compliance action"]
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
    # (who took part and who is kept informed stand beside, to column G: issue 16)
    assert [c.value for c in evidence[2]][:6] == [
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
    # the four sheets an officer sees (issue 16: the Overview that prints and the Full
    # overview), and the hidden one where cpcxl records the fingerprint of what it wrote
    # (issue 12 case 11: a rerun tells a changed portfolio)
    assert wb.sheetnames == ["Overview", "Full overview", "Ratings", "Monitoring plan", "cpcxl"]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible"] * 4 + ["hidden"]
    full = wb["Full overview"]
    header = [c.value for c in full[5]]
    assert header[:5] == [
        "Provider ID",
        "Provider name",
        "Provider type",
        "Service",
        "Overall rating",
    ]
    ids = [full.cell(r, 1).value for r in range(6, 18)]
    assert ids == frame["Provider ID"].tolist()
    printed = wb["Overview"]
    assert [c.value for c in printed[5]] == [
        "Provider", "Service", "Rating", "Trend", "Stage", "Top concern", "Next visit"
    ]  # fmt: skip
    names = frame["Provider name"] + " (" + frame["Provider ID"] + ")"
    assert [printed.cell(r, 1).value for r in range(6, 18)] == names.tolist()
    ratings = wb["Ratings"]
    # one table for each framework, on its own scale, side by side (columns A and E)
    used = sorted(set(frame["Framework"]), key=["cqc", "council"].index)
    assert len(ratings._charts) == len(used)
    counts: dict[str, dict[str, int]] = {}
    for index, name in enumerate(used):
        column = 1 + 4 * index
        assert ratings.cell(2, column).value.startswith(f"The {name} framework")
        counts[name] = {
            ratings.cell(r, column).value: ratings.cell(r, column + 1).value
            for r in range(4, ratings.max_row + 1)
            if ratings.cell(r, column).value is not None
        }
    assert sum(n for c in counts.values() for n in c.values()) == 12
    # every CQC band is listed, worst first, even with no provider in it
    assert list(counts["cqc"])[:4] == ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    if "council" in counts:
        assert list(counts["council"])[:4] == ["Poor", "Requires improvement", "Good", "Excellent"]
    assert wb["Monitoring plan"]["A2"].value == "Officer hours needed for proactive visits"
    assert wb["Monitoring plan"]["B2"].value == capacity.hours_needed


def _fw(index: int):
    ret = sample_return(index, 3)
    return ret, RESOLVE(ret.details.framework)


def test_a_portfolio_an_earlier_cpcxl_recorded_is_still_unchanged(tmp_path: Path) -> None:
    # An earlier cpcxl counted a number straight to 12 digits; 92.65850945494995 (833 of 899)
    # then differs from what cpcxl counts now (from the 15 digits LibreOffice would save)
    from openpyxl import Workbook

    from cpcxl.monitoring.workbook import summaries

    cells = [("Overview", 1, 1, "Score"), ("Overview", 2, 1, 92.65850945494995)]
    earlier = summaries._digest(cells, earlier=True)
    assert earlier != summaries._digest(cells)
    wb = Workbook()
    ws = wb.active
    ws.title = "Overview"
    ws["A1"], ws["A2"] = "Score", 92.65850945494995
    record = wb.create_sheet(summaries.RECORD_SHEET)
    record.append(["cells sha256", earlier])
    wb.save(tmp_path / "portfolio.xlsx")
    found = summaries.portfolio_cells_sha256(tmp_path / "portfolio.xlsx")
    assert found == (earlier, earlier)  # recorded, and the cells now: the same, so unchanged
    ws["A2"] = 92.7
    wb.save(tmp_path / "portfolio.xlsx")
    recorded, now = summaries.portfolio_cells_sha256(tmp_path / "portfolio.xlsx") or ("", "")
    assert recorded == earlier and now != earlier  # a changed cell is still a change
