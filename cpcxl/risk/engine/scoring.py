"""Scores, bands and the register check: flags and movement for every risk. Pure: no Excel,
no files.

Score = likelihood × impact on a :class:`RiskMatrix` (by default the NPSA 5×5). The register
comes in typed (``inputs.read_register``); nothing here reads a cell.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..models import (
    PAIRS,
    Flag,
    RiskAppetite,
    RiskMatrix,
    RiskResponse,
    RiskStatus,
    default_appetite,
)
from ..schemes import NHS_5X5
from .links import action_counts, incident_counts

# --- scores and bands -------------------------------------------------------------------------


def scores(likelihood: np.ndarray, impact: np.ndarray) -> np.ndarray:
    """Score = likelihood × impact, element by element."""
    return np.asarray(likelihood, dtype=np.int64) * np.asarray(impact, dtype=np.int64)


def band_names(matrix: RiskMatrix) -> np.ndarray:
    """Band name by score (index 0 and scores the matrix cannot produce hold None)."""
    top = len(matrix.likelihood) * len(matrix.impact)
    names = np.full(top + 1, None, dtype=object)
    for band in matrix.bands:
        names[band.low : min(band.high, top) + 1] = band.name
    return names


def heat_map(likelihood: np.ndarray, impact: np.ndarray, matrix: RiskMatrix) -> np.ndarray:
    """Counts of risks by likelihood (rows, highest first) and impact (columns, lowest first)."""
    rows, columns = len(matrix.likelihood), len(matrix.impact)
    keep = (likelihood >= 1) & (impact >= 1)
    cells = (rows - likelihood[keep]) * columns + (impact[keep] - 1)
    return np.bincount(cells.astype(np.int64), minlength=rows * columns).reshape(rows, columns)


# --- the register -----------------------------------------------------------------------------


def score_register(
    risks: pd.DataFrame,
    matrix: RiskMatrix = NHS_5X5,
    appetite: RiskAppetite | None = None,
    *,
    as_of: dt.date | None = None,
    actions: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Scores, bands, flags and movement for every risk of a register's typed columns (as
    ``inputs.read_register`` gives them), with what its ``actions`` and ``incidents`` (the
    usable rows of those tables) say of it.

    The current score is the residual one, or the inherent one where no residual is given.
    Closed risks are scored but not flagged. Without an Actions table no risk is flagged for
    having no open action.
    """
    appetite = appetite or default_appetite(matrix)
    as_of = as_of or dt.date.today()
    risks = risks.copy()
    for field in ("response", "response_reason", "shared", "proximity", "objectives"):
        if field not in risks:
            risks[field] = pd.Series([None] * len(risks), index=risks.index, dtype=object)
    names = band_names(matrix)
    for stage, (lik, imp) in PAIRS.items():
        both = risks[lik].notna() & risks[imp].notna()
        score = risks[lik].where(both, 0).astype(np.int64) * risks[imp].where(both, 0).astype(
            np.int64
        )
        risks[f"{stage}_score"] = pd.array(np.where(both, score, pd.NA), dtype="Int64")
        risks[f"{stage}_band"] = pd.Series(
            np.where(both, names[score.to_numpy()], None), index=risks.index, dtype=object
        )
    current = risks["residual_score"].fillna(risks["inherent_score"])
    risks["current_score"] = current
    risks["current_band"] = risks["residual_band"].where(
        risks["residual_band"].notna(), risks["inherent_band"]
    )
    tolerated = pd.array(
        [appetite.tolerated(c) if c else None for c in risks["category"]], dtype="Int64"
    )
    risks["tolerated"] = tolerated
    live = (risks["status"] != RiskStatus.CLOSED.value).to_numpy()
    next_review = pd.to_datetime(risks["next_review"], errors="coerce")
    none = pd.DataFrame({"risk_id": [], "status": [], "due": [], "date": [], "kind": []})
    counts = action_counts(risks, actions if actions is not None else none, as_of)
    seen = incident_counts(risks, incidents if incidents is not None else none, matrix, as_of)
    for frame in (counts, seen):
        for column in frame:
            risks[column] = frame[column]
    tolerated_no_reason = (
        (risks["response"] == RiskResponse.TOLERATE.value)
        & (current > tolerated).fillna(False)
        & risks["response_reason"].map(lambda v: v is None or not str(v).strip())
    )
    implied = pd.to_numeric(risks["implied_fewer_than"], errors="coerce")
    partner_text = [
        _above_partners(shared, category, score, appetite)
        for shared, category, score in zip(risks["shared"], risks["category"], current, strict=True)
    ]
    risks["partners_exceeded"] = partner_text
    flags = {
        Flag.ABOVE_APPETITE: (current > tolerated),
        Flag.ABOVE_TARGET: (current > risks["target_score"]),
        Flag.REVIEW_OVERDUE: pd.Series(next_review < pd.Timestamp(as_of), index=risks.index),
        Flag.RESIDUAL_ABOVE_INHERENT: (risks["residual_score"] > risks["inherent_score"]),
        Flag.NO_CONTROLS: (
            (risks["inherent_score"] >= matrix.high_score) & (risks["controls"].fillna("") == "")
        ),
        Flag.TOLERATED_NO_REASON: tolerated_no_reason,
        Flag.NO_OPEN_ACTION: (
            (current > risks["target_score"]).fillna(False) & (risks["open_actions"] == 0)
            if actions is not None
            else pd.Series(False, index=risks.index)
        ),
        Flag.ACTION_OVERDUE: risks["overdue_actions"] > 0,
        Flag.INCIDENTS: (risks["incidents_12m"] >= implied).fillna(False),
        Flag.ABOVE_PARTNER: pd.Series([bool(t) for t in partner_text], index=risks.index),
    }
    for flag, raised in flags.items():
        risks[flag_column(flag)] = raised.fillna(False).astype(bool).to_numpy() & live
    risks["flags"] = [_flag_text(row, appetite, matrix) for row in risks.itertuples(index=False)]
    previous = risks["previous_score"].astype("Int64")
    risks["movement"] = np.select(
        [
            previous.isna().to_numpy(),
            current.isna().to_numpy(),
            (current > previous).fillna(False).to_numpy(),
            (current < previous).fillna(False).to_numpy(),
        ],
        ["No earlier score", "", "Increased", "Reduced"],
        "No change",
    )
    return risks


def _above_partners(shared: Any, category: Any, score: Any, appetite: RiskAppetite) -> str:
    """For a shared risk, each partner whose appetite for its category it is above."""
    if shared is not True or category is None or pd.isna(score):
        return ""
    above = [
        f"{partner}: {level.value}, up to {tolerated}"
        for partner, level, tolerated in appetite.partners_tolerating(category)
        if score > tolerated
    ]
    return "; ".join(above)


def _flag_text(row: Any, appetite: RiskAppetite, matrix: RiskMatrix) -> str:
    values = row._asdict()
    parts = []
    for flag in Flag:
        if not values[flag_column(flag)]:
            continue
        if flag is Flag.ABOVE_APPETITE:
            level = appetite.categories.get(values["category"])
            named = f"{level.value}: " if level is not None else ""
            parts.append(f"{flag.value} ({named}up to {values['tolerated']})")
        elif flag is Flag.ABOVE_TARGET:
            parts.append(f"{flag.value} ({values['target_score']})")
        elif flag is Flag.REVIEW_OVERDUE:
            parts.append(f"{flag.value} (due {values['next_review']:%d/%m/%Y})")
        elif flag is Flag.ACTION_OVERDUE:
            due = values["next_due"]
            parts.append(f"{flag.value} ({values['overdue_actions']}; due {due:%d/%m/%Y})")
        elif flag is Flag.INCIDENTS:
            label = matrix.likelihood[int(values["current_likelihood"]) - 1].label
            parts.append(
                f"{flag.value} ({values['incidents_12m']} in 12 months; {label} implies fewer "
                f"than {values['implied_fewer_than']:g} a year)"
            )
        elif flag is Flag.ABOVE_PARTNER:
            parts.append(f"{flag.value} ({values['partners_exceeded']})")
        else:
            parts.append(flag.value)
    return "; ".join(parts)


def flag_column(flag: Flag) -> str:
    """The scored register's True/False column for a flag."""
    return f"flag_{flag.name.lower()}"
