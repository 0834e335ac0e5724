"""The summary's line chart of scores over the rounds, its XML written by cpcxl and placed in
the workbook by XlsxWriter.

Why not XlsxWriter's chart: a batch with a history draws one such chart per provider.
XlsxWriter builds a chart from dictionaries of options and writes its XML element by element,
reading its points back from the sheet: about 0.8 ms a chart, a third of what the history
adds to a batch (bench/monitoring_batch.py, issue 16). This chart is always of one kind, so
its XML comes from one template in a few tens of microseconds. XlsxWriter still places it
(the drawing, its anchor, the relationships); only the chart's own part is written here, the
same XML XlsxWriter 3.3 writes for the same chart (tests/monitoring/test_line_chart.py
compares the two). Text is escaped as the history's writer escapes it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.chart import Chart
from xlsxwriter.utility import quote_sheetname, xl_range_abs
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .stream import xml_text

#: Points to EMUs (the chart XML's unit of line width), as Excel counts them.
_EMU_PER_POINT = 12_700


@dataclass(frozen=True)
class Line:
    """One series: its name and its points as the sheet's cells hold them, and where."""

    name: str
    #: 0-based (row, column) of the cell holding the name
    name_cell: tuple[int, int]
    #: the points, one a category; None (or a number that is not finite, which the sheet
    #: leaves blank) for a gap in the line
    values: Sequence[float | None]
    #: 0-based (row, first column) of the cells holding the points, left to right
    values_at: tuple[int, int]
    width: float = 1.5
    dash: str = "solid"


@dataclass(frozen=True)
class LineChartSpec:
    """A line chart of series over the same categories, on one 0-based cell range row."""

    sheet: str
    title: str
    categories: Sequence[str]
    #: 0-based (row, first column) of the category labels, left to right
    categories_at: tuple[int, int]
    lines: Sequence[Line]
    title_size: float = 11
    y_min: float = 0
    y_max: float = 100
    y_major: float = 25
    legend_size: float = 8
    marker_size: int = 5


class _LineChart(Chart):
    """A chart XlsxWriter places but cpcxl writes (see the module docstring)."""

    def __init__(self, spec: LineChartSpec) -> None:
        super().__init__()
        self.spec = spec
        self.series = list(spec.lines)  # XlsxWriter refuses to write a chart without series

    def _assemble_xml_file(self) -> None:
        # XlsxWriter numbers a chart's axes from its id, which it sets as it writes the file
        self.fh.write(line_chart_xml(self.spec, 5001 + int(self.id)))
        self._xml_close()


def insert_line_chart(
    workbook: Workbook,
    worksheet: Worksheet,
    at: tuple[int, int],
    spec: LineChartSpec,
    *,
    width: int,
    height: int,
    offset: tuple[int, int] = (5, 5),
) -> None:
    """Add the chart to the workbook and place it on the sheet at 0-based (row, column)."""
    if not spec.lines:
        raise ValueError("a line chart needs at least one line")
    chart = _LineChart(spec)
    # what Workbook.add_chart does for the charts it makes
    chart.embedded = True
    chart.date_1904 = workbook.date_1904
    chart.remove_timezone = workbook.remove_timezone
    workbook.charts.append(chart)
    chart.set_size({"width": width, "height": height})
    worksheet.insert_chart(at[0], at[1], chart, {"x_offset": offset[0], "y_offset": offset[1]})


def line_chart_xml(spec: LineChartSpec, axes: int) -> str:
    """The chart part's XML; ``axes``: the number its two axes' ids are made from."""
    sheet = quote_sheetname(spec.sheet)
    n = len(spec.categories)
    row, column = spec.categories_at
    categories = (
        f"<c:cat><c:strRef><c:f>{xml_text(sheet)}!{xl_range_abs(row, column, row, column + n - 1)}"
        f'</c:f><c:strCache><c:ptCount val="{n}"/>'
        + "".join(
            f'<c:pt idx="{i}"><c:v>{xml_text(label)}</c:v></c:pt>'
            for i, label in enumerate(spec.categories)
        )
        + "</c:strCache></c:strRef></c:cat>"
    )
    cat_axis, val_axis = f"{axes:04d}0001", f"{axes:04d}0002"
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<c:lang val="en-US"/><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p>'
        f'<a:pPr><a:defRPr sz="{_size(spec.title_size)}" baseline="0"/></a:pPr><a:r>'
        f'<a:rPr lang="en-US" sz="{_size(spec.title_size)}" baseline="0"/>'
        f"<a:t>{xml_text(spec.title)}</a:t></a:r></a:p></c:rich></c:tx><c:layout/></c:title>"
        '<c:plotArea><c:layout/><c:lineChart><c:grouping val="standard"/>'
    ]
    for i, line in enumerate(spec.lines):
        if len(line.values) != n:
            raise ValueError(f"line {line.name!r} has {len(line.values)} points for {n} categories")
        name_row, name_column = line.name_cell
        first_row, first_column = line.values_at
        values = xl_range_abs(first_row, first_column, first_row, first_column + n - 1)
        parts.append(
            f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/><c:tx><c:strRef><c:f>'
            f"{xml_text(sheet)}!{xl_range_abs(name_row, name_column, name_row, name_column)}"
            '</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0">'
            f"<c:v>{xml_text(line.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>"
            f'<c:spPr><a:ln w="{_line_width(line.width)}">'
            f'<a:prstDash val="{line.dash}"/></a:ln></c:spPr><c:marker>'
            f'<c:symbol val="circle"/><c:size val="{spec.marker_size}"/></c:marker>'
            f"{categories}<c:val><c:numRef><c:f>{xml_text(sheet)}!{values}</c:f><c:numCache>"
            f'<c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>'
            + "".join(
                f'<c:pt idx="{j}"><c:v>{_number(v)}</c:v></c:pt>'
                for j, v in enumerate(line.values)
                if not _gap(v)
            )
            + "</c:numCache></c:numRef></c:val></c:ser>"
        )
    parts.append(
        f'<c:marker val="1"/><c:axId val="{cat_axis}"/><c:axId val="{val_axis}"/></c:lineChart>'
        f'<c:catAx><c:axId val="{cat_axis}"/><c:scaling><c:orientation val="minMax"/>'
        '</c:scaling><c:axPos val="b"/><c:tickLblPos val="nextTo"/>'
        f'<c:crossAx val="{val_axis}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>'
        f'<c:valAx><c:axId val="{val_axis}"/><c:scaling><c:orientation val="minMax"/>'
        f'<c:max val="{_number(spec.y_max)}"/><c:min val="{_number(spec.y_min)}"/></c:scaling>'
        '<c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="General" sourceLinked="1"/>'
        f'<c:tickLblPos val="nextTo"/><c:crossAx val="{cat_axis}"/><c:crosses val="autoZero"/>'
        f'<c:crossBetween val="between"/><c:majorUnit val="{_number(spec.y_major)}"/></c:valAx>'
        '</c:plotArea><c:legend><c:legendPos val="b"/><c:layout/><c:txPr><a:bodyPr/>'
        f'<a:lstStyle/><a:p><a:pPr><a:defRPr sz="{_size(spec.legend_size)}" baseline="0"/>'
        '</a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr></c:legend>'
        '<c:plotVisOnly val="1"/></c:chart><c:printSettings><c:headerFooter/>'
        '<c:pageMargins b="0.75" l="0.7" r="0.7" t="0.75" header="0.3" footer="0.3"/>'
        "<c:pageSetup/></c:printSettings></c:chartSpace>"
    )
    return "".join(parts)


def _gap(value: float | None) -> bool:
    """No point: a blank cell, or a number the sheet's cell is left blank for (not finite)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _number(value: object) -> str:
    """A point as Excel keeps it: 15 to 17 significant digits, as XlsxWriter caches it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"a chart's point must be a number, not {value!r}")
    return f"{value:.16g}"


def _line_width(points: float) -> int:
    """A line's width in EMUs, rounded to the nearest quarter point as Excel rounds it."""
    return int(0.5 + _EMU_PER_POINT * (int((points + 0.125) * 4) / 4))


def _size(points: float) -> int:
    """A font size in hundredths of a point."""
    return int(100 * points)
