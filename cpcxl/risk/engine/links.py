"""What the register learns from its links: the actions on each risk (open, overdue), the
incidents and near misses each led to against what its likelihood implies, and the Actions
table's own flags. Pure: no Excel, no files.

What a likelihood implies: each level of the matrix's likelihood scale may say how often a
risk at that level happens, as the yearly frequency at which the next level begins
(``Level.fewer_than``: on the NPSA matrix Rare is fewer than 1 a year, Unlikely fewer than
12, Possible fewer than 52, Likely fewer than 365, Almost certain no limit). A risk whose
incidents in the 12 months to the review date reach that number has happened more often than
its current likelihood says, and is flagged; near misses are counted and shown but not in the
flag (the harm was caught, so the risk itself did not happen).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..models import OPEN_ACTIONS, ActionStatus, IncidentKind, RiskMatrix

#: How far back incidents count against a likelihood: the 12 months to the review date.
INCIDENT_WINDOW = "12 months"


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _key(value: object) -> str:
    return str(value).strip().casefold()


def open_action(actions: pd.DataFrame) -> pd.Series:
    open_values = {s.value for s in OPEN_ACTIONS}
    return actions["status"].isin(open_values)


def action_counts(risks: pd.DataFrame, actions: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """For each risk: its open actions, those overdue (due before ``as_of``), and the
    earliest due date of an open action."""
    keys = risks["risk_id"].map(lambda v: _key(v) if v is not None else None)
    live = actions.loc[open_action(actions)]
    live_keys = live["risk_id"].map(_key)
    due = live["due"]
    overdue = due.map(lambda d: d is not None and d < as_of)
    open_count = live_keys.value_counts()
    overdue_count = live_keys[overdue.to_numpy(dtype=bool)].value_counts()
    earliest: dict[str, dt.date] = {}
    for key, day in zip(live_keys, due, strict=True):
        if day is not None and (key not in earliest or day < earliest[key]):
            earliest[key] = day
    return pd.DataFrame(
        {
            "open_actions": [int(open_count.get(k, 0)) if k else 0 for k in keys],
            "overdue_actions": [int(overdue_count.get(k, 0)) if k else 0 for k in keys],
            "next_due": pd.Series([earliest.get(k) if k else None for k in keys], dtype=object),
        },
        index=risks.index,
    )


def incident_counts(
    risks: pd.DataFrame, incidents: pd.DataFrame, matrix: RiskMatrix, as_of: dt.date
) -> pd.DataFrame:
    """For each risk: incidents and near misses in the 12 months to ``as_of``, all it has
    logged, and the yearly number its current likelihood implies fewer than (None: no limit
    given)."""
    keys = risks["risk_id"].map(lambda v: _key(v) if v is not None else None)
    start = year_before(as_of)
    dated = incidents["date"].map(lambda d: d is not None and start < d <= as_of)
    kinds = incidents["kind"]
    incident_keys = incidents["risk_id"].map(_key)
    recent = incident_keys[(dated & (kinds == IncidentKind.INCIDENT.value)).to_numpy(dtype=bool)]
    near = incident_keys[(dated & (kinds == IncidentKind.NEAR_MISS.value)).to_numpy(dtype=bool)]
    recent_count, near_count = recent.value_counts(), near.value_counts()
    logged = incident_keys.value_counts()
    has_residual = risks["residual_likelihood"].notna()
    likelihood = risks["residual_likelihood"].where(has_residual, risks["inherent_likelihood"])
    bounds = [lv.fewer_than for lv in matrix.likelihood]
    implied = [
        bounds[int(lv) - 1] if lv is not None and not pd.isna(lv) else None for lv in likelihood
    ]
    return pd.DataFrame(
        {
            "incidents_12m": [int(recent_count.get(k, 0)) if k else 0 for k in keys],
            "near_misses_12m": [int(near_count.get(k, 0)) if k else 0 for k in keys],
            "incidents_logged": [int(logged.get(k, 0)) if k else 0 for k in keys],
            "implied_fewer_than": pd.Series(implied, dtype=object),
            "current_likelihood": likelihood.to_numpy(),
        },
        index=risks.index,
    )


def score_actions(actions: pd.DataFrame, scored: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The Actions table's flags: an open action past its due date is overdue; an open action
    on a closed risk is noted; one whose target score its risk already meets is noted."""
    out = actions.copy()
    by_key = {
        _key(r): (s, c)
        for r, s, c in zip(
            scored["risk_id"], scored["status"], scored["current_score"], strict=True
        )
        if r is not None
    }
    flags = []
    overdue = []
    for record in actions.to_dict("records"):
        parts = []
        is_open = record["status"] in {s.value for s in OPEN_ACTIONS}
        late = bool(is_open and record["due"] is not None and record["due"] < as_of)
        if late:
            parts.append(f"Overdue (due {record['due']:%d/%m/%Y})")
        risk = by_key.get(_key(record["risk_id"])) if record["risk_id"] is not None else None
        if risk is not None:
            status, current = risk
            if is_open and status == "Closed":
                parts.append("Its risk is closed")
            target = record["target_score"]
            if (
                is_open
                and target is not None
                and not np.isnan(target)
                and not pd.isna(current)
                and current <= target
            ):
                parts.append(
                    f"Its risk's score {int(current)} already meets the target {int(target)}"
                )
        flags.append("; ".join(parts))
        overdue.append(late)
    out["overdue"] = overdue
    out["flags"] = flags
    return out


def action_status_counts(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions by status, and how many of the open ones are overdue."""
    rows = [[s.value, int((actions["status"] == s.value).sum())] for s in ActionStatus]
    rows.append(["Open and overdue", int(actions["overdue"].sum()) if len(actions) else 0])
    return pd.DataFrame(rows, columns=["Actions", "Number"])
