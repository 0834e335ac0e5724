"""Feedback letters as Word documents (python-docx), and PDF copies through LibreOffice."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from cpcxl.common.files import Outputs, write_bytes_atomically
from cpcxl.common.soffice import convert

from .. import engine
from ..outputs import feedback_letters
from ..outputs.letters import Bullets, Heading, Letter, PageBreak, Paragraph, Table

#: The letters' look: Arial 10.5 point, A4 portrait, 2 cm margins (a local choice, close to
#: the GOV.UK and NHS house styles' plain sans-serif letters).
FONT, SIZE = "Arial", Pt(10.5)
HEADER_FILL = "1F4E78"


def _shade(cell: object, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def letter_bytes(letter: Letter) -> bytes:
    """One letter as the bytes of a .docx file."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, SIZE
    for name in ("Heading 1", "Heading 2", "Title"):
        doc.styles[name].font.name = FONT
        doc.styles[name].font.color.rgb = RGBColor.from_string(HEADER_FILL)
    section.header.paragraphs[0].text = letter.marking
    section.footer.paragraphs[0].text = letter.marking
    doc.add_heading(letter.title, level=0)
    doc.add_paragraph(f"To: {letter.submitter}")
    for part in letter.parts:
        if isinstance(part, Heading):
            doc.add_heading(part.text, level=part.level)
        elif isinstance(part, Paragraph):
            run = doc.add_paragraph().add_run(part.text)
            run.bold = part.bold
        elif isinstance(part, Bullets):
            style = "List Number" if part.numbered else "List Bullet"
            for item in part.items:
                doc.add_paragraph(item, style=style)
        elif isinstance(part, Table):
            _table(doc, part)
        elif isinstance(part, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc: object, part: Table) -> None:
    columns = len(part.rows[0])
    table = doc.add_table(rows=0, cols=columns)  # type: ignore[attr-defined]
    table.alignment = 0
    table.style = "Table Grid"
    table.autofit = False
    for c, width in enumerate(part.widths):
        table.columns[c].width = Cm(width)  # the grid LibreOffice lays the table out by
    for r, row in enumerate(part.rows):
        cells = table.add_row().cells
        for c, text in enumerate(row):
            cell = cells[c]
            cell.width = Cm(part.widths[c])
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(9.5)
            if r == 0:
                run.bold = True
                run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                _shade(cell, HEADER_FILL)
            elif (r, c) in part.fills:
                _shade(cell, part.fills[(r, c)])
    doc.add_paragraph()  # type: ignore[attr-defined]


def write_letters(
    result: engine.RoundResult,
    out_dir: Path,
    outputs: Outputs | None = None,
    *,
    pdf: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[Path]:
    """One Word document per submitter, each written atomically, and with ``pdf`` a PDF
    copy of each through LibreOffice; with ``outputs``, a file that exists already is kept
    unless it allows overwriting (and is reported by it). ``progress(done, total)`` is told
    after each letter (and its PDF)."""
    written: list[Path] = []
    letters = feedback_letters(result)
    for done, letter in enumerate(letters, start=1):
        target = out_dir / f"{letter.name}.docx"
        if outputs is None or outputs.may_write(target):
            path = write_bytes_atomically(target, letter_bytes(letter))
            written.append(outputs.wrote(path) if outputs is not None else path)
        if pdf:
            copy = out_dir / f"{letter.name}.pdf"
            if outputs is None or outputs.may_write(copy):
                convert(target, copy)
                written.append(outputs.wrote(copy) if outputs is not None else copy)
        if progress is not None:
            progress(done, len(letters))
    return written
