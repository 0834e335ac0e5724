"""Monitoring files: the return template and filled-in returns, reading return files into
cells, writing summaries and the portfolio, and the batch that does all three for a folder."""

from __future__ import annotations

from .batch import (
    ERROR_HEADER,
    ERRORS,
    PORTFOLIO,
    BatchOptions,
    BatchReport,
    HistoryNotWritten,
    Outcome,
    error_rows,
    find_returns,
    install_signal_handlers,
    process_return,
    remove_leftovers,
    run_batch,
)
from .returns import read_provider_id, read_return_file
from .summaries import write_portfolio, write_summary
from .template import (
    HEADER_ROW,
    LISTS,
    TEMPLATE,
    TEMPLATE_NAME,
    build_template,
    write_return,
)

__all__ = [
    "ERRORS",
    "ERROR_HEADER",
    "HEADER_ROW",
    "LISTS",
    "PORTFOLIO",
    "TEMPLATE",
    "TEMPLATE_NAME",
    "BatchOptions",
    "BatchReport",
    "HistoryNotWritten",
    "Outcome",
    "build_template",
    "error_rows",
    "find_returns",
    "install_signal_handlers",
    "process_return",
    "read_provider_id",
    "read_return_file",
    "remove_leftovers",
    "run_batch",
    "write_portfolio",
    "write_return",
    "write_summary",
]
