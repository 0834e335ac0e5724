"""Contributions over the arrangement's years: uplifts, reductions and caps applied (CPC 509
A4, B2)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..models import Change, Condition, ContributionKind


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
    added to its own year only, after the projection. A row carried forward (last year's
    underspend, CPC 509 B6) is kept apart: its own row, never uplifted, capped or projected.
    Returns partner, line, kind, year, amount, projected (True where no amount was entered)
    and carried_forward.
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
    carried = (
        contributions["carried_forward"].to_numpy(dtype=bool)
        if "carried_forward" in contributions.columns
        else np.zeros(len(frame), dtype=bool)
    )
    year_index = pd.Index(years)
    year_codes = year_index.get_indexer(frame["year"])
    amounts = frame["amount"].to_numpy(dtype=float)
    keep = (year_codes >= 0) & ~reduction & ~carried
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
    cut = (year_codes >= 0) & reduction & ~carried
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
            "carried_forward": False,
        }
    )
    # A year before a contribution starts is not a projected nil: leave it out.
    out = out.loc[entered.reshape(-1) | (out["amount"].to_numpy() != 0)]
    forward = carried & (year_codes >= 0)
    if forward.any():
        rows = frame.loc[forward]
        out = pd.concat(
            [
                out,
                pd.DataFrame(
                    {
                        "partner": pd.Categorical(rows["partner"], categories=p_names),
                        "line": pd.Categorical(rows["line"], categories=l_names),
                        "kind": pd.Categorical(rows["kind"], categories=k_names),
                        "year": rows["year"].to_numpy(dtype=np.int64),
                        "amount": rows["amount"].to_numpy(dtype=float),
                        "projected": False,
                        "carried_forward": True,
                    }
                ),
            ],
            ignore_index=True,
        )
    return out.reset_index(drop=True)


def uplift(amount: float, rate: float, years: float) -> float:
    """An amount after ``years`` of compound uplift at ``rate`` a year (a fraction).

    amount × (1 + rate) ^ years, as a condition's uplift compounds in :func:`project`.
    £1,000,000 at 3.9% for two years is £1,000,000 × 1.039² = £1,079,521.
    """
    return amount * (1 + rate) ** years
