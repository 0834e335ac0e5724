"""Real and nominal prices from their tables: the GDP deflator series and each proposal's
price basis, every problem located where it is.

HM Treasury, *The Green Book* (2022), chapter 5, "Adjustments for inflation": costs and
benefits are appraised in real prices of a base year; nominal (cash) figures are converted
with the GDP deflator, extrapolated beyond the forecast at the growth rate of its last year.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cpcxl.common.errors import InputErrors, Location
from cpcxl.common.inputs import Cells, read_table
from cpcxl.common.tables import ROW

from ..models import DeflatorSeries, Prices, Proposal, year_text
from .tables import DEFLATORS


def read_deflators(
    tables: Mapping[str, Cells], file: str | None, errors: InputErrors
) -> tuple[DeflatorSeries | None, Location]:
    """The deflator series (None when the Deflators table is absent or empty), refused with
    a gap: a year missing between its first and last is not guessed."""
    table = read_table(DEFLATORS, tables.get(DEFLATORS.name), errors, file=file, optional=True)
    where = Location(file=file, sheet=DEFLATORS.sheet)
    if table is None:
        return None, where
    where = table.base
    index: dict[int, float] = {}
    rows: dict[int, int] = {}
    before = len(errors)
    for record in table.records():
        row, year = int(record[ROW]), int(record["year"])
        if year in index:
            errors.add(
                f"{year_text(year)} is given twice (also on row {rows[year]})",
                location=table.where(row, "year"),
                valid="one index for each financial year",
            )
            continue
        index[year], rows[year] = float(record["index"]), row
    if len(errors) > before or table.bad.any() or not index:
        return None, where
    ordered = sorted(index)
    for earlier, later in itertools.pairwise(ordered):
        if later != earlier + 1:
            missing = (
                year_text(earlier + 1)
                if later == earlier + 2
                else f"{year_text(earlier + 1)} to {year_text(later - 1)}"
            )
            errors.add(
                f"the deflator series has a gap: no {missing} between {year_text(earlier)} "
                f"(row {rows[earlier]}) and {year_text(later)} (row {rows[later]})",
                location=table.where(rows[later], "year"),
                valid="an index for every financial year from the first to the last, as the "
                "Treasury's series gives them",
            )
            return None, where
    return DeflatorSeries(index), where


@dataclass(frozen=True)
class PriceWhere:
    """Where each setting and proposal cell about prices is, for located errors."""

    first_year: Location
    price_year: Location
    proposal_rows: Mapping[str, Location]  # the Proposals row's "Price base year" cell


def check_prices(
    proposals: Sequence[Proposal],
    first_year: int | None,
    base_year: int | None,
    deflators: DeflatorSeries | None,
    deflators_at: Location,
    where: PriceWhere,
    errors: InputErrors,
) -> None:
    """Everything the price conversion needs is there: year 0's financial year for nominal
    figures, a deflator series, and every base year inside it (a base year outside the
    series has no index to divide by; years after it are extrapolated)."""
    nominal = [p for p in proposals if p.prices == Prices.NOMINAL]
    rebased = [
        p
        for p in proposals
        if p.prices == Prices.REAL and p.price_year is not None and p.price_year != base_year
    ]
    if (nominal or rebased) and first_year is None:
        named = ", ".join(p.id for p in (nominal or rebased)[:5])
        errors.add(
            f"year 0's financial year is not given, so {named} cannot be converted to the "
            "appraisal's prices",
            location=where.first_year,
            valid="the financial year of year 0, such as 2026/27",
        )
        return
    if (nominal or rebased) and deflators is None:
        named = ", ".join(p.id for p in (nominal or rebased)[:5])
        errors.add(
            f"there is no GDP deflator series, so {named} cannot be converted to real prices",
            location=deflators_at,
            valid="the Treasury's GDP deflators by financial year on the Deflators sheet",
        )
        return
    if deflators is None or base_year is None:
        return
    span = f"{year_text(deflators.first)} to {year_text(deflators.last)}"
    if not deflators.covers(base_year):
        errors.add(
            f"the price base year {year_text(base_year)} is outside the deflator series ({span})",
            location=where.price_year,
            valid=f"a price base year from {span}, or a newer deflator series",
        )
    for p in proposals:
        if p.price_year is not None and not deflators.covers(p.price_year):
            errors.add(
                f"proposal {p.id}'s price base year {year_text(p.price_year)} is outside the "
                f"deflator series ({span})",
                location=where.proposal_rows.get(p.id, deflators_at),
                valid=f"a price base year from {span}",
            )
    if first_year is not None and first_year < deflators.first and nominal:
        errors.add(
            f"year 0 ({year_text(first_year)}) is before the deflator series starts "
            f"({year_text(deflators.first)}), so nominal figures cannot be deflated",
            location=where.first_year,
            valid=f"a deflator series from {year_text(first_year)} or earlier",
        )
