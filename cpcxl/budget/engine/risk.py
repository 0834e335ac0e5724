"""Sharing an overspend or underspend among the partners, in whole pence that add up exactly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError
from cpcxl.common.fields import Money
from cpcxl.common.limits import check_time
from cpcxl.common.values import describe

from ..models import ArrangementKind, RiskBasis
from .aggregation import JointBudget
from .arrangement import CASH, BudgetInputs

#: Shares of a fixed-percentages basis may be off 100% by this much (typing 33.33% three
#: times): a local choice, lets typing slips of that size through and nothing more.
FIXED_SHARE_TOLERANCE = 0.0005


#: A variance to settle: as plausible as any amount (±£1 trillion), which also keeps its pence
#: well inside a 64-bit integer (±£92 million million).
SETTLED = Money(what="a variance in £")


def to_pence(pounds: float | np.ndarray) -> np.ndarray:
    """Pounds to whole pence, half a penny away from zero (as a ledger rounds); a variance
    beyond ±£1 trillion (lines' or cells' variances added up) is refused with the range."""
    value = np.asarray(pounds, dtype=float)
    beyond = ~(np.abs(value) <= SETTLED.high)  # NaN is beyond too: nothing can settle it
    if beyond.any():
        SETTLED.parse(float(value[beyond].reshape(-1)[0]))  # raises, saying the range
    value = value * 100
    return (np.sign(value) * np.floor(np.abs(value) + 0.5 + 1e-9)).astype(np.int64)


def allocate_pence(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each row's total pence over its weights so the parts add up to it exactly.

    Largest remainder (Hamilton's method, a local choice so that settlements add up exactly):
    everyone gets the whole pence of their exact part, and the pence left over go one each to
    the largest fractions; equal fractions go to the one listed first. ``totals`` is (m,)
    integer pence, ``weights`` (m, n) non-negative; a row whose weights are all zero must have
    a zero total (it cannot be split, so the caller decides who bears it: a ValueError here,
    never pence handed out at random).
    """
    totals = np.asarray(totals, dtype=np.int64).reshape(-1)
    weights = np.asarray(weights, dtype=float).reshape(len(totals), -1)
    size = np.abs(totals)
    sums = weights.sum(axis=1)
    if ((sums <= 0) & (size != 0)).any():
        raise ValueError("a total to share has no weights to share it by")
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
    """The agreed terms for sharing a variance.

    ``aligned``: an aligned budget (CPC 509), where each partner keeps control of its own
    budget and bears its own variance; nothing is shared and the other terms do not apply.
    ``aligned_lines``: the lines that are aligned (each partner bears its own variance on
    them), in an arrangement that pools the others. ``basis`` shares an overspend of the
    pooled lines and ``underspend_basis`` (None: the same) an underspend, each with its own
    fixed shares where it is fixed percentages.
    """

    aligned: bool = False
    basis: RiskBasis = RiskBasis.PRO_RATA
    host: str | None = None
    fixed_shares: Mapping[str, float] = field(default_factory=dict)  # fractions
    caps: Mapping[str, float] = field(default_factory=dict)  # £ most a partner bears
    leads: Mapping[str, str] = field(default_factory=dict)  # line -> commissioning partner
    excluded: frozenset[str] = frozenset()  # lines kept out of the risk share
    underspend_basis: RiskBasis | None = None
    #: fractions for an underspend on the fixed basis; None: ``fixed_shares``
    fixed_underspend_shares: Mapping[str, float] | None = None
    #: None: as the arrangement (every line aligned if ``aligned``, else none)
    aligned_lines: frozenset[str] | None = None

    @classmethod
    def from_inputs(cls, inputs: BudgetInputs, basis: RiskBasis | None = None) -> RiskTerms:
        """The inputs' terms; ``basis`` (the same for overspends and underspends) replaces
        the agreed bases, to show what another basis would give."""
        a = inputs.arrangement
        under = {p.name: p.fixed_underspend_share for p in inputs.partners}
        given = any(v is not None for v in under.values())
        return cls(
            aligned=a.kind is ArrangementKind.ALIGNED,
            basis=basis or a.basis,
            host=a.host,
            fixed_shares={
                p.name: p.fixed_share for p in inputs.partners if p.fixed_share is not None
            },
            caps={p.name: p.risk_cap for p in inputs.partners if p.risk_cap is not None},
            leads={line.name: line.lead for line in inputs.lines if line.lead},
            excluded=frozenset(line.name for line in inputs.lines if line.excluded),
            underspend_basis=basis or a.underspend_basis,
            fixed_underspend_shares=(
                {k: v for k, v in under.items() if v is not None} if given else None
            ),
            aligned_lines=frozenset(
                line.name
                for line in inputs.lines
                if (line.kind or a.kind) is ArrangementKind.ALIGNED
            ),
        )

    @property
    def under_basis(self) -> RiskBasis:
        return self.underspend_basis if self.underspend_basis is not None else self.basis

    def basis_for(self, total: float) -> RiskBasis:
        """The basis a variance of ``total`` (+ overspend, - underspend) is shared on."""
        return self.under_basis if total < 0 else self.basis

    def shares_for(self, total: float) -> Mapping[str, float]:
        """The fixed shares a variance of ``total`` is shared by, on the fixed basis."""
        if total < 0 and self.fixed_underspend_shares is not None:
            return self.fixed_underspend_shares
        return self.fixed_shares

    def pooled(self, lines: Iterable[str]) -> list[str]:
        """Of ``lines``, those in the pool (not aligned)."""
        if self.aligned_lines is None:
            return [] if self.aligned else list(lines)
        return [line for line in lines if line not in self.aligned_lines]

    def is_aligned(self, line: str) -> bool:
        if self.aligned_lines is None:
            return self.aligned
        return line in self.aligned_lines

    def if_pooled(self) -> RiskTerms:
        """The same terms with every line in the pool (an aligned budget's "if it were
        pooled" figures); a pooled arrangement's aligned lines stay its own."""
        if self.aligned:
            return replace(self, aligned=False, aligned_lines=None)
        return self


def share_risk(weights: pd.DataFrame, line_variance: pd.Series, terms: RiskTerms) -> pd.DataFrame:
    """Each partner's part of a variance, in whole pence adding up exactly to the variance.

    ``weights`` is the partners' cash by line (partners as rows, lines as columns);
    ``line_variance`` the variance of each line in £ (+ overspend, - underspend). A line kept
    out of the risk share stays with its own contributors, pro rata to what they put in; the
    rest is shared on ``terms.basis``. Returns, per partner: contribution, share (of the
    contributions on shared lines), shared and excluded parts and the settlement, in £.
    For a pooled budget only: an aligned one shares nothing (:func:`bear_own`).
    """
    if terms.aligned:
        raise ValueError("an aligned budget's variances are each partner's own: use bear_own")
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
    # The shared lines are taken together: an overspend in all is shared on the overspend
    # terms, an underspend on the underspend terms (a local choice: one line's underspend
    # offsets another's overspend first, as a pooled fund's budget does).
    basis = terms.basis_for(total_shared)
    if total_shared == 0:
        shared_part = np.zeros(len(partners), dtype=np.int64)
    elif basis is RiskBasis.PRO_RATA:
        if contribution.sum() <= 0:
            raise InputError("there are no contributions to share the variance pro rata")
        shared_part = one(total_shared, contribution)
    elif basis is RiskBasis.PRO_RATA_PER_LINE:
        shared_part = by_line(shared)
    elif basis is RiskBasis.FIXED:
        chosen = terms.shares_for(total_shared)
        fixed = np.array([chosen.get(p, 0.0) for p in partners])
        check_fixed_shares(fixed, "underspend" if total_shared < 0 else "risk-share")
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
    return _settlement(partners, contribution, shared_part, excluded_part)


def bear_own(weights: pd.DataFrame, own_variance: pd.Series) -> pd.DataFrame:
    """An aligned budget's settlement (CPC 509): each partner bears the variance on its own
    budget, in whole pence; nothing is shared, whatever the risk-share terms say.

    ``weights`` is the partners' cash by line (partners as rows), ``own_variance`` each
    partner's own variance in £ (its actuals less its own contributions). Returns the
    columns of :func:`share_risk`, with ``own_part`` the partner's own variance and
    ``contribution`` its cash on every line.
    """
    partners = list(weights.index)
    own = to_pence(own_variance.reindex(partners).fillna(0.0).to_numpy(dtype=float))
    contribution = weights.to_numpy(dtype=float).sum(axis=1)
    none = np.zeros(len(partners), dtype=np.int64)
    return _settlement(partners, contribution, none, none, own, aligned=True)


def _settlement(
    partners: list[str],
    contribution: np.ndarray,
    shared: np.ndarray,
    excluded: np.ndarray,
    own: np.ndarray | None = None,
    *,
    aligned: bool = False,
) -> pd.DataFrame:
    """Per partner, in £ and in pence: the parts of a settlement and the settlement."""
    own = np.zeros(len(partners), dtype=np.int64) if own is None else own
    settlement = shared + excluded + own
    frame = pd.DataFrame(
        {
            "contribution": contribution,
            "share": contribution / contribution.sum() if contribution.sum() else np.nan,
            "shared_part": shared / 100,
            "excluded_part": excluded / 100,
            "own_part": own / 100,
            "settlement": settlement / 100,
            "pence": settlement,
            "shared_pence": shared,
            "excluded_pence": excluded,
            "own_pence": own,
        },
        index=pd.Index(partners, name="partner"),
    )
    frame.attrs["aligned"] = aligned
    return frame


def check_fixed_shares(shares: np.ndarray, which: str = "risk-share") -> None:
    total = float(np.sum(shares))
    if abs(total - 1) > FIXED_SHARE_TOLERANCE or (np.asarray(shares) < 0).any():
        raise InputError(
            f"the fixed {which} percentages add up to {total:.2%}, not 100%",
            valid="percentages of 0% or more that add up to 100%",
        )


def capped_parts(
    total: int, contribution: np.ndarray, partners: list[str], terms: RiskTerms
) -> np.ndarray:
    """Pro rata, but no partner beyond its cap; what the caps leave is shared by the others.

    When every partner with a contribution has reached its cap, the host bears the rest (a
    local choice: the host holds the pooled fund).
    """
    size = abs(total)
    caps = np.array(
        [np.floor(terms.caps[p] * 100 + 1e-6) if p in terms.caps else np.inf for p in partners]
    )
    part = np.zeros(len(partners))
    active = contribution > 0
    remaining = float(size)
    while remaining > 0 and active.any():  # one round per partner capped, at most
        check_time()
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
    """A single variance spread over the shared lines in proportion to their budgets (a local
    choice: a tested overspend falls where the money is)."""
    shared = line_budget.drop(labels=[x for x in excluded if x in line_budget.index])
    total = shared.sum()
    if amount and not total:
        raise InputError(
            "there is no cash on the lines in the risk share to spread the overspend over",
            valid="cash contributions to at least one line that is not kept out",
        )
    spread = shared * (amount / total) if total else shared * 0
    return spread.reindex(line_budget.index).fillna(0.0)


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
    """Each partner's part of ``amount`` overspent in ``year``, spread over the shared lines.

    Aligned: the overspend is spread over every partner's own budget in proportion to its
    cash that year (every line: nothing is kept out of a risk share there is not), and each
    partner bears the part on its own budget. A pooled fund with aligned lines: the
    overspend is the pool's, spread over its shared lines; its aligned lines bear none.
    """
    weights = year_weights(budget, year)
    pooled = terms.pooled(weights.columns)
    if not pooled:
        cash = weights.to_numpy(dtype=float).sum(axis=1)
        total = int(to_pence(amount)[()])
        if total and cash.sum() <= 0:
            raise InputError(
                "there is no cash in the year tested to spread the overspend over",
                valid="cash contributions in the year tested",
            )
        own = allocate_pence(np.array([total]), cash[None, :])[0]
        return bear_own(weights, pd.Series(own / 100, index=weights.index))
    pool = weights[pooled]
    line_variance = spread_over_lines(amount, pool.sum(axis=0), terms.excluded)
    return share_risk(pool, line_variance, replace(terms, aligned=False))


def settle(
    weights: pd.DataFrame, line_variance: pd.Series, own_variance: pd.Series, terms: RiskTerms
) -> pd.DataFrame:
    """A settlement of the pooled lines' variances on the terms, and of each partner's own
    variance on the aligned lines (CPC 509: an aligned budget stays the partner's own).

    ``weights`` is the partners' cash by line; ``line_variance`` each pooled line's variance
    in £; ``own_variance`` each partner's variance on the aligned lines in £. Returns the
    columns of :func:`share_risk`, ``own_part`` holding the aligned lines' part.
    """
    pooled = terms.pooled(weights.columns)
    if not pooled:
        return bear_own(weights, own_variance)
    shared = share_risk(
        weights[pooled], line_variance.reindex(pooled).fillna(0.0), replace(terms, aligned=False)
    )
    partners = list(weights.index)
    own = to_pence(own_variance.reindex(partners).fillna(0.0).to_numpy(dtype=float))
    if len(pooled) == weights.shape[1] and not own.any():
        return shared
    return _settlement(
        partners,
        shared["contribution"].to_numpy(),
        shared["shared_pence"].to_numpy(),
        shared["excluded_pence"].to_numpy(),
        own,
    )


#: Bases whose contributions are a table of partners (rows) × lines (columns).
PER_LINE = (RiskBasis.PRO_RATA_PER_LINE, RiskBasis.LEAD)


@dataclass(frozen=True)
class GridShare:
    """:func:`share_grid`'s answer: the parts in £ in the contributions' shape, NaN in the
    column of a line that cannot be settled, and why, by column (0 = first)."""

    parts: np.ndarray
    unsettled: Mapping[int, InputError] = field(default_factory=dict)


def share_grid(
    contributions: np.ndarray,
    variance: np.ndarray,
    basis: RiskBasis = RiskBasis.PRO_RATA,
    terms: np.ndarray | None = None,
) -> GridShare:
    """Each contribution's part of a variance in £, to the penny, in the contributions' shape.

    For ``pro_rata_per_line`` and ``lead``, ``contributions`` is partners (rows) × lines
    (columns) and ``variance`` one amount per line; for the other bases every cell is a
    partner and ``variance`` is summed. ``terms``: the fixed shares (fractions, the
    contributions' shape) for ``fixed``; the host's position (1 = first) for ``host``; the
    caps in £ (NaN = none) for ``capped``; each line's commissioning partner's row (1 = first)
    for ``lead``; for ``pro_rata_per_line``, who bears a line nobody contributes to: the
    host's row (one value) or each line's lead (a row, NaN = none). Blank contributions (NaN)
    count as £0. The parts are whole pence adding up exactly to the variance (largest
    remainder: see :func:`allocate_pence`), so £100 over three equal contributions is £33.34,
    £33.33 and £33.33; a line that cannot be settled so is in ``unsettled``, never split.
    """
    weights = np.nan_to_num(np.asarray(contributions, dtype=float))
    if (weights < 0).any():
        raise InputError("a contribution is negative", valid="contributions of £0 or more")
    cols = weights.shape[1]
    variances = np.nan_to_num(np.asarray(variance, dtype=float).reshape(-1))
    if basis in PER_LINE:
        if variances.size != cols:
            raise InputError(
                f"there are {cols} lines (columns) but {variances.size} variances",
                valid="one variance per line, in a row",
            )
        return _per_line(weights, to_pence(variances), basis, terms)
    total = int(to_pence(variances.sum())[()])
    flat = weights.reshape(-1)
    if basis is RiskBasis.CAPPED:
        caps = _terms(terms, weights.shape, "a cap in £").reshape(-1)
        names = [str(i) for i in range(flat.size)]
        capped = RiskTerms(
            basis=RiskBasis.CAPPED,
            caps={n: float(c) for n, c in zip(names, caps, strict=True) if not np.isnan(c)},
        )
        return GridShare(capped_parts(total, flat, names, capped).reshape(weights.shape) / 100)
    if basis is RiskBasis.FIXED:
        vector = np.nan_to_num(_terms(terms, weights.shape, "a percentage")).reshape(-1)
        check_fixed_shares(vector)
    elif basis is RiskBasis.HOST:
        given = np.asarray(terms if terms is not None else [], dtype=float).reshape(-1)
        host = given[0] if given.size == 1 and not np.isnan(given[0]) else None
        if host is None or not (1 <= host <= flat.size) or not float(host).is_integer():
            shown = "blank" if host is None else describe(host)
            raise InputError(
                f"the host's position {shown} is not in the list", valid=f"1 to {flat.size}"
            )
        vector = np.zeros(flat.size)
        vector[int(host) - 1] = 1.0
    else:
        vector = flat
    if vector.sum() <= 0:
        raise InputError("there is nothing to share by", valid="contributions above £0")
    pence = allocate_pence(np.array([total]), vector[None, :]).reshape(weights.shape)
    return GridShare(pence / 100)


def _per_line(
    weights: np.ndarray, variances: np.ndarray, basis: RiskBasis, terms: np.ndarray | None
) -> GridShare:
    """Each line's variance (pence) by its contributors (``pro_rata_per_line``) or its lead.

    A line nobody contributes to goes to its bearer in ``terms`` (the host, or the line's
    lead); a line with a variance and no one to bear it, or with a lead that is not a
    partner's row, is unsettled, with the reason, and its column is NaN.
    """
    rows, cols = weights.shape
    bearers = _bearers(terms, cols, basis)
    valid = f"1 to {rows}"
    share = np.zeros_like(weights) if basis is RiskBasis.LEAD else weights.copy()
    unsettled: dict[int, InputError] = {}
    for c in range(cols):
        if c % 4096 == 4095:
            check_time()
        who = bearers[c]
        amount = f"{'-' if variances[c] < 0 else ''}£{abs(variances[c]) / 100:,.2f}"
        if not np.isnan(who) and not (1 <= who <= rows and float(who).is_integer()):
            unsettled[c] = InputError(
                f"line {c + 1}: the lead {describe(who)} in terms is not a partner's row",
                valid=valid,
            )
        elif basis is RiskBasis.LEAD and np.isnan(who) and variances[c]:
            unsettled[c] = InputError(
                f"line {c + 1} has a variance of {amount} and no lead in terms to bear it",
                valid=f"the lead partner's row for each line, {valid}",
            )
        elif basis is RiskBasis.LEAD:
            if not np.isnan(who):  # no lead and no variance: nothing to bear
                share[int(who) - 1, c] = 1.0
        elif share[:, c].sum() <= 0 and variances[c]:
            if np.isnan(who):
                unsettled[c] = InputError(
                    f"line {c + 1} has a variance of {amount} but no contributions, and terms "
                    "name no host or lead to bear it",
                    valid=f"in terms, the host's row ({valid}) or a row of each line's lead",
                )
            else:
                share[int(who) - 1, c] = 1.0
    settled = np.array([c not in unsettled for c in range(cols)], dtype=bool)
    parts = np.full(weights.shape, np.nan)
    if settled.any():
        pence = allocate_pence(variances[settled], share[:, settled].T).T
        parts[:, settled] = pence / 100
    return GridShare(parts, unsettled)


def _bearers(terms: np.ndarray | None, cols: int, basis: RiskBasis) -> np.ndarray:
    """Who bears each line (a row, 1 = first; NaN = none named) from ``terms``: for ``lead``
    one per line; for ``pro_rata_per_line`` the host (one value, every line) or one per
    line, or none."""
    if terms is None:
        return np.full(cols, np.nan)
    given = np.asarray(terms, dtype=float).reshape(-1)
    if basis is RiskBasis.PRO_RATA_PER_LINE and given.size == 1:
        return np.full(cols, given[0])
    if given.size != cols:
        what = "each line's lead" if basis is RiskBasis.LEAD else "the host or each line's lead"
        raise InputError(
            f"the terms have {given.size} cells but there are {cols} lines (columns)",
            valid=f"{what}: a row of partners' positions, one per line",
        )
    return given


def _terms(terms: np.ndarray | None, shape: tuple[int, int], what: str) -> np.ndarray:
    """The terms in the contributions' shape, or the reason they do not fit."""
    given = np.full(shape, np.nan) if terms is None else np.asarray(terms, dtype=float)
    size = int(np.prod(shape))
    if given.size != size:
        raise InputError(
            f"the terms have {given.size} cells but the contributions have {size}",
            valid=f"{what} for each contribution",
        )
    return given.reshape(shape)
