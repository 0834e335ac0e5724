"""A small streaming .xlsx writer for the history workbook: plain tables of values (a title, a
note, a header, rows), dates and numbers formatted, printed on A4.

Why not XlsxWriter: the history of a thousand providers over twelve rounds is a million
cells, rewritten at every run. XlsxWriter spends about 3 microseconds a cell on them (3
seconds a run); writing each row's XML straight into the zip, with inline strings, takes
about a sixth of that (measured in bench/monitoring_batch.py). The safety rules are the
toolkit's: text is always written as text (an inline string can never be a formula), and
the file appears at its name only when complete (:func:`cpcxl.common.files.atomic_path`).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from cpcxl.common import formats
from cpcxl.common.files import atomic_path
from cpcxl.common.inputs import column_letter

_EPOCH = dt.date(1899, 12, 30)
#: The longest text one cell holds is 32,767 characters; a long record is cut into pieces.
_PIECE = 32_000
# Characters XML 1.0 cannot hold, and a carriage return (which an XML reader would read as a
# line feed: Excel keeps a pasted line break as one), written as Excel's _xHHHH_ escapes (as
# XlsxWriter does),
# and text that already looks like one, escaped so it reads back as typed: the underscore
# of each, overlapping ones too ("_x005F_x0041_" holds two; XlsxWriter escapes only the first).
_BAD = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_LOOKS_ESCAPED = re.compile("_(?=x[0-9a-fA-F]{4}_)")
_ESCAPE = re.compile("_x([0-9a-fA-F]{4})_")

#: Cell styles (the cellXfs of styles.xml), by what they are for.
_STYLES = {"": 0, formats.DATE_UK: 1, "header": 2, "title": 3, "0.0": 4, "#,##0.##": 5, "note": 6}


def _font(size: int, colour: str = "", style: str = "") -> str:
    shade = f'<color rgb="{colour}"/>' if colour else ""
    return f'<font>{style}<sz val="{size}"/>{shade}<name val="Calibri"/><family val="2"/></font>'


_STYLES_XML = "".join(
    (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://',
        'schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3">',
        '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>',
        '<numFmt numFmtId="165" formatCode="0.0"/>',
        '<numFmt numFmtId="166" formatCode="#,##0.##"/></numFmts><fonts count="4">',
        _font(11),
        _font(11, "FFFFFFFF", "<b/>"),
        _font(14, "FF1F4E78", "<b/>"),
        _font(11, "FF595959", "<i/>"),
        '</fonts><fills count="3"><fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid">',
        '<fgColor rgb="FF1F4E78"/><bgColor indexed="64"/></patternFill></fill></fills>',
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>',
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>',
        '</cellStyleXfs><cellXfs count="7">',
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" ',
        'applyFill="1" applyAlignment="1"><alignment horizontal="center" vertical="center" ',
        'wrapText="1"/></xf>',
        '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
        '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
        '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>',
        "</cellStyles></styleSheet>",
    )
)
_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


_ESCAPED: dict[str, str] = {}


def xml_text(value: str) -> str:
    """Text as XML (each distinct text escaped once: a history repeats the same few)."""
    found = _ESCAPED.get(value)
    if found is not None:
        return found
    if len(_ESCAPED) > 100_000:
        _ESCAPED.clear()
    found = _ESCAPED[value] = _escape(value)
    return found


def text_of_xml(value: str) -> str:
    """Text as :func:`xml_text` wrote it (its XML entities already read): each _xHHHH_
    escape, one after another, back to its character (so _x005F_x0041_ reads as _x0041_)."""
    if "_x" not in value:
        return value
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def _escape(value: str) -> str:
    if "_x" in value:
        value = _LOOKS_ESCAPED.sub("_x005F_", value)
    if _BAD.search(value):
        value = _BAD.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return escape(value)


@dataclass(frozen=True)
class Table:
    """One sheet: a title (row 1), a note (row 2), a header (row 3), then the rows."""

    name: str
    title: str
    note: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] = ()
    #: number format by 0-based column (dates get dd/mm/yyyy whatever it says)
    formats: Mapping[int, str] = field(default_factory=dict)


class StreamBook:
    """Sheets written one after another straight into the zip; see the module docstring."""

    def __init__(self, path: Path, *, marking: str = "") -> None:
        self.archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.marking = marking
        self.sheets: list[tuple[str, int]] = []  # (name, header row for print titles; 0: none)
        self.hidden: set[str] = set()
        #: each sheet's part as the archive records it: (its CRC-32, its size unpacked), by
        #: sheet name (a reader can tell a sheet is as written without unpacking it)
        self.parts: dict[str, tuple[int, int]] = {}

    def _header_footer(self) -> str:
        if not self.marking:
            return "<headerFooter><oddFooter>&amp;RPage &amp;P of &amp;N</oddFooter></headerFooter>"
        mark = escape(self.marking.replace("&", "&&"))
        bold = escape('&"Arial,Bold"')
        return (
            f"<headerFooter><oddHeader>&amp;C{bold}{mark}</oddHeader>"
            f"<oddFooter>&amp;C{bold}{mark}&amp;RPage &amp;P of &amp;N</oddFooter></headerFooter>"
        )

    def table(self, table: Table, *, landscape: bool = True) -> None:
        """A sheet of a title, a note, a header and rows (frozen under the header, filtered)."""
        index = len(self.sheets) + 1
        self.sheets.append((table.name, 3))
        width = len(table.header)
        last_row = 3 + len(table.rows)
        letters = [column_letter(i + 1) for i in range(max(width, 1))]
        styles = [_STYLES.get(table.formats.get(c, ""), 0) for c in range(width)]
        part = f"xl/worksheets/sheet{index}.xml"
        with self.archive.open(part, "w", force_zip64=True) as out:
            emit = out.write
            head = [
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>',
                '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
                f'<dimension ref="A1:{letters[-1]}{max(last_row, 3)}"/>',
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="3" topLeftCell="A4" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>',
                '<sheetFormatPr defaultRowHeight="15"/>',
            ]
            if table.widths:
                head.append(
                    "<cols>"
                    + "".join(
                        f'<col min="{i + 1}" max="{i + 1}" width="{w:g}" customWidth="1"/>'
                        for i, w in enumerate(table.widths)
                    )
                    + "</cols>"
                )
            head.append("<sheetData>")
            head.append(f'<row r="1">{_string("A1", table.title, 3)}</row>')
            head.append(f'<row r="2">{_string("A2", table.note, 6)}</row>')
            head.append(
                '<row r="3" ht="30" customHeight="1">'
                + "".join(
                    f'<c r="{letters[c]}3" t="inlineStr" s="2"><is><t>{xml_text(h)}</t></is></c>'
                    for c, h in enumerate(table.header)
                )
                + "</row>"
            )
            emit("".join(head).encode())
            chunk: list[str] = []
            for r, values in enumerate(table.rows, start=4):
                chunk.append(_row(r, values, letters, styles))
                if len(chunk) >= 2000:
                    emit("".join(chunk).encode())
                    chunk = []
            tail = [*chunk, "</sheetData>"]
            if table.rows:
                tail.append(f'<autoFilter ref="A3:{letters[-1]}{last_row}"/>')
            tail += [
                '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" '
                'footer="0.3"/>',
                f'<pageSetup paperSize="9" orientation="{_orientation(landscape)}" '
                'fitToWidth="1" fitToHeight="0"/>',
                self._header_footer(),
                "</worksheet>",
            ]
            emit("".join(tail).encode())
        self._written(table.name, part)

    def text(self, name: str, title: str, lines: Sequence[str]) -> None:
        """A sheet of a title and paragraphs (one a row, wrapped in a wide column)."""
        index = len(self.sheets) + 1
        self.sheets.append((name, 0))
        rows = [
            f'<row r="1"><c r="A1" t="inlineStr" s="3"><is><t>{xml_text(title)}</t></is></c></row>'
        ]
        for r, line in enumerate(lines, start=3):
            height = 15 * max(1, math.ceil(len(line) / 110))
            rows.append(
                f'<row r="{r}" ht="{height}" customHeight="1"><c r="A{r}" t="inlineStr" s="0">'
                f"<is><t>{xml_text(line)}</t></is></c></row>"
            )
        xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            '<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="120" '
            'customWidth="1"/></cols><sheetData>'
            + "".join(rows)
            + '</sheetData><pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" '
            'header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" '
            'fitToWidth="1" fitToHeight="0"/>' + self._header_footer() + "</worksheet>"
        )
        part = f"xl/worksheets/sheet{index}.xml"
        self.archive.writestr(part, xml.encode())
        self._written(name, part)

    def _written(self, name: str, part: str) -> None:
        info = self.archive.getinfo(part)
        self.parts[name] = (info.CRC, info.file_size)

    def record(self, name: str, items: Sequence[tuple[str, str]]) -> None:
        """A hidden sheet of key and value rows, a long value over as many cells of its row
        as it needs (a cell holds 32,767 characters): what cpcxl keeps of what it wrote."""
        index = len(self.sheets) + 1
        self.sheets.append((name, 0))
        self.hidden.add(name)
        rows = []
        for r, (key, value) in enumerate(items, start=1):
            pieces = [value[i : i + _PIECE] for i in range(0, len(value), _PIECE)] or [""]
            cells = [_string(f"A{r}", key)] + [
                _string(f"{column_letter(c)}{r}", piece) for c, piece in enumerate(pieces, start=2)
            ]
            rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        self.archive.writestr(
            f"xl/worksheets/sheet{index}.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
            f"<sheetData>{''.join(rows)}</sheetData></worksheet>",
        )

    def close(self) -> None:
        """The workbook's own parts; then the archive is complete."""
        n = len(self.sheets)
        sheets = "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}"'
            + (' state="hidden"' if name in self.hidden else "")
            + f' r:id="rId{i}"/>'
            for i, (name, _) in enumerate(self.sheets, start=1)
        )
        titles = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{escape(_quoted(name))}!$3:$3</definedName>"
            for i, (name, header) in enumerate(self.sheets)
            if header
        )
        self.archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}>'
            f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
            + (f"<definedNames>{titles}</definedNames>" if titles else "")
            + "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += (
            f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        self.archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>",
        )
        self.archive.writestr("xl/styles.xml", _STYLES_XML)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        self.archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
            '+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self.archive.close()


def _string(ref: str, text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t>{xml_text(text)}</t></is></c>'


def _orientation(landscape: bool) -> str:
    return "landscape" if landscape else "portrait"


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _row(r: int, values: Sequence[Any], letters: Sequence[str], styles: Sequence[int]) -> str:
    # The history's million cells pass through here: the most common kinds first, the row's
    # number made text once, and each text's escaped form looked up here (see xml_text).
    cells: list[str] = []
    add = cells.append
    rs = str(r)
    escaped = _ESCAPED.get
    for c, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if value:
                text = escaped(value) or xml_text(value)
                add(f'<c r="{letters[c]}{rs}" t="inlineStr"><is><t>{text}</t></is></c>')
        elif kind is float or kind is int:
            if kind is float and (value != value or value in _INFINITE):
                continue
            style = styles[c]
            if style:
                add(f'<c r="{letters[c]}{rs}" s="{style}"><v>{value!r}</v></c>')
            else:
                add(f'<c r="{letters[c]}{rs}"><v>{value!r}</v></c>')
        elif value is None:
            continue
        elif kind is dt.date:
            add(f'<c r="{letters[c]}{rs}" s="1"><v>{(value - _EPOCH).days}</v></c>')
        elif kind is dt.datetime:
            add(f'<c r="{letters[c]}{rs}" s="1"><v>{(value.date() - _EPOCH).days}</v></c>')
        elif kind is bool:
            add(f'<c r="{letters[c]}{rs}" t="b"><v>{int(value)}</v></c>')
        else:
            add(f'<c r="{letters[c]}{rs}" t="inlineStr"><is><t>{xml_text(str(value))}</t></is></c>')
    return f'<row r="{rs}">{"".join(cells)}</row>'


_INFINITE = (math.inf, -math.inf)


@contextmanager
def stream_book(path: str | os.PathLike[str], *, marking: str = "") -> Iterator[StreamBook]:
    """A :class:`StreamBook` that appears at ``path`` only when the block ends without error."""
    with atomic_path(path) as tmp:
        book = StreamBook(tmp, marking=marking)
        try:
            yield book
        except BaseException:
            book.archive.close()
            raise
        book.close()
