"""Decisions with reasons a submitter can act on: Accept, Amend or Reject (CPC 506 B6-B8)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..models import CriteriaSet, Criterion, Decision, DecisionRules, Evaluation, Proposal
from .figures import money
from .portfolio import Portfolio
from .realism import Weakness


@dataclass
class Feedback:
    """Everything a submitter is told about one proposal."""

    id: str
    title: str
    sponsor: str
    term: str
    decision: Decision
    reasons: list[str]
    weaknesses: list[Weakness]
    scores: list[tuple[str, float, float, str]]  # criterion, score, weight, descriptor
    weighted_score: float
    score_share: float
    appraisal: dict[str, float]
    rank: int | None
    in_portfolio: bool
    #: Every internal rate of return of the net flows (one, none, or several).
    irr_rates: tuple[float, ...] = ()


def ratio_ok(ratio: float, minimum: float) -> bool:
    return bool(math.isfinite(ratio) and ratio >= minimum)


def must_pass_failures(row: np.ndarray, criteria: CriteriaSet) -> list[tuple[Criterion, float]]:
    return [
        (c, float(row[j]))
        for j, c in enumerate(criteria.criteria)
        if c.must_pass and c.pass_mark is not None and row[j] < c.pass_mark
    ]


def descriptor(c: Criterion, score: float) -> str:
    return c.descriptors.get(int(score), "") if float(score).is_integer() else ""


def weakest(criteria: CriteriaSet, row: np.ndarray, count: int = 2) -> str:
    # The criteria where a point more would add most to the weighted score.
    gaps = [
        (c.weight * (criteria.scale_max - row[j]), j)
        for j, c in enumerate(criteria.criteria)
        if row[j] < criteria.scale_max
    ]
    gaps.sort(reverse=True)
    parts = []
    for _, j in gaps[:count]:
        c = criteria.criteria[j]
        target = min(int(row[j]) + 1, int(criteria.scale_max))
        better = c.descriptors.get(target)
        text = f"{c.name!r} (scored {row[j]:g} of {criteria.scale_max:g}"
        text += f"; {target} means: {better})" if better else ")"
        parts.append(text)
    return " and ".join(parts)


@dataclass(frozen=True)
class RoundContext:
    """What a decision needs to know about the whole round."""

    rules: DecisionRules
    criteria: CriteriaSet
    shares: np.ndarray
    ranked: list[int]  # positions of eligible proposals, best first
    portfolio: Portfolio | None


def decide(
    p: Proposal,
    row: np.ndarray,
    share: float,
    fig: Mapping[str, float],
    failures: list[tuple[Criterion, float]],
    weaknesses: list[Weakness],
    rank: int | None,
    context: RoundContext,
) -> tuple[Decision, list[str]]:
    rules, criteria, portfolio = context.rules, context.criteria, context.portfolio
    ranked, places = context.ranked, context.rules.places
    ranked_count = len(ranked)
    reject: list[str] = []
    amend: list[str] = []
    for c, value in failures:
        need = c.descriptors.get(int(c.pass_mark or 0))
        text = (
            f"It scored {value:g} on {c.name!r}, which every proposal must score at least "
            f"{c.pass_mark:g} on"
        )
        reject.append(text + (f": show that {need[0].lower() + need[1:]}." if need else "."))
    ratio, pvb, pvc = fig["bcr"], fig["pv_benefits"], fig["pv_costs"]
    if not pvc > 0:
        amend.append(
            "It gives no costs, so there is nothing to appraise or fund: enter each year's "
            "capital and revenue costs, including staff time."
        )
    elif not ratio_ok(ratio, rules.reject_bcr):
        shortfall = rules.reject_bcr * pvc - pvb
        reject.append(
            f"Its benefits (present value {money(pvb)}) do not cover its costs including "
            f"optimism bias ({money(pvc)}): a benefit-cost ratio of "
            f"{'none' if not math.isfinite(ratio) else f'{ratio:.2f}'}, below the minimum of "
            f"{rules.reject_bcr:g}. It needs {money(shortfall)} more benefits in present value, "
            "or lower costs."
        )
    elif ratio < rules.accept_bcr:
        amend.append(
            f"Its benefit-cost ratio of {ratio:.2f} is below the {rules.accept_bcr:g} needed for "
            f"acceptance: raise benefits by {money(rules.accept_bcr * pvc - pvb)} in present "
            "value or reduce costs (lowering optimism bias by evidencing mitigation counts)."
        )
    if rules.evaluation == Evaluation.ABSOLUTE:
        if share < rules.reject_score:
            reject.append(
                f"Its weighted score of {share:.0%} is below the {rules.reject_score:.0%} "
                f"needed to be considered; the biggest gains are on {weakest(criteria, row)}."
            )
        elif share < rules.accept_score:
            amend.append(
                f"Its weighted score of {share:.0%} is below the {rules.accept_score:.0%} needed "
                f"for acceptance; strengthen {weakest(criteria, row)}."
            )
    amend += [f"{w.name}: {w.detail}" for w in weaknesses]
    if reject:
        return Decision.REJECT, reject + amend
    if rules.evaluation == Evaluation.COMPARATIVE:
        if portfolio is not None:
            if p.id not in portfolio.chosen:
                return Decision.REJECT, [
                    f"Ranked {rank} of {ranked_count} eligible proposals, but not in the best "
                    f"set the budget allows: {portfolio.left_out[p.id]}",
                    *amend,
                ]
        elif places is not None and rank is not None and rank > places:
            last = context.shares[ranked[places - 1]] if places else math.nan
            cut = f" (the last accepted scored {last:.0%})" if places else ""
            return Decision.REJECT, [
                f"Ranked {rank} of {ranked_count} eligible proposals for {places} place"
                f"{'s' if places != 1 else ''}: it scored {share:.0%}{cut}. The biggest gains "
                f"are on {weakest(criteria, row)}.",
                *amend,
            ]
    if amend:
        return Decision.AMEND, amend
    why = [
        f"It meets every must-pass criterion, scores {share:.0%} and has a benefit-cost ratio of "
        f"{ratio:.2f} (net present social value {money(fig['npsv'])})."
    ]
    if rules.evaluation == Evaluation.COMPARATIVE and rank is not None:
        why.append(f"It ranks {rank} of {ranked_count} eligible proposals.")
    if p.objectives:
        why.append(f"It supports: {', '.join(p.objectives)}.")
    return Decision.ACCEPT, why


def left_out_reason(
    i: int,
    failures: list[list[tuple[Criterion, float]]],
    npsv_values: np.ndarray,
    bcr_values: np.ndarray,
    share: np.ndarray,
    costs: np.ndarray,
    spend: np.ndarray,
    budgets: Sequence[float],
    rules: DecisionRules,
) -> str:
    if failures[i]:
        names = ", ".join(repr(c.name) for c, _ in failures[i])
        return f"it fails the must-pass criterion {names}"
    if not math.isfinite(bcr_values[i]):
        return "it gives no costs to fund"
    if not ratio_ok(bcr_values[i], rules.reject_bcr):
        return f"its benefit-cost ratio is below {rules.reject_bcr:g}"
    if rules.evaluation == Evaluation.ABSOLUTE and share[i] < rules.reject_score:
        return f"its weighted score of {share[i]:.0%} is below {rules.reject_score:.0%}"
    if npsv_values[i] <= 0:
        return f"it adds no value (net present social value {money(npsv_values[i])})"
    over = []
    for y, budget in enumerate(budgets):
        need = costs[i, y] if y < costs.shape[1] else 0.0
        left = budget - spend[y]
        if need > left + 1e-6:
            over.append(f"year {y} by {money(need - left)} ({money(max(left, 0))} left)")
    if over:
        return (
            "proposals giving more value in total use the budget; adding it would overspend "
            + "; ".join(over)
            + "."
        )
    return "a combination without it gives more value within the budget."
