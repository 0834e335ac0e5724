"""The input tables of a budget workbook, read from cell values into the engine's inputs.

Every table is declared once (``specs``: a :class:`TableSpec`, or a :class:`SettingsSpec` for
the Arrangement), with each field's value type, range and reason (``types``): the workbook
layer builds the template's Excel Tables, formats and drop-downs from these declarations, and
:func:`read_inputs` (``read``) reads the same tables back. The button script (cells from the
open workbook through xlwings) and the command line (cells from a file through calamine) both
hand this package each table's cells; every bad cell is collected with its sheet, cell and
field, so an officer can fix them all in one go. No file access here.

One rule for rates and shares: a rate is a fraction, as Excel stores a cell formatted as a
percentage (3.9% is 0.039); nothing is divided by 100 (see ``types``).
"""

from __future__ import annotations

from .read import read_inputs, read_pool_table
from .specs import (
    ACTUALS,
    ARRANGEMENT,
    CONDITIONS,
    CONTRIBUTIONS,
    LINES,
    OPTIONAL_TABLES,
    OUTCOMES,
    PARTNERS,
    POOL_TABLE,
    SCENARIOS,
    SPECS,
    STANDALONE,
    TABLES,
)
from .types import (
    A_YEAR,
    AMOUNT,
    ARRANGEMENT_KIND,
    BASIS,
    BASIS_CODE,
    CAP,
    CHANGE,
    CONTRIBUTION_CHANGE,
    COST,
    FIXED_SHARE,
    INDICATOR,
    KIND,
    LINE,
    PARTNER,
    PARTNER_TYPE,
    POSITION,
    REASON,
    REDUCTION,
    UPLIFT,
    UPLIFT_YEARS,
    VARIANCE,
    YEARS,
    YES_NO,
    Listed,
)

__all__ = [
    "ACTUALS",
    "AMOUNT",
    "ARRANGEMENT",
    "ARRANGEMENT_KIND",
    "A_YEAR",
    "BASIS",
    "BASIS_CODE",
    "CAP",
    "CHANGE",
    "CONDITIONS",
    "CONTRIBUTIONS",
    "CONTRIBUTION_CHANGE",
    "COST",
    "FIXED_SHARE",
    "INDICATOR",
    "KIND",
    "LINE",
    "LINES",
    "OPTIONAL_TABLES",
    "OUTCOMES",
    "PARTNER",
    "PARTNERS",
    "PARTNER_TYPE",
    "POOL_TABLE",
    "POSITION",
    "REASON",
    "REDUCTION",
    "SCENARIOS",
    "SPECS",
    "STANDALONE",
    "TABLES",
    "UPLIFT",
    "UPLIFT_YEARS",
    "VARIANCE",
    "YEARS",
    "YES_NO",
    "Listed",
    "read_inputs",
    "read_pool_table",
]
