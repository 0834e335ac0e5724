"""The summary's line chart, whose XML cpcxl writes (issue 16's cost): the same chart part
XlsxWriter writes for the same chart, by XlsxWriter's own API as the second method."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from cpcxl.monitoring import engine
from cpcxl.monitoring.schemes import CQC
from cpcxl.monitoring.workbook import summaries
from cpcxl.monitoring.workbook.line_chart import (
    Line,
    LineChartSpec,
    insert_line_chart,
    line_chart_xml,
)

from .cases import caring_carried, only_scored

AS_AT = dt.date(2026, 6, 20)


def xlsxwriter_line_chart(
    workbook: xlsxwriter.Workbook,
    worksheet: object,
    at: tuple[int, int],
    spec: LineChartSpec,
    *,
    width: int,
    height: int,
) -> None:
    """The same chart by XlsxWriter's own API: its points read back from the sheet's cells."""
    chart = workbook.add_chart({"type": "line"})
    n = len(spec.categories)
    row, column = spec.categories_at
    for line in spec.lines:
        first_row, first_column = line.values_at
        chart.add_series(
            {
                "name": [spec.sheet, *line.name_cell],
                "categories": [spec.sheet, row, column, row, column + n - 1],
                "values": [spec.sheet, first_row, first_column, first_row, first_column + n - 1],
                "marker": {"type": "circle", "size": spec.marker_size},
                "line": {"width": line.width, "dash_type": line.dash},
            }
        )
    chart.set_title({"name": spec.title, "name_font": {"size": spec.title_size}})
    chart.set_y_axis({"min": spec.y_min, "max": spec.y_max, "major_unit": spec.y_major})
    chart.set_legend({"position": "bottom", "font": {"size": spec.legend_size}})
    chart.set_size({"width": width, "height": height})
    worksheet.insert_chart(at[0], at[1], chart, {"x_offset": 5, "y_offset": 5})  # type: ignore[attr-defined]


def parts(path: Path) -> dict[str, bytes]:
    """Every part of the file but its properties (which hold the time it was written)."""
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def a_result() -> engine.ProviderResult:
    """Three rounds' scores: round 2 left Caring unscored (carried forward: a gap in its line)."""
    history = caring_carried()
    ret = only_scored({"Safe": [3, 4], "Effective": [2, 3], "Responsive": [3], "Well-led": [1]})
    prior = engine.prior_rounds(
        history, "2026-05", framework="cqc", monitoring_date=ret.details.monitoring_date
    )
    return engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2026-05")


def test_a_summarys_progress_chart_is_the_file_xlsxwriter_writes_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = a_result()
    ours = summaries.write_summary(tmp_path / "ours.xlsx", result)

    monkeypatch.setattr(summaries, "insert_line_chart", xlsxwriter_line_chart)
    theirs = summaries.write_summary(tmp_path / "theirs.xlsx", result)
    ours_parts, their_parts = parts(ours), parts(theirs)
    # two charts: the domain scores' bars and the scores over the rounds
    assert sorted(n for n in ours_parts if n.startswith("xl/charts/")) == [
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
    ]
    chart = ours_parts["xl/charts/chart2.xml"].decode()
    # the baseline (round 1), rounds 1 and 2 and this round, for the overall score and five
    # domains
    assert chart.count("<c:ser>") == 6
    assert "<c:v>Baseline: 2025-05</c:v>" in chart
    # Caring's line: 75 at the baseline and round 1; no points for round 2 (carried forward)
    # nor this round (not scored): gaps, not zeros
    caring = chart.split("<c:v>Caring (%)</c:v>")[1].split("</c:ser>")[0]
    assert caring.endswith(
        '<c:ptCount val="4"/><c:pt idx="0"><c:v>75</c:v></c:pt><c:pt idx="1"><c:v>75</c:v>'
        "</c:pt></c:numCache></c:numRef></c:val>"
    )
    # Every other part of the file, and the rest of the chart, byte for byte as XlsxWriter
    # writes them. XlsxWriter caches a blank cell that has a format as 0 (and leaves out one
    # without), and the summary writes its blanks with their number format: so it cached a
    # score of 0 for Caring in the two rounds it was not scored, where Excel draws the cells
    # as gaps. cpcxl's chart leaves them out.
    zeros = '<c:pt idx="2"><c:v>0</c:v></c:pt><c:pt idx="3"><c:v>0</c:v></c:pt>'
    theirs_chart = their_parts.pop("xl/charts/chart2.xml").decode()
    assert theirs_chart.count(zeros) == 1
    assert chart == theirs_chart.replace(zeros, "")
    del ours_parts["xl/charts/chart2.xml"]
    assert ours_parts == their_parts


def _both(tmp_path: Path, spec: LineChartSpec, cells: list[tuple[int, int, object]]) -> list[str]:
    """The chart part of a workbook with ``cells`` and the chart, cpcxl's and XlsxWriter's."""
    found = []
    for name, insert in (("ours", insert_line_chart), ("theirs", xlsxwriter_line_chart)):
        path = tmp_path / f"{name}.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
        worksheet = workbook.add_worksheet(spec.sheet)
        for row, column, value in cells:
            if value is not None:
                worksheet.write(row, column, value)
        insert(workbook, worksheet, (8, 0), spec, width=480, height=240)
        workbook.close()
        with zipfile.ZipFile(path) as archive:
            found.append(archive.read("xl/charts/chart1.xml").decode())
    return found


@pytest.mark.parametrize(
    ("sheet", "names", "categories", "values"),
    [
        # one line, whole numbers and a fraction
        ("Summary", ["Overall (%)"], ["2025-05", "2025-11"], [[50, 62.5]]),
        # text that must be escaped in XML, as Excel escapes it: & < >, a control character
        # (_x0007_) and text that already looks like such an escape (_x005F_ before it)
        (
            "Scores & trends",
            ["Safe & sound <%>", "Bell\x07 _x0041_"],
            ["Baseline: R&D", "Round <2>", "Now"],
            [[0.1, 1 / 3, 100.0], [None, 55.5, 1e-7]],
        ),
        # a sheet name that needs quotes in a reference, and a gap at the first point
        ("It's here", ["A", "B", "C"], ["x", "y"], [[None, 1.0], [2.0, None], [3.0, 4.0]]),
    ],
)
def test_the_line_charts_xml_is_xlsxwriters_for_the_same_chart(
    tmp_path: Path,
    sheet: str,
    names: list[str],
    categories: list[str],
    values: list[list[float | None]],
) -> None:
    cells: list[tuple[int, int, object]] = [(0, 1 + j, c) for j, c in enumerate(categories)]
    lines = []
    for i, (name, points) in enumerate(zip(names, values, strict=True)):
        cells += [(1 + i, 0, name), *((1 + i, 1 + j, v) for j, v in enumerate(points))]
        # 1.23456 points: Excel (and XlsxWriter) round a line's width to a quarter point, 1.25
        width = 2.25 if i == 0 else 1.23456
        lines.append(Line(name, (1 + i, 0), points, (1 + i, 1), width=width, dash="dash"))
    spec = LineChartSpec(sheet, "Scores (%)", categories, (0, 1), lines)
    ours, theirs = _both(tmp_path, spec, cells)
    assert ours == theirs
    # fonts and the axis's scale other than the summary's
    other = dataclasses.replace(
        spec, title_size=10.5, legend_size=7.5, y_min=-20, y_max=60, y_major=20, marker_size=7
    )
    ours, theirs = _both(tmp_path, other, cells)
    assert ours == theirs
    assert 'sz="1050"' in ours and '<c:min val="-20"/>' in ours and '<c:size val="7"/>' in ours


@pytest.mark.parametrize("bad", ["55", True, dt.date(2026, 5, 1)])
def test_a_point_that_is_no_number_is_refused(bad: object) -> None:
    spec = LineChartSpec("Summary", "t", ["a"], (0, 1), [Line("x", (1, 0), [bad], (1, 1))])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="a chart's point must be a number, not"):
        line_chart_xml(spec, 5001)


@pytest.mark.parametrize("not_finite", [math.nan, math.inf, -math.inf])
def test_a_point_that_is_not_finite_is_a_gap_as_its_blank_cell_is(not_finite: float) -> None:
    # the summary writes a cell that is not finite as a blank (XlsxBook.write)
    def xml(first: float | None) -> str:
        line = Line("x", (1, 0), [first, 2.5], (1, 1))
        return line_chart_xml(LineChartSpec("Summary", "t", ["a", "b"], (0, 1), [line]), 5001)

    assert xml(not_finite) == xml(None)
    assert '<c:ptCount val="2"/><c:pt idx="1"><c:v>2.5</c:v></c:pt></c:numCache>' in xml(None)


def test_a_line_with_more_or_fewer_points_than_categories_is_refused() -> None:
    spec = LineChartSpec("Summary", "t", ["a", "b"], (0, 1), [Line("x", (1, 0), [1.0], (1, 1))])
    with pytest.raises(ValueError, match="line 'x' has 1 points for 2 categories"):
        line_chart_xml(spec, 5001)
