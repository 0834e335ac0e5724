"""The history workbook on disk: read into each provider's rounds, and written back with this
round in it, atomically, never losing an earlier round."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from cpcxl.common.errors import CpcxlError, InputError, Location
from cpcxl.common.inputs import Cells
from cpcxl.common.workbook import read_sheets

from ..inputs import LONGEST_FRAMEWORK_NAME, History, read_history
from ..models import ComplianceScheme, MonitoringFramework, ProviderHistory
from ..outputs import ABOUT_NAME, about_rows, history_tables
from .stream import Table, stream_book

#: A history is rewritten whole each run, so it is read whole: allow far more than a return
#: (a thousand providers over twelve rounds is about 15 MB unpacked). A local choice.
MAX_HISTORY_BYTES = 200 * 1024 * 1024
MAX_HISTORY_UNPACKED = 2 * 1024 * 1024 * 1024


def read_history_file(
    path: str | os.PathLike[str],
    framework_for: Callable[[str], MonitoringFramework],
    stages: ComplianceScheme,
) -> History:
    """The history at ``path`` (an empty one if there is no file yet)."""
    path = Path(path)
    if not path.exists():
        return History(file=path.name)
    sheets = read_sheets(path, max_bytes=MAX_HISTORY_BYTES, max_unpacked_bytes=MAX_HISTORY_UNPACKED)
    cells = {name: Cells(rows) for name, rows in sheets.items()}
    return read_history(cells, framework_for, stages, file=path.name)


class HistoryLost(CpcxlError):
    """The history about to be written would not hold a round the old one had."""


def write_history(
    path: str | os.PathLike[str],
    providers: Iterable[ProviderHistory],
    frameworks: Mapping[str, MonitoringFramework],
    *,
    before: History,
    round_label: str,
    as_at: dt.date,
    marking: str = "",
) -> Path:
    """The history with every provider in it, written atomically (it appears whole or not at
    all). Refused if any round of ``before`` would be missing from it."""
    from ..engine.history import lost_rounds

    providers = list(providers)
    by_key = {p.provider_id.casefold(): p for p in providers}
    lost = []
    for key, old in before.providers.items():
        new = by_key.get(key)
        missing = (
            [r.round for r in old.rounds] if new is None else lost_rounds(old, new, round_label)
        )
        lost += [f"{old.provider_id} {r}" for r in missing]
    if lost:
        raise HistoryLost(
            f"the history was not written: it would lose {len(lost)} earlier rounds "
            f"({', '.join(lost[:5])}); this is a fault in cpcxl, please report it"
        )
    for name in frameworks:
        if len(name) > LONGEST_FRAMEWORK_NAME:
            raise InputError(
                f"the framework name {name!r} is too long to name a sheet of the history",
                location=Location(file=Path(path).name),
                valid=f"a framework name of at most {LONGEST_FRAMEWORK_NAME} characters",
            )
    tables = history_tables(providers, frameworks)
    with stream_book(path, marking=marking) as book:
        book.text(ABOUT_NAME, "Monitoring history", [r[0] for r in about_rows(round_label, as_at)])
        for table in tables:
            book.table(
                Table(
                    table.spec.sheet,
                    table.title,
                    table.note,
                    table.header,
                    table.rows,
                    table.widths,
                    table.formats,
                )
            )
    return Path(path)
