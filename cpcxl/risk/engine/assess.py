"""A whole register assessed at once, as the Score register button, ``cpcxl risk score`` and
the workbook builder all do it: the risks scored and flagged with what their actions and
incidents say, the actions' own flags, and the £ exposure with its correlation, drivers and
phasing. Pure: no Excel, no files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..models import QUANTITIES, CorrelationSettings, RiskAppetite, RiskMatrix, financial_year
from .correlation import CorrelationError, check_matrix
from .exposure import EXPOSURE_ITERATIONS, ExposureAnalysis, analyse_exposure
from .links import score_actions
from .scoring import score_register
from .summaries import open_risks


@dataclass
class Assessment:
    """What a scoring of a register finds."""

    scored: pd.DataFrame
    actions: pd.DataFrame
    analysis: ExposureAnalysis
    #: The open, quantified risks the exposure is of, in its order (risk_id, title, year).
    quantified: pd.DataFrame
    #: How the risks were correlated, in words; and why the correlation given could not be
    #: used (its nearest valid matrix with it, where there is one), or None.
    correlation_text: str
    correlation_problem: CorrelationError | None


def register_correlation(
    live: pd.DataFrame, settings: CorrelationSettings
) -> tuple[np.ndarray | float, str]:
    """The correlation between a register's quantified risks: the coefficient for every pair,
    replaced within a category by the category's, and for a pair by the matrix's; with a
    description of it."""
    n = len(live)
    if settings.independent or n < 2:
        return 0.0, "none: the risks are independent"
    matrix = np.full((n, n), settings.every_pair)
    categories = list(live["category"])
    ids = [str(r).casefold() for r in live["risk_id"]]
    pairs = {frozenset((a.casefold(), b.casefold())): v for (a, b), v in settings.pairs.items()}
    for i in range(n):
        for j in range(i + 1, n):
            value = settings.every_pair
            if categories[i] is not None and categories[i] == categories[j]:
                value = settings.within_category.get(categories[i], value)
            value = pairs.get(frozenset((ids[i], ids[j])), value)
            matrix[i, j] = matrix[j, i] = value
    np.fill_diagonal(matrix, 1.0)
    parts = []
    if settings.every_pair:
        parts.append(f"{settings.every_pair:g} between any two risks")
    if settings.within_category:
        parts.append(
            "within a category: "
            + ", ".join(f"{c} {v:g}" for c, v in settings.within_category.items())
        )
    if settings.pairs:
        parts.append(f"{len(settings.pairs)} pairs from the matrix")
    return matrix, "Iman-Conover rank correlation, " + "; ".join(parts)


def assess(
    risks: pd.DataFrame,
    matrix: RiskMatrix,
    appetite: RiskAppetite,
    *,
    as_of: dt.date | None,
    actions: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    correlation: CorrelationSettings | None = None,
    confidence: float = 0.8,
) -> Assessment:
    """Score the risks (with their usable actions and incidents), flag the actions, and
    simulate the open quantified risks' exposure (seed 1, EXPOSURE_ITERATIONS iterations),
    correlated as the register says, by financial year of their proximity."""
    day = as_of or dt.date.today()
    scored = score_register(
        risks, matrix, appetite, as_of=day, actions=actions, incidents=incidents
    )
    flagged = (
        score_actions(actions, scored, day)
        if actions is not None
        else pd.DataFrame({"flags": [], "overdue": []})
    )
    live = open_risks(scored).loc[lambda f: f["quantified"]]
    years = [None if p is None else financial_year(p) for p in live["proximity"]]
    quantified = pd.DataFrame(
        {
            "risk_id": live["risk_id"].to_numpy(),
            "title": live["title"].to_numpy(),
            "year": pd.Series(years, dtype=object),
        }
    )
    target, text = register_correlation(live, correlation or CorrelationSettings())
    problem = None
    if not isinstance(target, float):
        try:
            check_matrix(target)
        except CorrelationError as exc:
            problem, target, text = exc, 0.0, "none: the correlation given is not valid"
    analysis = analyse_exposure(
        *(live[q].astype(float).to_numpy() for q in QUANTITIES),
        years=years,
        confidence=confidence,
        iterations=EXPOSURE_ITERATIONS,
        correlation=target,
    )
    return Assessment(scored, flagged, analysis, quantified, text, problem)
