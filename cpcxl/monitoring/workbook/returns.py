"""Reading a monitoring return file into cells (calamine), for :mod:`cpcxl.monitoring.inputs`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cpcxl.common.files import check_workbook_file
from cpcxl.common.workbook import read_tables

from ..inputs import DETAILS, RETURN_SPECS, SPECS, provider_id_in, read_return
from ..models import ComplianceScheme, MonitoringFramework, MonitoringReturn
from ..schemes import CPC306


def read_return_file(
    path: str | os.PathLike[str],
    framework_for: Callable[[str], MonitoringFramework],
    *,
    max_bytes: int | None = None,
    stages: ComplianceScheme = CPC306,
) -> tuple[MonitoringReturn, MonitoringFramework]:
    """Read and check one return; every problem in it is raised together (InputErrors)."""
    # Only the return's own sheets (read_tables reads those its specs name): a batch reads
    # thousands, and the Instructions and Lists sheets are the same in every one.
    limits = {"max_bytes": max_bytes} if max_bytes else {}
    cells = read_tables(path, SPECS, sheets=None, **limits)
    # the sheet names only to say what a file that is no return has instead
    names = _sheet_names(path) if any(s.name not in cells for s in RETURN_SPECS) else None
    return read_return(cells, framework_for, file=Path(path).name, sheet_names=names, stages=stages)


def _sheet_names(path: str | os.PathLike[str]) -> list[str]:
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def read_provider_id(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> str:
    """Only the provider ID, so a batch can find duplicate returns before it writes."""
    from python_calamine import CalamineWorkbook

    path = check_workbook_file(path, **({"max_bytes": max_bytes} if max_bytes else {}))
    try:
        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_name(DETAILS.sheet).to_python(skip_empty_area=False)
        return provider_id_in(rows)
    except Exception:
        return ""  # the full read reports what is wrong, with its location
