"""The month-end report (sheet, `cpcxl budget monitor`) and partner statements fit to hand
over (issue 14): money in £ with thousands separators, shares as percentages, every chart
from £0, A4; and the statements' PDF, one per partner, with what the issue lists."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cpcxl.budget import engine, outputs
from cpcxl.budget.cli import command as budget
from cpcxl.budget.excel import build_budget
from cpcxl.budget.inputs import example, read_inputs
from cpcxl.budget.workbook import build_template
from cpcxl.common import formats
from cpcxl.common.files import KEPT_EXIT, sha256
from cpcxl.common.report import Block, SheetOutput, number_format
from cpcxl.xl.remote import apply_values, payload_after, payload_from_xlsx, run_script

from .tables import cells, sample_data


@pytest.fixture(scope="module")
def result() -> engine.BudgetResult:
    given, _ = read_inputs(cells(sample_data()))
    return engine.build(given)


@pytest.fixture(scope="module")
def comparison() -> Any:
    given, scenarios = read_inputs(cells(sample_data()))
    return engine.compare_scenarios(given, scenarios)


def blocks(sheet: SheetOutput) -> dict[str, Block]:
    return {b.title: b for b in sheet.blocks if b.title}


def money_and_shares_are_formatted(sheet: SheetOutput) -> None:
    """Every number in a column headed £ is in £ with thousands separators, every number in a
    column of shares or % a percentage: nothing a person reads is in General format."""
    for b in sheet.blocks:
        if not b.header or not b.values:
            continue
        header = b.values[0]
        for r, row in enumerate(b.values[1:], start=1):
            for c, value in enumerate(row):
                if not isinstance(value, int | float) or isinstance(value, bool):
                    continue
                shown = number_format(b, r, c, value)
                title = str(header[c]) if c < len(header) else ""
                where = f"{sheet.name}: {b.title!r} row {r} column {title!r}"
                if "£" in title or title == "£":
                    assert shown in (formats.GBP, formats.GBP_PENCE), where
                elif "%" in title or "share" in title.lower() or title == "Share":
                    assert shown in (formats.PERCENT_1DP, formats.PERCENT), where


def test_the_report_has_every_figure_the_issue_asks_for(result: engine.BudgetResult) -> None:
    sheet = outputs.report_sheet(result)
    found = blocks(sheet)
    lines = found["Each line, the forecast that moved most since last period first (cash)"]
    header = lines.values[0]
    for wanted in (
        "Budget £",
        "Actual to date £",
        "Forecast outturn £",
        "Forecast variance £",
        "Movement since last period £",
    ):
        assert wanted in header
    # The lines whose forecast moved most are named first: reablement (+140,208.33), then
    # equipment (+60,000).
    assert [r[0] for r in lines.values[1:3]] == [example.REABLEMENT, example.EQUIPMENT]
    partners = found[
        "Each partner's share of the forecast variance, under the agreement's terms (cash; "
        "+ it pays in, - it gets back)"
    ]
    assert partners.values[0][5] == "Its share of the forecast variance £"
    assert [r[5] for r in partners.values[1:5]] == [412_293.84, 174_726.79, -33_000.0, 2_076.37]
    assert "In kind, valued in £ and kept apart from cash: never shared" in found
    assert outputs.CHART_DATA in found
    money_and_shares_are_formatted(sheet)


def test_the_reports_chart_goes_under_the_summary(result: engine.BudgetResult) -> None:
    sheet = outputs.report_sheet(result)
    row, _ = outputs.chart_anchor(sheet)
    following = min(b.row - 1 for b in sheet.blocks if b.row > row)
    assert following - row >= outputs.report.CHART_ROWS - 2  # the chart's rows are free
    first, col, last, last_col = outputs.chart_data(sheet)
    assert (last - first, last_col - col) == (6, 2)  # six months: period, budget, forecast


def test_the_statement_is_fit_to_hand_over(result: engine.BudgetResult, comparison: Any) -> None:
    sheet = outputs.statement_sheet(result, example.COUNTY, comparison)
    found = blocks(sheet)
    money_and_shares_are_formatted(sheet)
    # The county's cash 14.85m + 15.147m + 15.3m (capped) = 45,297,000, in £ (issue 14 saw
    # 45297000 in General format); its share of the cash 45,297,000 / 160,146,122.40 = 28.3%.
    contribution = found["Your contribution and the pool, all years"]
    assert contribution.values[1] == ["Cash contribution £", 45_297_000.0]
    assert contribution.formats == {1: formats.GBP}
    share = found["Your share of the pool, all years"]
    assert share.values[1][1] == pytest.approx(45_297_000 / 160_146_122.40, abs=1e-6)
    assert share.formats == {1: formats.PERCENT_1DP}
    scenarios = found[
        "The scenarios side by side: what each would cost you (all years; exposure to the "
        "tested overspend)"
    ]
    rows = {r[0]: r for r in scenarios.values[1:]}
    # Host bears overspends: the county (host) bears the whole 1,200,000 test instead of its
    # pro rata 360,509.81: its cost is 839,490.19 more than Base's.
    assert rows["Host bears overspends"][7] == pytest.approx(1_200_000 - 360_509.81)
    conditions = found[
        "The conditions for changing your contribution (CPC 509 A4: inflation; reduced "
        "availability of resources; change in role; dissolution)"
    ]
    assert [r[:2] for r in conditions.values[1:]] == [
        ["Uplift", "2.00% a year"],
        ["Cap", "£15,300,000 a year"],
    ]
    exposure = found[
        "Your exposure under the current forecast, cash (2026/27, as at Sep; + you pay in, - "
        "you get back)"
    ]
    assert exposure.values[1] == ["Your share of the forecast variance £", 174_726.79]
    assert exposure.values[-1] == ["Payments behind schedule £", 3_786_750.0]


def chart_axes(path: Path) -> list[str]:
    """The minimum of every chart's value axis in an .xlsx (openpyxl drops charts it reads)."""
    with zipfile.ZipFile(path) as book:
        charts = [n for n in book.namelist() if n.startswith("xl/charts/chart")]
        xml = [book.read(n).decode() for n in charts]
    return [
        m for x in xml for m in re.findall(r'<(?:c:)?valAx>.*?<(?:c:)?min val="([^"]+)"', x, re.S)
    ]


def test_monitor_writes_the_report_with_its_chart_from_zero(tmp_path: Path) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    before = sha256(source)
    out = tmp_path / "report.xlsx"
    run = CliRunner().invoke(budget, ["monitor", str(source), "--period", "6", "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "forecast outturn £53,974,697 against a budget of £53,418,600" in run.output
    assert sha256(source) == before
    wb = load_workbook(out)
    assert wb.sheetnames == ["Month-end report"]
    ws = wb["Month-end report"]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.orientation == "landscape"
    assert ws["E5"].value == 53_974_697 and ws["E5"].number_format == formats.GBP
    assert chart_axes(out) == ["0"]


def test_monitor_as_at_an_earlier_period(tmp_path: Path) -> None:
    # At August, each line's forecast in whole pence: reablement 10m + 24,117,500 × 7/12 =
    # 24,068,541.67, community 625,000 + 1,575,050 × 7/12 = 1,543,779.17, carers 2,864,663,
    # DFG 2,322,000, equipment 6,600,000, discharge 16,400,000 (overridden from August):
    # 53,798,983.84.
    source = build_template(tmp_path / "budget.xlsx")
    out = tmp_path / "august.xlsx"
    run = CliRunner().invoke(budget, ["monitor", str(source), "--period", "5", "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "As at Aug 2026/27" in run.output
    ws = load_workbook(out)["Month-end report"]
    assert ws["E5"].value == pytest.approx(53_798_983.84, abs=0.001)


def test_monitor_follows_the_one_output_rule(tmp_path: Path) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"a report a person edited")
    run = CliRunner().invoke(budget, ["monitor", str(source), "--out", str(out)])
    assert run.exit_code == KEPT_EXIT
    assert out.read_bytes() == b"a report a person edited"
    run = CliRunner().invoke(budget, ["monitor", str(source), "--out", str(out), "--overwrite"])
    assert run.exit_code == 0, run.output
    run = CliRunner().invoke(budget, ["monitor", str(source), "--out", str(source)])
    assert run.exit_code == 2 and "never writes over its input" in run.output
    run = CliRunner().invoke(budget, ["monitor", str(source), "--out", str(tmp_path / "r.xlsm")])
    assert run.exit_code == 2


def test_monitor_with_nothing_to_report(tmp_path: Path) -> None:
    data = sample_data(in_year=False)
    source = build_template(tmp_path / "budget.xlsx", data)
    run = CliRunner().invoke(budget, ["monitor", str(source), "--out", str(tmp_path / "r.xlsx")])
    assert run.exit_code == 2
    assert "there is nothing to report on: no actuals by period and no payments" in run.output


def test_build_writes_the_report_and_the_bcf_checks_with_charts_from_zero(tmp_path: Path) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    out = tmp_path / "built.xlsx"
    run = CliRunner().invoke(budget, ["build", str(source), "--out", str(out)])
    assert run.exit_code == 0, run.output
    wb = load_workbook(out)
    assert {"Month-end report", "BCF checks"} <= set(wb.sheetnames)
    # The Budget sheet's two charts, the Partners sheet's and the report's: all from £0.
    assert chart_axes(out) == ["0"] * 4


def test_statements_pdf_one_per_partner_with_what_the_issue_asks(tmp_path: Path) -> None:
    source = build_template(tmp_path / "budget.xlsx")
    run = CliRunner().invoke(
        budget, ["statements", str(source), "--out", str(tmp_path / "s"), "--pdf"]
    )
    assert run.exit_code == 0, run.output
    pdfs = sorted((tmp_path / "s").glob("*.pdf"))
    assert len(pdfs) == 4
    county = tmp_path / "s" / "statement-shire-vale-county-council.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(county), "-"], capture_output=True, text=True, check=True
    ).stdout
    for wanted in (
        "What you contribute, by line, kind and year",
        "Your share of the pool, all years",
        "Your exposure under the current forecast",
        "The scenarios side by side: what each would cost you",
        "The conditions for changing your contribution",
        "£45,297,000",  # its cash, with thousands separators
        "28.3%",  # its share of the cash
        "£174,726.79",  # its share of the forecast overspend
    ):
        assert wanted in text, wanted
    assert "45297000" not in text and "0.282848" not in text
    # The statement workbook's chart of cash and in kind by year starts at £0 (issue 14 saw
    # one start at £14,400,000).
    assert chart_axes(tmp_path / "s" / "statement-shire-vale-county-council.xlsx") == ["0"]
    ws = load_workbook(tmp_path / "s" / "statement-shire-vale-county-council.xlsx")["Statement"]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)


def test_the_buttons_new_sheets_keep_no_edited_copy_on_a_rerun(tmp_path: Path) -> None:
    # The template makes no Month-end report or BCF checks sheet (the button creates them),
    # so nothing needs marking: a first press and a second copy nothing aside.
    path = build_template(tmp_path / "book.xlsx")
    assert not {outputs.REPORT, outputs.BCF} & set(load_workbook(path).sheetnames)
    payload = payload_from_xlsx(path)
    first = run_script(build_budget, payload)
    again = payload_after(payload, first)
    second = run_script(build_budget, again)
    for actions in (first, second):
        assert not [a for a in actions if a["func"] == "copySheet"]
    after = apply_values(again, second)
    assert not [name for name in after if "(edited)" in name]
    assert after[outputs.REPORT]["E5"] == 53_974_697


def test_statements_pdf_without_libreoffice_stops_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cpcxl.common.commands as commands

    monkeypatch.setattr(commands, "find_soffice", lambda: None)
    source = build_template(tmp_path / "budget.xlsx")
    out = tmp_path / "s"
    run = CliRunner().invoke(budget, ["statements", str(source), "--out", str(out), "--pdf"])
    assert run.exit_code == 2
    assert "--pdf needs LibreOffice, which is not installed" in run.output
    assert not out.exists()
