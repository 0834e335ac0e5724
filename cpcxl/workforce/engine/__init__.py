"""Workforce mix planning (CPC 505 A-C): calculation only.

Pure: pandas, numpy, scipy and pydantic. Inputs are the frames ``inputs.read_plan`` gives
(columns are the field names, plus ``_row``, the sheet row); every calculation over staff
records is vectorised, so 50,000 records plan in well under a second. One module per idea:

- ``fte``: FTE, headroom, recruitment need for an establishment, the gap by role and skill
  (substantive, cover and vacancy FTE apart);
- ``costing``: pay and employer on-costs (National Insurance, pension by scheme, the
  apprenticeship levy) for each staff record (issue 18);
- ``cover``: who fills a post and who covers it; each role's turnover, vacancy and sickness
  (its benchmarks, else the sector's), headroom, own pay and cost with on-costs, and agency
  and bank cover rates (its own rate with the premium);
- ``mix``: the current mix with its cost, the distance from each target, hour costs;
- ``projection``: the 3-5 year projection of leavers and recruitment, and its cost;
- ``optimiser``: the least-cost mix over the whole plan by linear programming (turnover,
  the time to recruit, a budget a year), and conflicting constraints;
- ``wage_floor``: pay below the National Living Wage or Real Living Wage, and the cost of
  bringing it up;
- ``development``: training and qualifications held and needed, by role and year (CPC 505
  A5);
- ``review``: actuals by quarter against the plan, and the re-projection (CPC 505 C);
- ``risks``: the plan's named risk flags;
- ``diversity``: the diversity profile with small counts hidden;
- ``plan``: everything together.
"""

from __future__ import annotations

from .costing import costed, employment_cost, pensionable
from .cover import is_substantive, role_rates
from .development import training_need, training_status
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
from .plan import Plan, plan, role_costs
from .projection import project
from .review import Review, review
from .risks import risks
from .wage_floor import wage_floor_check

__all__ = [
    "SUPPRESSED",
    "TYPES",
    "OptimisedMix",
    "Plan",
    "Review",
    "active_staff",
    "costed",
    "current_mix",
    "demand_by_year",
    "diversity_profile",
    "employment_cost",
    "fte",
    "gap_by_role_and_skill",
    "hourly_costs",
    "is_substantive",
    "optimise_mix",
    "pensionable",
    "plan",
    "project",
    "recruitment_need",
    "required_from_hours",
    "required_fte",
    "review",
    "risks",
    "role_costs",
    "role_rates",
    "suppression_pattern",
    "target_distance",
    "total_fte",
    "training_need",
    "training_status",
    "wage_floor_check",
    "with_fte",
    "workforce_gap",
]
