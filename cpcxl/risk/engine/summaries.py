"""What the Summary counts: open risks by band and category, flags, top risks, movement.
Pure: no Excel, no files."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..models import Flag, RiskMatrix, RiskStatus
from .scoring import flag_column, heat_map


def open_risks(scored: pd.DataFrame) -> pd.DataFrame:
    return scored.loc[scored["status"] != RiskStatus.CLOSED.value]


def band_counts(scored: pd.DataFrame, matrix: RiskMatrix) -> pd.DataFrame:
    """Open risks by band, inherent and current (residual where given)."""
    live = open_risks(scored)
    names = [b.name for b in matrix.bands]
    return pd.DataFrame(
        {
            "Band": names,
            "Inherent": [int((live["inherent_band"] == n).sum()) for n in names],
            "Residual": [int((live["current_band"] == n).sum()) for n in names],
        }
    )


def category_counts(scored: pd.DataFrame, matrix: RiskMatrix) -> pd.DataFrame:
    """Open risks by category: how many, by current band, and how many above appetite."""
    live = open_risks(scored).assign(category=lambda f: f["category"].fillna("(none)"))
    rows = []
    for category, group in live.groupby("category", sort=True):
        row: dict[str, Any] = {"Category": category, "Risks": len(group)}
        for band in matrix.bands:
            row[band.name] = int((group["current_band"] == band.name).sum())
        row["Above appetite"] = int(group[flag_column(Flag.ABOVE_APPETITE)].sum())
        rows.append(row)
    columns = ["Category", "Risks", *(b.name for b in matrix.bands), "Above appetite"]
    return pd.DataFrame(rows, columns=columns)


def register_heat_map(scored: pd.DataFrame, matrix: RiskMatrix, stage: str) -> np.ndarray:
    """Heat map of open risks at ``stage`` ("inherent" or "residual", the current rating)."""
    live = open_risks(scored)
    if stage == "residual":
        has = live["residual_score"].notna()
        lik = live["residual_likelihood"].where(has, live["inherent_likelihood"])
        imp = live["residual_impact"].where(has, live["inherent_impact"])
    else:
        lik, imp = live["inherent_likelihood"], live["inherent_impact"]
    both = lik.notna() & imp.notna()
    return heat_map(
        lik[both].astype(np.int64).to_numpy(), imp[both].astype(np.int64).to_numpy(), matrix
    )


def top_risks(scored: pd.DataFrame, count: int = 10) -> pd.DataFrame:
    """The open risks with the highest current scores (ties: higher inherent, then by id)."""
    live = open_risks(scored).loc[lambda f: f["current_score"].notna()]
    ordered = live.assign(_id=live["risk_id"].fillna("").astype(str)).sort_values(
        ["current_score", "inherent_score", "_id"], ascending=[False, False, True]
    )
    top = ordered.head(count)
    return pd.DataFrame(
        {
            "Risk ID": top["risk_id"],
            "Title": top["title"],
            "Owner": top["owner"],
            "Residual score": top["current_score"].astype(int),
            "Band": top["current_band"],
            "Flags": top["flags"],
        }
    ).reset_index(drop=True)


def movement(scored: pd.DataFrame) -> pd.DataFrame:
    """Open risks whose score moved since the last review, and how many did not."""
    live = open_risks(scored)
    moved = live.loc[live["movement"].isin(["Increased", "Reduced"])]
    return pd.DataFrame(
        {
            "Risk ID": moved["risk_id"],
            "Title": moved["title"],
            "Score at last review": moved["previous_score"].astype(int),
            "Residual score": moved["current_score"].astype(int),
            "Movement": moved["movement"],
        }
    ).reset_index(drop=True)


def movement_counts(scored: pd.DataFrame) -> pd.DataFrame:
    live = open_risks(scored)
    kinds = ["Increased", "Reduced", "No change", "No earlier score"]
    return pd.DataFrame(
        {"Movement": kinds, "Risks": [int((live["movement"] == k).sum()) for k in kinds]}
    )


def flag_counts(scored: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Flag": [f.value for f in Flag],
            "Risks": [int(scored[flag_column(f)].sum()) for f in Flag],
        }
    )
