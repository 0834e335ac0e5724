"""The Costs and Wage floor sheets (issue 18): each role's pay and what employing it costs,
the on-costs and schemes used, and every rate below the wage floor."""

from __future__ import annotations

from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput, stack

from ..engine import Plan
from ..models import (
    LEVY_SOURCE,
    NHS_AGENCY_CAP_SOURCE,
    NI_SOURCE,
    WAGE_FLOORS,
    LevyRule,
)
from .common import FTE, GBP, HOURS, NUMBER_WIDTHS, PENCE, PEOPLE, SHARE, block, note, rules

COSTS_SHEET, FLOOR_SHEET = "Costs", "Wage floor"


def costs_sheet(plan: Plan) -> SheetOutput:
    """By role: where its pay comes from, its pay and cost an hour, its cost per FTE, and the
    staff in post's pay and on-costs a year; then the on-costs and schemes used."""
    c = plan.pay.on_costs
    title = f"Pay and employer on-costs by role, pay year {year_label(c.pay_year)}"
    by_role = block(
        plan.costs,
        {
            "role": "Role",
            "pay_hourly": "Pay £ an hour",
            "cost_rate": "Cost £ an hour with on-costs",
            "cost_per_fte": "Cost per FTE a year",
            "fte": "FTE employed in post",
            "pay": "Pay a year",
            "employer_ni": "Employer National Insurance",
            "pension": "Employer pension",
            "levy": "Apprenticeship levy",
            "cost": "Cost a year",
            "on_cost_share": "On-costs as a share of pay",
            "pay_basis": "Pay taken from",
        },
        title,
        pay_hourly=PENCE,
        cost_rate=PENCE,
        cost_per_fte=GBP,
        fte=FTE,
        pay=GBP,
        employer_ni=GBP,
        pension=GBP,
        levy=GBP,
        cost=GBP,
        on_cost_share=SHARE,
    )
    levy = plan.costs["levy_rate"].iat[0] if len(plan.costs) else 0.0
    applies = {
        LevyRule.AUTOMATIC: "if the organisation's own pay bill is over £3 million",
        LevyRule.YES: "on all of the organisation's own pay",
        LevyRule.NO: "not counted",
    }[c.levy]
    rates = Block(
        [
            ["On-cost", "Rate", "Source"],
            ["Employer National Insurance", c.ni_rate, NI_SOURCE],
            [f"Apprenticeship levy ({applies})", c.levy_rate, LEVY_SOURCE],
            ["Levy as a share of the organisation's own pay, after the allowance", levy, ""],
        ],
        title="On-costs used",
        formats={1: "0.00%"},
    )
    amounts = Block(
        [
            ["Threshold or allowance", "£ a year", ""],
            ["National Insurance secondary threshold (per employee)", c.ni_threshold, ""],
            ["Apprenticeship levy allowance (per employer)", c.levy_allowance, ""],
        ],
        formats={1: GBP},
    )
    schemes = block(
        plan.pay.schemes,
        {
            "scheme": "Pension scheme",
            "rate": "Employer rate",
            "low": "On pay from",
            "high": "On pay up to",
            "source": "Source",
        },
        "Pension schemes used",
        rate="0.00%",
        low=GBP,
        high=GBP,
    )
    mapping = rules(
        "Each role's scheme is its own on the Pay sheet, else by who employs its staff: "
        f"in-house {c.in_house_scheme}; NHS {c.nhs_scheme}; providers {c.provider_scheme}."
    )
    return SheetOutput(
        COSTS_SHEET,
        stack(
            by_role,
            rules(
                f"Employer National Insurance {c.ni_rate:.1%} on each person's pay above "
                f"£{c.ni_threshold:,.0f} a year; pension by scheme; the apprenticeship levy.",
                "A year is 365 ÷ 7 = 52.143 weeks; a role's cost an hour is for a full-time "
                "post on its pay (the Pay sheet's, else its staff's).",
            ),
            rates,
            amounts,
            schemes,
            mapping,
            note(f"Agency: {NHS_AGENCY_CAP_SOURCE}."),
        ),
        widths={"A": 34, "B": 14, **NUMBER_WIDTHS, "L": 44},
        freeze="B3",
    )


def wage_floor_sheet(plan: Plan) -> SheetOutput:
    """Every role and staff rate below the wage floor, with the shortfall and what it costs to
    bring it up (fair cost of care)."""
    c = plan.pay.on_costs
    source = WAGE_FLOORS.get((c.wage_floor, c.wage_floor_year), (None, "entered on the Pay sheet"))
    title = f"Pay below the {c.floor_label}"
    how = rules(
        f"The floor: {source[1]}.",
        "A role's row is one full-time post on the Pay sheet's pay; a staff row is everyone in "
        "post paid that rate.",
        "Agency and contractors' charges are not pay, and volunteers are unpaid: they are not "
        "checked.",
    )
    floor = plan.wage_floor
    if not len(floor):
        parts = [note(f"No role or staff rate is below the {c.floor_label}.", title), how]
    else:
        parts = [
            block(
                floor,
                {
                    "what": "Rate",
                    "role": "Role",
                    "employer": "Employer",
                    "pay_hourly": "Pay £ an hour",
                    "floor": "Wage floor £ an hour",
                    "shortfall_hourly": "Shortfall £ an hour",
                    "people": "People",
                    "hours": "Hours a week",
                    "shortfall_yearly": "Shortfall a year",
                    "cost_yearly": "Cost a year with on-costs",
                },
                title,
                pay_hourly=PENCE,
                floor=PENCE,
                shortfall_hourly=PENCE,
                people=PEOPLE,
                hours=HOURS,
                shortfall_yearly=GBP,
                cost_yearly=GBP,
            ),
            how,
        ]
        staff = floor[floor["what"] == "Staff records"]
        if len(staff):
            parts.append(
                note(
                    f"Bringing every staff rate up to the floor costs £"
                    f"{staff['cost_yearly'].sum():,.0f} a year with on-costs "
                    f"(£{staff['shortfall_yearly'].sum():,.0f} of pay)."
                )
            )
    return SheetOutput(
        FLOOR_SHEET, stack(*parts), widths={"A": 26, "B": 30, "C": 24, **NUMBER_WIDTHS}
    )
