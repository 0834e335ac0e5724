"""The Development and Review sheets (issue 18): training need by role and year with its cost
(CPC 505 A5), and the plan against what happened each quarter with a re-projection (CPC 505
C1-C5)."""

from __future__ import annotations

from cpcxl.common.report import Block, SheetOutput, stack

from ..engine import Plan
from ..inputs import quarter_label
from ..models import WEEKS_PER_YEAR
from .common import FTE, GBP, HOURS, NUMBER_WIDTHS, SHARE, block, coloured, flagged, note, rules

DEVELOPMENT_SHEET, REVIEW_SHEET = "Development", "Review"


def development_sheet(plan: Plan) -> SheetOutput:
    """Who holds what their role needs, and the training need by role and year."""
    a = plan.assumptions
    if plan.training_status is None or plan.training_need is None:
        return SheetOutput(
            DEVELOPMENT_SHEET,
            stack(
                note(
                    "No training or qualifications are listed on the Skills sheet: list what "
                    "each role needs there, and what each person holds on the Staff sheet "
                    "(Training and qualifications held), to plan development (CPC 505 A5).",
                    "Development needs",
                )
            ),
            widths={"A": 100},
        )
    status = block(
        plan.training_status,
        {
            "role": "Role",
            "item": "Training or qualification",
            "people": "People in post",
            "holding": "Holding it",
            "not_holding": "Not holding it",
            "share_holding": "Share holding it",
        },
        "Development needs (CPC 505 A5): who in post holds what their role needs",
        people=FTE,
        holding=FTE,
        not_holding=FTE,
        share_holding=SHARE,
    )
    need = plan.training_need
    by_year = need.groupby("year", sort=True)[["people", "cost"]].sum().reset_index()
    totals = block(
        by_year,
        {"year": "Year", "people": "People to train", "cost": "Cost"},
        f"Training need each year over {a.years} years",
        people=FTE,
        cost=GBP,
    )
    detail = block(
        need.sort_values(["year", "role", "item"]),
        {
            "role": "Role",
            "item": "Training or qualification",
            "year": "Year",
            "in_post": "In post without it",
            "renewals": "Renewals",
            "new_starters": "New starters",
            "people": "People to train",
            "cost": "Cost",
        },
        "By role and year (people may be part-people: new starters come from FTE)",
        in_post=FTE,
        renewals=FTE,
        new_starters=FTE,
        people=FTE,
        cost=GBP,
    )
    how = rules(
        "Counted: substantive and bank staff; agency and contractors are trained by their "
        "employers, volunteers are left out.",
        "Year 1 trains everyone in post without it; renewals are spread evenly; new starters "
        "come from the recruitment need.",
    )
    return SheetOutput(
        DEVELOPMENT_SHEET,
        stack(status, how, totals, detail),
        widths={"A": 28, "B": 40, **NUMBER_WIDTHS},
    )


def review_sheet(plan: Plan) -> SheetOutput:
    """The plan against each quarter's actuals, the roles furthest off plan, and the rest of
    the horizon re-projected from the actuals."""
    a = plan.assumptions
    checked = plan.review
    if checked is None:
        return SheetOutput(
            REVIEW_SHEET,
            stack(
                note(
                    "No actuals yet: enter FTE in post, leavers, starters and agency hours and "
                    "spend each quarter on the Actuals sheet to review the plan against what "
                    "happened (CPC 505 C1-C5).",
                    "Reviewing the plan",
                )
            ),
            widths={"A": 100},
        )
    off = checked.off_plan.assign(quarter=[quarter_label(*q) for q in checked.off_plan["quarter"]])
    flags = flagged(
        block(
            off,
            {
                "role": "Role",
                "quarter": "Latest quarter",
                "plan": "Planned FTE in post",
                "actual": "Actual FTE in post",
                "difference": "Difference",
                "off": "Off plan",
                "flagged": "Flagged",
            },
            "Roles furthest off plan first (CPC 505 C2, C4)",
            plan=FTE,
            actual=FTE,
            difference=FTE,
            off=SHARE,
        ),
        6,
    )
    compared = checked.comparison.assign(
        quarter=[quarter_label(*q) for q in checked.comparison["quarter"]]
    )
    names = {"role": "Role", "quarter": "Quarter"}
    number: dict[str, str] = {}
    for measure, label in (
        ("fte", "FTE in post"),
        ("leavers", "Leavers FTE"),
        ("starters", "Starters FTE"),
        ("agency_hours", "Agency hours"),
        ("agency_spend", "Agency spend"),
    ):
        names[f"plan_{measure}"] = f"{label}: plan"
        names[f"actual_{measure}"] = f"{label}: actual"
        kind = GBP if measure == "agency_spend" else HOURS if measure == "agency_hours" else FTE
        number[f"plan_{measure}"] = kind
        number[f"actual_{measure}"] = kind
    comparison = block(
        compared,
        names,
        "Each quarter against the plan (CPC 505 C1)",
        **number,
    )
    how = rules(
        f"Flagged: FTE in post more than {a.review_tolerance:.0%} (the review tolerance) from "
        "the plan at the role's latest quarter.",
        "The plan's FTE in post moves evenly through each plan year; a quarter's leavers and "
        "starters are a quarter of the year's.",
        f"Planned agency: today's agency staff for {WEEKS_PER_YEAR / 4:.1f} weeks plus a "
        "quarter of the year's cover while recruiting.",
        "Re-projection: from each role's latest FTE in post, leavers at its actual turnover, "
        "the first year from that quarter to the year's end.",
    )
    parts: list[Block] = [flags, how, comparison]
    turnover = checked.turnover
    if len(turnover):
        parts.append(
            block(
                turnover,
                {
                    "role": "Role",
                    "quarters": "Quarters with leavers",
                    "actual_turnover": "Actual turnover",
                    "plan_turnover": "Plan's turnover",
                    "used": "Re-projected with",
                },
                "Turnover from the actuals: leavers ÷ average FTE in post, made a yearly rate",
                actual_turnover=SHARE,
                plan_turnover=SHARE,
            )
        )
    again = checked.reprojection
    if len(again):
        parts.append(
            coloured(
                block(
                    again,
                    {
                        "role": "Role",
                        "year": "Year",
                        "required_fte": "Required FTE",
                        "opening_fte": "Opening FTE (actual)",
                        "leavers_fte": "Leavers FTE",
                        "recruitment_need_fte": "Recruitment need FTE",
                        "plan_need_fte": "Plan's need FTE",
                        "change_in_need_fte": "Change in need FTE",
                        "closing_fte": "Closing FTE",
                        "cover_cost_while_recruiting": "Agency cover while recruiting",
                        "recruits_cost": "Recruits' cost",
                    },
                    "The rest of the plan re-projected from the latest actuals (CPC 505 C4-C5)",
                    required_fte=FTE,
                    opening_fte=FTE,
                    leavers_fte=FTE,
                    recruitment_need_fte=FTE,
                    plan_need_fte=FTE,
                    change_in_need_fte=FTE,
                    closing_fte=FTE,
                    cover_cost_while_recruiting=GBP,
                    recruits_cost=GBP,
                ),
                7,
            )
        )
    widths = {"A": 28, "B": 16, **dict.fromkeys("CDEFGHIJKLM", 20.0)}
    return SheetOutput(REVIEW_SHEET, stack(*parts), widths=widths)
