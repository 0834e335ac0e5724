"""The Plan, Gap, Projection, Optimised mix and Risks sheets, described once for both renderers."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput, stack

from .engine import SUPPRESSED, Plan
from .inputs import ASSUMPTIONS
from .models import NHS_AGENCY_CAP

FTE = formats.DECIMAL_2
HOURS = "#,##0.0"
#: Number columns of the Gap and Projection sheets: wide enough for their headers in 2 lines.
_NUMBER_WIDTHS = dict.fromkeys("CDEFGHIJK", 15.0)

PLAN_SHEET, GAP_SHEET, PROJECTION_SHEET, MIX_SHEET, RISKS_SHEET = (
    "Plan",
    "Gap",
    "Projection",
    "Optimised mix",
    "Risks",
)
OUTPUT_SHEETS = (PLAN_SHEET, GAP_SHEET, PROJECTION_SHEET, MIX_SHEET, RISKS_SHEET)

#: Where the by-role gap table sits on the Gap sheet, for the chart to point at.
GAP_FIRST_ROW = 2
GAP_CHART_ANCHOR = "M2"


def _block(frame: pd.DataFrame, names: dict[str, str], title: str, **formats: str) -> Block:
    shown = frame[list(names)].rename(columns=names)
    by_header = {names[k]: v for k, v in formats.items() if k in names}
    return Block.from_frame(shown, title=title, formats=by_header)


def plan_sheet(plan: Plan, notes: Sequence[str] = ()) -> SheetOutput:
    """The headline figures, the assumptions used, demand, mix, targets and diversity; and
    ``notes`` on how the tables were read (a header read under another spelling)."""
    a = plan.assumptions
    summary = Block(
        [["Measure", "Value"], *plan.summary.itertuples(index=False, name=None)],
        title="Workforce plan summary (CPC 505)",
        formats={1: formats.DECIMAL_2},
    )
    assumptions = Block(
        [
            ["Assumption", "Value used", "Where the default comes from"],
            *([s.label, _shown(getattr(a, s.field)), s.note] for s in ASSUMPTIONS.settings),
        ],
        title="Assumptions used",
    )
    years = {f"year_{y}": f"Year {y}" for y in range(1, a.years + 1)}
    demand = _block(
        plan.demand_by_service,
        {"service": "Service", "year_0": "Now", **years},
        "Hours of work needed a week, by service",
        year_0=HOURS,
        **dict.fromkeys(years, HOURS),
    )
    mix = _block(
        plan.mix,
        {
            "contract_type": "Contract type",
            "employer": "Employer",
            "headcount": "Headcount",
            "fte": "FTE",
            "share_of_fte": "Share of FTE",
            "weekly_cost": "Weekly cost",
            "annual_cost": "Annual cost",
        },
        "Current mix by contract type and employer",
        fte=FTE,
        share_of_fte=formats.PERCENT_1DP,
        weekly_cost=formats.GBP,
        annual_cost=formats.GBP,
        headcount=formats.INTEGER,
    )
    parts: list[Block] = [summary, assumptions, demand, mix]
    if len(plan.targets):
        parts.append(
            _block(
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
        note = (
            f"{SUPPRESSED}: hidden to protect individuals: fewer than 5 people, or hidden so "
            "that a small count cannot be worked out from the totals."
        )
        parts.append(Block([[note]], header=False))
    if notes:
        parts.append(
            Block([["Note"], *([n] for n in notes)], title="How the input tables were read")
        )
    return SheetOutput(PLAN_SHEET, stack(*parts), widths={"A": 38, "B": 22, "C": 22})


def _shown(value: object) -> object:
    return getattr(value, "value", value)


def _coloured(block: Block, column: int) -> Block:
    """Shortfalls red, surpluses green: as fills, so the button's sheets show them too."""
    fills = {}
    for offset, row in enumerate(block.values[1:], start=1):
        value = row[column]
        if isinstance(value, int | float) and abs(value) >= 0.005:
            fills[(offset, column)] = formats.RED if value > 0 else formats.GREEN
    return Block(
        block.values, block.row, block.column, block.title, block.header, block.formats, fills
    )


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
    "published_vacancy": "Published vacancy rate",
    "hours_needed": "Hours a week",
    "headcount": "Headcount",
}
_GAP_FORMATS = {
    **{k: FTE for k in _GAP_NAMES if k.endswith("_fte")},
    "hours_needed": HOURS,
    "headcount": formats.INTEGER,
    "vacancy_rate": formats.PERCENT_1DP,
    "published_vacancy": formats.PERCENT_1DP,
}


def gap_sheet(plan: Plan) -> SheetOutput:
    """By role first (role, required, substantive: the chart's source), then by skill level.

    Substantive staff (permanent and fixed-term) fill posts; cover (bank, agency, contractors'
    staff and volunteers) works in vacant posts without filling them, so a role covered
    entirely by agency shows as vacant and covered."""
    a = plan.assumptions
    rule = (
        f"worked × (1 + {a.headroom:.0%})"
        if a.headroom_method.value == "uplift"
        else f"worked ÷ (1 − {a.headroom:.0%})"
    )
    title = (
        f"Gap by role: required FTE = {rule} ({a.headroom_method.value}), worked = hours ÷ "
        f"{a.standard_hours:g}; vacancy = required − substantive (permanent and fixed-term); "
        "cover (bank, agency, contractors, volunteers) does not fill a post"
    )
    by_role = _coloured(_block(plan.gap_by_role, _GAP_NAMES, title, **_GAP_FORMATS), 3)
    rated = ("vacancy_rate", "published_vacancy")
    skill_names = {"role": "Role", "skill": "Skill level"}
    skill_names.update({k: v for k, v in _GAP_NAMES.items() if k != "role" and k not in rated})
    by_skill = _coloured(
        _block(plan.gap, skill_names, "Gap by role and skill level", **_GAP_FORMATS), 4
    )
    return SheetOutput(
        GAP_SHEET,
        stack(by_role, by_skill),
        widths={"A": 30, "B": 24, **_NUMBER_WIDTHS},
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
}


#: Each role's rates; what the pay is taken from goes last, where its text has room.
_RATE_NAMES = {
    "role": "Role",
    "nhs_share": "NHS share",
    "turnover": "Turnover rate used",
    "pay": "Pay £ an hour",
    "cover_rate": "Cover £ an hour",
    "pay_basis": "Pay taken from",
}


def projection_sheet(plan: Plan) -> SheetOutput:
    a = plan.assumptions
    number_formats = {k: FTE for k in _PROJECTION_NAMES if k.endswith("_fte")}
    number_formats["cover_cost_while_recruiting"] = formats.GBP
    totals = plan.projection.drop(columns="role").groupby("year", sort=True).sum().reset_index()
    by_year = _block(
        totals,
        {k: v for k, v in _PROJECTION_NAMES.items() if k != "role"},
        f"All roles, {a.years} years from {a.plan_start:%d/%m/%Y}: substantive staff "
        "(permanent and fixed-term); leavers at each role's turnover rate; recruitment need = "
        "required − (opening − leavers + starters)",
        **number_formats,
    )
    title = (
        f"Each role's rates: turnover {a.turnover:.1%} for social care, {a.nhs_turnover:.1%} "
        "for the NHS share (of its substantive FTE); agency cover = the role's own pay × "
        f"(1 + {a.agency_premium:.0%} premium), for the weeks to recruit"
    )
    if a.agency_premium > NHS_AGENCY_CAP and (plan.rates["nhs_share"] > 0).any():
        title += (
            f"; the premium is above the NHS agency price cap (Agenda for Change pay + "
            f"{NHS_AGENCY_CAP:.0%})"
        )
    rates = _block(
        plan.rates,
        _RATE_NAMES,
        title,
        nhs_share=formats.PERCENT_1DP,
        turnover=formats.PERCENT_1DP,
        pay=formats.GBP_PENCE,
        cover_rate=formats.GBP_PENCE,
    )
    by_role = _block(plan.projection, _PROJECTION_NAMES, "By role", **number_formats)
    return SheetOutput(
        PROJECTION_SHEET,
        stack(by_year, rates, by_role),
        widths={"A": 30, "B": 18, **_NUMBER_WIDTHS},
    )


def mix_sheet(plan: Plan) -> SheetOutput:
    result = plan.optimised
    parts: list[Block] = [Block([[result.message]], header=False, title="Optimised mix")]
    if result.feasible:
        hours = result.hours.copy()
        hours["Total hours"] = hours.sum(axis=1)
        frame = hours.reset_index().rename(columns={"role": "Role"})
        formats = {c: HOURS for c in frame.columns if c != "Role"}
        parts.append(
            Block.from_frame(
                frame, title="Least-cost weekly hours by contract type", formats=formats
            )
        )
    else:
        parts.append(
            Block(
                [["Conflicting constraints"], *([c] for c in result.conflicts)],
                title="Relax one of these to find a mix",
            )
        )
        if result.shortfall is not None and len(result.shortfall):
            parts.append(
                _block(
                    result.shortfall,
                    {"role": "Role", "hours_short": "Hours a week short at best"},
                    "Roles that cannot be covered",
                    hours_short=HOURS,
                )
            )
    return SheetOutput(MIX_SHEET, stack(*parts), widths={"A": 30})


def risks_sheet(plan: Plan) -> SheetOutput:
    if len(plan.risks):
        block = _block(
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
        block = Block([["No risk flags were raised."]], header=False, title="Risks of the plan")
    return SheetOutput(
        RISKS_SHEET, stack(block), widths={"A": 44, "B": 26, "C": 26, "D": 70, "E": 90}
    )


def plan_outputs(plan: Plan, notes: Sequence[str] = ()) -> list[SheetOutput]:
    """Every sheet the plan writes, in order."""
    return [
        plan_sheet(plan, notes),
        gap_sheet(plan),
        projection_sheet(plan),
        mix_sheet(plan),
        risks_sheet(plan),
    ]
