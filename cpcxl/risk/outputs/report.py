"""The import's report: what ``cpcxl risk import`` read, mapped, carried and could not read."""

from __future__ import annotations

from ..inputs import Imported


def import_report(imported: Imported) -> list[str]:
    """What the import read, mapped, left out and could not read, line by line."""
    first, last = imported.header_rows
    rows = f"row {first}" if first == last else f"rows {first}-{last}"
    lines = [
        f"Read sheet {imported.sheet!r} of {imported.file}: header on {rows}, "
        f"{len(imported.risks)} risks."
    ]
    lines += ["Mapped:", *(f"  {found!r} -> {ours}" for found, ours in imported.mapped)]
    if imported.not_used:
        lines += ["Not used:", *(f"  {found!r}: {why}" for found, why in imported.not_used)]
    if imported.not_found:
        lines.append("Not in the file (left blank): " + ", ".join(imported.not_found))
    if imported.own_categories:
        own = ", ".join(f"{c} ({n} risks)" for c, n in imported.own_categories.items())
        lines.append(f"Categories kept as your own (set their appetite): {own}")
    if imported.problems:
        lines.append(
            f"Values it could not read ({len(imported.problems)}; kept as they were and "
            "marked Check in the Flags column):"
        )
        lines += [f"  {p}" for p in imported.problems]
    else:
        lines.append("Every value was read.")
    return lines
