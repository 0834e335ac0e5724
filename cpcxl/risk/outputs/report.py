"""The import's report: one table of every header found (where it is, what it was read as and
why, or why it was carried as it was), then the values that disagree or could not be read.
The same table is printed by ``cpcxl risk import`` and kept in the new register."""

from __future__ import annotations

from typing import Any

from cpcxl.common.report import Block, SheetOutput

from ..inputs import Imported

IMPORT_REPORT = "Import report"
COLUMNS = ("Sheet", "Column", "Header found", "Read as", "Why")


def report_rows(imported: Imported) -> list[list[Any]]:
    """The report's table, header first: one row per header of the file."""
    rows: list[list[Any]] = [list(COLUMNS)]
    for r in imported.report:
        rows.append([r.sheet or "(CSV)", r.column, r.header, r.read_as, r.why])
    return rows


def import_report(imported: Imported) -> list[str]:
    """The report as lines of text: what was read, the table, then what to check."""
    first, last = imported.header_rows
    rows = f"row {first}" if first == last else f"rows {first}-{last}"
    sheet = f"sheet {imported.sheet!r} of " if imported.sheet else ""
    lines = [
        f"Read {sheet}{imported.file}: header on {rows}, {len(imported.risks)} risks"
        + (f"; actions on sheet {imported.actions_sheet!r}" if imported.actions_sheet else "")
        + (f"; {len(imported.actions)} actions" if imported.actions else "")
        + "."
    ]
    table = report_rows(imported)
    widths = [max(len(str(r[c])) for r in table) for c in range(4)]
    widths = [min(w, cap) for w, cap in zip(widths, (20, 6, 36, 30), strict=True)]
    for row in table:
        cells = [_cut(str(v), w).ljust(w) for v, w in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, str(row[4])]).rstrip())
    if imported.not_found:
        lines.append("Not in the file (left blank): " + ", ".join(imported.not_found))
    for note in imported.notes:
        lines.append(f"Note: {note}")
    if imported.own_categories:
        own = ", ".join(f"{c} ({n} risks)" for c, n in imported.own_categories.items())
        lines.append(f"Categories kept as your own (set their appetite): {own}")
    if imported.checks:
        lines.append(
            f"Bands and scores in the file that disagree with the ratings ({len(imported.checks)}):"
        )
        lines += [f"  {c}" for c in imported.checks]
    if imported.problems:
        lines.append(
            f"Values it could not read ({len(imported.problems)}; kept as they were and "
            "marked Check in the Flags column):"
        )
        lines += [f"  {p}" for p in imported.problems]
    else:
        lines.append("Every value was read.")
    return lines


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def import_report_output(imported: Imported) -> SheetOutput:
    """The report as a sheet of the new register: the table, then the checks and notes."""
    blocks = [
        Block(
            [[line] for line in import_report(imported)[:1]],
            row=2,
            header=False,
            title="What the import read",
        ),
        Block(report_rows(imported), row=4, title="Each header of the file"),
    ]
    row = 4 + len(imported.report) + 3
    found = [[str(c)] for c in imported.checks] + [[str(p)] for p in imported.problems]
    if imported.notes or found:
        values = [["To check"], *([f"Note: {n}"] for n in imported.notes), *found]
        blocks.append(Block(values, row=row, title="Notes, disagreements and values to check"))
    widths = {"A": 16, "B": 8, "C": 34, "D": 30, "E": 90}
    return SheetOutput(IMPORT_REPORT, blocks, widths=widths)
