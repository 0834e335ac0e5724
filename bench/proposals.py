"""Benchmark: 1,000 proposals with 30-year cash flows appraised, scored and ranked, and the
portfolio chosen from 200 of them under a three-year budget. Aim: 2 s or less in all.

Issue 17: the same 1,000 proposals scored by a panel of 7 on 6 criteria (42,000 scores, a
conflict declared on every 50th proposal): moderation, the combination of the 7 members'
pairwise judgements (Aczél and Saaty's geometric mean) and the weight sensitivity. Aim: 2 s
or less for the three.

Prints figures; it is not a timed test. Run: .venv/bin/python bench/proposals.py
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import numpy as np

from cpcxl.proposals import engine
from cpcxl.proposals.models import (
    ConflictOfInterest,
    CriteriaSet,
    Criterion,
    DecisionRules,
    Evidence,
    Panel,
    PanelScore,
    ProjectType,
    Proposal,
)

N, YEARS, PORTFOLIO_FROM = 1000, 31, 200  # years 0-30


def sample(seed: int = 2026) -> tuple[list[Proposal], CriteriaSet, dict]:
    rng = np.random.default_rng(seed)
    types = list(ProjectType)
    evidence = list(Evidence)
    capital = np.zeros((N, YEARS))
    capital[:, 0] = rng.uniform(50_000, 2_000_000, N)
    capital[:, 1] = rng.uniform(0, 500_000, N)
    revenue = rng.uniform(0, 150_000, (N, YEARS)) * (rng.random((N, YEARS)) < 0.8)
    cash = rng.uniform(0, 200_000, (N, YEARS))
    cash[:, 0] = 0
    social = rng.uniform(0, 150_000, (N, YEARS))
    social[:, 0] = 0
    proposals = [
        Proposal(
            id=f"P{i:04d}",
            title=f"Proposal {i}",
            objectives=("Independence at home",) if i % 17 else (),
            project_type=types[i % len(types)],
            mitigation=float(rng.uniform(0, 0.8)),
            evidence=evidence[i % len(evidence)],
            capital=tuple(capital[i]),
            revenue=tuple(revenue[i]),
            cash_releasing=tuple(cash[i]),
            social_value=tuple(social[i]),
        )
        for i in range(N)
    ]
    names = ["Strategic fit", "Outcomes", "Value for money", "Deliverability", "Equality"]
    weights = [0.3, 0.25, 0.2, 0.15, 0.1]
    weighted = [Criterion(name=n, weight=w) for n, w in zip(names, weights, strict=True)]
    gate = Criterion(name="Safeguarding", weight=0.0, must_pass=True, pass_mark=2)
    criteria = CriteriaSet(criteria=(*weighted, gate))
    all_names = [*names, "Safeguarding"]
    raw = rng.integers(1, 6, (N, len(all_names)))
    scores = {
        (p.id, c): float(raw[i, j])
        for i, p in enumerate(proposals)
        for j, c in enumerate(all_names)
    }
    return proposals, criteria, scores


MEMBERS, CRITERIA = 7, 6


def panel_sample(proposals: list[Proposal], seed: int = 17) -> tuple[Panel, list[str], list]:
    """A panel of 7 scoring every proposal on 6 criteria (a member conflicted on every 50th
    proposal scores none of it), and each member's pairwise judgements of the criteria."""
    rng = np.random.default_rng(seed)
    names = ["Strategic fit", "Outcomes", "Value for money", "Deliverability", "Equality", "Risk"]
    members = [f"Member {k + 1}" for k in range(MEMBERS)]
    base = rng.integers(1, 5, (len(proposals), CRITERIA))
    conflicts = [
        ConflictOfInterest(members[i % MEMBERS], p.id, "Declared")
        for i, p in enumerate(proposals)
        if i % 50 == 0
    ]
    conflicted = {(c.member, c.proposal_id) for c in conflicts}
    scores = [
        PanelScore(m, p.id, c, float(np.clip(base[i, j] + rng.integers(-2, 3), 0, 5)))
        for i, p in enumerate(proposals)
        for j, c in enumerate(names)
        for m in members
        if (m, p.id) not in conflicted
    ]
    true = rng.uniform(1, 5, CRITERIA)
    matrices = []
    for _ in members:
        noisy = true * rng.uniform(0.9, 1.1, CRITERIA)  # each member near the same weights
        matrices.append((noisy[:, None] / noisy[None, :]).tolist())
    return Panel(scores, conflicts), names, matrices


def run_panel(proposals: list[Proposal]) -> None:
    panel, names, matrices = panel_sample(proposals)
    ids = [p.id for p in proposals]
    members = panel.members
    tracemalloc.start()
    start = time.perf_counter()
    moderated = engine.moderate(panel, ids, names)
    moderation = time.perf_counter() - start
    start = time.perf_counter()
    group = engine.group_ahp(matrices, members, names)
    combination = time.perf_counter() - start
    start = time.perf_counter()
    changes = engine.weight_sensitivity(moderated.final, group.weights)
    sensitivity = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    flagged = int(moderated.flagged.sum())
    found = sum(1 for c in changes if c.change is not None)
    total = moderation + combination + sensitivity
    print(
        f"panel bench: {len(ids)} proposals × {CRITERIA} criteria × {MEMBERS} members "
        f"({len(panel.scores):,} scores, {len(panel.conflicts)} conflicts)"
    )
    print(f"  moderation (median, spread 2): {moderation:.3f} s, {flagged:,} flagged")
    print(
        f"  AHP combination of {MEMBERS} members' 6 × 6 judgements: {combination:.4f} s, "
        f"combined CR {group.combined.consistency_ratio:.4f}"
    )
    print(
        f"  weight sensitivity: {sensitivity:.4f} s, {found} of {CRITERIA} criteria can change it"
    )
    print(f"  total: {total:.3f} s (aim: 2 s or less)")
    print(f"  peak traced memory of the three: {peak / 1e6:.1f} MB; max RSS {rss:.0f} MB")


def run() -> None:
    proposals, criteria, scores = sample()
    start = time.perf_counter()
    result = engine.evaluate_round(proposals, criteria, scores, rules=DecisionRules())
    evaluated = time.perf_counter() - start

    costs = engine.cash_flows(proposals[:PORTFOLIO_FROM]).costs
    # Every candidate given positive value, so all 200 compete for the budget.
    values = np.abs(result.appraisal["npsv"].to_numpy()[:PORTFOLIO_FROM])
    budgets = costs[:, :3].sum(axis=0) * 0.3  # about a third of what is asked for each year
    start = time.perf_counter()
    chosen, optimal = engine.choose_portfolio(values, costs, budgets)
    portfolio = time.perf_counter() - start

    start = time.perf_counter()
    flows = engine.cash_flows(proposals)
    engine.appraise(flows.costs, flows.benefits, optimism_bias=0.2, health_benefits=flows.health)
    appraisal_only = time.perf_counter() - start

    tracemalloc.start()
    engine.evaluate_round(proposals, criteria, scores, rules=DecisionRules())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    decisions = result.ranking["decision"].value_counts().to_dict()
    print(
        f"proposals bench: {N} proposals × {YEARS} years (0-30), {len(criteria.criteria)} criteria"
    )
    print(f"  appraise + score + decide + rank: {evaluated:.3f} s  {decisions}")
    print(f"    appraisal step timed alone (matrix × factors, IRR): {appraisal_only:.3f} s")
    print(
        f"  portfolio from {PORTFOLIO_FROM} under a 3-year budget (MILP): {portfolio:.3f} s, "
        f"{int(chosen.sum())} chosen, optimal={optimal}"
    )
    print(f"  total: {evaluated + portfolio:.3f} s (aim: 2 s or less)")
    print(f"  peak traced memory of one evaluation: {peak / 1e6:.1f} MB; max RSS {rss:.0f} MB")
    run_panel(proposals)


if __name__ == "__main__":
    run()
