"""What a challenge asks of an evaluated round: would other weights put another proposal
first, how far each preferred option's NPSV moves with each line of its figures, and what
the negotiation changed (CPC 506 B6-B8; Green Book 2022, chapter 5, "Sensitivity
analysis")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..models import Amendment, CriteriaSet, Decision, Proposal, Schedule
from .appraisal import optimism_bias
from .decisions import Feedback
from .discounting import discount_factors
from .sensitivity import Swing, WeightChange, npsv_swings, weight_sensitivity

#: Each cost and benefit line as the tornado names it: (Proposal field, label, a cost).
TORNADO_LINES = (
    ("capital", "Capital costs", True),
    ("revenue", "Revenue costs", True),
    ("cash_releasing", "Cash-releasing benefits", False),
    ("social_value", "Wider social value", False),
    ("health_benefits", "Health benefits", False),
)


def line_values(p: Proposal, schedule: Schedule) -> list[tuple[str, float, bool]]:
    """Each line's present value, as the appraisal works it: costs raised by their optimism
    bias (positive costs only) at the standard rate, health benefits at the health rate,
    other benefits at the round's schedule."""
    last = p.years - 1
    standard = discount_factors(last, Schedule.STANDARD)
    benefit = discount_factors(last, schedule)
    health = discount_factors(last, Schedule.HEALTH)
    out = []
    for name, label, cost in TORNADO_LINES:
        values = np.asarray(p.line(name), dtype=float)
        if name == "capital":
            values = np.where(
                values > 0, values * (1 + optimism_bias(p.project_type, p.mitigation)), values
            )
        elif name == "revenue":
            uplift = optimism_bias(p.project_type, p.mitigation, operating=True)
            values = np.where(values > 0, values * (1 + uplift), values)
        factors = standard if cost else health if name == "health_benefits" else benefit
        out.append((label, float(values @ factors), cost))
    return out


@dataclass(frozen=True)
class Tornado:
    """One preferred option's NPSV against ±``change`` on each of its lines."""

    proposal_id: str
    title: str
    npsv: float
    change: float
    swings: tuple[Swing, ...]


#: Tornado charts drawn at most: 12 preferred options, a local limit (the table lists
#: every preferred option; a chart each for more would bury the sheet).
MAX_TORNADO_CHARTS = 12


def tornadoes(
    proposals: Sequence[Proposal],
    preferred: Sequence[str],
    feedback: Sequence[Feedback],
    schedule: Schedule,
    change: float,
) -> list[Tornado]:
    """A tornado for each preferred option, largest NPSV first."""
    by_id = {p.id: p for p in proposals}
    fig = {f.id: f for f in feedback}
    found = [
        Tornado(
            pid,
            fig[pid].title,
            fig[pid].appraisal["npsv"],
            change,
            tuple(npsv_swings(line_values(by_id[pid], schedule), change)),
        )
        for pid in preferred
        if pid in by_id and pid in fig
    ]
    found.sort(key=lambda t: t.npsv, reverse=True)
    return found


def preferred_options(
    feedback: Sequence[Feedback], portfolio_chosen: Sequence[str] | None
) -> tuple[list[str], str]:
    """The preferred options (Green Book 2022, paragraph 5.61: sensitivity analysis at least
    for the preferred option): the chosen portfolio, else the accepted proposals, else the
    highest ranked; and how they were chosen."""
    if portfolio_chosen is not None:
        return list(portfolio_chosen), "the chosen portfolio"
    accepted = [f.id for f in feedback if f.decision == Decision.ACCEPT]
    if accepted:
        return accepted, "the accepted proposals"
    ranked = sorted((f for f in feedback if f.rank is not None), key=lambda f: f.rank or 0)
    return [f.id for f in ranked[:1]], "the highest-ranked proposal"


@dataclass(frozen=True)
class CriterionSensitivity:
    """How far one criterion's weight may move before another proposal ranks first."""

    criterion: str
    weight: float
    change: float | None
    leader: str | None  # who would then rank first
    first: str  # who ranks first now

    @property
    def new_weight(self) -> float | None:
        return None if self.change is None else self.weight + self.change


def criteria_sensitivity(
    ids: Sequence[str], scores: np.ndarray, criteria: CriteriaSet
) -> list[CriterionSensitivity]:
    """For the ranked proposals (``ids`` best first, with their rows of ``scores``): each
    criterion's smallest weight change that changes which ranks first."""
    if not len(ids):
        return []
    changes: list[WeightChange] = weight_sensitivity(scores, criteria.weights)
    first = ids[int(np.argmax(scores @ np.asarray(criteria.weights)))]
    return [
        CriterionSensitivity(
            c.name,
            c.weight,
            w.change,
            None if w.leader is None else ids[w.leader],
            first,
        )
        for c, w in zip(criteria.criteria, changes, strict=True)
    ]


@dataclass(frozen=True)
class Renegotiated:
    """An amendment with the original and (once resubmitted) the amended evaluation."""

    amendment: Amendment
    original: Feedback
    amended: Feedback | None
