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

from ..models import PAIRS, Flag, RiskAppetite, RiskMatrix, RiskStatus, default_appetite
from ..schemes import NHS_5X5

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
) -> pd.DataFrame:
    """Scores, bands, flags and movement for every risk of a register's typed columns (as
    ``inputs.read_register`` gives them).

    The current score is the residual one, or the inherent one where no residual is given.
    Closed risks are scored but not flagged.
    """
    appetite = appetite or default_appetite(matrix)
    as_of = as_of or dt.date.today()
    risks = risks.copy()
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
    flags = {
        Flag.ABOVE_APPETITE: (current > tolerated),
        Flag.ABOVE_TARGET: (current > risks["target_score"]),
        Flag.REVIEW_OVERDUE: pd.Series(next_review < pd.Timestamp(as_of), index=risks.index),
        Flag.RESIDUAL_ABOVE_INHERENT: (risks["residual_score"] > risks["inherent_score"]),
        Flag.NO_CONTROLS: (
            (risks["inherent_score"] >= matrix.high_score) & (risks["controls"].fillna("") == "")
        ),
    }
    for flag, raised in flags.items():
        risks[flag_column(flag)] = raised.fillna(False).astype(bool).to_numpy() & live
    risks["flags"] = [_flag_text(row, appetite) for row in risks.itertuples(index=False)]
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


def _flag_text(row: Any, appetite: RiskAppetite) -> str:
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
        else:
            parts.append(flag.value)
    return "; ".join(parts)


def flag_column(flag: Flag) -> str:
    """The scored register's True/False column for a flag."""
    return f"flag_{flag.name.lower()}"
