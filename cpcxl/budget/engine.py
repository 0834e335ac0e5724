"""Aligned and pooled budgets: projection, the joint budget, risk share, scenarios, monitoring.

Pure: pandas and numpy over a long table of contributions (partner, line, year, kind, amount),
no Excel and no files. Money is in pounds as floats until a settlement is made; settlements
are made in whole pence so that they add up exactly to the variance being shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError, InputErrors, Location

from .models import (
    Arrangement,
    Change,
    Condition,
    ContributionKind,
    Line,
    Outcome,
    Partner,
    RiskBasis,
    year_label,
)

#: The long table's columns. ``reduction`` marks a negative amount as a deliberate reduction.
CONTRIBUTION_COLUMNS = ("partner", "line", "year", "kind", "amount", "reduction")
CASH = "cash"
IN_KIND = "in_kind"
#: Shares of a fixed-percentages basis may be off 100% by this much (typing 33.33% three times).
FIXED_SHARE_TOLERANCE = 0.0005


# --- inputs --------------------------------------------------------------------------------


@dataclass
class BudgetInputs:
    """Everything an officer enters for one arrangement, as typed values."""

    arrangement: Arrangement
    partners: list[Partner]
    lines: list[Line]
    #: long table: partner, line, year (int), kind (ContributionKind value), amount (£),
    #: reduction (bool); optional ``_row`` (sheet row) for located errors
    contributions: pd.DataFrame
    conditions: list[Condition] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    #: partner, line, year (int or <NA> for every year), cost (£): spend on the line alone
    standalone: pd.DataFrame = field(default_factory=lambda: empty_standalone())
    #: line, year, partner (text or blank for the whole line), actual (£)
    actuals: pd.DataFrame = field(default_factory=lambda: empty_actuals())
    #: where each table is, to place errors: {table: (sheet, {field: Place})}
    places: Mapping[str, tuple[str, Mapping[str, Place]]] = field(default_factory=dict)

    @property
    def partner_names(self) -> list[str]:
        return [p.name for p in self.partners]

    @property
    def line_names(self) -> list[str]:
        return [line.name for line in self.lines]

    def where(self, table: str, row: int | None, column: str | None = None) -> Location:
        """The location of a field in a row of one of the input tables."""
        sheet, fields = self.places.get(table, (table.capitalize(), {}))
        place = fields.get(column or "")
        if place is None:
            return Location(sheet=sheet, row=row, field=column)
        row = place.row if place.row is not None else row
        cell = f"{place.letter}{row}" if place.letter and row is not None else None
        return Location(sheet=sheet, cell=cell, row=row, field=place.header)


@dataclass(frozen=True)
class Place:
    """Where a field is: its column letter and header, and its row if it has only one."""

    letter: str | None
    header: str
    row: int | None = None


def empty_standalone() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner": pd.Series(dtype=object),
            "line": pd.Series(dtype=object),
            "year": pd.Series(dtype="Int64"),
            "cost": pd.Series(dtype=float),
        }
    )


def empty_actuals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "line": pd.Series(dtype=object),
            "year": pd.Series(dtype="int64"),
            "partner": pd.Series(dtype=object),
            "actual": pd.Series(dtype=float),
        }
    )


def _rows(frame: pd.DataFrame) -> np.ndarray:
    if "_row" in frame.columns:
        return frame["_row"].to_numpy()
    return np.full(len(frame), None, dtype=object)


def check(inputs: BudgetInputs) -> InputErrors:
    """Every cross-table problem at once, each with where it is and what would be valid."""
    errors = InputErrors()
    arrangement = inputs.arrangement
    partners = inputs.partner_names
    known = set(partners)
    lines = set(inputs.line_names)
    years = arrangement.year_list
    year_range = f"{year_label(years[0])} to {year_label(years[-1])} (the arrangement's years)"

    seen: dict[str, int | None] = {}
    for p in inputs.partners:
        if p.name in seen:
            errors.add(
                InputError(
                    f"partner {p.name!r} is listed twice (first at row {seen[p.name]})",
                    location=inputs.where("partners", p.row, "partner"),
                    valid="each partner once",
                )
            )
        seen[p.name] = p.row
    if not partners:
        errors.add(InputError("no partners are listed", location=inputs.where("partners", None)))
    if arrangement.host is not None and arrangement.host not in known:
        errors.add(
            InputError(
                f"the host {arrangement.host!r} is not one of the partners",
                location=inputs.where("arrangement", None, "host"),
                valid=partners,
            )
        )
    for line in inputs.lines:
        if line.lead is not None and line.lead not in known:
            errors.add(
                InputError(
                    f"the commissioning partner {line.lead!r} of line {line.name!r} is not one of "
                    "the partners",
                    location=inputs.where("lines", line.row, "lead"),
                    valid=partners,
                )
            )

    if arrangement.test_year is not None and arrangement.test_year not in years:
        errors.add(
            InputError(
                f"year {year_label(arrangement.test_year)} is outside the arrangement",
                location=inputs.where("arrangement", None, "test_year"),
                valid=year_range,
            )
        )
    if arrangement.basis is RiskBasis.FIXED:
        shares = [p.fixed_share for p in inputs.partners if p.fixed_share is not None]
        total = sum(shares)
        if abs(total - 1) > FIXED_SHARE_TOLERANCE:
            errors.add(
                InputError(
                    f"the fixed risk-share percentages add up to {total:.2%}, not 100%",
                    location=inputs.where("partners", None, "fixed_share"),
                    valid="percentages for the partners that add up to 100%",
                )
            )
    if arrangement.basis is RiskBasis.HOST and arrangement.host is None:
        errors.add(
            InputError(
                "the risk-share basis is 'host bears it' but no host is named",
                location=inputs.where("arrangement", None, "host"),
                valid=partners,
            )
        )
    if arrangement.basis is RiskBasis.LEAD:
        for line in inputs.lines:
            if line.lead is None and not line.excluded:
                errors.add(
                    InputError(
                        f"line {line.name!r} has no commissioning partner to bear its variance",
                        location=inputs.where("lines", line.row, "lead"),
                        valid=partners,
                    )
                )

    c = inputs.contributions
    rows = _rows(c)
    for field_name, allowed, what in (
        ("partner", known, partners),
        ("line", lines, inputs.line_names),
    ):
        bad = ~c[field_name].isin(allowed).to_numpy()
        for row, value in zip(rows[bad], c[field_name].to_numpy()[bad], strict=True):
            errors.add(
                InputError(
                    f"{value!r} is not in the {field_name} list",
                    location=inputs.where("contributions", row, field_name),
                    valid=what,
                )
            )
    bad = ~c["year"].isin(years).to_numpy()
    for row, value in zip(rows[bad], c["year"].to_numpy()[bad], strict=True):
        errors.add(
            InputError(
                f"year {year_label(int(value))} is outside the arrangement",
                location=inputs.where("contributions", row, "year"),
                valid=year_range,
            )
        )
    if "reduction" in c.columns:
        reduction = c["reduction"].astype(bool)
    else:
        reduction = pd.Series(False, index=c.index)
        c = c.assign(reduction=reduction)
    bad = ((c["amount"] < 0) & ~reduction).to_numpy()
    for row, value in zip(rows[bad], c["amount"].to_numpy()[bad], strict=True):
        errors.add(
            InputError(
                f"the amount £{value:,.2f} is negative but not marked as a reduction",
                location=inputs.where("contributions", row, "amount"),
                valid="an amount of £0 or more, or mark the row as a reduction",
            )
        )
    bad = ((c["amount"] > 0) & reduction).to_numpy()
    for row, value in zip(rows[bad], c["amount"].to_numpy()[bad], strict=True):
        errors.add(
            InputError(
                f"the amount £{value:,.2f} is marked as a reduction but is not negative",
                location=inputs.where("contributions", row, "amount"),
                valid="a negative amount for a reduction (e.g. -20000), or Reduction = No",
            )
        )
    # A reduction row is an adjustment beside the amount it reduces, so it is not a duplicate.
    keys = ["partner", "line", "year", "kind", "reduction"]
    duplicated = c.duplicated(keys, keep=False).to_numpy()
    if duplicated.any():
        dupes = c.loc[duplicated]
        first_rows = dupes.groupby(keys, sort=False)["_row" if "_row" in c else "amount"].transform(
            "first"
        )
        for (_, r), first in zip(dupes.iterrows(), first_rows, strict=True):
            row = r.get("_row")
            if row == first:
                continue
            errors.add(
                InputError(
                    f"a duplicate of row {first}: {r['partner']}, {r['line']}, "
                    f"{year_label(int(r['year']))}, {r['kind']}"
                    f"{' (reduction)' if r['reduction'] else ''} is entered twice",
                    location=inputs.where("contributions", row, "partner"),
                    valid="one row per partner, line, year and kind (add the amounts together)",
                )
            )

    for condition in inputs.conditions:
        if condition.partner not in known:
            errors.add(
                InputError(
                    f"{condition.partner!r} is not in the partner list",
                    location=inputs.where("conditions", condition.row, "partner"),
                    valid=partners,
                )
            )
        for attr in ("from_year", "to_year"):
            year = getattr(condition, attr)
            if year is not None and year not in years:
                errors.add(
                    InputError(
                        f"year {year_label(year)} is outside the arrangement",
                        location=inputs.where("conditions", condition.row, attr),
                        valid=year_range,
                    )
                )
    for outcome in inputs.outcomes:
        if outcome.partner not in known:
            errors.add(
                InputError(
                    f"{outcome.partner!r} is not in the partner list",
                    location=inputs.where("outcomes", outcome.row, "partner"),
                    valid=partners,
                )
            )
        for line in outcome.lines:
            if line not in lines:
                errors.add(
                    InputError(
                        f"{line!r} is not in the line list",
                        location=inputs.where("outcomes", outcome.row, "lines"),
                        valid=inputs.line_names,
                    )
                )
    for table, frame in (("standalone", inputs.standalone), ("actuals", inputs.actuals)):
        rows = _rows(frame)
        partner = frame["partner"].fillna("").astype(str).str.strip()
        bad = ((partner != "") & ~partner.isin(known)).to_numpy()
        for row, value in zip(rows[bad], partner.to_numpy()[bad], strict=True):
            errors.add(
                InputError(
                    f"{value!r} is not in the partner list",
                    location=inputs.where(table, row, "partner"),
                    valid=partners,
                )
            )
        bad = ~frame["line"].isin(lines).to_numpy()
        for row, value in zip(rows[bad], frame["line"].to_numpy()[bad], strict=True):
            errors.add(
                InputError(
                    f"{value!r} is not in the line list",
                    location=inputs.where(table, row, "line"),
                    valid=inputs.line_names,
                )
            )
        year = frame["year"]
        bad = (year.notna() & ~year.isin(years)).to_numpy()
        for row, value in zip(rows[bad], year.to_numpy()[bad], strict=True):
            errors.add(
                InputError(
                    f"year {year_label(int(value))} is outside the arrangement",
                    location=inputs.where(table, row, "year"),
                    valid=year_range,
                )
            )
    return errors


# --- projection ------------------------------------------------------------------------------


def change_factors(
    conditions: Iterable[Condition], partners: Sequence[str], years: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Per partner and year: the growth factor into that year, and the cash cap (inf if none).

    An uplift u and a reduction r in the same year give (1 + u) × (1 - r); a condition runs
    from its first year to its last (the end of the arrangement when none is given).
    """
    index = {p: i for i, p in enumerate(partners)}
    factors = np.ones((len(partners), len(years)))
    caps = np.full((len(partners), len(years)), np.inf)
    year_array = np.asarray(years)
    for c in conditions:
        if c.partner not in index:
            continue
        active = (year_array >= c.from_year) & (
            year_array <= (c.to_year if c.to_year is not None else year_array[-1])
        )
        i = index[c.partner]
        if c.change is Change.UPLIFT:
            factors[i, active] *= 1 + c.value
        elif c.change is Change.REDUCTION:
            factors[i, active] *= 1 - c.value
        else:
            caps[i, active] = np.minimum(caps[i, active], c.value)
    return factors, caps


def project(
    contributions: pd.DataFrame,
    conditions: Iterable[Condition],
    partners: Sequence[str],
    years: Sequence[int],
) -> pd.DataFrame:
    """Every partner × line × kind over the arrangement's years, with the conditions applied.

    An amount entered for a year is that partner's forecast and is kept. A year with no amount
    after one that has one is projected from the year before with the partner's uplift and
    reductions (CPC 509 A4, B2). A cap then limits the partner's cash in each year it applies,
    scaling its lines down in proportion. A row marked as a reduction (a negative amount) is
    added to its own year only, after the projection. Returns partner, line, kind, year,
    amount and projected (True where no amount was entered).
    """
    years = list(years)
    frame = contributions[["partner", "line", "kind", "year", "amount"]]
    reduction = (
        contributions["reduction"].to_numpy(dtype=bool)
        if "reduction" in contributions.columns
        else np.zeros(len(frame), dtype=bool)
    )
    # One series per partner × line × kind, found from integer codes rather than strings.
    p_codes, p_names = pd.factorize(frame["partner"])
    l_codes, l_names = pd.factorize(frame["line"])
    k_codes, k_names = pd.factorize(frame["kind"])
    n_lines, n_kinds = max(len(l_names), 1), max(len(k_names), 1)
    combined = (p_codes.astype(np.int64) * n_lines + l_codes) * n_kinds + k_codes
    unique, series_codes = np.unique(combined, return_inverse=True)
    series_partner = p_names.take(unique // (n_lines * n_kinds))
    series_kind = k_names.take(unique % n_kinds)
    year_index = pd.Index(years)
    year_codes = year_index.get_indexer(frame["year"])
    amounts = frame["amount"].to_numpy(dtype=float)
    keep = (year_codes >= 0) & ~reduction
    grid = np.zeros((len(unique), len(years)))
    np.add.at(grid, (series_codes[keep], year_codes[keep]), amounts[keep])
    entered = np.zeros(grid.shape, dtype=bool)
    entered[series_codes[keep], year_codes[keep]] = True
    grid[~entered] = np.nan

    partner_index = pd.Index(list(partners))
    partner_of_series = partner_index.get_indexer(series_partner)
    known = partner_of_series >= 0
    factors, caps = change_factors(conditions, partners, years)
    safe_partner = np.where(known, partner_of_series, 0)
    for j in range(1, len(years)):
        gap = np.isnan(grid[:, j]) & known
        grid[gap, j] = grid[gap, j - 1] * factors[safe_partner[gap], j]
    grid = np.nan_to_num(grid, nan=0.0)
    # A reduction is a one-off adjustment to its year; a recurring one is a Condition.
    cut = (year_codes >= 0) & reduction
    np.add.at(grid, (series_codes[cut], year_codes[cut]), amounts[cut])
    entered[series_codes[cut], year_codes[cut]] = True

    is_cash = np.asarray(series_kind == ContributionKind.FINANCIAL.value)
    capped = np.isfinite(caps).any(axis=1)
    if capped.any():
        cash_rows = is_cash & known
        totals = np.zeros((len(partners), len(years)))
        np.add.at(totals, partner_of_series[cash_rows], grid[cash_rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(totals > caps, caps / totals, 1.0)
        grid[cash_rows] *= scale[partner_of_series[cash_rows]]

    n_series, n_years = grid.shape

    # Categoricals keep a quarter of a million rows small and the later grouping fast.
    def repeated(names: pd.Index, codes: np.ndarray) -> pd.Categorical:
        return pd.Categorical.from_codes(np.repeat(codes, n_years), categories=names)

    out = pd.DataFrame(
        {
            "partner": repeated(p_names, unique // (n_lines * n_kinds)),
            "line": repeated(l_names, (unique // n_kinds) % n_lines),
            "kind": repeated(k_names, unique % n_kinds),
            "year": np.tile(np.asarray(years, dtype=np.int64), n_series),
            "amount": grid.reshape(-1),
            "projected": ~entered.reshape(-1),
        }
    )
    # A year before a contribution starts is not a projected nil: leave it out.
    return out.loc[entered.reshape(-1) | (out["amount"].to_numpy() != 0)].reset_index(drop=True)


# --- the joint budget --------------------------------------------------------------------------


@dataclass
class JointBudget:
    """The joint budget with each partner's contribution and share at every level."""

    #: line, year, partner, cash, in_kind: the finest level, one row per cell of the budget
    detail: pd.DataFrame
    partners: list[str]
    lines: list[str]
    years: list[int]

    def by(self, *levels: str) -> pd.DataFrame:
        """Cash and in-kind summed to ``levels`` (e.g. "partner", "year"), with shares.

        ``cash_share`` is the partner's part of the cash at the same level without the
        partner (its share of that line-year, year, line or the whole); ``share`` is the same
        for cash and in kind together.
        """
        grouped = self.detail.groupby(list(levels), observed=True, sort=False)[
            [CASH, IN_KIND]
        ].sum()
        grouped["total"] = grouped[CASH] + grouped[IN_KIND]
        if "partner" in levels:
            outer = [lv for lv in levels if lv != "partner"]
            if outer:
                level_totals = grouped.groupby(level=outer, observed=True, sort=False)[
                    [CASH, "total"]
                ].transform("sum")
            else:
                whole = grouped[[CASH, "total"]].sum()
                level_totals = pd.DataFrame(
                    {CASH: whole[CASH], "total": whole["total"]}, index=grouped.index
                )
            grouped["cash_share"] = _ratio(grouped[CASH], level_totals[CASH])
            grouped["share"] = _ratio(grouped["total"], level_totals["total"])
        return grouped.sort_index()

    def pivot(self, index: Sequence[str], values: str = CASH) -> pd.DataFrame:
        """``values`` by ``index`` with one column per partner, in the partners' order."""
        table = self.detail.pivot_table(
            index=list(index), columns="partner", values=values, aggfunc="sum", observed=True
        )
        return table.reindex(columns=self.partners).fillna(0.0)

    @property
    def total_cash(self) -> float:
        return float(self.detail[CASH].sum())

    @property
    def total_in_kind(self) -> float:
        return float(self.detail[IN_KIND].sum())


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(denominator.to_numpy() != 0, numerator / denominator, np.nan)
    return pd.Series(values, index=numerator.index)


def joint_budget(
    projected: pd.DataFrame, partners: Sequence[str], lines: Sequence[str], years: Sequence[int]
) -> JointBudget:
    """Cash and in-kind apart for every line, year and partner, in the order they were listed."""
    is_cash = (projected["kind"] == ContributionKind.FINANCIAL.value).to_numpy()
    amount = projected["amount"].to_numpy()
    frame = pd.DataFrame(
        {
            "line": pd.Categorical(projected["line"], categories=list(lines)),
            "year": pd.Categorical(projected["year"], categories=list(years)),
            "partner": pd.Categorical(projected["partner"], categories=list(partners)),
            CASH: np.where(is_cash, amount, 0.0),
            IN_KIND: np.where(is_cash, 0.0, amount),
        }
    )
    detail = (
        frame.groupby(["line", "year", "partner"], observed=True, sort=True)[[CASH, IN_KIND]]
        .sum()
        .reset_index()
    )
    return JointBudget(detail, list(partners), list(lines), list(years))


# --- risk share --------------------------------------------------------------------------------


def to_pence(pounds: float | np.ndarray) -> np.ndarray:
    """Pounds to whole pence, half a penny away from zero (as a ledger rounds)."""
    value = np.asarray(pounds, dtype=float) * 100
    return (np.sign(value) * np.floor(np.abs(value) + 0.5 + 1e-9)).astype(np.int64)


def allocate_pence(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each row's total pence over its weights so the parts add up to it exactly.

    Largest remainder (Hamilton's method): everyone gets the whole pence of their exact part,
    and the pence left over go one each to the largest fractions; equal fractions go to the
    one listed first. ``totals`` is (m,) integer pence, ``weights`` (m, n) non-negative; a row
    whose weights are all zero must have a zero total.
    """
    totals = np.asarray(totals, dtype=np.int64).reshape(-1)
    weights = np.asarray(weights, dtype=float).reshape(len(totals), -1)
    size = np.abs(totals)
    sums = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.where(sums[:, None] > 0, weights * (size / sums)[:, None], 0.0)
    whole = np.floor(exact + 1e-9)
    left = size - whole.sum(axis=1).astype(np.int64)
    fraction = exact - whole
    order = np.argsort(-fraction, axis=1, kind="stable")
    rank = np.empty_like(order)
    rank[np.arange(len(totals))[:, None], order] = np.arange(weights.shape[1])
    whole += rank < left[:, None]
    return (whole.astype(np.int64) * np.sign(totals)[:, None]).astype(np.int64)


@dataclass(frozen=True)
class RiskTerms:
    """The agreed terms for sharing a variance."""

    basis: RiskBasis = RiskBasis.PRO_RATA
    host: str | None = None
    fixed_shares: Mapping[str, float] = field(default_factory=dict)  # fractions
    caps: Mapping[str, float] = field(default_factory=dict)  # £ most a partner bears
    leads: Mapping[str, str] = field(default_factory=dict)  # line -> commissioning partner
    excluded: frozenset[str] = frozenset()  # lines kept out of the risk share

    @classmethod
    def from_inputs(cls, inputs: BudgetInputs, basis: RiskBasis | None = None) -> RiskTerms:
        return cls(
            basis=basis or inputs.arrangement.basis,
            host=inputs.arrangement.host,
            fixed_shares={
                p.name: p.fixed_share for p in inputs.partners if p.fixed_share is not None
            },
            caps={p.name: p.risk_cap for p in inputs.partners if p.risk_cap is not None},
            leads={line.name: line.lead for line in inputs.lines if line.lead},
            excluded=frozenset(line.name for line in inputs.lines if line.excluded),
        )


def share_risk(weights: pd.DataFrame, line_variance: pd.Series, terms: RiskTerms) -> pd.DataFrame:
    """Each partner's part of a variance, in whole pence adding up exactly to the variance.

    ``weights`` is the partners' cash by line (partners as rows, lines as columns);
    ``line_variance`` the variance of each line in £ (+ overspend, - underspend). A line kept
    out of the risk share stays with its own contributors, pro rata to what they put in; the
    rest is shared on ``terms.basis``. Returns, per partner: contribution, share (of the
    contributions on shared lines), shared and excluded parts and the settlement, in £.
    """
    partners = list(weights.index)
    index = {p: i for i, p in enumerate(partners)}
    lines = list(weights.columns)
    w = weights.to_numpy(dtype=float)
    variance = to_pence(line_variance.reindex(lines).fillna(0.0).to_numpy())
    excluded = np.array([line in terms.excluded for line in lines], dtype=bool)
    shared = ~excluded

    def one(total: int, vector: np.ndarray) -> np.ndarray:
        return allocate_pence(np.array([total]), vector[None, :])[0]

    def bearer(name: str | None, why: str) -> int:
        if name is None or name not in index:
            raise InputError(why, valid=", ".join(partners))
        return index[name]

    def by_line(cols: np.ndarray) -> np.ndarray:
        """Each line's variance pro rata to its own contributors (lead or host if none)."""
        parts = np.zeros(len(partners), dtype=np.int64)
        if not cols.any():
            return parts
        sub = w[:, cols].T
        v = variance[cols]
        empty = (sub.sum(axis=1) <= 0) & (v != 0)
        for k in np.flatnonzero(empty):
            line = [name for name, c in zip(lines, cols, strict=True) if c][k]
            who = terms.leads.get(line) or terms.host
            sub[k] = 0
            sub[
                k, bearer(who, f"line {line!r} has a variance but no contributions to share it")
            ] = 1
        return allocate_pence(v, sub).sum(axis=0)

    excluded_part = by_line(excluded)
    total_shared = int(variance[shared].sum())
    contribution = w[:, shared].sum(axis=1)
    basis = terms.basis
    if total_shared == 0:
        shared_part = np.zeros(len(partners), dtype=np.int64)
    elif basis is RiskBasis.PRO_RATA:
        if contribution.sum() <= 0:
            raise InputError("there are no contributions to share the variance pro rata")
        shared_part = one(total_shared, contribution)
    elif basis is RiskBasis.PRO_RATA_PER_LINE:
        shared_part = by_line(shared)
    elif basis is RiskBasis.FIXED:
        fixed = np.array([terms.fixed_shares.get(p, 0.0) for p in partners])
        check_fixed_shares(fixed)
        shared_part = one(total_shared, fixed)
    elif basis is RiskBasis.HOST:
        shared_part = np.zeros(len(partners), dtype=np.int64)
        shared_part[bearer(terms.host, "no host is named to bear the variance")] = total_shared
    elif basis is RiskBasis.LEAD:
        shared_part = np.zeros(len(partners), dtype=np.int64)
        shared_lines = [name for name, c in zip(lines, shared, strict=True) if c]
        for line, v in zip(shared_lines, variance[shared], strict=True):
            who = terms.leads.get(line)
            shared_part[bearer(who, f"line {line!r} has no commissioning partner")] += v
    else:
        shared_part = capped_parts(total_shared, contribution, partners, terms)
    settlement = excluded_part + shared_part
    assert settlement.sum() == variance.sum()
    return pd.DataFrame(
        {
            "contribution": contribution,
            "share": contribution / contribution.sum() if contribution.sum() else np.nan,
            "shared_part": shared_part / 100,
            "excluded_part": excluded_part / 100,
            "settlement": settlement / 100,
            "pence": settlement,
            "shared_pence": shared_part,
            "excluded_pence": excluded_part,
        },
        index=pd.Index(partners, name="partner"),
    )


def check_fixed_shares(shares: np.ndarray) -> None:
    total = float(np.sum(shares))
    if abs(total - 1) > FIXED_SHARE_TOLERANCE or (np.asarray(shares) < 0).any():
        raise InputError(
            f"the fixed risk-share percentages add up to {total:.2%}, not 100%",
            valid="percentages of 0% or more that add up to 100%",
        )


def capped_parts(
    total: int, contribution: np.ndarray, partners: list[str], terms: RiskTerms
) -> np.ndarray:
    """Pro rata, but no partner beyond its cap; what the caps leave is shared by the others.

    When every partner with a contribution has reached its cap, the host bears the rest.
    """
    size = abs(total)
    caps = np.array(
        [np.floor(terms.caps[p] * 100 + 1e-6) if p in terms.caps else np.inf for p in partners]
    )
    part = np.zeros(len(partners))
    active = contribution > 0
    remaining = float(size)
    while remaining > 0 and active.any():
        proposal = np.where(active, remaining * contribution / contribution[active].sum(), 0.0)
        over = active & (proposal > caps)
        if not over.any():
            part += proposal
            remaining = 0.0
            break
        part[over] = caps[over]
        remaining -= caps[over].sum()
        active &= ~over
    if remaining > 0.5:
        host = terms.host
        if host is None or host not in partners:
            raise InputError(
                f"the caps together cover £{(size - remaining) / 100:,.2f} of a "
                f"£{size / 100:,.2f} variance and no host is named to bear the rest",
                valid="higher caps, or a host",
            )
        part[partners.index(host)] += remaining
    allocated = allocate_pence(np.array([size]), part[None, :])[0]
    return allocated * (1 if total >= 0 else -1)


def spread_over_lines(amount: float, line_budget: pd.Series, excluded: Iterable[str]) -> pd.Series:
    """A single variance spread over the shared lines in proportion to their budgets."""
    shared = line_budget.drop(labels=[x for x in excluded if x in line_budget.index])
    total = shared.sum()
    if amount and not total:
        raise InputError(
            "there is no cash on the lines in the risk share to spread the overspend over",
            valid="cash contributions to at least one line that is not kept out",
        )
    spread = shared * (amount / total) if total else shared * 0
    return spread.reindex(line_budget.index).fillna(0.0)


# --- the whole budget --------------------------------------------------------------------------


@dataclass
class BudgetResult:
    """Everything the Build budget button and the partner statements show."""

    inputs: BudgetInputs
    projected: pd.DataFrame
    budget: JointBudget
    exposure: pd.DataFrame  # per partner: settlement of the test variance on the agreed basis
    exposure_by_basis: pd.DataFrame  # partners × bases, £
    outcomes: pd.DataFrame
    pooling: pd.DataFrame
    monitoring: pd.DataFrame
    monitoring_by_partner: pd.DataFrame
    actual_settlement: pd.DataFrame | None
    indicators: pd.DataFrame


def year_weights(budget: JointBudget, year: int) -> pd.DataFrame:
    """Partners' cash by line in one year: the weights for sharing that year's variance."""
    detail = budget.detail[budget.detail["year"] == year]
    table = detail.pivot_table(
        index="partner", columns="line", values=CASH, aggfunc="sum", observed=False
    )
    return table.reindex(index=budget.partners, columns=budget.lines).fillna(0.0)


def tested_exposure(
    budget: JointBudget, terms: RiskTerms, amount: float, year: int
) -> pd.DataFrame:
    """Each partner's part of ``amount`` overspent in ``year``, spread over the shared lines."""
    weights = year_weights(budget, year)
    line_variance = spread_over_lines(amount, weights.sum(axis=0), terms.excluded)
    return share_risk(weights, line_variance, terms)


def build(inputs: BudgetInputs, *, check_first: bool = True) -> BudgetResult:
    """The joint budget, projections, risk share, outcomes, pooling benefit and monitoring."""
    if check_first:
        check(inputs).raise_if_any()
    arrangement = inputs.arrangement
    partners, lines, years = inputs.partner_names, inputs.line_names, arrangement.year_list
    projected = project(inputs.contributions, inputs.conditions, partners, years)
    budget = joint_budget(projected, partners, lines, years)
    terms = RiskTerms.from_inputs(inputs)
    exposure = tested_exposure(budget, terms, arrangement.test_variance, arrangement.risk_year)
    by_basis = {}
    for basis in RiskBasis:
        try:
            by_basis[basis.label] = tested_exposure(
                budget,
                RiskTerms.from_inputs(inputs, basis),
                arrangement.test_variance,
                arrangement.risk_year,
            )["settlement"]
        except InputError as exc:  # a basis the inputs don't support is shown as such
            by_basis[basis.label] = pd.Series(f"n/a: {exc.message}", index=partners)
    monitoring, settlement = monitor(budget, inputs.actuals, terms)
    return BudgetResult(
        inputs=inputs,
        projected=projected,
        budget=budget,
        exposure=exposure,
        exposure_by_basis=pd.DataFrame(by_basis).reindex(partners),
        outcomes=outcomes_served(budget, inputs.outcomes),
        pooling=pooling_benefit(budget, inputs.standalone, years),
        monitoring=monitoring,
        monitoring_by_partner=by_partner(budget, monitoring),
        actual_settlement=settlement,
        indicators=indicator_progress(inputs.outcomes),
    )


def outcomes_served(budget: JointBudget, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """For each partner's outcome: the joint budget on its lines and the partner's own part."""
    per_line = budget.by("line", "partner")["total"]
    line_total = budget.by("line")["total"]
    rows = []
    for o in outcomes:
        lines = [line for line in o.lines if line in line_total.index]
        joint = float(line_total.reindex(lines).sum())
        own = float(sum(per_line.get((line, o.partner), 0.0) for line in lines))
        rows.append(
            {
                "partner": o.partner,
                "outcome": o.outcome,
                "indicator": o.indicator,
                "lines": "; ".join(o.lines),
                "joint_budget": joint,
                "own_contribution": own,
                "others_contribution": joint - own,
            }
        )
    columns = [
        "partner",
        "outcome",
        "indicator",
        "lines",
        "joint_budget",
        "own_contribution",
        "others_contribution",
    ]
    return pd.DataFrame(rows, columns=columns)


def pooling_benefit(
    budget: JointBudget, standalone: pd.DataFrame, years: Sequence[int]
) -> pd.DataFrame:
    """What each partner would spend alone on lines against what it puts in jointly (CPC 509 B4).

    A stand-alone cost with no year applies to every year of the arrangement. The saving is
    the stand-alone cost less the partner's contribution (cash and in kind) to the same lines
    in the same years.
    """
    columns = ["partner", "standalone_cost", "joint_contribution", "saving", "saving_share"]
    if standalone.empty:
        return pd.DataFrame(columns=columns)
    frame = standalone[["partner", "line", "year", "cost"]].copy()
    every = frame["year"].isna()
    if every.any():
        spread = frame.loc[every].merge(pd.DataFrame({"every_year": list(years)}), how="cross")
        spread["year"] = spread.pop("every_year")
        frame = pd.concat([frame.loc[~every], spread], ignore_index=True)
    frame["year"] = frame["year"].astype("int64")
    alone = frame.groupby(["partner", "line", "year"])["cost"].sum()
    detail = budget.detail.assign(
        partner=budget.detail["partner"].astype(str),
        line=budget.detail["line"].astype(str),
        year=budget.detail["year"].astype("int64"),
    ).set_index(["partner", "line", "year"])
    joint = (detail[CASH] + detail[IN_KIND]).reindex(alone.index).fillna(0.0)
    result = pd.DataFrame({"standalone_cost": alone, "joint_contribution": joint})
    result = result.groupby(level="partner").sum().reindex(budget.partners).dropna()
    result["saving"] = result["standalone_cost"] - result["joint_contribution"]
    result["saving_share"] = _ratio(result["saving"], result["standalone_cost"])
    return result.reset_index()[columns]


def monitor(
    budget: JointBudget, actuals: pd.DataFrame, terms: RiskTerms
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Actuals against the cash budget by line, year and partner, and the latest year's share.

    An actual with no partner is for the whole line (a pooled fund); with a partner, for that
    partner's part (an aligned budget). The variance of the latest year with actuals is
    shared on the agreed terms.
    """
    columns = ["line", "year", "partner", "budget", "actual", "variance", "variance_share"]
    if actuals.empty:
        return pd.DataFrame(columns=columns), None
    a = actuals.assign(partner=actuals["partner"].fillna("").astype(str).str.strip())
    a = a.groupby(["line", "year", "partner"], as_index=False)["actual"].sum()
    detail = budget.detail.assign(
        partner=budget.detail["partner"].astype(str),
        line=budget.detail["line"].astype(str),
        year=budget.detail["year"].astype("int64"),
    )
    whole = detail.groupby(["line", "year"])[CASH].sum()
    own = detail.set_index(["line", "year", "partner"])[CASH]
    a["budget"] = [
        own.get((line, year, partner), 0.0) if partner else whole.get((line, year), 0.0)
        for line, year, partner in a[["line", "year", "partner"]].itertuples(index=False)
    ]
    a["variance"] = a["actual"] - a["budget"]
    a["variance_share"] = _ratio(a["variance"], a["budget"])
    a["partner"] = a["partner"].replace("", "All partners")
    order = {line: i for i, line in enumerate(budget.lines)}
    a = a.sort_values(["year", "line"], key=lambda s: s.map(order) if s.name == "line" else s)
    latest = int(a["year"].max())
    line_variance = a.loc[a["year"] == latest].groupby("line")["variance"].sum()
    settlement = share_risk(year_weights(budget, latest), line_variance, terms)
    settlement.attrs["year"] = latest
    return a[columns], settlement


def by_partner(budget: JointBudget, monitoring: pd.DataFrame) -> pd.DataFrame:
    """Actuals against budget by line and partner: a pooled line's spend is attributed to the
    partners in proportion to their cash in that line and year (an aligned one is already)."""
    columns = ["line", "year", "partner", "budget", "actual", "variance"]
    if monitoring.empty:
        return pd.DataFrame(columns=columns)
    pooled = monitoring[monitoring["partner"] == "All partners"]
    aligned = monitoring.loc[monitoring["partner"] != "All partners", columns]
    cash = budget.detail.assign(
        partner=budget.detail["partner"].astype(str),
        line=budget.detail["line"].astype(str),
        year=budget.detail["year"].astype("int64"),
    )[["line", "year", "partner", CASH]]
    merged = pooled[["line", "year", "budget", "actual"]].merge(
        cash, on=["line", "year"], how="inner"
    )
    fraction = _ratio(merged[CASH], merged["budget"]).fillna(0.0)
    attributed = pd.DataFrame(
        {
            "line": merged["line"],
            "year": merged["year"],
            "partner": merged["partner"],
            "budget": merged[CASH],
            "actual": merged["actual"] * fraction,
        }
    )
    attributed = attributed[attributed["budget"] != 0]
    attributed["variance"] = attributed["actual"] - attributed["budget"]
    out = pd.concat([attributed, aligned], ignore_index=True)
    line_order = {line: i for i, line in enumerate(budget.lines)}
    partner_order = {p: i for i, p in enumerate(budget.partners)}
    out = out.assign(
        _l=out["line"].map(line_order), _p=out["partner"].map(partner_order)
    ).sort_values(["year", "_l", "_p"])
    return out[columns].reset_index(drop=True)


def indicator_progress(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Each agreed indicator: how far from baseline to target the latest actual has come."""
    rows = []
    for o in outcomes:
        progress = None
        if None not in (o.baseline, o.target, o.actual) and o.target != o.baseline:
            progress = (o.actual - o.baseline) / (o.target - o.baseline)  # type: ignore[operator]
        rows.append(
            {
                "partner": o.partner,
                "outcome": o.outcome,
                "indicator": o.indicator,
                "baseline": o.baseline,
                "target": o.target,
                "actual": o.actual,
                "progress": progress,
            }
        )
    columns = ["partner", "outcome", "indicator", "baseline", "target", "actual", "progress"]
    return pd.DataFrame(rows, columns=columns)


# --- scenarios --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioChange:
    """One row of a scenario: a partner's contributions scaled, its uplift or cap replaced."""

    scenario: str
    partner: str | None = None
    contribution_change: float | None = None  # fraction: -0.1 is 10% less
    uplift: float | None = None  # fraction a year, replacing the partner's uplifts
    cap: float | None = None  # £ a year on the partner's cash, replacing its caps
    basis: RiskBasis | None = None
    test_variance: float | None = None
    row: int | None = None


def check_scenarios(inputs: BudgetInputs, changes: Sequence[ScenarioChange]) -> InputErrors:
    """A scenario naming a partner that is not in the partner list."""
    errors = InputErrors()
    for change in changes:
        if change.partner is not None and change.partner not in inputs.partner_names:
            errors.add(
                InputError(
                    f"{change.partner!r} is not in the partner list",
                    location=inputs.where("scenarios", change.row, "partner"),
                    valid=inputs.partner_names,
                )
            )
    return errors


def apply_scenario(inputs: BudgetInputs, changes: Sequence[ScenarioChange]) -> BudgetInputs:
    """The inputs as one scenario would have them."""
    contributions = inputs.contributions.copy()
    conditions = list(inputs.conditions)
    arrangement = inputs.arrangement
    for change in changes:
        if change.basis is not None:
            arrangement = arrangement.model_copy(update={"basis": change.basis})
        if change.test_variance is not None:
            arrangement = arrangement.model_copy(update={"test_variance": change.test_variance})
        if change.partner is None:
            continue
        if change.contribution_change is not None:
            mine = contributions["partner"] == change.partner
            contributions.loc[mine, "amount"] = contributions.loc[mine, "amount"] * (
                1 + change.contribution_change
            )
        if change.uplift is not None:
            conditions = [
                c
                for c in conditions
                if not (c.partner == change.partner and c.change is Change.UPLIFT)
            ]
            conditions.append(
                Condition(
                    partner=change.partner,
                    change=Change.UPLIFT,
                    value=change.uplift,
                    from_year=arrangement.first_year + 1,
                )
            )
        if change.cap is not None:
            conditions = [
                c
                for c in conditions
                if not (c.partner == change.partner and c.change is Change.CAP)
            ]
            conditions.append(
                Condition(
                    partner=change.partner,
                    change=Change.CAP,
                    value=change.cap,
                    from_year=arrangement.first_year,
                )
            )
    return BudgetInputs(
        arrangement=arrangement,
        partners=inputs.partners,
        lines=inputs.lines,
        contributions=contributions,
        conditions=conditions,
        outcomes=inputs.outcomes,
        standalone=inputs.standalone,
        actuals=empty_actuals(),
        places=inputs.places,
    )


def compare_scenarios(inputs: BudgetInputs, changes: Sequence[ScenarioChange]) -> pd.DataFrame:
    """Per scenario (the agreed budget first, as "Base") and partner: cash, in kind, share,
    the joint budget on lines serving the partner's outcomes, and exposure to the test variance.
    """
    names = ["Base", *dict.fromkeys(c.scenario for c in changes if c.scenario != "Base")]
    frames = []
    for name in names:
        scenario = apply_scenario(inputs, [c for c in changes if c.scenario == name])
        a = scenario.arrangement
        partners, lines, years = scenario.partner_names, scenario.line_names, a.year_list
        projected = project(scenario.contributions, scenario.conditions, partners, years)
        budget = joint_budget(projected, partners, lines, years)
        totals = budget.by("partner").reindex(partners)
        outcomes = outcomes_served(budget, scenario.outcomes)
        served = outcomes.groupby("partner")["joint_budget"].sum()
        count = outcomes.groupby("partner").size()
        try:
            exposure = tested_exposure(
                budget, RiskTerms.from_inputs(scenario), a.test_variance, a.risk_year
            )["settlement"].reindex(totals.index)
        except InputError as exc:  # one scenario's unworkable terms don't hide the others
            exposure = pd.Series(f"n/a: {exc.message}", index=totals.index, dtype=object)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "partner": totals.index.astype(str),
                    "cash": totals[CASH].fillna(0.0).to_numpy(),
                    "in_kind": totals[IN_KIND].fillna(0.0).to_numpy(),
                    "share": totals["share"].to_numpy(),
                    "outcomes": count.reindex(totals.index).fillna(0).astype(int).to_numpy(),
                    "outcome_budget": served.reindex(totals.index).fillna(0.0).to_numpy(),
                    "basis": scenario.arrangement.basis.label,
                    "test_variance": scenario.arrangement.test_variance,
                    "exposure": exposure.to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --- the worksheet functions' arithmetic -------------------------------------------------------


def uplift(amount: float, rate: float, years: float) -> float:
    """An amount after ``years`` of compound uplift at ``rate`` a year."""
    return amount * (1 + rate) ** years
