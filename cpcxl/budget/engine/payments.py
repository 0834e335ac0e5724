"""The partners' contributions paid into the pooled fund against their schedules, and the
fund's cash position (CPC 509 A7 accounting arrangements; C4 monitoring data shared)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .arrangement import PERIOD_FIELDS, BudgetInputs


@dataclass
class PaymentPosition:
    """Who has paid what against its schedule, and the fund's cash, as at ``period``."""

    #: per partner: due in the year, due to date, paid, behind (+: owes; -: paid ahead),
    #: next instalment's period and amount, and its cash into the pooled lines this year
    partners: pd.DataFrame
    #: per period to date: due, paid (counted in the period due), spent from the fund
    #: (pooled lines' cash actuals) and the balance
    cash: pd.DataFrame
    opening: float
    notes: list[str]

    @property
    def balance(self) -> float:
        return float(self.cash["balance"].iat[-1]) if len(self.cash) else self.opening

    @property
    def behind(self) -> pd.DataFrame:
        return self.partners[self.partners["behind"] > 0.005]


def payment_position(
    inputs: BudgetInputs, units: pd.DataFrame, year: int, period: int, pooled_cash: pd.Series
) -> PaymentPosition:
    """The payments position as at ``period``: due to date is every instalment due in a
    period up to it; paid is everything paid so far, early instalments too; the fund's cash
    is its opening balance, plus what was paid, less the pooled lines' cash spent to date
    (an aligned line is spent from its partner's own budget, not the fund). ``pooled_cash``
    is each partner's cash into the pooled lines in the year, which its schedule should add
    up to (a note says where it does not)."""
    settings = inputs.in_year.settings
    partners = inputs.partner_names
    rows = pd.DataFrame(
        [(p.partner, p.period, p.due, p.paid or 0.0) for p in inputs.in_year.payments],
        columns=["partner", "period", "due", "paid"],
    )
    due_year = rows.groupby("partner")["due"].sum()
    due_now = rows[rows["period"] <= period].groupby("partner")["due"].sum()
    paid = rows.groupby("partner")["paid"].sum()
    later = rows[rows["period"] > period].sort_values("period", kind="stable")
    upcoming = later.groupby("partner").first()
    pooled = units[units["cash_unit"].astype(bool) & ~units["aligned"].astype(bool)]
    out = pd.DataFrame({"partner": partners})
    out["due_year"] = out["partner"].map(due_year).fillna(0.0)
    out["due_to_date"] = out["partner"].map(due_now).fillna(0.0)
    out["paid"] = out["partner"].map(paid).fillna(0.0)
    out["behind"] = out["due_to_date"] - out["paid"]
    out["next_period"] = out["partner"].map(upcoming["period"]) if len(upcoming) else np.nan
    out["next_due"] = out["partner"].map(upcoming["due"]) if len(upcoming) else np.nan
    out["cash_in_year"] = out["partner"].map(pooled_cash).fillna(0.0)
    notes = [
        f"{r.partner}'s schedule adds up to £{r.due_year:,.2f} but its cash into the pooled "
        f"lines in {year}/{(year + 1) % 100:02d} is £{r.cash_in_year:,.2f}."
        for r in out.itertuples(index=False)
        if r.partner in due_year.index and abs(r.due_year - r.cash_in_year) >= 0.005
    ]
    count = settings.periods.size
    spent = np.nan_to_num(pooled[list(PERIOD_FIELDS[:count])].to_numpy(dtype=float)).sum(axis=0)
    periods = np.arange(1, period + 1)
    due_by = rows.groupby("period")["due"].sum().reindex(periods).fillna(0.0)
    paid_by = rows.groupby("period")["paid"].sum().reindex(periods).fillna(0.0)
    cash = pd.DataFrame(
        {
            "period": periods,
            "label": [settings.periods.label(int(p)) for p in periods],
            "due": due_by.to_numpy(),
            "paid": paid_by.to_numpy(),
            "spent": spent[:period],
        }
    )
    cash["balance"] = settings.opening_balance + (cash["paid"] - cash["spent"]).cumsum()
    ahead = float(rows.loc[rows["period"] > period, "paid"].sum())
    if ahead and len(cash):
        # Paid early against a later instalment: in the fund already, so in the balance.
        cash.loc[cash.index[-1], "balance"] += ahead
        notes.append(
            f"£{ahead:,.2f} paid early against instalments due after period {period} is in "
            "the balance at the last period closed."
        )
    return PaymentPosition(out, cash, settings.opening_balance, notes)
