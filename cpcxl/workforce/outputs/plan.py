"""The Plan, Gap, Projection, Optimised mix and Risks sheets, described once for both renderers."""

from __future__ import annotations

from collections.abc import Sequence

from cpcxl.common import formats
from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput, stack

from ..engine import SUPPRESSED, Plan
from ..inputs import ASSUMPTIONS
from ..models import NHS_AGENCY_CAP, HeadroomMethod
from .common import FTE, GBP, HOURS, NUMBER_WIDTHS, PENCE, SHARE, block, coloured, note, rules

PLAN_SHEET, GAP_SHEET, PROJECTION_SHEET, MIX_SHEET, RISKS_SHEET = (
    "Plan",
    "Gap",
    "Projection",
    "Optimised mix",
    "Risks",
)

#: Where the by-role gap table sits on the Gap sheet, for the chart to point at.
GAP_FIRST_ROW = 2
GAP_CHART_ANCHOR = "N2"

#: The Plan sheet's number columns after the notes: wide enough for their headers.
_PLAN_WIDTHS = dict.fromkeys("EFGHIJ", 14.0)


def plan_sheet(plan: Plan, notes: Sequence[str] = ()) -> SheetOutput:
    """The headline figures, the assumptions used, headroom, demand, mix, targets and
    diversity; and ``notes`` on how the tables were read (a header read under another
    spelling)."""
    a = plan.assumptions
    money = [[m, v] for m, v, is_money in plan.summary.itertuples(index=False) if is_money]
    counts = [[m, v] for m, v, is_money in plan.summary.itertuples(index=False) if not is_money]
    summary = Block(
        [["Measure", "Value"], *counts],
        title="Workforce plan summary (CPC 505)",
        formats={1: formats.DECIMAL_2},
    )
    costs = Block(
        [["Cost", "£"], *money],
        title=f"Costs with employer on-costs (pay year {year_label(plan.pay.on_costs.pay_year)})",
        formats={1: GBP},
    )
    assumptions = Block(
        [
            ["Assumption", "Value used", "Where the default comes from", "Allowed"],
            *(
                [s.label, _shown(getattr(a, s.field)), s.note, s.type.valid]
                for s in ASSUMPTIONS.settings
            ),
        ],
        title="Assumptions used",
    )
    years = {f"year_{y}": f"Year {y}" for y in range(1, a.years + 1)}
    demand = block(
        plan.demand_by_service,
        {"service": "Service", "year_0": "Now", **years},
        "Hours of work needed a week, by service",
        year_0=HOURS,
        **dict.fromkeys(years, HOURS),
    )
    mix = block(
        plan.mix,
        {
            "contract_type": "Contract type",
            "employer": "Employer",
            "headcount": "Headcount",
            "fte": "FTE",
            "share_of_fte": "Share of FTE",
            "weekly_pay": "Weekly pay",
            "weekly_cost": "Weekly cost with on-costs",
            "annual_cost": "Annual cost with on-costs",
        },
        "Current mix by contract type and employer (agency and contractors: their charge)",
        fte=FTE,
        share_of_fte=SHARE,
        weekly_pay=GBP,
        weekly_cost=GBP,
        annual_cost=GBP,
        headcount=formats.INTEGER,
    )
    parts: list[Block] = [summary, costs, assumptions, headroom_block(plan), demand, mix]
    if len(plan.targets):
        parts.append(
            block(
                plan.targets,
                {
                    "target": "Target",
                    "role": "Role",
                    "detail": "Skill level or contract type",
                    "target_value": "Target value",
                    "actual": "Actual now",
                    "distance": "Distance (actual − target)",
                    "met": "Met",
                },
                "Distance from the organisation's targets (shares of hours; hours a week)",
                target_value=formats.DECIMAL_2,
                actual=formats.DECIMAL_2,
                distance=formats.DECIMAL_2,
            )
        )
    for frame in plan.diversity.values():
        title = f"Diversity profile: {frame.columns[0]} by employer (headcount)"
        parts.append(Block.from_frame(frame, title=title))
    if plan.diversity:
        parts.append(
            note(
                f"{SUPPRESSED}: hidden to protect individuals: fewer than 5 people, or hidden "
                "so that a small count cannot be worked out from the totals."
            )
        )
    if notes:
        parts.append(
            Block([["Note"], *([n] for n in notes)], title="How the input tables were read")
        )
    return SheetOutput(
        PLAN_SHEET, stack(*parts), widths={"A": 44, "B": 22, "C": 60, "D": 24, **_PLAN_WIDTHS}
    )


def headroom_block(plan: Plan) -> Block:
    """Headroom's parts beside the single figure, with the method stated (issue 18)."""
    a = plan.assumptions
    method = a.headroom_method
    rule = (
        "required = worked × (1 + headroom)"
        if method == HeadroomMethod.UPLIFT
        else "required = worked ÷ (1 − headroom)"
    )
    title = f"Headroom, {method.value} method: {rule}"
    rows: list[list[object]] = [["Headroom", "Share of contracted time"]]
    if not a.built_headroom:
        rows.append(["The single figure (used for every role)", a.headroom])
        rows.append(["Built from its parts", "none given: enter them on the Assumptions sheet"])
        return Block(rows, title=title, formats={1: SHARE})
    for name, value in a.parts.items():
        if name == "sickness" and value is None:
            low, high = plan.rates["sickness"].min(), plan.rates["sickness"].max()
            rows.append(
                [f"{name.capitalize()}: each role's rate", f"{low:.1%} to {high:.1%}"]
                if high - low > 1e-12
                else [f"{name.capitalize()}: each role's rate", float(low)]
            )
        else:
            rows.append([name.capitalize(), 0.0 if value is None else value])
    low, high = plan.rates["headroom"].min(), plan.rates["headroom"].max()
    built = f"{low:.1%} to {high:.1%} by role" if high - low > 1e-12 else float(low)
    rows.append(["Built from its parts (used)", built])
    rows.append(["The single figure (not used)", a.headroom])
    return Block(rows, title=title, formats={1: SHARE})


def _shown(value: object) -> object:
    return getattr(value, "value", value)


#: The gap tables' columns: the gap (required − substantive) stays in column D of the by-role
#: table and E of the by-skill one, where both renderers colour it.
_GAP_NAMES = {
    "role": "Role",
    "required_fte": "Required FTE",
    "substantive_fte": "Substantive FTE",
    "gap_fte": "Gap FTE (+ shortfall)",
    "vacancy_fte": "Vacancy FTE",
    "cover_fte": "Cover FTE",
    "uncovered_fte": "Vacancy not covered FTE",
    "vacancy_rate": "Vacancy rate",
    "published_vacancy": "Vacancy benchmark",
    "hours_needed": "Hours a week",
    "headcount": "Headcount",
    "vacancy_source": "Vacancy benchmark from",
}
_GAP_FORMATS = {
    **{k: FTE for k in _GAP_NAMES if k.endswith("_fte")},
    "hours_needed": HOURS,
    "headcount": formats.INTEGER,
    "vacancy_rate": SHARE,
    "published_vacancy": SHARE,
}


def gap_sheet(plan: Plan) -> SheetOutput:
    """By role first (role, required, substantive: the chart's source), then by skill level.

    Substantive staff (permanent and fixed-term) fill posts; cover (bank, agency, contractors'
    staff and volunteers) works in vacant posts without filling them, so a role covered
    entirely by agency shows as vacant and covered."""
    a = plan.assumptions
    if a.built_headroom:
        share = "each role's headroom, built from its parts"
    else:
        share = f"{a.headroom:.0%}"
    rule = (
        f"worked × (1 + {share})"
        if a.headroom_method == HeadroomMethod.UPLIFT
        else f"worked ÷ (1 − {share})"
    )
    title = (
        f"Gap by role: required FTE = {rule} ({a.headroom_method.value}), worked = hours ÷ "
        f"{a.standard_hours:g}; vacancy = required − substantive (permanent and fixed-term); "
        "cover (bank, agency, contractors, volunteers) does not fill a post"
    )
    by_role = coloured(block(plan.gap_by_role, _GAP_NAMES, title, **_GAP_FORMATS), 3)
    rated = ("vacancy_rate", "published_vacancy", "vacancy_source")
    skill_names = {"role": "Role", "skill": "Skill level"}
    skill_names.update({k: v for k, v in _GAP_NAMES.items() if k != "role" and k not in rated})
    by_skill = coloured(
        block(plan.gap, skill_names, "Gap by role and skill level", **_GAP_FORMATS), 4
    )
    return SheetOutput(
        GAP_SHEET,
        stack(by_role, by_skill),
        widths={"A": 30, "B": 24, **NUMBER_WIDTHS, "L": 42},
        freeze="A3",
    )


_PROJECTION_NAMES = {
    "role": "Role",
    "year": "Year",
    "required_fte": "Required FTE",
    "opening_fte": "Opening FTE",
    "leavers_fte": "Leavers FTE",
    "starters_fte": "Known starters FTE",
    "recruitment_need_fte": "Recruitment need FTE",
    "closing_fte": "Closing FTE",
    "recruitment_capacity_fte": "Recruitment capacity FTE",
    "cover_cost_while_recruiting": "Agency cover while recruiting",
    "recruits_cost": "Recruits' cost in their first year",
}


#: Each role's rates; what they are taken from goes last, where the text has room.
_RATE_NAMES = {
    "role": "Role",
    "nhs_share": "NHS share",
    "turnover": "Turnover rate used",
    "headroom": "Headroom",
    "pay": "Pay £ an hour",
    "cost_rate": "Cost £ an hour with on-costs",
    "cover_rate": "Agency cover £ an hour",
    "bank_rate": "Bank cover £ an hour",
    "nhs_cap": "NHS agency cap £ an hour",
    "turnover_source": "Turnover from",
    "pay_basis": "Pay taken from",
}


def projection_sheet(plan: Plan) -> SheetOutput:
    a = plan.assumptions
    number_formats = {k: FTE for k in _PROJECTION_NAMES if k.endswith("_fte")}
    number_formats["cover_cost_while_recruiting"] = GBP
    number_formats["recruits_cost"] = GBP
    totals = plan.projection.drop(columns="role").groupby("year", sort=True).sum().reset_index()
    by_year = block(
        totals,
        {k: v for k, v in _PROJECTION_NAMES.items() if k != "role"},
        f"All roles, {a.years} years from {a.plan_start:%d/%m/%Y}: substantive staff "
        "(permanent and fixed-term); leavers at each role's turnover rate; recruitment need = "
        "required − (opening − leavers + starters)",
        **number_formats,
    )
    rates = plan.rates.copy()
    rates["nhs_cap"] = rates["nhs_cap"].where(rates["nhs_share"] > 0)
    over = (rates["cover_uncapped"] > rates["nhs_cap"] + 1e-9) & (rates["nhs_share"] > 0)
    names = dict(_RATE_NAMES)
    if a.built_headroom:
        # Headroom built from its parts takes each role's sickness: show it, and its source.
        names = {
            **{k: v for k, v in names.items() if k not in ("turnover_source", "pay_basis")},
            "sickness": "Sickness rate used",
            "turnover_source": "Turnover from",
            "sickness_source": "Sickness from",
            "pay_basis": "Pay taken from",
        }
    shown = block(
        rates,
        names,
        "Each role's rates",
        sickness=SHARE,
        nhs_share=SHARE,
        turnover=SHARE,
        headroom=SHARE,
        pay=PENCE,
        cost_rate=PENCE,
        cover_rate=PENCE,
        bank_rate=PENCE,
        nhs_cap=PENCE,
    )
    how = rules(
        "Turnover: the role's own benchmark, else Skills for Care's "
        f"{a.turnover:.1%} for social care and NHS England's {a.nhs_turnover:.1%} for the NHS "
        "share of its substantive FTE.",
        f"Agency cover: the role's own cost with on-costs × (1 + {a.agency_premium:.0%} "
        "premium), for the weeks to recruit; for the NHS share, no more than the NHS agency "
        f"price cap (Agenda for Change pay + {NHS_AGENCY_CAP:.0%}).",
        f"The cap limits {', '.join(rates.loc[over, 'role'])}." if over.any() else "",
    )
    by_role = block(plan.projection, _PROJECTION_NAMES, "By role", **number_formats)
    return SheetOutput(
        PROJECTION_SHEET,
        stack(by_year, shown, how, by_role),
        widths={"A": 30, "B": 18, **NUMBER_WIDTHS, "J": 40, "K": 40},
    )


def mix_sheet(plan: Plan) -> SheetOutput:
    result = plan.optimised
    a = plan.assumptions
    parts: list[Block] = [note(result.message, "Optimised mix over the plan")]
    if result.feasible and len(result.hours):
        hours = result.hours.groupby(level="year").sum()
        hours["Total hours"] = hours.sum(axis=1)
        hours["Annual cost"] = result.annual_cost
        budgets = a.budgets
        hours["Budget"] = [budgets.get(int(y)) for y in hours.index]
        frame = hours.reset_index().rename(columns={"year": "Year"})
        number = {c: HOURS for c in frame.columns if c not in ("Year", "Annual cost", "Budget")}
        number.update({"Annual cost": GBP, "Budget": GBP})
        parts.append(
            Block.from_frame(
                frame,
                title="Each year: weekly hours by contract type and the cost a year (pay with "
                "on-costs, agency and bank at the role's own rate with the premium)",
                formats=number,
            )
        )
        for year in range(1, a.years + 1):
            mine = result.year(year).copy()
            mine["Total hours"] = mine.sum(axis=1)
            mine["Substantive hours recruited"] = result.recruited.xs(year, level="year")[
                "recruited_hours"
            ]
            frame = mine.reset_index().rename(columns={"role": "Role"})
            number = {c: HOURS for c in frame.columns if c != "Role"}
            parts.append(
                Block.from_frame(
                    frame,
                    title=f"Year {year}: least-cost weekly hours by role and contract type",
                    formats=number,
                )
            )
    elif not result.feasible:
        parts.append(
            Block(
                [["Conflicting constraints"], *([c] for c in result.conflicts)],
                title="Relax one of these to find a mix",
            )
        )
        if result.shortfall is not None and len(result.shortfall):
            parts.append(
                block(
                    result.shortfall,
                    {"role": "Role", "year": "Year", "hours_short": "Hours a week short at best"},
                    "Roles that cannot be covered",
                    hours_short=HOURS,
                )
            )
    return SheetOutput(MIX_SHEET, stack(*parts), widths={"A": 30, **NUMBER_WIDTHS})


def risks_sheet(plan: Plan) -> SheetOutput:
    if len(plan.risks):
        shown = block(
            plan.risks,
            {
                "flag": "Risk flag",
                "category": "Risk (CPC 505)",
                "role": "Role",
                "detail": "Detail",
                "contingency": "Contingency to consider",
            },
            "Risks of the plan: agree a contingency for each (CPC 505 B7-B8)",
        )
    else:
        shown = note("No risk flags were raised.", "Risks of the plan")
    return SheetOutput(
        RISKS_SHEET, stack(shown), widths={"A": 44, "B": 26, "C": 26, "D": 70, "E": 90}
    )
