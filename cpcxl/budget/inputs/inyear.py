"""The in-year monitoring tables (CPC 509 C3-C4): actuals by line, partner and period, how
each line is forecast, the profiles, and the partners' payments into the pooled fund.

Declared once, as every input table is: the template is built from these declarations and
the same declarations read the tables back (:func:`read_in_year`). No file access.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputErrors
from cpcxl.common.fields import TEXT, Text
from cpcxl.common.inputs import Column, Setting, SettingsRead, SettingsSpec, TableRead, TableSpec
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank

from ..models import MONTHS, ContributionKind, ForecastRule, InYear, Payment
from .types import (
    A_YEAR,
    AMOUNT,
    COMMITMENT,
    DUE,
    KIND,
    LINE,
    METHOD,
    PARTNER,
    PAYMENT,
    PERIOD,
    PERIODS,
    PROFILE_NAME,
    WEIGHT,
)

#: The most periods a year has (months); a quarterly year uses the first four.
MAX_PERIODS = 12
WIDE = 34

IN_YEAR = SettingsSpec(
    "InYear",
    "In-year",
    (
        Setting(
            "year",
            "Year monitored",
            A_YEAR,
            note="The financial year the actuals are for; blank: the arrangement's first year "
            "(a local choice)",
        ),
        Setting(
            "periods",
            "Periods",
            PERIODS,
            note="Monthly (P1 is April) or Quarterly (P1 to P4 are April-June to January-March), "
            "set once for the year; blank: Monthly (a local choice)",
        ),
        Setting(
            "period",
            "Last period closed",
            PERIOD,
            note="The month-end report is as at this period; `cpcxl budget monitor --period N` "
            "can say another; blank: the latest period with an actual (a local choice)",
        ),
        Setting(
            "method",
            "Forecast method",
            METHOD,
            note="For lines the Forecast methods table leaves out: Profile (actuals to date plus "
            "the budget still to be spent as profiled) or Run rate (actuals to date scaled to "
            "the year); blank: Profile (a local choice)",
        ),
        Setting(
            "opening_balance",
            "Fund balance at the start of the year £",
            AMOUNT,
            note="Cash the pooled fund held on 1 April, for its cash position; blank: £0 (a "
            "local choice)",
        ),
    ),
)


def period_header(period: int) -> str:
    """'P1 Apr': the period's number (what a quarterly year uses too) and its month."""
    return f"P{period} {MONTHS[period - 1]}"


def _period_columns(kind: Any, what: str) -> tuple[Column, ...]:
    columns = []
    for p in range(1, MAX_PERIODS + 1):
        synonyms = [f"P{p}", f"Period {p}", f"M{p}", f"Month {p}", MONTHS[p - 1]]
        if p <= 4:
            synonyms += [f"Q{p}", f"Quarter {p}"]
        columns.append(
            Column(
                f"p{p}",
                period_header(p),
                kind,
                tuple(synonyms),
                required=False,
                width=13,
                prompt=f"{what} in period {p}; blank: not closed (or nothing)",
            )
        )
    return tuple(columns)


PERIOD_FIELDS = tuple(f"p{p}" for p in range(1, MAX_PERIODS + 1))
LINE_COLUMN = Column(
    "line", "Line", LINE, ("Budget line", "Scheme"), width=WIDE, prompt="A line from Lines"
)

PERIOD_ACTUALS = TableSpec(
    "PeriodActuals",
    "Actuals by period",
    (
        LINE_COLUMN,
        Column(
            "partner",
            "Partner",
            PARTNER,
            required=False,
            width=WIDE,
            prompt="Blank: a pooled line's whole spend; an aligned line or in kind: the partner",
        ),
        Column(
            "kind",
            "Kind",
            KIND,
            ("Contribution kind",),
            required=False,
            default=ContributionKind.FINANCIAL,
            prompt="Financial (cash) or a kind in kind, kept apart; blank: Financial (a local "
            "choice)",
        ),
        *_period_columns(AMOUNT, "Spend"),
        Column(
            "commitments",
            "Commitments £",
            COMMITMENT,
            ("Commitments", "Committed £", "Committed"),
            required=False,
            width=15,
            prompt="Committed but not yet spent (orders raised); shown beside the forecast",
        ),
    ),
)

FORECASTS = TableSpec(
    "Forecasts",
    "Forecast methods",
    (
        LINE_COLUMN,
        Column(
            "partner",
            "Partner",
            PARTNER,
            required=False,
            width=WIDE,
            prompt="Blank: the whole line; a partner: its own part (an aligned line)",
        ),
        Column(
            "method",
            "Method",
            METHOD,
            ("Forecast method",),
            required=False,
            width=14,
            prompt="Profile or Run rate; blank: the In-year setting",
        ),
        Column(
            "profile",
            "Profile",
            PROFILE_NAME,
            ("Profile name",),
            required=False,
            width=18,
            prompt="A profile from Profiles; blank: flat, twelve equal parts (a local choice)",
        ),
        Column(
            "override",
            "Override £",
            AMOUNT,
            ("Override", "Forecast override £", "Officer's forecast £"),
            required=False,
            width=16,
            prompt="Your own forecast outturn for the line, shown as an override",
        ),
        Column(
            "reason",
            "Reason for override",
            TEXT,
            ("Reason",),
            required=False,
            width=56,
            prompt="Why the override (needed with one)",
        ),
        Column(
            "from_period",
            "Override from period",
            PERIOD,
            ("From period",),
            required=False,
            width=22,
            prompt="The period the override was first made; blank: the In-year setting's last "
            "period closed (a local choice)",
        ),
    ),
)

PROFILES = TableSpec(
    "Profiles",
    "Profiles",
    (
        Column("profile", "Profile", Text(what="a profile's name"), ("Name",), width=24),
        *_period_columns(WEIGHT, "The weight"),
    ),
)

PAYMENTS = TableSpec(
    "Payments",
    "Payments",
    (
        Column("partner", "Partner", PARTNER, width=WIDE, prompt="A partner from Partners"),
        Column(
            "period",
            "Period due",
            PERIOD,
            ("Period", "Due in period"),
            width=12,
            prompt="The period the instalment is due (1 = April)",
        ),
        Column("due", "Due £", DUE, ("Due", "Amount due £", "Scheduled £"), width=16),
        Column(
            "paid",
            "Paid £",
            PAYMENT,
            ("Paid", "Amount paid £", "Received £"),
            required=False,
            width=16,
            prompt="What the partner has paid against this instalment; blank: nothing yet",
        ),
    ),
)

#: The in-year tables, by the key the engine's places use (every one optional).
IN_YEAR_TABLES: dict[str, TableSpec] = {
    "period_actuals": PERIOD_ACTUALS,
    "forecasts": FORECASTS,
    "profiles": PROFILES,
    "payments": PAYMENTS,
}


def _given(value: Any) -> Any:
    return None if is_blank(value) else value


def in_year_settings(settings: SettingsRead | None) -> InYear:
    """The In-year settings (their defaults where the table is absent or a value blank)."""
    if settings is None:
        return InYear()
    values = {k: v for k, v in settings.values.items() if v is not None and v != ""}
    if "period" in values:
        values["period"] = int(values["period"])
    return InYear(**values)


def period_actuals(table: TableRead | None) -> pd.DataFrame:
    """line, partner ('' for a whole line), kind (its value), p1 ... p12 (£, NaN blank),
    commitments (£, 0 blank) and the sheet row, for every row read without a problem."""
    columns = ["line", "partner", "kind", *PERIOD_FIELDS, "commitments", ROW]
    if table is None:
        return pd.DataFrame(columns=columns)
    f = table.frame.loc[~table.bad]
    out = pd.DataFrame(
        {
            "line": f["line"].astype(object).to_numpy(),
            "partner": f["partner"]
            .map(lambda v: "" if is_blank(v) else v)
            .astype(object)
            .to_numpy(),
            "kind": f["kind"].map(lambda k: ContributionKind(k).value).astype(object).to_numpy(),
        }
    )
    for name in PERIOD_FIELDS:
        out[name] = f[name].astype(float).to_numpy()
    out["commitments"] = f["commitments"].astype(float).fillna(0.0).to_numpy()
    out[ROW] = f[ROW].to_numpy()
    return out[columns]


def forecast_rules(table: TableRead | None) -> list[ForecastRule]:
    if table is None:
        return []
    return [
        ForecastRule(
            line=r["line"],
            partner=_given(r["partner"]),
            method=_given(r["method"]),
            profile=_given(r["profile"]),
            override=None if is_blank(r["override"]) else float(r["override"]),
            reason=_given(r["reason"]) or "",
            from_period=None if is_blank(r["from_period"]) else int(r["from_period"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def profiles(table: TableRead | None) -> dict[str, tuple[np.ndarray, int]]:
    """{profile name: (its 12 weights, NaN where blank; its sheet row)}; a name used twice
    keeps its first row (the engine's checks say where the second is)."""
    if table is None:
        return {}
    out: dict[str, tuple[np.ndarray, int]] = {}
    for r in table.records():
        weights = np.array([np.nan if is_blank(r[f]) else float(r[f]) for f in PERIOD_FIELDS])
        out.setdefault(r["profile"], (weights, int(r[ROW])))
    return out


def profile_rows(table: TableRead | None) -> list[tuple[str, int]]:
    """Every profile's name and row, in order (to find a name given twice)."""
    if table is None:
        return []
    return [(r["profile"], int(r[ROW])) for r in table.records()]


def payments(table: TableRead | None) -> list[Payment]:
    if table is None:
        return []
    return [
        Payment(
            partner=r["partner"],
            period=int(r["period"]),
            due=float(r["due"]),
            paid=None if is_blank(r["paid"]) else float(r["paid"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def read_in_year_tables(
    settings: SettingsRead | None, reads: Mapping[str, TableRead | None], errors: InputErrors
) -> dict[str, Any]:
    """The in-year inputs from their read tables, for :class:`~cpcxl.budget.engine.InYearInputs`."""
    del errors  # every cell problem is recorded by read_table; cross-table ones by the engine
    return {
        "settings": in_year_settings(settings),
        "actuals": period_actuals(reads.get("period_actuals")),
        "rules": forecast_rules(reads.get("forecasts")),
        "profiles": profiles(reads.get("profiles")),
        "profile_rows": profile_rows(reads.get("profiles")),
        "payments": payments(reads.get("payments")),
    }
