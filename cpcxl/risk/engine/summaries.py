"""What the Summary counts: open risks by band and category, flags, top risks, movement.
Pure: no Excel, no files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..models import Flag, RiskMatrix, RiskResponse, RiskStatus
from .links import open_action
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


# --- responses, incidents, objectives, actions (issue 15) ---------------------------------------


def response_counts(scored: pd.DataFrame) -> pd.DataFrame:
    """Open risks by their response (the Orange Book's five), and those with none yet."""
    live = open_risks(scored)
    responses = live["response"] if "response" in live else pd.Series(dtype=object)
    rows = [[r.value, int((responses == r.value).sum())] for r in RiskResponse]
    rows.append(["Not yet decided", int(responses.isna().sum())])
    return pd.DataFrame(rows, columns=["Response", "Risks"])


def incident_table(scored: pd.DataFrame, matrix: RiskMatrix) -> pd.DataFrame:
    """Each risk with incidents or near misses logged: those of the last 12 months against
    what its current likelihood implies (see engine.links), all it has logged, and the flag."""
    logged = scored.loc[scored["incidents_logged"] > 0]
    labels = [lv.label for lv in matrix.likelihood]
    return pd.DataFrame(
        {
            "Risk ID": logged["risk_id"],
            "Title": logged["title"],
            "Likelihood": [
                labels[int(v) - 1] if v is not None and not pd.isna(v) else None
                for v in logged["current_likelihood"]
            ],
            "Incidents (12 months)": logged["incidents_12m"],
            "Near misses (12 months)": logged["near_misses_12m"],
            "All logged": logged["incidents_logged"],
            "Implies fewer than (a year)": [
                None if v is None or pd.isna(v) else v for v in logged["implied_fewer_than"]
            ],
            "More than it implies": [
                "Yes" if v else "No" for v in logged[flag_column(Flag.INCIDENTS)]
            ],
        }
    ).reset_index(drop=True)


def objective_table(scored: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Each objective with the open risks that threaten it: how many, the highest residual
    score among them and its band, and their ids."""
    live = open_risks(scored)
    rows = []
    for record in objectives.to_dict("records"):
        ref = record["ref"]
        if ref is None:
            continue
        key = str(ref).strip().casefold()
        linked = live.loc[
            live["objectives"].map(
                lambda refs, k=key: any(str(r).casefold() == k for r in refs or ())
            )
        ]
        top = linked.loc[linked["current_score"].notna()].sort_values("current_score")
        rows.append(
            {
                "Objective": ref,
                "What it is": record.get("objective"),
                "Open risks": len(linked),
                "Highest residual score": int(top["current_score"].iloc[-1]) if len(top) else None,
                "Band": top["current_band"].iloc[-1] if len(top) else None,
                "Risks": ", ".join(str(r) for r in linked["risk_id"]),
            }
        )
    columns = ["Objective", "What it is", "Open risks", "Highest residual score", "Band", "Risks"]
    return pd.DataFrame(rows, columns=columns)


def overdue_actions(actions: pd.DataFrame) -> pd.DataFrame:
    """Open actions past their due date, the longest overdue first."""
    late = actions.loc[actions["overdue"].astype(bool)] if len(actions) else actions
    late = late.sort_values("due") if len(late) else late
    return pd.DataFrame(
        {
            "Risk ID": late["risk_id"] if len(late) else [],
            "Action": late["action"] if len(late) else [],
            "Owner": late["owner"] if len(late) else [],
            "Due date": late["due"] if len(late) else [],
            "Status": late["status"] if len(late) else [],
        }
    ).reset_index(drop=True)


def board_risks(scored: pd.DataFrame, actions: pd.DataFrame, count: int = 10) -> pd.DataFrame:
    """The top open risks for a board: score and band, movement, response, and the next open
    action with its owner and due date."""
    top = top_risks(scored, count)
    by_id = scored.set_index(scored["risk_id"].astype(str))
    open_rows = actions.loc[open_action(actions)] if len(actions) else actions
    next_action: dict[str, dict[str, Any]] = {}
    for record in (
        open_rows.sort_values("due", key=lambda d: d.map(_sortable)).to_dict("records")
        if len(open_rows)
        else []
    ):
        key = str(record["risk_id"]).strip().casefold()
        next_action.setdefault(key, record)
    rows = []
    for record in top.to_dict("records"):
        risk = by_id.loc[str(record["Risk ID"])]
        if isinstance(risk, pd.DataFrame):
            risk = risk.iloc[0]
        action = next_action.get(str(record["Risk ID"]).strip().casefold())
        due = action["due"] if action is not None else None
        rows.append(
            {
                "Risk ID": record["Risk ID"],
                "Title": record["Title"],
                "Score": record["Residual score"],
                "Band": record["Band"],
                "Movement": risk["movement"],
                "Response": risk["response"],
                "Next action": action["action"] if action is not None else None,
                "Owner": action["owner"] if action is not None else record["Owner"],
                "Due": due,
            }
        )
    columns = [
        "Risk ID",
        "Title",
        "Score",
        "Band",
        "Movement",
        "Response",
        "Next action",
        "Owner",
        "Due",
    ]
    return pd.DataFrame(rows, columns=columns)


def _sortable(day: object) -> dt.date:
    return day if isinstance(day, dt.date) else dt.date.max
