"""Problems found across the input tables: every one at once, each where it is."""

from __future__ import annotations

import pandas as pd

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.fields import year_label

from ..models import ArrangementKind, RiskBasis
from .arrangement import BudgetInputs, rows_of
from .risk import FIXED_SHARE_TOLERANCE


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
    rows = rows_of(c)
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
        for name in outcome.lines:
            if name not in lines:
                errors.add(
                    InputError(
                        f"{name!r} is not in the line list",
                        location=inputs.where("outcomes", outcome.row, "lines"),
                        valid=inputs.line_names,
                    )
                )
    for table, frame in (("standalone", inputs.standalone), ("actuals", inputs.actuals)):
        rows = rows_of(frame)
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
    if arrangement.kind is ArrangementKind.ALIGNED:
        # CPC 509: in an aligned budget each partner bears the variance on its own budget, so
        # a line's spend with no partner cannot be settled against anyone's.
        frame = inputs.actuals
        blank = frame["partner"].fillna("").astype(str).str.strip() == ""
        for row, line in zip(
            rows_of(frame)[blank.to_numpy()],
            frame["line"].to_numpy()[blank.to_numpy()],
            strict=True,
        ):
            errors.add(
                InputError(
                    f"the arrangement is aligned, so this actual for {line!r} must say whose "
                    "budget it is (each partner bears its own variance, CPC 509)",
                    location=inputs.where("actuals", row, "partner"),
                    valid=partners,
                )
            )
    return errors
