"""Workforce mix planning (CPC 505 A-C): calculation only.

Pure: pandas, numpy, scipy and pydantic. Inputs are the frames ``inputs.read_plan`` gives
(columns are the field names, plus ``_row``, the sheet row); every calculation over staff
records is vectorised, so 50,000 records plan in well under a second. One module per idea:

- ``fte``: FTE, headroom, recruitment need for an establishment, the gap by role and skill
  (substantive, cover and vacancy FTE apart);
- ``cover``: who fills a post and who covers it; each role's turnover, published vacancy
  rate (social care or NHS) and agency cover rate (its own pay with the premium);
- ``mix``: costs, the current mix and the distance from each target;
- ``projection``: the 3-5 year projection of leavers and recruitment;
- ``optimiser``: the least-cost mix by linear programming, and conflicting constraints;
- ``risks``: the plan's named risk flags;
- ``diversity``: the diversity profile with small counts hidden;
- ``plan``: everything together.
"""

from __future__ import annotations

from .cover import is_substantive, role_rates
from .diversity import SUPPRESSED, diversity_profile, suppression_pattern
from .fte import (
    active_staff,
    demand_by_year,
    fte,
    gap_by_role_and_skill,
    recruitment_need,
    required_from_hours,
    required_fte,
    total_fte,
    with_fte,
    workforce_gap,
)
from .mix import TYPES, current_mix, hourly_costs, target_distance
from .optimiser import OptimisedMix, optimise_mix
from .plan import Plan, plan
from .projection import project
from .risks import risks

__all__ = [
    "SUPPRESSED",
    "TYPES",
    "OptimisedMix",
    "Plan",
    "active_staff",
    "current_mix",
    "demand_by_year",
    "diversity_profile",
    "fte",
    "gap_by_role_and_skill",
    "hourly_costs",
    "is_substantive",
    "optimise_mix",
    "plan",
    "project",
    "recruitment_need",
    "required_from_hours",
    "required_fte",
    "risks",
    "role_rates",
    "suppression_pattern",
    "target_distance",
    "total_fte",
    "with_fte",
    "workforce_gap",
]
