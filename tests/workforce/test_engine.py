"""The engine against hand calculations on the packaged example and small constructed cases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy.optimize import linprog

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.inputs import Cells
from cpcxl.workforce import engine, inputs, outputs
from cpcxl.workforce.engine import diversity
from cpcxl.workforce.inputs.example import EXAMPLE_DEMAND, EXAMPLE_STAFF, EXAMPLE_TARGETS
from cpcxl.workforce.models import (
    Assumptions,
    HeadroomMethod,
    LevyRule,
    OnCosts,
    PaySetup,
    RiskFlag,
    WageFloor,
)

from .helpers import NO_ON_COSTS, demand_frame, staff_frame, targets_frame

EXACT = {"rel": 1e-9, "abs": 1e-12}


def test_fte_and_headroom_by_both_methods() -> None:
    assert engine.fte([37.5, 18.75]).sum() == pytest.approx(1.5)
    # 37.5 + 18.75 + 30 = 86.25 hours; ÷ 37.5 = 2.3 FTE
    assert engine.total_fte([37.5, 18.75, 30]) == pytest.approx(2.3)
    # uplift: 10 × 1.22 = 12.2; divide: 10 ÷ 0.78 = 12.820512...
    assert engine.required_fte(10, 0.22, HeadroomMethod.UPLIFT) == pytest.approx(12.2)
    assert engine.required_fte(10, 0.22, HeadroomMethod.DIVIDE) == pytest.approx(10 / 0.78)
    # The engine still guards the arithmetic for a Python caller: ÷ (1 − 1) is impossible.
    with pytest.raises(InputError, match="divide method would need infinite staff"):
        engine.required_fte(10, 1.0, HeadroomMethod.DIVIDE)


def test_assumptions_outside_their_ranges_are_refused_by_the_model_too() -> None:
    # A Python caller cannot slip a headroom of 22 (2,200%) past the model either.
    with pytest.raises(ValidationError, match=r"headroom: 22 is 2,200%.*type 22% \(or 0.22\)"):
        Assumptions(headroom=22)
    with pytest.raises(ValidationError, match="years: 7 is outside 3 to 5"):
        Assumptions(years=7)


def test_recruitment_need_formula_matches_the_year_by_year_projection() -> None:
    # Establishment 100 FTE, 92 in post (8% vacant), 25% turnover, flat demand, no headroom.
    # By hand: year 1 100 − 92 × 0.75 = 31; years 2 and 3: 25 each; total 81.
    a = Assumptions(headroom=0, turnover=0.25, years=3)
    staff = staff_frame(
        [["Care worker", "Level 2", "Full-time", "In-house", 37.5, 12, None, None, 92]]
    )
    demand = demand_frame([["Home care", "Care worker", "Level 2", 3750, 0]])
    projection = engine.project(staff, demand, a)
    assert projection["recruitment_need_fte"].tolist() == pytest.approx([31, 25, 25])
    assert float(engine.recruitment_need(100, 0.25, 0.08, 3)) == pytest.approx(81)


def test_gap_by_role_and_skill_on_the_example(example: engine.Plan) -> None:
    # Issue 13, case 11: bank, agency and volunteers cover vacancies but do not fill them, so
    # the gap is required less substantive (permanent and fixed-term) FTE.
    gap = example.gap.set_index(["role", "skill"])
    care_2 = gap.loc[("Care worker", "Level 2")]
    # Level 2 demand 480 h: 12.8 worked FTE × 1.22 = 15.616. Substantive at Level 2:
    # 6 × 37.5 + 4 × 22.5 = 315 h = 8.4 FTE; the 2 bank staff's 2 × 15 = 30 h = 0.8 FTE
    # are cover. Gap and vacancy 15.616 − 8.4 = 7.216, of which 0.8 covered: 6.416 not.
    assert care_2["required_fte"] == pytest.approx(15.616, **EXACT)
    assert care_2["substantive_fte"] == pytest.approx(8.4, **EXACT)
    assert care_2["cover_fte"] == pytest.approx(0.8, **EXACT)
    assert care_2["gap_fte"] == pytest.approx(7.216, **EXACT)
    assert care_2["vacancy_fte"] == pytest.approx(7.216, **EXACT)
    assert care_2["uncovered_fte"] == pytest.approx(6.416, **EXACT)
    # The volunteers' skill level has no demand: their 3 × 6 h = 0.48 FTE is cover, no post.
    entry = gap.loc[("Care worker", "Entry (no relevant qualification)")]
    assert (entry["substantive_fte"], entry["cover_fte"]) == (0, pytest.approx(0.48))
    assert (entry["required_fte"], entry["gap_fte"]) == (0, 0)
    by_role = example.gap_by_role.set_index("role")
    # 555 h ÷ 37.5 × 1.22 = 18.056 required; 8.4 substantive: 9.656 vacant, 53.5%.
    assert by_role.loc["Care worker", "gap_fte"] == pytest.approx(18.056 - 8.4, **EXACT)
    assert by_role.loc["Care worker", "vacancy_rate"] == pytest.approx(9.656 / 18.056, **EXACT)
    # A social care role: the published rate beside it is Skills for Care's 7.0%.
    assert by_role.loc["Care worker", "published_vacancy"] == pytest.approx(0.070)


def test_a_role_covered_entirely_by_agency_is_vacant_and_covered() -> None:
    # Issue 13, case 11. Two agency nurses, 75 h a week, no headroom: 2 FTE needed. NHS and
    # Skills for Care count a vacancy as establishment less substantive staff, so the role
    # is 2 FTE vacant (100%) and 2 FTE covered, none of it uncovered; before, the agency
    # staff counted as in post and the role showed no gap at all.
    staff = staff_frame(
        [
            [
                "Nurse",
                "Registered professional",
                "Agency",
                "Private provider",
                37.5,
                40,
                None,
                None,
                2,
            ]
        ]
    )
    demand = demand_frame([["Reablement", "Nurse", "Registered professional", 75, 0]])
    plan = engine.plan(staff, demand, targets_frame([]), Assumptions(headroom=0))
    nurse = plan.gap_by_role.set_index("role").loc["Nurse"]
    assert (nurse["required_fte"], nurse["substantive_fte"]) == (pytest.approx(2), 0)
    assert (nurse["vacancy_fte"], nurse["cover_fte"]) == (pytest.approx(2), pytest.approx(2))
    assert (nurse["uncovered_fte"], nurse["vacancy_rate"]) == (0, pytest.approx(1))
    summary = dict(zip(plan.summary["measure"], plan.summary["value"], strict=True))
    assert summary["Substantive FTE (permanent and fixed-term: in post)"] == 0
    assert summary["Cover FTE (bank, agency, contractors, volunteers)"] == pytest.approx(2)
    assert summary["Vacancy FTE (required − substantive, where short)"] == pytest.approx(2)
    # Turnover applies to substantive staff: no one opens the year, no one leaves, and the
    # 2 FTE the agency covers are the year's recruitment need.
    year_1 = plan.projection.iloc[0]
    assert (year_1["opening_fte"], year_1["leavers_fte"]) == (0, 0)
    assert year_1["recruitment_need_fte"] == pytest.approx(2)


def test_fixed_term_staff_fill_posts_and_leave_at_the_turnover_rate() -> None:
    # Issue 13, case 11: a fixed-term ("Temporary") employee is substantive (Skills for
    # Care's turnover is leavers ÷ permanent and temporary staff). 1 permanent and 1
    # fixed-term FTE, 1 bank FTE; 3 FTE needed: 1 vacant, covered by bank. Year 1 leavers at
    # 23.1% of the 2 substantive FTE = 0.462; need 3 − 1.538 = 1.462.
    row = ["Care worker", "L2", "Full-time", "In-house", 37.5, 12, None, None, 1]
    staff = staff_frame(
        [row, [*row[:2], "Temporary", *row[3:]], [*row[:2], "Bank or zero-hours", *row[3:]]]
    )
    demand = demand_frame([["Home care", "Care worker", "L2", 112.5, 0]])
    plan = engine.plan(staff, demand, targets_frame([]), Assumptions(headroom=0))
    care = plan.gap_by_role.iloc[0]
    assert (care["substantive_fte"], care["cover_fte"]) == (pytest.approx(2), pytest.approx(1))
    assert (care["vacancy_fte"], care["uncovered_fte"]) == (pytest.approx(1), 0)
    year_1 = plan.projection.iloc[0]
    assert year_1["opening_fte"] == pytest.approx(2)
    assert year_1["leavers_fte"] == pytest.approx(0.462, **EXACT)
    assert year_1["recruitment_need_fte"] == pytest.approx(1.462, **EXACT)


def test_current_mix_and_its_cost(example: engine.Plan) -> None:
    mix = example.mix.set_index(["contract_type", "employer"])
    row = mix.loc[("Full-time", "In-house")]
    # Pay: 6×37.5×12.60 + 3×37.5×14.20 + 4×37.5×13.40 + 37.5×24.80 + 37.5×26.00
    # = 2835 + 1597.5 + 2010 + 930 + 975 = 8347.5 a week; 562.5 h = 15 FTE of 813 h in all.
    assert row["weekly_pay"] == pytest.approx(8347.5, **EXACT)
    # Cost with on-costs (issue 18): each of the 15 in-house people is in the LGPS (19.8%
    # example rate) and earns over the £5,000 threshold, so a week costs pay × (1 + 0.198 +
    # 0.15) less 15% of £5,000 a year each: 8347.5 × 1.348 − 15 × 750 ÷ 52.143 = 11,036.68.
    # No levy: the in-house pay bill is well under £3 million.
    weeks = 365 / 7
    assert row["weekly_cost"] == pytest.approx(8347.5 * 1.348 - 15 * 750 / weeks, **EXACT)
    # A year is 365 ÷ 7 = 52.143 weeks, as NHS Employers' hourly rates are worked out (issue
    # 18; the plan used 52 before, an annual cost 0.27% short of the pay it came from).
    assert row["annual_pay"] == pytest.approx(8347.5 * weeks, **EXACT)
    assert row["annual_cost"] == pytest.approx(row["weekly_cost"] * weeks, **EXACT)
    assert row["fte"] == pytest.approx(15, **EXACT)
    assert row["headcount"] == 15
    assert row["share_of_fte"] == pytest.approx(562.5 / 813, **EXACT)
    assert mix["share_of_fte"].sum() == pytest.approx(1)


def test_distance_from_targets(example: engine.Plan) -> None:
    t = example.targets.set_index("target")
    # Agency: 2 × 37.5 = 75 of 813 hours.
    assert t.loc["Maximum agency share", "actual"] == pytest.approx(75 / 813, **EXACT)
    assert t.loc["Maximum agency share", "met"] == "Yes"
    # Care worker permanent: (225 + 90) of 438 hours = 71.9% ≥ 60%.
    assert t.loc["Minimum permanent share", "actual"] == pytest.approx(315 / 438, **EXACT)
    # Care worker Level 3: 75 of 438 = 17.1% < 20%: distance −2.88 points.
    skill = t.loc["Minimum share at skill level"]
    assert (skill["actual"], skill["met"]) == (pytest.approx(75 / 438), "No")
    assert skill["distance"] == pytest.approx(75 / 438 - 0.2, **EXACT)
    bank = t.loc["Maximum hours of a contract type"]
    assert (bank["actual"], bank["distance"]) == (pytest.approx(30), pytest.approx(-30))


def test_projection_with_a_series_and_a_known_leaver(example: engine.Plan) -> None:
    ot = example.projection[example.projection["role"] == "Occupational therapist"]
    ot = ot.set_index("year")
    # Required: 37.5, 56.25, 56.25, 75, 75 hours ÷ 37.5 × 1.22.
    assert ot["required_fte"].tolist() == pytest.approx([1.22, 1.83, 1.83, 2.44, 2.44])
    # Year 1: leavers 0.231 × 1 = 0.231 (Skills for Care 2025's 23.1%: issue 13, case 17);
    # need 1.22 − 0.769 = 0.451.
    assert ot.loc[1, "leavers_fte"] == pytest.approx(0.231, **EXACT)
    assert ot.loc[1, "recruitment_need_fte"] == pytest.approx(0.451, **EXACT)
    # Year 2: the therapist's leaving date (30/06/2027) makes leavers 1.0, more than
    # 0.231 × 1.22; need 1.83 − (1.22 − 1.0) = 1.61.
    assert ot.loc[2, "leavers_fte"] == pytest.approx(1.0, **EXACT)
    assert ot.loc[2, "recruitment_need_fte"] == pytest.approx(1.61, **EXACT)
    # Year 3: leavers 0.231 × 1.83 = 0.42273, all replaced.
    assert ot.loc[3, "recruitment_need_fte"] == pytest.approx(0.42273, **EXACT)
    # Care worker year 1: demand 555 h × 1.04 = 577.2 h → 15.392 × 1.22 = 18.77824 FTE.
    # Only the 8.4 substantive FTE open the year (issue 13, case 11: bank, agency and
    # volunteers do not fill posts): 8.4 − 0.231 × 8.4 = 6.4596 stay; need 12.31864
    # (capacity 0.3 × 8.4 = 2.52).
    care = example.projection.set_index(["role", "year"]).loc[("Care worker", 1)]
    assert care["required_fte"] == pytest.approx(18.77824, **EXACT)
    assert care["opening_fte"] == pytest.approx(8.4, **EXACT)
    assert care["recruitment_need_fte"] == pytest.approx(12.31864, **EXACT)
    assert care["recruitment_capacity_fte"] == pytest.approx(2.52, **EXACT)


def test_agency_cover_is_priced_from_each_roles_own_pay(example: engine.Plan) -> None:
    # Issue 13, case 10. Before, one rate for every role: the organisation's average
    # permanent pay (£14.40 here) × 1.3 = £18.72 (£18.13 in the demo), for occupational
    # therapists and care workers alike. Now each role's own permanent cost an hour with
    # on-costs (issue 18) × (1 + 30%). In-house staff are in the LGPS (19.8%) and pay NI at
    # 15% above £5,000 a year each, so an hour costs pay × 1.348 − 750 ÷ (hours × 52.143).
    weeks = 365 / 7
    rates = example.rates.set_index("role")
    # Care worker: 6 full-time (225 h) and 4 part-time (90 h) at £12.60:
    # 12.60 × 1.348 − 750 ÷ 52.143 × (6 + 4) ÷ 315 = 16.9848 − 0.45662 = £16.5282; × 1.3.
    care = 12.60 * 1.348 - 750 / weeks * 10 / 315
    assert rates.loc["Care worker", "cost_rate"] == pytest.approx(care, **EXACT)
    assert rates.loc["Care worker", "cover_rate"] == pytest.approx(care * 1.3, **EXACT)
    # Occupational therapist: one at £24.80: 33.4304 − 750 ÷ (37.5 × 52.143) = £33.0468.
    ot = 24.80 * 1.348 - 750 / (37.5 * weeks)
    assert rates.loc["Occupational therapist", "cover_rate"] == pytest.approx(ot * 1.3, **EXACT)
    # Reablement support worker: pay (150 h × £13.40 + 37.5 h × £12.10) ÷ 187.5 h = £13.14.
    # Its 2 voluntary-provider staff are in auto-enrolment: 3% of pay above £6,240 a year.
    assert rates.loc["Reablement support worker", "pay"] == pytest.approx(13.14, **EXACT)
    part_time = 12.10 * 18.75 * weeks
    provider = 12.10 + (0.15 * (part_time - 5000) + 0.03 * (part_time - 6240)) / (18.75 * weeks)
    in_house = 13.40 * 1.348 - 750 / (37.5 * weeks)
    assert rates.loc["Reablement support worker", "cost_rate"] == pytest.approx(
        (150 * in_house + 37.5 * provider) / 187.5, **EXACT
    )
    assert set(rates["pay_basis"]) == {engine.cover.ROLE_PAY}
    cost = example.projection.set_index(["role", "year"])["cover_cost_while_recruiting"]
    # Need × 37.5 h × 12 weeks × the role's cover rate: OT year 1, 0.451 × 450 × £42.96;
    # care worker year 1, 12.31864 × 450 × £21.49.
    assert cost[("Occupational therapist", 1)] == pytest.approx(0.451 * 450 * ot * 1.3, **EXACT)
    assert cost[("Care worker", 1)] == pytest.approx(12.31864 * 450 * care * 1.3, **EXACT)
    # Recruits cost the role's own cost per FTE for the 40.143 weeks after the 12 to recruit.
    recruits = example.projection.set_index(["role", "year"])["recruits_cost"]
    assert recruits[("Occupational therapist", 1)] == pytest.approx(
        0.451 * ot * 37.5 * (weeks - 12), **EXACT
    )


def test_a_role_without_permanent_pay_is_priced_from_what_it_has() -> None:
    # Fixed-term pay stands in for permanent pay; a role no one holds takes the
    # organisation's average permanent pay, and the Projection sheet says which. (No on-costs
    # here: what the pay is taken from is the point.)
    staff = staff_frame(
        [
            ["Care worker", "L2", "Full-time", "In-house", 30, 12, None, None, 1],
            ["Care worker", "L2", "Part-time", "In-house", 10, 16, None, None, 1],
            ["Nurse", "RN", "Temporary", "In-house", 37.5, 30, None, None, 1],
        ]
    )
    rates = engine.role_rates(
        staff, pd.Index(["Care worker", "Nurse", "Therapist"]), Assumptions(), NO_ON_COSTS
    ).set_index("role")
    # Care worker: (30 × £12 + 10 × £16) ÷ 40 = £13; × 1.3 = £16.90.
    assert rates.loc["Care worker", "cover_rate"] == pytest.approx(16.9, **EXACT)
    assert rates.loc["Nurse", "pay_basis"] == engine.cover.ROLE_FIXED_TERM_PAY
    assert rates.loc["Nurse", "cover_rate"] == pytest.approx(39, **EXACT)  # £30 × 1.3
    # Therapist: the organisation's permanent average, £13 (the care workers').
    assert rates.loc["Therapist", "pay_basis"] == engine.cover.ORGANISATION_PAY
    assert rates.loc["Therapist", "pay"] == pytest.approx(13, **EXACT)


def test_nhs_roles_take_the_nhs_rates() -> None:
    # Issue 13, case 17: social care roles default to Skills for Care's 23.1% turnover and
    # 7.0% vacancies (2024/25); NHS roles to NHS England's 10.1% leavers (year to September
    # 2024) and 7.5% vacancies (30 September 2024). A role half NHS-employed (by
    # substantive FTE) takes half of each: 0.5 × 10.1% + 0.5 × 23.1% = 16.6%.
    staff = staff_frame(
        [
            ["Nurse", "RN", "Full-time", "NHS", 37.5, 20, None, None, 2],
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12, None, None, 2],
            ["Therapist", "RP", "Full-time", "NHS trust", 37.5, 25, None, None, 1],
            ["Therapist", "RP", "Full-time", "Partner", 37.5, 25, None, None, 1],
            # Agency staff are cover: they do not change the therapists' NHS share.
            ["Therapist", "RP", "Agency", "Private provider", 37.5, 35, None, None, 3],
        ]
    )
    roles = pd.Index(["Care worker", "Nurse", "Therapist"])
    rates = engine.role_rates(staff, roles, Assumptions()).set_index("role")
    assert rates["nhs_share"].tolist() == pytest.approx([0, 1, 0.5])
    assert rates["turnover"].tolist() == pytest.approx([0.231, 0.101, 0.166])
    assert rates["published_vacancy"].tolist() == pytest.approx([0.070, 0.075, 0.0725])
    # The projection's leavers use them: 2 nurses × 10.1% = 0.202 FTE in year 1.
    demand = demand_frame([["S", "Nurse", "RN", 75, 0]])
    year_1 = engine.project(staff, demand, Assumptions(headroom=0)).iloc[0]
    assert year_1["leavers_fte"] == pytest.approx(0.202, **EXACT)


def test_future_starters_join_in_their_year() -> None:
    a = Assumptions(headroom=0, turnover=0, years=3, plan_start=dt.date(2026, 4, 1))
    staff = staff_frame(
        [
            ["Nurse", "Registered professional", "Full-time", "In-house", 37.5, 30, None, None, 2],
            [
                "Nurse",
                "Registered professional",
                "Full-time",
                "In-house",
                37.5,
                30,
                dt.date(2027, 5, 1),
                None,
                1,
            ],
        ]
    )
    demand = demand_frame([["Reablement", "Nurse", "Registered professional", 112.5, 0]])
    p = engine.project(staff, demand, a)
    # 3 FTE needed, 2 in post: recruit 1 in year 1... but the starter in year 2 was already
    # hired, so year 2's closing is 4 and nothing more is needed.
    assert p["recruitment_need_fte"].tolist() == pytest.approx([1, 0, 0])
    assert p["starters_fte"].tolist() == pytest.approx([0, 1, 0])
    assert p["closing_fte"].tolist() == pytest.approx([3, 4, 4])


def test_every_named_risk_flag_is_raised(example: engine.Plan) -> None:
    flags = example.risks
    assert set(flags["flag"]) == {
        RiskFlag.SKILL_MINIMUM_NOT_MET.value,
        RiskFlag.SINGLE_PERSON_ROLE.value,
        RiskFlag.RECRUITMENT_BEYOND_CAPACITY.value,
    }
    single = flags[flags["flag"] == RiskFlag.SINGLE_PERSON_ROLE.value]["role"].tolist()
    assert single == ["Occupational therapist", "Registered manager"]
    # Agency: a 5% limit is below the example's 9.2%.
    tight = targets_frame([["Maximum agency share", None, None, 0.05]])
    plan = engine.plan(
        staff_frame(EXAMPLE_STAFF),
        demand_frame(EXAMPLE_DEMAND),
        tight,
        Assumptions(),
    )
    agency = plan.risks[plan.risks["flag"] == RiskFlag.AGENCY_OVER_LIMIT.value]
    assert agency["role"].tolist() == ["All roles"]
    assert agency["category"].tolist() == ["risk of financial loss"]
    assert "9.2%" in agency["detail"].iat[0] and "5.0%" in agency["detail"].iat[0]


# --- the optimiser --------------------------------------------------------------------------


#: The optimiser's tests are worked by hand in whole pounds: no on-costs, no turnover, no
#: time to recruit, 3 years of flat demand, so each year's constraints are the same as the
#: first's except that recruits build up (the multi-year rules have tests of their own).
FLAT = {"headroom": 0, "turnover": 0, "weeks_to_recruit": 0, "years": 3}


def _lp_case(targets: list[list[object]], staff_rows: list[list[object]] | None = None):  # type: ignore[no-untyped-def]
    staff = staff_frame(
        staff_rows
        or [
            ["Care worker", "Level 2", "Full-time", "In-house", 37.5, 12, None, None, 1],
            ["Care worker", "Level 2", "Part-time", "In-house", 22.5, 12, None, None, 1],
            ["Care worker", "Level 2", "Bank or zero-hours", "In-house", 10, 10, None, None, 1],
            ["Care worker", "Level 2", "Agency", "Private provider", 0, 20, None, None, 1],
        ]
    )
    demand = demand_frame([["Home care", "Care worker", "Level 2", 100, 0]])
    return engine.optimise_mix(
        staff, demand, targets_frame(targets), Assumptions(**FLAT), NO_ON_COSTS
    )


def test_the_least_cost_mix_by_hand() -> None:
    # 100 h needed. Costs: permanent £12, bank £10, agency £20; temporary and contractor
    # ruled out; bank at most 30 h; permanent at least 60%. Cheapest: 30 h bank (£300) and
    # 70 h permanent (£840): £1,140 a week in year 1. Substantive hours in year 1 may reach
    # the 60 in post + 0.3 × 70 recruited = 81.
    result = _lp_case(
        [
            ["Minimum permanent share", None, None, 0.6],
            ["Maximum hours of a contract type", None, "Bank or zero-hours", 30],
            ["Maximum hours of a contract type", None, "Temporary", 0],
            ["Maximum hours of a contract type", None, "Contractor", 0],
        ]
    )
    assert result.feasible
    assert result.weekly_cost == pytest.approx(1140)
    row = result.year(1).loc["Care worker"]
    assert row["Bank or zero-hours"] == pytest.approx(30)
    assert row["Full-time"] + row["Part-time"] == pytest.approx(70)
    assert row["Agency"] == pytest.approx(0)
    # The same mix every year of flat demand: £1,140 × 52.143 a year, three times.
    assert result.annual_cost.tolist() == pytest.approx([1140 * 365 / 7] * 3)


def test_an_infeasible_mix_names_the_conflicting_constraints() -> None:
    # 100 h needed; permanent at least 80%; in year 1 substantive hours reach only
    # 40 + 0.3 × 40 = 52; so at most 52 ÷ 0.8 = 65 h can be covered: 35 h short.
    # The agency limit plays no part: relaxing it alone changes nothing.
    staff = [["Care worker", "Level 2", "Full-time", "In-house", 40, 12, None, None, 1]]
    result = _lp_case(
        [["Minimum permanent share", None, None, 0.8], ["Maximum agency share", None, None, 0.1]],
        staff,
    )
    assert not result.feasible
    assert result.conflicts == [
        "required hours (every role)",
        "minimum permanent share 80% (whole organisation)",
        "substantive staff available (permanent and fixed-term: those in post less each "
        "year's turnover, and recruits only after the 0 weeks to recruit)",
        "recruitment capacity (at most 30% of current hours recruited each year)",
    ]
    assert "agency" not in result.message
    assert result.shortfall is not None
    short = result.shortfall.set_index(["role", "year"])["hours_short"]
    # Year 2: 52 + 12 = 64 → 80 h covered, 20 short; year 3: 76 → 95, 5 short.
    assert short.tolist() == pytest.approx([35, 20, 5])
    assert "Care worker (35.0 hours a week short in year 1)" in result.message


def test_the_optimiser_is_the_cheapest_against_brute_force() -> None:
    # A second method: with two roles, search a grid of mixes meeting the same constraints.
    staff = [
        ["A", "L2", "Full-time", "In-house", 30, 12, None, None, 1],
        ["A", "L2", "Agency", "Private provider", 10, 18, None, None, 1],
        ["B", "L3", "Full-time", "In-house", 20, 15, None, None, 1],
        ["B", "L3", "Bank or zero-hours", "In-house", 10, 13, None, None, 1],
    ]
    only = ["Maximum hours of a contract type", None]
    targets = [
        ["Maximum agency share", None, None, 0.2],
        [*only, "Temporary", 0],
        [*only, "Contractor", 0],
        [*only, "Part-time", 0],
        [*only, "Bank or zero-hours", 15],
    ]
    demand = demand_frame([["S", "A", "L2", 50, 0], ["S", "B", "L3", 40, 0]])
    result = engine.optimise_mix(
        staff_frame(staff), demand, targets_frame(targets), Assumptions(**FLAT), NO_ON_COSTS
    )
    # Hour costs. Recorded: A full-time £12, A agency £18, B full-time £15, B bank £13.
    # Where a role has no one on a type, its own rate with the premium (issue 18): A bank
    # £12 × (1 + 0% bank premium) = £12; B agency £15 × 1.3 = £19.50. Substantive hours in
    # year 1 may reach A 30 + 0.3 × 40 = 42 and B 20 + 0.3 × 30 = 29. After those, A needs
    # 8 more and B 11, but only 15 bank hours exist: B takes 11 (saving £6.50 an hour on
    # agency), A 4 (saving £6), and A's last 4 are agency. A: 42 × 12 + 4 × 12 + 4 × 18 =
    # 624; B: 29 × 15 + 11 × 13 = 578.
    a_bank_cost, b_agency = 12.0, 15 * 1.3
    assert result.feasible
    assert result.weekly_cost == pytest.approx(624 + 578)
    # Second method: every whole-hour mix meeting year 1's constraints, searched at once.
    a_ft, a_bank, b_ft, b_bank = np.meshgrid(
        np.arange(43.0), np.arange(16.0), np.arange(30.0), np.arange(16.0), indexing="ij"
    )
    a_ag, b_ag = 50 - a_ft - a_bank, 40 - b_ft - b_bank
    ok = (a_ag >= 0) & (b_ag >= 0) & (a_bank + b_bank <= 15) & (a_ag + b_ag <= 0.2 * 90)
    cost = a_ft * 12 + a_bank * a_bank_cost + a_ag * 18 + b_ft * 15 + b_bank * 13 + b_ag * b_agency
    assert result.weekly_cost == pytest.approx(cost[ok].min())


# --- diversity ----------------------------------------------------------------------------


def _feasible_range(values: np.ndarray, hidden: np.ndarray, cell: tuple[int, int]) -> float:
    """Width of the values a hidden cell can take, given everything shown (an LP audit).

    An intruder knows the shown cells and that every count is ≥ 0; if the smallest and
    largest value a hidden cell can take agree, the cell is disclosed.
    """
    cells = list(zip(*np.nonzero(hidden), strict=True))
    index = {c: k for k, c in enumerate(cells)}
    rows, cols = values.shape
    a_eq, b_eq = [], []
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    for line in lines:
        *parts, total = line
        coefficients = np.zeros(len(cells))
        known = 0.0
        for c, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
            if c in index:
                coefficients[index[c]] += sign
            else:
                known += sign * values[c]
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(-known)
    target = np.zeros(len(cells))
    target[index[cell]] = 1
    low = linprog(target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    high = linprog(-target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    assert low.status == 0 and high.status in (0, 3)
    if high.status == 3:  # unbounded: everything around it is hidden too
        return np.inf
    return -high.fun - low.fun


@pytest.mark.parametrize(
    "inner",
    [
        [[12, 3], [9, 8]],  # one small cell: its row, column and a fourth cell must go
        [[6, 7, 2], [5, 9, 11], [8, 0, 10]],  # a small cell beside a zero
        [[1, 2], [30, 40]],  # a small row total
    ],
)
def test_no_suppressed_count_can_be_worked_out(inner: list[list[int]]) -> None:
    body = np.array(inner, dtype=float)
    values = np.zeros((body.shape[0] + 1, body.shape[1] + 1))
    values[:-1, :-1] = body
    values[:-1, -1] = body.sum(axis=1)
    values[-1, :-1] = body.sum(axis=0)
    values[-1, -1] = body.sum()
    hidden = diversity.suppression_pattern(values)
    small = (values > 0) & (values < 5)
    assert hidden[small].all(), "every count from 1 to 4 is hidden"
    for cell in zip(*np.nonzero(hidden), strict=True):
        assert _feasible_range(values, hidden, cell) >= 1, f"cell {cell} can be worked out"


def test_diversity_profile_hides_small_counts_in_aggregate() -> None:
    staff = staff_frame(
        [
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12, None, None, 12, "25-34", "F"],
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12, None, None, 3, "25-34", "M"],
            ["Care worker", "L2", "Full-time", "Partner", 37.5, 12, None, None, 9, "25-34", "F"],
            ["Care worker", "L2", "Full-time", "Partner", 37.5, 12, None, None, 8, "25-34", "M"],
        ]
    )
    profile = diversity.diversity_profile(staff, "sex").set_index("Sex")
    assert profile.loc["M", "In-house"] == "[c]"
    # Secondary: the In-house total (15) would give it away (15 − 12), and so on around.
    shown = profile.to_numpy().ravel().tolist()
    assert shown.count("[c]") >= 4
    assert profile.loc["Total", "Total"] == 32


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda rows: st.integers(2, 4).flatmap(
            lambda cols: st.lists(
                st.lists(st.integers(0, 14), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_suppression_holds_for_any_small_table(inner: list[list[int]]) -> None:
    test_no_suppressed_count_can_be_worked_out(inner)


def test_a_new_role_named_only_in_a_target_is_planned() -> None:
    # Nobody holds "Reablement nurse" yet: 75 h a week needed, headroom 0 → 2 FTE to find.
    staff = staff_frame([["Care worker", "L2", "Full-time", "In-house", 37.5, 12, None, None, 4]])
    demand = demand_frame(
        [
            ["Home care", "Care worker", "L2", 150, 0],
            ["Reablement", "Reablement nurse", "RN", 75, 0],
        ]
    )
    targets = targets_frame([["Minimum permanent share", "Reablement nurse", None, 0.2]])
    a = Assumptions(headroom=0)
    errors = InputErrors()
    inputs.check_roles(staff, demand, targets, errors)
    assert not errors
    plan = engine.plan(staff, demand, targets, a)
    row = plan.targets.iloc[0]
    assert (row["met"], np.isnan(row["actual"])) == ("No one in post", True)
    assert plan.risks["flag"].tolist().count(RiskFlag.AGENCY_OVER_LIMIT.value) == 0
    nurse = plan.projection.set_index(["role", "year"]).loc[("Reablement nurse", 1)]
    # Recruit all 2 FTE; capacity is 30% of the 2 FTE needed = 0.6 FTE, so it is flagged.
    assert nurse["recruitment_need_fte"] == pytest.approx(2)
    assert nurse["recruitment_capacity_fte"] == pytest.approx(0.6)
    # The mix: permanent hours may reach 0.3 × 75 = 22.5 h recruited, working the 40.14 of
    # 52.14 weeks after the 12 to recruit: 17.3 h ≥ 20% of 75 = 15 h; the rest at the
    # cheapest other type. Care workers' cost stands in for the new role.
    assert plan.optimised.feasible
    mix = plan.optimised.year(1).loc["Reablement nurse"]
    assert mix.sum() == pytest.approx(75)
    assert mix[["Full-time", "Part-time"]].sum() >= 15 - 1e-9


# --- limits (issue 12, case 3) --------------------------------------------------------------


@pytest.mark.parametrize(
    "work",
    [
        lambda p: engine.project(p["staff"], p["demand"], Assumptions()),
        lambda p: engine.optimise_mix(p["staff"], p["demand"], p["targets"], Assumptions()),
        lambda p: engine.diversity_profile(p["staff"], "sex"),
    ],
    ids=["projection", "least-cost mix", "diversity suppression"],
)
def test_long_work_stops_at_the_calls_time_limit(work) -> None:  # type: ignore[no-untyped-def]
    # Issue 12, case 3: the per-year projection, every LP solve and each round of
    # suppression check the clock, so a call past the server's time limit is stopped.
    from cpcxl.common.limits import TimeLimitExceeded, time_limit

    parts = {
        "staff": staff_frame(EXAMPLE_STAFF),
        "demand": demand_frame(EXAMPLE_DEMAND),
        "targets": targets_frame(EXAMPLE_TARGETS),
    }
    work(parts)  # runs to the end with no limit
    with time_limit(-1), pytest.raises(TimeLimitExceeded, match="stopped after -1 seconds"):
        work(parts)


# --- issue 18: pay and on-costs ------------------------------------------------------------

WEEKS = 365 / 7


def test_employment_cost_gives_the_issues_examples() -> None:
    # Pay + 15% employer NI on pay above £5,000 + pension on pay (HMRC 2025/26).
    assert float(engine.employment_cost(30000)) == pytest.approx(33750)  # 30,000 + 3,750
    assert float(engine.employment_cost(30000, 0.2)) == pytest.approx(39750)  # + 6,000
    assert float(engine.employment_cost(4000)) == pytest.approx(4000)  # below the threshold


def test_auto_enrolment_is_on_qualifying_earnings_only() -> None:
    # A provider's care worker on £12.21 for 30 hours: £19,100.36 a year. Auto-enrolment's 3%
    # is on pay from £6,240 (to £50,270): 3% × 12,860.36 = £385.81; NI 15% × 14,100.36 =
    # £2,115.05. A provider's staff bear no levy (it is in the provider's price).
    staff = staff_frame([["Care worker", "L2", "Part-time", "Private provider", 30, 12.21]])
    row = engine.costed(staff, PaySetup(), Assumptions()).iloc[0]
    pay = 12.21 * 30 * WEEKS
    assert row["annual_pay"] == pytest.approx(pay)
    assert row["pension"] == pytest.approx(0.03 * (pay - 6240))
    assert row["employer_ni"] == pytest.approx(0.15 * (pay - 5000))
    assert row["levy"] == 0
    assert row["cost_hourly"] == pytest.approx(
        12.21 + (0.03 * (pay - 6240) + 0.15 * (pay - 5000)) / (30 * WEEKS)
    )
    # Agency is bought in: its charge is the whole cost, no on-costs added.
    agency = staff_frame([["Care worker", "L2", "Agency", "Private provider", 30, 21.0]])
    assert engine.costed(agency, PaySetup(), Assumptions())["cost_hourly"].iat[0] == 21.0


def test_the_levy_falls_on_the_organisations_own_pay_bill_over_3_million() -> None:
    # 200 in-house staff on £20 for 37.5 hours: £39,107.14 each, a £7,821,428.57 pay bill.
    # Levy 0.5% of it less the £15,000 allowance = £24,107.14, as a share of the bill
    # 0.5% − 15,000 ÷ 7,821,428.57 = 0.30822%; on No, none; on Yes, 0.5% of all of it.
    staff = staff_frame([["Officer", "L4", "Full-time", "In-house", 37.5, 20, None, None, 200]])
    bill = 20 * 37.5 * WEEKS * 200

    def levy(rule: LevyRule) -> float:
        setup = PaySetup(OnCosts(levy=rule))
        return float(engine.costed(staff, setup, Assumptions())["levy"].iat[0]) * 200

    assert levy(LevyRule.AUTOMATIC) == pytest.approx(0.005 * bill - 15000)
    assert levy(LevyRule.NO) == 0
    assert levy(LevyRule.YES) == pytest.approx(0.005 * bill)
    # Under £3 million (one person), the allowance covers it all.
    one = staff_frame([["Officer", "L4", "Full-time", "In-house", 37.5, 20]])
    assert engine.costed(one, PaySetup(), Assumptions())["levy"].iat[0] == 0


def _pay_setup(rows: list[list[object]], **on_costs: object) -> PaySetup:
    """A PaySetup from Pay sheet rows, read as the workbook reads them."""
    errors = InputErrors()
    headers = [c.header for c in inputs.PAY.columns]
    setup = inputs.read_pay(
        {inputs.PAY.name: Cells([headers, *rows])},
        errors,
        standard_hours=37.5,
        roles={"Nurse", "Healthcare assistant", "Care worker"},
    )
    errors.raise_if_any()
    assert setup is not None
    return dataclasses.replace(setup, on_costs=setup.on_costs.model_copy(update=on_costs))


def test_a_role_on_the_pay_sheet_is_priced_from_its_band_with_on_costs() -> None:
    # Agenda for Change 2025/26 Band 5 (0-2 years) £31,049 for 37.5 hours in the NHS Pension
    # Scheme (23.78%): (31,049 × 1.3878 − 750) ÷ (37.5 × 52.143) = £21.653 an hour; its pay
    # an hour £31,049 ÷ 1,955.36 = £15.879 (NHS Employers give £15.88). The nurse's staff
    # record gives no hourly pay, so takes the role's from the Pay sheet too.
    setup = _pay_setup([["Nurse", "AfC Band 5 (0-2 years)", "NHS Pension Scheme"]])
    staff = staff_frame([["Nurse", "RN", "Full-time", "NHS", 37.5, None, None, None, 2]])
    rates = engine.role_rates(staff, pd.Index(["Nurse"]), Assumptions(), setup).iloc[0]
    assert rates["pay"] == pytest.approx(31049 / (37.5 * WEEKS))
    assert round(rates["pay"], 2) == 15.88
    cost = (31049 * 1.3878 - 750) / (37.5 * WEEKS)
    assert rates["cost_rate"] == pytest.approx(cost)
    assert rates["cost_per_fte"] == pytest.approx(cost * 37.5 * WEEKS)
    assert rates["pay_basis"] == "the Pay sheet: AfC Band 5 (0-2 years) (2025/26)"
    # Agency cover: £21.653 × 1.3 = £28.15 is over the NHS cap of £15.879 × 1.55 = £24.61.
    assert rates["cover_rate"] == pytest.approx(31049 / (37.5 * WEEKS) * 1.55)
    record = engine.costed(staff, setup, Assumptions()).iloc[0]
    assert (record["pay_hourly"], record["pay_source"]) == (rates["pay"], "the Pay sheet")
    assert record["cost_hourly"] == pytest.approx(cost)


# --- issue 18: the wage floor --------------------------------------------------------------


def test_pay_below_the_wage_floor_is_flagged_with_its_shortfall_and_cost() -> None:
    # Committed to the Real Living Wage 2025/26, £12.60 an hour (Living Wage Foundation).
    # The Pay sheet's healthcare assistant on AfC Band 2, £24,465 for 37.5 hours, is £12.512
    # an hour: £0.088 short; a year 12.60 × 1,955.36 − 24,465 = £172.50 for a post, £239.41
    # with NI (15%) and the NHS Pension (23.78%) on it.
    setup = _pay_setup(
        [["Healthcare assistant", "AfC Band 2", "NHS Pension Scheme"]],
        wage_floor=WageFloor.REAL_LIVING_WAGE,
    )
    assert setup.on_costs.floor == 12.60
    # Two provider care workers on £12.30 for 20 hours (£12,827.14 a year each): each is
    # £0.30 an hour short, £312.86 a year; bringing both up costs with NI (15%, above the
    # threshold) and auto-enrolment (3%, above £6,240): 2 × 312.86 × 1.18 = £738.34.
    staff = staff_frame(
        [
            ["Care worker", "L2", "Part-time", "Private provider", 20, 12.30, None, None, 2],
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12.60],
            ["Care worker", "L2", "Agency", "Private provider", 37.5, 11.00],
            ["Healthcare assistant", "L2", "Full-time", "NHS", 37.5, 12.80],
        ]
    )
    floor = engine.wage_floor_check(staff, Assumptions(), setup).set_index(["what", "role"])
    post = floor.loc[("Role's pay (Pay sheet)", "Healthcare assistant")]
    assert post["shortfall_hourly"] == pytest.approx(12.60 - 24465 / (37.5 * WEEKS))
    assert post["shortfall_yearly"] == pytest.approx(12.60 * 37.5 * WEEKS - 24465)
    assert post["cost_yearly"] == pytest.approx((12.60 * 37.5 * WEEKS - 24465) * 1.3878)
    carers = floor.loc[("Staff records", "Care worker")]
    assert (carers["employer"], carers["people"], carers["hours"]) == ("Private provider", 2, 40)
    assert carers["shortfall_hourly"] == pytest.approx(0.30)
    assert carers["shortfall_yearly"] == pytest.approx(2 * 0.30 * 20 * WEEKS)
    assert carers["cost_yearly"] == pytest.approx(2 * 0.30 * 20 * WEEKS * 1.18)
    # £12.60 is the floor, not below it; the agency's £11 charge is not pay; the NHS
    # assistant's own £12.80 is above it: none of them is flagged.
    assert len(floor) == 2


def test_the_national_living_wage_is_the_default_floor() -> None:
    # £12.21 from 1 April 2025 (GOV.UK); for 2026/27 £12.71.
    assert OnCosts().floor == 12.21
    assert OnCosts(pay_year=2026, wage_floor_year=2026).floor == 12.71
    assert OnCosts(wage_floor=WageFloor.LONDON_LIVING_WAGE).floor == 13.85
    assert OnCosts(wage_floor_rate=13.0).floor_label == (
        "National Living Wage 2025/26 (£13.00 an hour)"
    )


# --- issue 18: benchmarks and headroom ------------------------------------------------------


def test_each_role_takes_its_own_benchmarks_by_area_and_says_which() -> None:
    # Care workers: 6 FTE in Central at the role's 28.5% (Skills for Care, care and support
    # workers), 2 FTE in the North at the area's own 32%: (6 × 0.285 + 2 × 0.32) ÷ 8 =
    # 29.375%. Nurses have no benchmark: NHS England's 10.1%.
    staff = staff_frame(
        [
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12, *[None] * 7, "Central"],
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12, *[None] * 7, "north"],
        ]
    )
    staff["count"] = [6.0, 2.0]
    staff = pd.concat(
        [staff, staff_frame([["Nurse", "RN", "Full-time", "NHS", 37.5, 20]])], ignore_index=True
    )
    bench = pd.DataFrame(
        [
            ["Care worker", "", 0.285, np.nan, 0.04, "Skills for Care", "2024/25"],
            ["Care worker", "North", 0.32, np.nan, np.nan, "HR", "2025/26"],
        ],
        columns=["role", "area", "turnover", "vacancy", "sickness", "source", "year"],
    )
    rates = engine.role_rates(
        staff, pd.Index(["Care worker", "Nurse"]), Assumptions(), benchmarks=bench
    ).set_index("role")
    assert rates.loc["Care worker", "turnover"] == pytest.approx((6 * 0.285 + 2 * 0.32) / 8)
    assert rates.loc["Care worker", "turnover_source"] == (
        "its benchmarks by area; its benchmark (Skills for Care 2024/25)"
    )
    assert rates.loc["Care worker", "sickness"] == pytest.approx(0.04)  # the role's, everywhere
    assert rates.loc["Care worker", "published_vacancy"] == pytest.approx(0.070)
    assert rates.loc["Nurse", "turnover"] == pytest.approx(0.101)
    assert rates.loc["Nurse", "turnover_source"] == "NHS England, to September 2024"


def test_headroom_built_from_its_parts_by_role_and_compared_with_the_single_figure() -> None:
    # Annual leave 13.4% + study 2% + each role's sickness: care workers their own 4%
    # (Benchmarks), nurses NHS 5.6%: 19.4% and 21.0%. By divide: required = worked ÷ (1 − h).
    staff = staff_frame(
        [
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12],
            ["Nurse", "RN", "Full-time", "NHS", 37.5, 20],
        ]
    )
    bench = pd.DataFrame(
        [["Care worker", "", np.nan, np.nan, 0.04, "", ""]],
        columns=["role", "area", "turnover", "vacancy", "sickness", "source", "year"],
    )
    demand = demand_frame([["S", "Care worker", "L2", 75, 0], ["S", "Nurse", "RN", 37.5, 0]])
    a = Assumptions(leave_part=0.134, study_part=0.02, headroom_method=HeadroomMethod.DIVIDE)
    plan = engine.plan(staff, demand, targets_frame([]), a, benchmarks=bench)
    headroom = plan.rates.set_index("role")["headroom"]
    assert headroom.to_dict() == pytest.approx({"Care worker": 0.194, "Nurse": 0.21})
    required = plan.gap_by_role.set_index("role")["required_fte"]
    assert required["Care worker"] == pytest.approx(2 / (1 - 0.194))
    assert required["Nurse"] == pytest.approx(1 / (1 - 0.21))
    block = outputs.headroom_block(plan)
    assert block.title == "Headroom, divide method: required = worked ÷ (1 − headroom)"
    rows = dict(block.values[1:])
    assert rows["Sickness: each role's rate"] == "4.0% to 5.6%"
    assert rows["Built from its parts (used)"] == "19.4% to 21.0% by role"
    assert rows["The single figure (not used)"] == 0.22
    # The Projection sheet shows each role's sickness and where it came from.
    table = outputs.projection_sheet(plan).blocks[1].values
    header = table[0]
    sickness = header.index("Sickness rate used")
    assert header[sickness + 1 :] == ["Turnover from", "Sickness from", "Pay taken from"]
    care = next(r for r in table[1:] if r[0] == "Care worker")
    assert care[sickness] == pytest.approx(0.04)
    assert care[header.index("Sickness from")] == "its benchmark"


# --- issue 18: the optimiser over the whole horizon ----------------------------------------


def _horizon(**assume: object) -> engine.OptimisedMix:
    """One role, 40 h in post full-time at £10 (no on-costs), 50 h needed every year for 3
    years; a quarter of staff leave a year; half a year to recruit (26.07 weeks); at most
    30% of current hours (12 h) recruited a year; bank at £10 × 1.2 = £12 and agency at
    £10 × 1.3 = £13; no volunteers."""
    staff = staff_frame([["Carer", "L2", "Full-time", "In-house", 40, 10]])
    demand = demand_frame([["S", "Carer", "L2", 50, 0]])
    a = Assumptions(
        headroom=0,
        years=3,
        turnover=0.25,
        weeks_to_recruit=WEEKS / 2,
        bank_premium=0.2,
        **assume,
    )
    return engine.optimise_mix(staff, demand, targets_frame([]), a, NO_ON_COSTS)


def test_the_mix_follows_turnover_and_the_time_to_recruit_year_by_year() -> None:
    # Year 1: those in post work 1 − 0.25 ÷ 2 of the year: 40 × 0.875 = 35 h; recruits work
    # the half year after the time to recruit: 12 × 0.5 = 6 h; 41 substantive, 9 bank.
    # £410 + £108 = £518 a week. Year 2 opens with 40 × 0.75 + 12 = 42 h in post: 36.75 +
    # 6 = 42.75 substantive, 7.25 bank: £514.50. Year 3 opens with 42 × 0.75 + 12 = 43.5:
    # 38.0625 + 6 = 44.0625, 5.9375 bank: £511.875.
    result = _horizon()
    assert result.feasible
    substantive = ["Full-time", "Part-time", "Temporary"]
    mix = result.hours.groupby(level="year").sum()
    assert mix[substantive].sum(axis=1).tolist() == pytest.approx([41, 42.75, 44.0625])
    assert mix["Bank or zero-hours"].tolist() == pytest.approx([9, 7.25, 5.9375])
    assert result.weekly_cost == pytest.approx(518)
    assert result.annual_cost.tolist() == pytest.approx(
        [518 * WEEKS, 514.5 * WEEKS, 511.875 * WEEKS]
    )
    assert result.recruited.xs(1, level="year")["recruited_hours"].iat[0] == pytest.approx(12)


def test_a_budget_a_year_limits_the_mix_and_names_itself_when_it_cannot_be_met() -> None:
    # Year 1 costs at least £518 a week (above): a budget of £520 a week for the year is
    # met; £500 is not, and the conflict names the year's budget with the constraints it
    # meets: relaxing any one of them alone makes a mix possible (with free volunteers, or
    # unlimited recruits, or staff who never leave, all 50 h at £10 = £500 fits).
    assert _horizon(budget_1=520 * WEEKS).feasible
    result = _horizon(budget_1=500 * WEEKS)
    assert not result.feasible
    assert result.conflicts == [
        "required hours (every role)",
        "volunteer hours no more than volunteers give now",
        "substantive staff available (permanent and fixed-term: those in post less each "
        f"year's turnover, and recruits only after the {WEEKS / 2:g} weeks to recruit)",
        "recruitment capacity (at most 30% of current hours recruited each year)",
        f"staff budget for year 1 (£{500 * WEEKS:,.0f})",
    ]


# --- issue 18: development needs (CPC 505 A5) ----------------------------------------------


def test_training_need_by_role_and_year_with_new_starters_and_its_cost() -> None:
    # Care workers: 4 full-time hold the Care Certificate and mandatory training, 2 part-time
    # only the mandatory training; an agency worker is trained by the agency. 6 people, 5
    # FTE: 1.2 people an FTE. Demand 5 FTE flat, a fifth leave a year: 1 FTE to recruit
    # each year, 1.2 people.
    held = "Care Certificate; Mandatory training"
    staff = staff_frame(
        [
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12, None, None, 4]
            + [None] * 5
            + [held],
            ["Care worker", "L2", "Part-time", "In-house", 18.75, 12, None, None, 2]
            + [None] * 5
            + ["Mandatory training"],
            ["Care worker", "L2", "Agency", "Private provider", 37.5, 20],
        ]
    )
    skills = pd.DataFrame(
        [
            ["Care worker", "Care Certificate", 150.0, np.nan, 0.5],
            ["Care worker", "Mandatory training", 60.0, 1.0, 0.0],
        ],
        columns=["role", "item", "cost", "renew_years", "starters_hold"],
    )
    demand = demand_frame([["S", "Care worker", "L2", 187.5, 0]])
    a = Assumptions(headroom=0, turnover=0.2, years=3)
    plan = engine.plan(staff, demand, targets_frame([]), a, skills=skills)
    assert plan.training_status is not None and plan.training_need is not None
    status = plan.training_status.set_index("item")
    assert status.loc["Care Certificate", ["people", "holding", "not_holding"]].tolist() == [
        6,
        4,
        2,
    ]
    need = plan.training_need.set_index(["item", "year"])
    # Care Certificate: year 1 the 2 in post without it + half of 1.2 new starters = 2.6
    # people, £390; later years 0.6 people, £90.
    assert need.loc[("Care Certificate", 1), "people"] == pytest.approx(2.6)
    assert need.loc[("Care Certificate", 1), "cost"] == pytest.approx(390)
    assert need.loc[("Care Certificate", 2), "people"] == pytest.approx(0.6)
    # Mandatory training, renewed yearly: the 6 holding it + 1.2 new starters = 7.2, £432;
    # year 2: the 5 FTE in post × 1.2 = 6 renew + 1.2 new.
    assert need.loc[("Mandatory training", 1), "cost"] == pytest.approx(432)
    assert need.loc[("Mandatory training", 2), "people"] == pytest.approx(7.2)
    summary = dict(zip(plan.summary["measure"], plan.summary["value"], strict=True))
    assert summary["Training cost over 3 years"] == pytest.approx(390 + 90 + 90 + 3 * 432)


# --- issue 18: reviewing the plan against actuals (CPC 505 C1-C5) --------------------------


def test_the_review_compares_a_quarter_flags_the_role_and_re_projects() -> None:
    # 8 care workers (full-time, £12, no on-costs) and an agency worker (37.5 h at £20); 10
    # FTE needed flat, a fifth leave a year. Plan year 1: opening 8, leavers 1.6, need 3.6,
    # closing 10.
    staff = staff_frame(
        [
            ["Care worker", "L2", "Full-time", "In-house", 37.5, 12, None, None, 8],
            ["Care worker", "L2", "Agency", "Private provider", 37.5, 20],
        ]
    )
    demand = demand_frame([["S", "Care worker", "L2", 375, 0]])
    actuals = pd.DataFrame(
        [[(2026, 1), "Care worker", 7.5, 0.6, 0.1, 1000.0, 18000.0]],
        columns=["quarter", "role", "fte", "leavers", "starters", "agency_hours", "agency_spend"],
    )
    a = Assumptions(headroom=0, turnover=0.2, years=3)
    plan = engine.plan(staff, demand, targets_frame([]), a, pay=NO_ON_COSTS, actuals=actuals)
    assert plan.review is not None
    row = plan.review.comparison.iloc[0]
    # Q1 of year 1: FTE 8 + (10 − 8) × 1/4 = 8.5; leavers 1.6 ÷ 4 = 0.4; starters 3.6 ÷ 4 =
    # 0.9; agency 37.5 h × 13.036 weeks + 3.6 × 37.5 × 12 ÷ 4 = 488.84 + 405 h; spend
    # £20 × 488.84 + 3.6 × 450 × £15.60 ÷ 4 = £9,776.79 + £6,318.
    quarter = WEEKS / 4
    assert row[["plan_fte", "plan_leavers", "plan_starters"]].tolist() == pytest.approx(
        [8.5, 0.4, 0.9]
    )
    assert row["plan_agency_hours"] == pytest.approx(37.5 * quarter + 405)
    assert row["plan_agency_spend"] == pytest.approx(20 * 37.5 * quarter + 3.6 * 450 * 15.6 / 4)
    assert row["difference_fte"] == pytest.approx(-1.0)
    # 7.5 against 8.5 is 11.8% under plan: over the 10% tolerance, so flagged.
    off = plan.review.off_plan.iloc[0]
    assert (off["off"], off["flagged"]) == (pytest.approx(-1 / 8.5), "Yes")
    # Actual turnover: 0.6 ÷ 7.5 × 4 = 32% a year. Re-projected from 7.5 FTE: the rest of year
    # 1 (3 quarters) loses 0.32 × 7.5 × 0.75 = 1.8, so 10 − 5.7 = 4.3 to recruit (the plan
    # had 3.6); year 2 loses 3.2 of 10 (the plan: 2.0).
    assert plan.review.turnover["actual_turnover"].iat[0] == pytest.approx(0.32)
    again = plan.review.reprojection.set_index("year")
    assert again.loc[1, "leavers_fte"] == pytest.approx(1.8)
    assert again.loc[1, "recruitment_need_fte"] == pytest.approx(4.3)
    assert again.loc[1, "change_in_need_fte"] == pytest.approx(0.7)
    assert again.loc[2, "recruitment_need_fte"] == pytest.approx(3.2)
    assert again.loc[2, "plan_need_fte"] == pytest.approx(2.0)
