"""In-year monitoring of a pooled or aligned budget (CPC 509 C2-C5, C6): the forecast outturn
of every line and partner, the variance each partner bears on the forecast under the
agreement's terms, what is carried forward, and the movement since the last period.

What is monitored ("units"): a pooled line's cash as a whole (its actuals with no partner),
or each partner's part of it (actuals by partner); an aligned line's cash partner by partner
(each bears its own variance, CPC 509); and each partner's in kind apart, never shared and
never added to cash. A unit with no actuals entered is forecast at its budget and said so.
Pure: pandas and numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.limits import check_time

from ..models import ContributionKind, ForecastMethod, ForecastRule, PeriodKind, UnderspendUse
from .aggregation import JointBudget, ratio
from .arrangement import CASH, IN_KIND, PERIOD_FIELDS, BudgetInputs
from .outturn import forecast_grid
from .payments import PaymentPosition, payment_position
from .risk import RiskTerms, allocate_pence, settle, to_pence, year_weights

WHOLE = ""  # the partner of a unit that is a pooled line's whole spend
FINANCIAL = ContributionKind.FINANCIAL.value


@dataclass
class InYearResult:
    """Everything the month-end report shows, as at ``period`` of ``year``."""

    year: int
    periods: PeriodKind
    period: int
    #: per unit: line, partner ('' whole line), cash, aligned, budget, actual, commitments,
    #: forecast, previous, variance, movement, has_actuals, how
    units: pd.DataFrame
    #: per line (cash), the lines whose forecast moved most first
    lines: pd.DataFrame
    #: per partner: cash figures attributed to it, its share of the forecast variance under
    #: the terms (and last period's), and its in kind apart
    partners: pd.DataFrame
    #: per line and partner, cash, a pooled line's whole figures attributed by each
    #: partner's cash in it
    line_partner: pd.DataFrame
    settlement: pd.DataFrame
    previous_settlement: pd.DataFrame
    #: period, budget (£, the year's cash) and the forecast outturn as at that period
    by_period: pd.DataFrame
    #: partner, line, year, amount: underspend carried forward into next year
    carried_forward: pd.DataFrame
    #: partner, planned, carried_forward, total: next year's cash with the carry-forward
    next_year: pd.DataFrame
    payments: PaymentPosition | None
    notes: list[str] = field(default_factory=list)

    @property
    def total_budget(self) -> float:
        return float(self.lines["budget"].sum())

    @property
    def total_forecast(self) -> float:
        return float(self.lines["forecast"].sum())


def monitored_year(inputs: BudgetInputs) -> int:
    return inputs.in_year.settings.year or inputs.arrangement.first_year


def last_period(inputs: BudgetInputs) -> int:
    """The latest period with an actual in any row (0 if none)."""
    settings = inputs.in_year.settings
    values = inputs.in_year.actuals[list(PERIOD_FIELDS[: settings.periods.size])].to_numpy(float)
    given = np.flatnonzero(~np.isnan(values).all(axis=0)) if values.size else np.array([])
    return int(given[-1]) + 1 if given.size else 0


def as_at(inputs: BudgetInputs, period: int | None = None) -> int:
    """The period the report is as at: the one asked for, the In-year setting, or the last
    period with an actual (local choices, in that order)."""
    if period is not None:
        return period
    settings = inputs.in_year.settings
    return settings.period if settings.period is not None else last_period(inputs)


def _rules(rules: list[ForecastRule]) -> dict[tuple[str, str], ForecastRule]:
    return {(r.line, r.partner or WHOLE): r for r in rules}


def _units(inputs: BudgetInputs, budget: JointBudget, year: int, terms: RiskTerms) -> pd.DataFrame:
    """Every monitored unit with its budget, and the actual rows summed into it."""
    detail = budget.detail[budget.detail["year"] == year]
    detail = pd.DataFrame(
        {
            "line": detail["line"].astype(str).to_numpy(),
            "partner": detail["partner"].astype(str).to_numpy(),
            CASH: detail[CASH].to_numpy(dtype=float),
            IN_KIND: detail[IN_KIND].to_numpy(dtype=float),
        }
    )
    actuals = inputs.in_year.actuals
    cash_rows = actuals["kind"].to_numpy() == FINANCIAL
    named = set(actuals.loc[cash_rows & (actuals["partner"] != WHOLE).to_numpy(), "line"])
    aligned = {line for line in inputs.line_names if terms.is_aligned(line)}
    by_partner_lines = named | aligned
    cash = detail[detail[CASH] != 0]
    whole = (
        cash[~cash["line"].isin(by_partner_lines)]
        .groupby("line", sort=False, as_index=False)[CASH]
        .sum()
        .assign(partner=WHOLE)
    )
    own = cash[cash["line"].isin(by_partner_lines)][["line", "partner", CASH]]
    kind = detail[detail[IN_KIND] != 0][["line", "partner", IN_KIND]].rename(
        columns={IN_KIND: CASH}
    )
    budgeted = pd.concat(
        [whole.assign(cash_unit=True), own.assign(cash_unit=True), kind.assign(cash_unit=False)],
        ignore_index=True,
    ).rename(columns={CASH: "budget"})
    given = actuals.assign(cash_unit=cash_rows)
    summed = given.groupby(["line", "partner", "cash_unit"], sort=False, as_index=False)[
        [*PERIOD_FIELDS, "commitments"]
    ].sum(min_count=1)
    units = budgeted.merge(summed, on=["line", "partner", "cash_unit"], how="outer")
    # In whole pence, as a ledger keeps them, so every sum of them is exact and a line's
    # variance is the same however it is added up.
    units["budget"] = to_pence(units["budget"].fillna(0.0).to_numpy(dtype=float)) / 100
    units["commitments"] = units["commitments"].fillna(0.0)
    units["has_actuals"] = units.set_index(["line", "partner", "cash_unit"]).index.isin(
        summed.set_index(["line", "partner", "cash_unit"]).index
    )
    units["aligned"] = units["line"].isin(aligned).to_numpy()
    order = {line: i for i, line in enumerate(inputs.line_names)}
    partner_order = {p: i for i, p in enumerate(inputs.partner_names)}
    units = units.assign(
        _l=units["line"].map(order), _p=units["partner"].map(partner_order).fillna(-1)
    ).sort_values(["_l", "_p", "cash_unit"], ascending=[True, True, False], kind="stable")
    return units.drop(columns=["_l", "_p"]).reset_index(drop=True)


def _forecasts(
    inputs: BudgetInputs, units: pd.DataFrame, period: int
) -> tuple[np.ndarray, list[str]]:
    """Each unit's forecast as at periods 0 to ``period``, and how each was made."""
    settings = inputs.in_year.settings
    count = settings.periods.size
    values = units[list(PERIOD_FIELDS[:count])].to_numpy(dtype=float)
    spent = np.nan_to_num(values[:, :period])
    to_date = np.concatenate([np.zeros((len(units), 1)), np.cumsum(spent, axis=1)], axis=1)
    rules = _rules(inputs.in_year.rules)
    n = len(units)
    run_rate = np.zeros(n, dtype=bool)
    weights = np.ones((n, count))
    how: list[str] = []
    overrides: list[tuple[int, float, int]] = []
    lines = units["line"].to_numpy()
    partners = units["partner"].to_numpy()
    cash = units["cash_unit"].to_numpy(dtype=bool)
    has = units["has_actuals"].to_numpy(dtype=bool)
    for i in range(n):
        if i % 4096 == 4095:
            check_time()
        rule = None
        if cash[i]:
            rule = rules.get((lines[i], partners[i]))
            if rule is None and partners[i] != WHOLE:
                line_rule = rules.get((lines[i], WHOLE))
                if line_rule is not None and line_rule.override is None:
                    rule = line_rule
        method = (rule.method if rule and rule.method else None) or settings.method
        words = method.label
        if rule is not None and rule.profile and method is ForecastMethod.PROFILE:
            weights[i] = inputs.in_year.profiles[rule.profile][0][:count]
            words += f" ({rule.profile})"
        elif method is ForecastMethod.PROFILE:
            words += " (flat)"
        run_rate[i] = method is ForecastMethod.RUN_RATE
        if rule is not None and rule.override is not None:
            # Blank: it stands from the period closed when it was made, the In-year setting's
            # (else the latest with actuals), so an earlier period is reported as it stood.
            start = rule.from_period if rule.from_period is not None else as_at(inputs)
            overrides.append((i, rule.override, start))
            words = f"Override from P{start}: {rule.reason}"
        elif not has[i]:
            words = "No actuals entered: forecast at budget"
        how.append(words)
    grid = forecast_grid(units["budget"].to_numpy(dtype=float), to_date, run_rate, weights, count)
    grid[~has] = units["budget"].to_numpy(dtype=float)[~has, None]
    for i, amount, start in overrides:
        grid[i, start:] = amount
    return to_pence(grid) / 100, how


def _share(
    units: pd.DataFrame, forecast: np.ndarray, weights: pd.DataFrame, terms: RiskTerms
) -> pd.DataFrame:
    """The settlement of a forecast: pooled lines' variance shared on the terms (overspend or
    underspend), aligned lines' variance each partner's own."""
    cash = units["cash_unit"].to_numpy(dtype=bool)
    variance = pd.Series(forecast - units["budget"].to_numpy(dtype=float), index=units.index)
    aligned = units["aligned"].to_numpy(dtype=bool)
    line_variance = variance[cash & ~aligned].groupby(units["line"][cash & ~aligned]).sum()
    own = variance[cash & aligned].groupby(units["partner"][cash & aligned]).sum()
    return settle(weights, line_variance, own, terms)


def in_year(
    inputs: BudgetInputs, budget: JointBudget, terms: RiskTerms, period: int | None = None
) -> InYearResult:
    """The month-end position as at ``period`` (see :func:`as_at`): forecasts by line and
    partner, each partner's share of the forecast variance, the movement since the last
    period, the carry-forward and the payments."""
    settings = inputs.in_year.settings
    year = monitored_year(inputs)
    count = settings.periods.size
    period = as_at(inputs, period)
    notes: list[str] = []
    later = inputs.in_year.actuals[list(PERIOD_FIELDS[period:count])].notna().to_numpy()
    if later.any():
        notes.append(
            f"Actuals entered after period {period} are left out: the report is as at "
            f"period {period} ({settings.periods.label(period) if period else 'none closed'})."
        )
    units = _units(inputs, budget, year, terms)
    grid, how = _forecasts(inputs, units, period)
    forecast = grid[:, period]
    previous = grid[:, period - 1] if period else units["budget"].to_numpy(dtype=float)
    count_spent = np.nan_to_num(units[list(PERIOD_FIELDS[:period])].to_numpy(dtype=float))
    units = units.assign(
        actual=count_spent.sum(axis=1),
        forecast=forecast,
        previous=previous,
        how=how,
    )
    units["variance"] = units["forecast"] - units["budget"]
    units["movement"] = units["forecast"] - units["previous"]

    weights = year_weights(budget, year)
    cash = units[units["cash_unit"]]
    settlement = _locate(inputs, lambda: _share(units, forecast, weights, terms))
    previous_settlement = _locate(inputs, lambda: _share(units, previous, weights, terms))

    lines = _lines(inputs, cash, terms)
    line_partner = _attribute(cash, budget, year)
    partners = _partners(
        inputs, line_partner, units[~units["cash_unit"]], settlement, previous_settlement
    )
    by_period = pd.DataFrame(
        {
            "period": np.arange(1, period + 1),
            "label": [settings.periods.label(p) for p in range(1, period + 1)],
            "budget": float(cash["budget"].sum()),
            "forecast": grid[units["cash_unit"].to_numpy(dtype=bool)].sum(axis=0)[1:],
        }
    )
    carried = _carry_forward(inputs, settlement, lines, weights, year)
    next_year = _next_year(inputs, budget, carried, year)
    pooled_cash = weights[terms.pooled(weights.columns)].sum(axis=1)
    position = (
        payment_position(inputs, units, year, period, pooled_cash)
        if inputs.in_year.payments
        else None
    )
    return InYearResult(
        year=year,
        periods=settings.periods,
        period=period,
        units=units,
        lines=lines,
        partners=partners,
        line_partner=line_partner,
        settlement=settlement,
        previous_settlement=previous_settlement,
        by_period=by_period,
        carried_forward=carried,
        next_year=next_year,
        payments=position,
        notes=notes,
    )


def _locate(inputs: BudgetInputs, work: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    return settled_at_terms(inputs, "the forecast variance", work)


def settled_at_terms(
    inputs: BudgetInputs, what: str, work: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    """A settlement, or why the terms cannot make it, at the Arrangement's basis."""
    try:
        return work()
    except InputError as exc:
        raise InputErrors(
            [
                InputError(
                    f"{what} cannot be settled to the penny: {exc.message}",
                    location=inputs.where("arrangement", None, "basis"),
                    valid=exc.valid or "terms that settle every variance (a host, leads, caps)",
                )
            ]
        ) from None


def _bearer(line: str, aligned: bool, terms: RiskTerms) -> str:
    if aligned:
        return "Its partner (aligned)"
    if line in terms.excluded:
        return "Its contributors (kept out)"
    return "The pool, on its terms"


def terms_words(terms: RiskTerms, carried: bool) -> str:
    """The terms a pooled fund's forecast variance is shared on, in words."""
    over, under = terms.basis.label, terms.under_basis.label
    use = "carried forward" if carried else "returned"
    if over == under:
        return f"overspends and underspends {over.lower()} (underspends {use})"
    return f"overspends {over.lower()}; underspends {under.lower()}, {use}"


def _lines(inputs: BudgetInputs, cash: pd.DataFrame, terms: RiskTerms) -> pd.DataFrame:
    """Per line: the cash figures, how it was forecast and who bears it; the lines whose
    forecast moved most first (then the lines' own order)."""
    grouped = cash.groupby("line", sort=False)
    frame = grouped[["budget", "actual", "commitments", "forecast", "previous"]].sum()
    frame["has_actuals"] = grouped["has_actuals"].any()
    frame["aligned"] = grouped["aligned"].first()
    frame["how"] = grouped.apply(
        lambda g: g["how"].iat[0] if len(g) == 1 or g["how"].nunique() == 1 else "By partner"
    )
    frame["variance"] = frame["forecast"] - frame["budget"]
    frame["variance_share"] = ratio(frame["variance"], frame["budget"])
    frame["movement"] = frame["forecast"] - frame["previous"]
    frame["committed_beyond"] = np.maximum(
        frame["actual"] + frame["commitments"] - frame["forecast"], 0.0
    )
    frame = frame.reset_index()
    frame["bearer"] = [
        _bearer(line, bool(a), terms)
        for line, a in zip(frame["line"], frame["aligned"], strict=True)
    ]
    frame["kind"] = np.where(frame["aligned"], "Aligned", "Pooled")
    order = {line: i for i, line in enumerate(inputs.line_names)}
    frame = frame.assign(_size=-frame["movement"].abs().round(2), _l=frame["line"].map(order))
    frame = frame.sort_values(["_size", "_l"], kind="stable").drop(columns=["_size", "_l"])
    return frame.reset_index(drop=True)


def _attribute(cash: pd.DataFrame, budget: JointBudget, year: int) -> pd.DataFrame:
    """Per line and partner: a whole line's figures attributed by each partner's cash in it;
    a partner's own part as it is. A whole line nobody contributes to stays unattributed."""
    columns = ["budget", "actual", "commitments", "forecast", "previous"]
    detail = budget.detail[budget.detail["year"] == year]
    share = pd.DataFrame(
        {
            "line": detail["line"].astype(str).to_numpy(),
            "partner": detail["partner"].astype(str).to_numpy(),
            "cash": detail[CASH].to_numpy(dtype=float),
        }
    )
    share = share[share["cash"] != 0]
    share["fraction"] = share["cash"] / share.groupby("line")["cash"].transform("sum")
    whole = cash[cash["partner"] == WHOLE]
    spread = whole[["line", *columns]].merge(share[["line", "partner", "fraction"]], on="line")
    for c in columns:
        spread[c] = spread[c] * spread["fraction"]
    lonely = whole[~whole["line"].isin(share["line"])][["line", "partner", *columns]]
    own = cash[cash["partner"] != WHOLE][["line", "partner", *columns]]
    out = pd.concat([spread[["line", "partner", *columns]], own, lonely], ignore_index=True)
    out = out.groupby(["line", "partner"], sort=False, as_index=False)[columns].sum()
    out["variance"] = out["forecast"] - out["budget"]
    out["movement"] = out["forecast"] - out["previous"]
    return out


def _partners(
    inputs: BudgetInputs,
    line_partner: pd.DataFrame,
    in_kind: pd.DataFrame,
    settlement: pd.DataFrame,
    previous: pd.DataFrame,
) -> pd.DataFrame:
    partners = inputs.partner_names
    cash = (
        line_partner.groupby("partner")[["budget", "actual", "forecast", "variance"]]
        .sum()
        .reindex(partners)
        .fillna(0.0)
    )
    kind = (
        in_kind.groupby("partner")[["budget", "actual", "forecast", "variance"]]
        .sum()
        .reindex(partners)
        .fillna(0.0)
        .add_prefix("in_kind_")
    )
    out = pd.concat([cash, kind], axis=1)
    out["share"] = settlement["settlement"].reindex(partners).fillna(0.0)
    out["pooled_share"] = (settlement["shared_pence"] + settlement["excluded_pence"]).reindex(
        partners
    ).fillna(0) / 100
    out["own_share"] = settlement["own_pence"].reindex(partners).fillna(0) / 100
    out["previous_share"] = previous["settlement"].reindex(partners).fillna(0.0)
    out["share_movement"] = out["share"] - out["previous_share"]
    out.index.name = "partner"
    return out.reset_index()


def _carry_forward(
    inputs: BudgetInputs,
    settlement: pd.DataFrame,
    lines: pd.DataFrame,
    weights: pd.DataFrame,
    year: int,
) -> pd.DataFrame:
    """Each partner's underspend of the pooled lines, carried forward into next year as its
    own contribution (when the agreement carries underspends forward): on the pooled lines
    that underspent and that it puts cash into, in proportion to their underspend (a local
    choice; if it puts cash into none of them, all of them), to the penny."""
    columns = ["partner", "line", "year", "amount"]
    if inputs.arrangement.underspend_use is not UnderspendUse.CARRIED_FORWARD:
        return pd.DataFrame(columns=columns)
    pooled = lines[~lines["aligned"].astype(bool) & (lines["variance"] < 0)]
    if pooled.empty:
        return pd.DataFrame(columns=columns)
    under = pd.Series(-pooled["variance"].to_numpy(), index=pooled["line"].to_numpy())
    part = settlement["shared_pence"] + settlement["excluded_pence"]
    rows = []
    for partner, pence in part.items():
        if pence >= 0:
            continue
        mine = weights.loc[partner].reindex(under.index).fillna(0.0) > 0
        target = under[mine] if mine.any() else under
        split = allocate_pence(np.array([-int(pence)]), target.to_numpy()[None, :])[0]
        rows += [
            [partner, line, year + 1, int(p) / 100]
            for line, p in zip(target.index, split, strict=True)
            if p
        ]
    return pd.DataFrame(rows, columns=columns)


def _next_year(
    inputs: BudgetInputs, budget: JointBudget, carried: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Per partner: next year's cash as planned (blank beyond the arrangement), what is
    carried forward into it, and the two together."""
    columns = ["partner", "planned", "carried_forward", "total"]
    if carried.empty:
        return pd.DataFrame(columns=columns)
    nxt = year + 1
    planned = (
        budget.by("year", "partner")[CASH].xs(nxt, level="year")
        if nxt in budget.years
        else pd.Series(dtype=float)
    )
    forward = carried.groupby("partner")["amount"].sum()
    out = pd.DataFrame({"partner": inputs.partner_names})
    out["planned"] = out["partner"].map(planned) if nxt in budget.years else np.nan
    out["carried_forward"] = out["partner"].map(forward).fillna(0.0)
    out["total"] = out["planned"].fillna(0.0) + out["carried_forward"]
    return out[out["carried_forward"] != 0].reset_index(drop=True)
