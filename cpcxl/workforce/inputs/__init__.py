"""Every input table of a workforce plan, from cells to the engine.

Each table is declared once (a :class:`TableSpec`, or a :class:`SettingsSpec` for the
Assumptions and the On-costs): the workbook builds its template from these declarations
(headers, formats, widths, drop-downs and checks) and the readers read the same tables back,
from a file (calamine) or from the open workbook (xlwings), with every problem located by
file, sheet, cell and column. No file access here, and no workbook library.

- ``plan``: Staff, Demand, Targets and Assumptions;
- ``pay``: the Pay sheet (pay by role, pension schemes, on-costs and the wage floor) and the
  Pay scales sheet (issue 18);
- ``review``: Benchmarks, Skills and Actuals (issue 18);
- ``read``: all of them at once, each checked against the others;
- ``types``: the value types and drop-down lists beyond the common ones.

Rates and shares are fractions, as Excel stores a percentage (22% is 0.22); each declares its
plausible range and the reason for it (``models``), and nothing reinterprets a number.
"""

from __future__ import annotations

from .pay import CAP_NOTE, ON_COSTS, PAY, PENSIONS, SCALE_ROWS, SCALES, SCHEME_ROWS, read_pay
from .plan import (
    ASSUMPTIONS,
    DEMAND,
    STAFF,
    TARGETS,
    check_roles,
    demand_frame,
    read_assumption_settings,
    read_assumptions,
    read_demand,
    read_staff,
    read_targets,
    staff_frame,
    targets_frame,
)
from .read import SPECS, PlanInputs, read_plan
from .review import (
    ACTUALS,
    BENCHMARKS,
    SKILLS,
    plan_quarters,
    read_actuals,
    read_benchmarks,
    read_skills,
)
from .types import (
    CONTRACT_TYPE,
    EMPLOYER,
    HEADROOM_METHOD,
    LISTS,
    QUARTER,
    Held,
    Quarter,
    Suggested,
    quarter_label,
    quarter_of,
    quarter_start,
)

__all__ = [
    "ACTUALS",
    "ASSUMPTIONS",
    "BENCHMARKS",
    "CAP_NOTE",
    "CONTRACT_TYPE",
    "DEMAND",
    "EMPLOYER",
    "HEADROOM_METHOD",
    "LISTS",
    "ON_COSTS",
    "PAY",
    "PENSIONS",
    "QUARTER",
    "SCALES",
    "SCALE_ROWS",
    "SCHEME_ROWS",
    "SKILLS",
    "SPECS",
    "STAFF",
    "TARGETS",
    "Held",
    "PlanInputs",
    "Quarter",
    "Suggested",
    "check_roles",
    "demand_frame",
    "plan_quarters",
    "quarter_label",
    "quarter_of",
    "quarter_start",
    "read_actuals",
    "read_assumption_settings",
    "read_assumptions",
    "read_benchmarks",
    "read_demand",
    "read_pay",
    "read_plan",
    "read_skills",
    "read_staff",
    "read_targets",
    "staff_frame",
    "targets_frame",
]
