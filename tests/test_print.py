"""What an officer sees first: every sheet of every packaged workbook prints on A4, and every
wrapped cell's row is tall enough for its text (issue 19); in what the demonstrations write
(the reports, summaries and statements a person reads), no text is cut off by the next cell
either (issue 14: a statement's headers fit).

The row check is independent of cpcxl's own estimate: it lays each wrapped text out with the
metrics of Carlito (the font with Calibri's metrics, Excel's default), word by word, in the
column's width in pixels as Excel computes it, and counts the lines. The first page of each
workbook is rendered through LibreOffice to ``out/print/`` for people to look at.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from PIL import ImageFont

from cpcxl.common import soffice as lo
from cpcxl.common.workbook import column_widths
from cpcxl.plugins import registry

ROOT = Path(__file__).resolve().parents[1]
FONTS = Path("/usr/share/fonts/truetype/crosextra")
#: Calibri 11 at 96 dpi: the widest digit is 7 pixels, a line 15 points (20 pixels).
DIGIT_PIXELS = 7
LINE_POINTS = 15.0
WORKBOOKS = sorted(registry().workbooks)


def font(cell: Cell) -> ImageFont.FreeTypeFont:
    if not FONTS.exists():
        pytest.fail("the Carlito font is missing: install fonts-crosextra-carlito (.ci/run does)")
    style = "Bold" if cell.font.b else "Regular"
    size_pixels = round((cell.font.sz or 11) * 96 / 72)
    return ImageFont.truetype(str(FONTS / f"Carlito-{style}.ttf"), size_pixels)


def column_pixels(width: float) -> int:
    """Excel's pixel width of a column of ``width`` characters (Office Open XML, 18.3.1.13)."""
    return math.trunc(((256 * width + math.trunc(128 / DIGIT_PIXELS)) / 256) * DIGIT_PIXELS)


def lines_laid_out(text: str, face: ImageFont.FreeTypeFont, pixels: int) -> int:
    """How many lines Excel's word wrap makes of ``text`` in ``pixels`` (less its padding)."""
    room = pixels - 5
    lines = 0
    for paragraph in text.split("\n"):
        line = ""
        count = 1
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            if face.getlength(trial) <= room or not line:
                line = trial
            else:
                count += 1
                line = word
        lines += count
    return lines


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("print")
    return {
        name: registry()
        .workbooks[name]
        .item.build(folder / registry().workbooks[name].item.filename)
        for name in WORKBOOKS
    }


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_sheet_prints_on_a4(built: dict[str, Path], name: str) -> None:
    wb = load_workbook(built[name])
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9, f"{name}: {ws.title} has no A4 print set-up"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_wrapped_cells_row_is_tall_enough_for_its_text(
    built: dict[str, Path], name: str
) -> None:
    wb = load_workbook(built[name])
    short = []
    for ws in wb.worksheets:
        widths = column_widths(ws)
        merged = {c.coordinate for r in ws.merged_cells.ranges for row in r.rows for c in row}
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                    continue
                if cell.coordinate in merged or cell.value.startswith("="):
                    continue
                width = widths.get(cell.column_letter, 8.43)
                lines = lines_laid_out(cell.value, font(cell), column_pixels(width))
                if lines == 1:
                    continue
                height = ws.row_dimensions[cell.row].height or LINE_POINTS
                if height < lines * LINE_POINTS * 0.95:
                    short.append(f"{ws.title}!{cell.coordinate}: {lines} lines, {height} pt")
    assert not short, f"{name}: rows too short for their wrapped text:\n" + "\n".join(short)


@pytest.mark.soffice
@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_first_page_is_rendered_for_people_to_look_at(
    built: dict[str, Path], name: str, soffice: str, tmp_path: Path
) -> None:
    assert soffice
    pdf = lo.convert(built[name], tmp_path / built[name].with_suffix(".pdf").name)
    assert pdf.exists() and pdf.stat().st_size > 0
    out = ROOT / "out" / "print"
    out.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: install poppler-utils (.ci/run does)"
    target = out / built[name].stem
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)],
        check=True,
        timeout=60,
    )
    assert target.with_suffix(".png").stat().st_size > 1000


@pytest.fixture(scope="module")
def demonstrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("demos")
    return {name: demo.item.run(folder / name) for name, demo in registry().demos.items()}


def report_sheets(path: Path) -> list[Worksheet]:
    """The sheets of a written file that are read as a report: visible, and not an input
    table (text typed into an Excel Table may run past its column, as in any spreadsheet).
    The monitoring history is cpcxl's record of every round, read back by the next batch."""
    if path.suffix != ".xlsx" or path.name.startswith("history"):
        return []
    book = load_workbook(path)
    return [ws for ws in book.worksheets if ws.sheet_state == "visible" and not ws.tables]


@pytest.mark.parametrize("name", sorted(registry().demos))
def test_no_text_in_what_a_demonstration_writes_is_cut_off(
    demonstrated: dict[str, list[Path]], name: str
) -> None:
    written = [p for p in demonstrated[name] if report_sheets(p)]
    assert written, f"the {name} demonstration wrote no report to check"
    cut = []
    for path in written:
        for ws in report_sheets(path):
            widths = column_widths(ws)
            merged = {c.coordinate for r in ws.merged_cells.ranges for row in r.rows for c in row}
            for row in ws.iter_rows():
                for cell in row:
                    text = cell.value
                    if (
                        not isinstance(text, str)
                        or text.startswith("=")
                        or cell.alignment.wrap_text
                    ):
                        continue
                    if (
                        cell.coordinate in merged
                        or ws.cell(cell.row, cell.column + 1).value is None
                    ):
                        continue  # text with room to its right runs on into the empty cell
                    pixels = column_pixels(widths.get(cell.column_letter, 8.43)) - 5
                    if font(cell).getlength(text) > pixels:
                        cut.append(f"{path.name} {ws.title}!{cell.coordinate}: {text[:40]!r}")
    assert not cut, f"{name}: text cut off by the next cell:\n" + "\n".join(cut[:20])
