"""A whole round: appraise, score, decide and choose the portfolio."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError
from cpcxl.common.limits import check_time

from ..models import (
    HOW_TO_RESUBMIT,
    ChairScore,
    ConflictOfInterest,
    CriteriaSet,
    DecisionRules,
    Evaluation,
    Evidence,
    Prices,
    Proposal,
    Round,
    Schedule,
)
from .appraisal import appraise, optimism_bias
from .decisions import (
    Feedback,
    RoundContext,
    decide,
    descriptor,
    left_out_reason,
    must_pass_failures,
    ratio_ok,
)
from .discounting import schedule_of
from .moderation import Moderated, moderate
from .portfolio import Portfolio, choose_portfolio
from .prices import Affordability, affordability, in_real_prices
from .realism import realism_checks
from .review import (
    CriterionSensitivity,
    Renegotiated,
    Tornado,
    criteria_sensitivity,
    preferred_options,
    tornadoes,
)
from .scoring import score_matrix, weighted_scores


@dataclass
class RoundResult:
    appraisal: pd.DataFrame
    scores: pd.DataFrame
    ranking: pd.DataFrame
    portfolio: Portfolio | None
    feedback: list[Feedback] = field(default_factory=list)
    criteria: CriteriaSet | None = None
    rules: DecisionRules | None = None
    schedule: Schedule = Schedule.STANDARD
    #: What a challenge asks (issue 17), filled by :func:`evaluate` for a whole round.
    review: Review | None = None


@dataclass
class Review:
    """The panel's moderation, the sensitivity of the result, what the preferred options
    cost in cash, and the negotiation, for one evaluated round."""

    moderation: Moderated | None = None
    sensitivity: list[CriterionSensitivity] = field(default_factory=list)
    preferred: list[str] = field(default_factory=list)
    preferred_from: str = ""
    tornadoes: list[Tornado] = field(default_factory=list)
    tornado_change: float = 0.2
    affordability: Affordability | None = None
    affordability_note: str = ""
    renegotiated: list[Renegotiated] = field(default_factory=list)
    comments: dict[tuple[str, str], str] = field(default_factory=dict)
    first_year: int | None = None
    base_year: int | None = None
    #: Proposals in nominal prices, or real prices of another year, converted for the
    #: appraisal: {proposal ID: how its figures were priced}.
    converted: dict[str, str] = field(default_factory=dict)
    resubmit_by: dt.date | None = None
    how_to_resubmit: str = HOW_TO_RESUBMIT
    #: The chair's moderated scores and the members' declared conflicts, for the record.
    chair: dict[tuple[str, str], ChairScore] = field(default_factory=dict)
    conflicts: list[ConflictOfInterest] = field(default_factory=list)
    #: Each proposal's evidence for its benefits, for the letters' strengths.
    evidence: dict[str, Evidence] = field(default_factory=dict)


@dataclass(frozen=True)
class Flows:
    """A round's yearly amounts as (proposals × years) matrices, zero after a proposal's
    last year."""

    capital: np.ndarray
    revenue: np.ndarray
    benefits: np.ndarray  # cash-releasing and wider social value: at the round's schedule
    health: np.ndarray  # health and life values: at the health rate

    @property
    def costs(self) -> np.ndarray:
        return self.capital + self.revenue


def cash_flows(proposals: Sequence[Proposal]) -> Flows:
    """Capital and revenue costs, benefits and health benefits of every proposal."""
    years = max(p.years for p in proposals)
    lines = {name: np.zeros((len(proposals), years)) for name in ("c", "r", "b", "h")}
    for i, p in enumerate(proposals):
        lines["c"][i, : p.years] = p.line("capital")
        lines["r"][i, : p.years] = p.line("revenue")
        lines["b"][i, : p.years] = p.other_benefits
        lines["h"][i, : p.years] = p.line("health_benefits")
    return Flows(lines["c"], lines["r"], lines["b"], lines["h"])


def evaluate_round(
    proposals: Sequence[Proposal],
    criteria: CriteriaSet,
    scores: Mapping[tuple[str, str], float],
    *,
    rules: DecisionRules | None = None,
    budgets: Sequence[float] | None = None,
    schedule: str | Schedule = Schedule.STANDARD,
) -> RoundResult:
    """Appraise, score, decide and (with budgets) choose the portfolio for a round."""
    rules = rules or DecisionRules()
    schedule = schedule_of(schedule)
    if not proposals:
        raise InputError("there are no proposals to evaluate", valid="at least one proposal")
    ids = [p.id for p in proposals]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise InputError(f"proposal ID used twice: {', '.join(duplicates)}", field="Proposal ID")
    if rules.evaluation == Evaluation.COMPARATIVE and not budgets and rules.places is None:
        raise InputError(
            "comparative evaluation needs a budget or a number of places to fill",
            valid="yearly budgets, or the number of proposals to accept",
        )
    flows = cash_flows(proposals)
    costs = flows.costs  # as submitted, for the budget
    appraisal = appraise(
        flows.capital,
        flows.benefits,
        schedule=schedule,
        optimism_bias=[optimism_bias(p.project_type, p.mitigation) for p in proposals],
        index=ids,
        health_benefits=flows.health,
        operating_costs=flows.revenue,
        operating_optimism_bias=[
            optimism_bias(p.project_type, p.mitigation, operating=True) for p in proposals
        ],
    )
    s = score_matrix(ids, criteria, scores)
    ws = weighted_scores(s, criteria.weights)
    share = (ws - criteria.scale_min) / (criteria.scale_max - criteria.scale_min)
    score_frame = pd.DataFrame(s, columns=criteria.names, index=appraisal.index)
    score_frame["weighted_score"] = ws
    score_frame["score_share"] = share

    records = appraisal.to_dict("index")
    weaknesses = [realism_checks(p, records[p.id], rules) for p in proposals]
    failures = [must_pass_failures(s[i], criteria) for i in range(len(proposals))]
    npsv_values = appraisal["npsv"].to_numpy()
    bcr_values = appraisal["bcr"].to_numpy()
    # Eligible: passes every must-pass criterion, its benefits at least cover its costs and,
    # in an absolute evaluation, it reaches the score needed to be considered.
    absolute = rules.evaluation == Evaluation.ABSOLUTE
    eligible = np.array(
        [
            not failures[i]
            and ratio_ok(bcr_values[i], rules.reject_bcr)
            and not (absolute and share[i] < rules.reject_score)
            for i in range(len(ids))
        ],
        dtype=bool,
    )
    order = np.lexsort((-npsv_values, -ws))
    ranked = [i for i in order if eligible[i]]
    rank = {ids[i]: r for r, i in enumerate(ranked, start=1)}

    portfolio = None
    chosen = np.zeros(len(ids), bool)
    if budgets:
        chosen, solved = choose_portfolio(npsv_values, costs, budgets, eligible)
        spend = (costs[:, : len(budgets)] * chosen[:, None]).sum(axis=0)
        spend = np.pad(spend, (0, len(budgets) - len(spend)))
        portfolio = Portfolio(
            chosen=[ids[i] for i in range(len(ids)) if chosen[i]],
            value=float(npsv_values[chosen].sum()),
            spend=[float(x) for x in spend],
            budgets=[float(b) for b in budgets],
            left_out={},
            solved=solved,
        )
        for i in range(len(ids)):
            if not chosen[i]:
                portfolio.left_out[ids[i]] = left_out_reason(
                    i, failures, npsv_values, bcr_values, share, costs, spend, budgets, rules
                )

    context = RoundContext(rules, criteria, share, ranked, portfolio)
    feedback: list[Feedback] = []
    for i, p in enumerate(proposals):
        check_time()  # one proposal's decision and reasons a round: stop if out of time
        decision, reasons = decide(
            p,
            s[i],
            float(share[i]),
            records[p.id],
            failures[i],
            weaknesses[i],
            rank.get(p.id),
            context,
        )
        feedback.append(
            Feedback(
                id=p.id,
                title=p.title,
                sponsor=p.sponsor,
                term=p.term.value,
                decision=decision,
                reasons=reasons,
                weaknesses=weaknesses[i],
                scores=[
                    (c.name, float(s[i, j]), c.weight, descriptor(c, s[i, j]))
                    for j, c in enumerate(criteria.criteria)
                ],
                weighted_score=float(ws[i]),
                score_share=float(share[i]),
                appraisal={k: float(v) for k, v in records[p.id].items() if k != "irr_rates"},
                rank=rank.get(p.id),
                in_portfolio=bool(chosen[i]),
                irr_rates=tuple(records[p.id]["irr_rates"]),
            )
        )
    ranking = pd.DataFrame(
        {
            "rank": [rank.get(i) for i in ids],
            "weighted_score": ws,
            "score_share": share,
            "npsv": npsv_values,
            "bcr": bcr_values,
            "decision": [f.decision.value for f in feedback],
            "in_portfolio": chosen,
        },
        index=appraisal.index,
    )
    ranking = ranking.iloc[np.lexsort((-npsv_values, -ws, ~eligible))]
    return RoundResult(
        appraisal, score_frame, ranking, portfolio, feedback, criteria, rules, schedule
    )


def evaluate(round_: Round) -> RoundResult:
    """Evaluate a round as read from a workbook (:func:`cpcxl.proposals.inputs.read_round`):
    the panel's scores moderated, nominal figures in real prices of the base year, the
    round evaluated as it now stands (resubmissions in place of the proposals they amend)
    and, where there were resubmissions, as it first stood; then the sensitivity of the
    result, the preferred options' tornadoes and their cash cost against the budget."""
    from ..models import year_text

    scores = dict(round_.scores)
    moderation = None
    if round_.panel is not None:
        moderation = moderate(round_.panel, [p.id for p in round_.proposals], round_.criteria.names)
        scores.update(moderation.scores())
    base_year = round_.base_year
    real = in_real_prices(round_.proposals, round_.first_year, base_year, round_.deflators)
    converted: dict[str, str] = {}
    for before, after in zip(round_.proposals, real, strict=True):
        if after is before:
            continue
        converted[before.id] = (
            "nominal (cash), deflated to real prices"
            if before.prices == Prices.NOMINAL
            else f"real in {year_text(before.price_year or 0)} prices, rebased"
        )
    resubmitted = {a.amended_id: a for a in round_.amendments if a.amended_id}
    superseded = {a.proposal_id for a in round_.amendments if a.amended_id}
    current = [p for p in real if p.id not in superseded]
    original = [p for p in real if p.id not in resubmitted]

    def run(proposals: Sequence[Proposal]) -> RoundResult:
        return evaluate_round(
            proposals,
            round_.criteria,
            {k: v for k, v in scores.items() if k[0] in {p.id for p in proposals}},
            rules=round_.rules,
            budgets=round_.budgets,
            schedule=round_.schedule,
        )

    result = run(current)
    first = run(original) if resubmitted else result
    review = Review(
        moderation=moderation,
        comments=dict(round_.comments),
        first_year=round_.first_year,
        base_year=base_year,
        converted=converted,
        tornado_change=round_.tornado_change,
        resubmit_by=round_.resubmit_by,
        how_to_resubmit=round_.how_to_resubmit,
        chair=dict(round_.panel.chair) if round_.panel is not None else {},
        conflicts=list(round_.panel.conflicts) if round_.panel is not None else [],
        evidence={p.id: p.evidence for p in round_.proposals},
    )
    by_id = {f.id: f for f in result.feedback}
    first_by_id = {f.id: f for f in first.feedback}
    review.renegotiated = [
        Renegotiated(
            a,
            first_by_id[a.proposal_id],
            by_id.get(a.amended_id) if a.amended_id else None,
        )
        for a in round_.amendments
        if a.proposal_id in first_by_id
    ]
    ranked = [str(i) for i in result.ranking.index if by_id[str(i)].rank is not None]
    criteria = result.criteria
    assert criteria is not None
    if ranked:
        review.sensitivity = criteria_sensitivity(
            ranked, result.scores.loc[ranked, criteria.names].to_numpy(float), criteria
        )
    chosen = result.portfolio.chosen if result.portfolio is not None else None
    review.preferred, review.preferred_from = preferred_options(result.feedback, chosen)
    review.tornadoes = tornadoes(
        current, review.preferred, result.feedback, result.schedule, round_.tornado_change
    )
    entered = [p for p in round_.proposals if p.id not in superseded]
    if round_.deflators is not None and round_.first_year is not None:
        review.affordability = affordability(
            entered,
            review.preferred,
            review.preferred_from,
            round_.budgets,
            round_.first_year,
            base_year,
            round_.deflators,
        )
    else:
        review.affordability_note = (
            "No cash view: it needs year 0's financial year on the Settings sheet and the GDP "
            "deflators on the Deflators sheet."
        )
    result.review = review
    return result
