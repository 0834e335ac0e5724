"""The portfolio: each provider's overview row, the order of concern, the ratings counted per
framework, and the monitoring plan for next year.

The order, the top concern and the plan's numbers are local choices, said so beside each.
Pure: no files, no workbook library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..models import PlanSettings
from .compliance import ESCALATE
from .provider import ProviderResult
from .ratings import DOWN, NOT_RATED


def portfolio_row(result: ProviderResult) -> dict[str, Any]:
    """The few facts the overview and plan need: small, so a batch can stream results."""
    d = result.ret.details
    scored = [x for x in result.domains if x.percentage is not None]
    lowest = min(scored, key=lambda x: x.percentage) if scored else None  # type: ignore[arg-type, return-value]
    compliance = result.compliance
    escalated = result.escalated_actions
    row: dict[str, Any] = {
        "Provider ID": d.provider_id,
        "Provider name": d.provider_name,
        "Provider type": str(d.provider_type) if d.provider_type else "",
        "Service": d.service,
        "Framework": result.framework.name,
        "Overall rating": result.overall.label,
        "_level": result.overall.level,
        "Compliance stage": compliance.stage if compliance else "",
        "_stage": compliance.level if compliance else 0,
        "_escalate": 1 if compliance is not None and compliance.escalate else 0,
        "Stage check": compliance.message if compliance else "",
        "Top concern": top_concern(result),
        "Previous rating": result.previous_overall,
        "Trend": result.overall_trend,
        "Overall score (%)": result.overall_percentage,
        "Lowest domain": lowest.domain if lowest else "",
        "Lowest score (%)": lowest.percentage if lowest else None,
        "Safeguarding concerns": len(result.safeguarding),
        "Escalations": len(result.escalations),
        "KPI reds": result.red_kpis,
        "Overdue actions": len(result.overdue),
        "Overdue two rounds": len(escalated),
        "Requirements": len(result.requirements),
        "Contract value (£)": d.contract_value,
        "Monitoring date": d.monitoring_date,
        "Round": result.round_label,
        "Why": "; ".join(result.overall.reasons),
    }
    for domain in result.domains:
        row[f"{domain.domain} (%)"] = domain.percentage
    return row


#: Where a provider that could not be rated stands among the rating levels when the
#: overview orders providers: after Inadequate, before Requires improvement (a local
#: choice: nothing shows it is Inadequate, but nothing shows it is at least adequate).
NOT_RATED_RANK = 0.5


def top_concern(result: ProviderResult) -> str:
    """The one thing a manager reading the overview should know first, in this order (a
    local choice): a compliance stage to escalate; an action overdue two rounds running;
    safeguarding concerns; a regulatory breach; escalated concerns; red KPIs; overdue
    actions; the lowest domain when it is below the third band; why it is not rated."""
    compliance = result.compliance
    if compliance is not None and compliance.check == ESCALATE:
        deadline = compliance.entry.deadline if compliance.entry else None
        when = f" (deadline {deadline:%d/%m/%Y} passed)" if deadline else ""
        return f"Escalate {compliance.stage.lower()}{when}"
    escalated = result.escalated_actions
    if escalated:
        more = f" (and {len(escalated) - 1} more)" if len(escalated) > 1 else ""
        return f"Overdue two rounds: {_short(escalated[0].action)}{more}"
    counted = (
        (len(result.safeguarding), "safeguarding concern"),
        (1 if result.ret.details.regulatory_breach else 0, "regulatory breach"),
        (len(result.escalations), "escalated concern"),
        (result.red_kpis, "red KPI"),
        (len(result.overdue), "overdue action"),
    )
    for n, what in counted:
        if n:
            return f"{n} {what}{'s' if n > 1 else ''}"
    scored = [x for x in result.domains if x.percentage is not None and x.level is not None]
    if scored:
        lowest = min(scored, key=lambda x: x.percentage or 0.0)
        if lowest.level is not None and lowest.level < 2:
            return f"{lowest.domain} {lowest.percentage:.0f}% ({lowest.rating})"
    if not result.overall.rated:
        return result.overall.text
    return "None"


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


#: How the overview orders providers: by compliance stage (most serious first; at one stage,
#: those to escalate first), then most concerning first (a local choice, as the issue asks).
CONCERN_ORDER = (
    ("_stage", False),
    ("_escalate", False),
    ("_rank", True),
    ("Overdue two rounds", False),
    ("Safeguarding concerns", False),
    ("Escalations", False),
    ("KPI reds", False),
    ("Overdue actions", False),
    ("Lowest score (%)", True),
    ("Provider ID", True),
)


def portfolio_frame(rows: Sequence[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Every provider's row by compliance stage (most serious first), then most concerning
    first: worst rating, actions overdue two rounds, safeguarding concerns, escalations, red
    KPIs, overdue actions, and the lowest domain score."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if frame.empty:
        return frame
    for column, empty in (("_stage", 0), ("_escalate", 0), ("Overdue two rounds", 0)):
        if column not in frame:  # a row recorded by an earlier cpcxl
            frame[column] = empty
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(empty)
    level = frame["_level"].astype(float)
    frame = frame.assign(_rank=level.where(level >= 0, NOT_RATED_RANK))
    keys = [k for k, _ in CONCERN_ORDER]
    return (
        frame.sort_values(
            keys, ascending=[a for _, a in CONCERN_ORDER], na_position="last", kind="stable"
        )
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def rating_distribution(frame: pd.DataFrame, bands: Sequence[tuple[int, str]] = ()) -> pd.DataFrame:
    """How many providers have each overall rating, worst first, then Not rated (if any
    provider is); ``bands`` (level, label) are listed even when no provider has them, so a
    chart shows the empty bands too."""
    counts: dict[tuple[int, str], int] = {band: 0 for band in bands}
    if not frame.empty:
        for key, n in frame.groupby(["_level", "Overall rating"]).size().items():
            counts[(int(key[0]), str(key[1]))] = int(n)
    ordered = sorted(counts.items(), key=lambda item: (item[0][0] < 0, item[0]))
    return pd.DataFrame(
        {"Overall rating": [k[1] for k, _ in ordered], "Providers": [n for _, n in ordered]}
    )


# --- the monitoring plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanCapacity:
    hours_needed: float
    contingency_hours: float
    hours_with_contingency: float
    hours_available: float

    @property
    def spare(self) -> float:
        return self.hours_available - self.hours_with_contingency

    @property
    def realistic(self) -> bool:
        return self.spare >= 0


def visits_a_year(level: int, declining: bool, value: float, settings: PlanSettings) -> int:
    """Proactive visits next year: by the rating's level (Not rated as its own setting), one
    more if declining, one more for a large contract (section 5 of the guide)."""
    visits = (
        settings.visits_by_level[min(max(level, 0), 3)]
        if level >= 0
        else settings.visits_if_not_rated
    )
    visits += settings.extra_visit_if_declining if declining else 0
    visits += settings.extra_visit_if_large if value >= settings.large_contract_value else 0
    return int(visits)


def hours_a_visit(value: float, settings: PlanSettings) -> float:
    if value >= settings.large_contract_value:
        return settings.hours_large
    return (
        settings.hours_medium if value >= settings.medium_contract_value else settings.hours_small
    )


def next_visit(last: dt.date | None, visits: int) -> dt.date | None:
    """The next proactive visit: one interval (a year ÷ visits, whole days) after the last."""
    return last + dt.timedelta(days=365 // visits) if last is not None and visits else None


def next_visit_for(result: ProviderResult, settings: PlanSettings) -> dt.date | None:
    """A provider's next proactive visit as the monitoring plan sets it."""
    d = result.ret.details
    visits = visits_a_year(
        result.overall.level, result.overall_trend == DOWN, float(d.contract_value or 0), settings
    )
    return next_visit(d.monitoring_date, visits)


def monitoring_plan(
    portfolio: pd.DataFrame, settings: PlanSettings | None = None
) -> tuple[pd.DataFrame, PlanCapacity]:
    """Proactive visits for next year per provider, and officer hours against hours available."""
    settings = settings or PlanSettings()
    if portfolio.empty:
        empty = PlanCapacity(0, 0, 0, settings.officers * settings.hours_per_officer)
        return pd.DataFrame(), empty
    levels = portfolio["_level"].to_numpy(dtype=int)
    declining = (portfolio["Trend"] == DOWN).to_numpy()
    value = pd.to_numeric(portfolio["Contract value (£)"], errors="coerce").fillna(0).to_numpy()
    visits = np.array(
        [
            visits_a_year(int(lv), bool(dn), float(v), settings)
            for lv, dn, v in zip(levels, declining, value, strict=True)
        ],
        dtype=int,
    )
    hours_each = np.array([hours_a_visit(float(v), settings) for v in value], dtype=float)
    hours = visits * hours_each
    reasons = [
        ", ".join(
            p
            for p in (
                f"rated {r}" if r != NOT_RATED else NOT_RATED.lower(),
                "declining" if dn else "",
                "large contract" if v >= settings.large_contract_value else "",
            )
            if p
        )
        for r, dn, v in zip(portfolio["Overall rating"], declining, value, strict=True)
    ]
    # The next proactive visit falls one interval (a year ÷ visits) after this round's.
    dates = portfolio["Monitoring date"] if "Monitoring date" in portfolio else [None] * len(visits)
    last = pd.to_datetime(pd.Series(dates), errors="coerce")
    next_due = [
        next_visit(d.date() if pd.notna(d) else None, int(v))
        for d, v in zip(last, visits, strict=True)
    ]
    plan = pd.DataFrame(
        {
            "Provider ID": portfolio["Provider ID"],
            "Provider name": portfolio["Provider name"],
            "Overall rating": portfolio["Overall rating"],
            "Trend": portfolio["Trend"],
            "Contract value (£)": portfolio["Contract value (£)"],
            "Proactive visits a year": visits.astype(int),
            "Hours a visit": hours_each,
            "Hours a year": hours,
            "Next visit due": next_due,
            "Why": reasons,
        }
    )
    needed = float(hours.sum())
    contingency = needed * settings.contingency
    capacity = PlanCapacity(
        hours_needed=needed,
        contingency_hours=contingency,
        hours_with_contingency=needed + contingency,
        hours_available=settings.officers * settings.hours_per_officer,
    )
    return plan, capacity
