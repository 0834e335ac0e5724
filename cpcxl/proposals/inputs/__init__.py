"""A round of expenditure proposals from cells: every input table declared once, read with
located errors.

Each table is one :class:`~cpcxl.common.inputs.TableSpec` (or a
:class:`~cpcxl.common.inputs.SettingsSpec`): ``workbook.py`` builds the template's Excel Tables
from these declarations, and :func:`read_round` reads the same tables back from cells, as
calamine (a file) or xlwings (the open workbook, for the button) gives them. No file access
here and no workbook library.

One rule for rates and shares: a rate is a fraction, as Excel stores a cell formatted as a
percentage (24% is 0.24). Each rate field below says the range it is plausible in and why; a
value outside it is refused with what it was read as and what was probably meant ("24 is
2,400%; type 24% (or 0.24)"). Nothing here reinterprets a number.

One module per idea: :mod:`.fields` (what a cell may hold), :mod:`.tables` (the table
declarations), :mod:`.rows` (a filled round's rows, for demos and tests) and :mod:`.reading`
(cells to a :class:`~cpcxl.proposals.models.Round`).
"""

from __future__ import annotations

from .fields import (
    BUDGET,
    CRITERION,
    JUDGEMENT,
    MAX_PROPOSALS,
    MITIGATION,
    NAME,
    OPTIMISM_BIAS,
    PLACES,
    RATIO,
    SAATY_HIGH,
    SAATY_LOW,
    SCALE,
    SCORE,
    SCORE_SHARE,
    WEIGHT,
    YEAR,
    Judgement,
)
from .panel import MAX_MEMBERS
from .reading import read_pairwise, read_round
from .rows import DEFAULT_CRITERIA, DEFLATOR_ROWS, DEFLATOR_SOURCE, RoundInputs
from .tables import (
    AMENDMENTS,
    ASSESSMENT,
    BENEFITS,
    BUDGET_TABLE,
    CONFLICTS,
    COSTS,
    CRITERIA,
    DEFLATORS,
    LINES,
    MODERATION,
    OBJECTIVES,
    OPTIONAL_TABLES,
    PAIRWISE_ROW,
    PAIRWISE_SHEET,
    PANEL,
    PROPOSALS,
    SETTINGS,
    TABLES,
)

__all__ = [
    "AMENDMENTS",
    "ASSESSMENT",
    "BENEFITS",
    "BUDGET",
    "BUDGET_TABLE",
    "CONFLICTS",
    "COSTS",
    "CRITERIA",
    "CRITERION",
    "DEFAULT_CRITERIA",
    "DEFLATORS",
    "DEFLATOR_ROWS",
    "DEFLATOR_SOURCE",
    "JUDGEMENT",
    "LINES",
    "MAX_MEMBERS",
    "MAX_PROPOSALS",
    "MITIGATION",
    "MODERATION",
    "NAME",
    "OBJECTIVES",
    "OPTIMISM_BIAS",
    "OPTIONAL_TABLES",
    "PAIRWISE_ROW",
    "PAIRWISE_SHEET",
    "PANEL",
    "PLACES",
    "PROPOSALS",
    "RATIO",
    "SAATY_HIGH",
    "SAATY_LOW",
    "SCALE",
    "SCORE",
    "SCORE_SHARE",
    "SETTINGS",
    "TABLES",
    "WEIGHT",
    "YEAR",
    "Judgement",
    "RoundInputs",
    "read_pairwise",
    "read_round",
]
