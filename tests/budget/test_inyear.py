"""In-year monitoring (issue 14): forecast outturn by a stated method, the variance each
partner bears on the forecast under separate overspend and underspend terms, aligned lines
and in kind apart, carry-forward, movement, payments. Every figure worked by hand beside it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from cpcxl.budget import engine
from cpcxl.budget.inputs import example, read_inputs
from cpcxl.budget.models import ForecastMethod
from cpcxl.common.errors import InputError

from .tables import cells, sample_data

BLANK6: list[Any] = [None] * 6


# --- the forecast outturn ------------------------------------------------------------------


SIX = [100, 110, 120, 115, 125, 120, *BLANK6]  # 690 in six months


def test_the_issues_example_flat_profile() -> None:
    # 690 to date + 1,200 × 6/12 still to spend as profiled (flat) = 1,290.
    assert engine.outturn(1200, np.array(SIX, dtype=float)) == 1290


def test_the_issues_example_run_rate() -> None:
    # 690 in six months, scaled to twelve: 690 × 12/6 = 1,380.
    assert engine.outturn(1200, np.array(SIX, dtype=float), ForecastMethod.RUN_RATE) == 1380


def test_a_profile_spreads_the_budget_by_its_weights() -> None:
    # Weights 1 (Apr-Sep) and 3 (Oct-Mar): 18 of the 24 still to come: 690 + 1,200 × 18/24.
    weights = [1] * 6 + [3] * 6
    assert engine.outturn(1200, np.array(SIX, dtype=float), profile=weights) == 690 + 900


def test_the_profile_still_to_come_after_each_period() -> None:
    # Weights 1, 1, 2: after 0, 1, 2 and 3 periods, 4/4, 3/4, 2/4 and 0 of the year remain.
    assert engine.remaining_share(np.array([1.0, 1.0, 2.0])).tolist() == [1, 0.75, 0.5, 0]


def test_a_profile_of_the_wrong_length_or_adding_up_to_nothing_is_refused() -> None:
    with pytest.raises(InputError, match="the profile has 11 weights but the year has 12"):
        engine.check_profile([1] * 11, 12)
    with pytest.raises(InputError, match="the profile has 11 weights"):
        engine.check_profile([1] * 11 + [None], 12)  # a blank weight is a missing one
    with pytest.raises(InputError, match="add up to 0"):
        engine.check_profile([0] * 4, 4)
    with pytest.raises(InputError, match="negative"):
        engine.check_profile([2, -1, 1, 1], 4)


def test_periods_closed_run_to_the_last_actual() -> None:
    # A blank before a closed month is nothing spent; blanks after it are not closed.
    assert engine.periods_closed(np.array([1, np.nan, 3, np.nan, np.nan])) == 3
    assert engine.periods_closed(np.full(12, np.nan)) == 0


# --- the sample at September 2026/27 ---------------------------------------------------------


@pytest.fixture(scope="module")
def sample_year() -> engine.InYearResult:
    result = engine.build(read_inputs(cells(sample_data()))[0])
    assert result.in_year is not None
    return result.in_year


def test_the_sample_is_as_at_september(sample_year: engine.InYearResult) -> None:
    assert (sample_year.year, sample_year.period, sample_year.periods.size) == (2026, 6, 12)


def test_each_line_of_the_sample_forecast_by_its_method(sample_year: engine.InYearResult) -> None:
    lines = sample_year.lines.set_index("line")
    # Reablement, flat: 2,000,000 × 5 + 2,150,000 = 12,150,000, + 24,117,500 × 6/12 =
    # 24,208,750 (+91,250); at August 10m + 24,117,500 × 7/12 = 24,068,541.67, so it moved
    # +140,208.33.
    r = lines.loc[example.REABLEMENT]
    assert (r["budget"], r["actual"], r["forecast"]) == (24_117_500, 12_150_000, 24_208_750)
    assert r["movement"] == pytest.approx(140_208.33, abs=0.01)
    # Discharge: the officer's 16,400,000 from August (period 5): no movement, shown as such.
    d = lines.loc[example.DISCHARGE]
    assert (d["forecast"], d["movement"]) == (16_400_000, 0)
    assert d["how"].startswith("Override from P5: Winter discharge pressures")
    # Equipment, run rate: 3,330,000 in six months × 2 = 6,660,000; at August 2,750,000 ×
    # 12/5 = 6,600,000.
    e = lines.loc[example.EQUIPMENT]
    assert (e["forecast"], e["movement"], e["how"]) == (6_660_000, 60_000, "Run rate")
    # Carers, its profile (weights adding up to 100): 1,350,000 + 2,887,350 × 52/100 =
    # 2,851,422.
    assert lines.loc[example.CARERS, "forecast"] == pytest.approx(2_851_422)
    # DFG, capital profile: 860,000 + 2,350,000 × 62/100 = 2,317,000; committed 410,000.
    assert lines.loc[example.DFG, "forecast"] == pytest.approx(2_317_000)
    assert lines.loc[example.DFG, "commitments"] == 410_000
    # The line whose forecast moved most comes first, then the next.
    assert list(sample_year.lines["line"][:2]) == [example.REABLEMENT, example.EQUIPMENT]


def test_each_partner_bears_its_share_of_the_forecast_on_the_agreed_terms(
    sample_year: engine.InYearResult,
) -> None:
    # The shared lines (the DFG is kept out) overspend in all: +91,250 + 415,200 + 156,100 -
    # 35,928 - 37,525 = +589,097, so the overspend terms apply (pro rata to 2026/27 cash on
    # shared lines: 35,741,600, 15,147,000 and 180,000 of 51,068,600). 58,909,700p ×
    # 35,741,600/51,068,600 = 41,229,384.27p, × 15,147,000/... = 17,472,678.43p, ×
    # 180,000/... = 207,637.30p; the spare penny to the .43. The DFG's -33,000 is the
    # district's own.
    share = sample_year.partners.set_index("partner")["share"]
    assert share.to_dict() == {
        example.ICB: 412_293.84,
        example.COUNTY: 174_726.79,
        example.DISTRICT: -33_000.00,
        example.VCS: 2_076.37,
    }
    assert int(sample_year.settlement["pence"].sum()) == 58_909_700 - 3_300_000


def test_in_kind_is_apart_and_never_shared(sample_year: engine.InYearResult) -> None:
    # Community Action's volunteer time: 7,000 × 6 = 42,000, + 95,000 × 6/12 = 89,500, so
    # -5,500 against its 95,000; its rooms (40,000) and know-how (25,000) have no actuals.
    vcs = sample_year.partners.set_index("partner").loc[example.VCS]
    assert (vcs["in_kind_budget"], vcs["in_kind_forecast"]) == (160_000, 154_500)
    assert vcs["in_kind_variance"] == -5_500
    # Its cash share is the pro rata 2,076.37 above: the in kind is not in it.
    assert vcs["share"] == 2_076.37


def test_the_dfg_underspend_is_carried_forward_as_the_districts(
    sample_year: engine.InYearResult,
) -> None:
    # The sample carries underspends forward: the district's -33,000 on the DFG becomes its
    # 2027/28 contribution to the DFG, on top of the 2,350,000 projected.
    assert sample_year.carried_forward.to_dict("records") == [
        {"partner": example.DISTRICT, "line": example.DFG, "year": 2027, "amount": 33_000.0}
    ]
    assert sample_year.next_year.to_dict("records") == [
        {
            "partner": example.DISTRICT,
            "planned": 2_350_000.0,
            "carried_forward": 33_000.0,
            "total": 2_383_000.0,
        }
    ]


def test_who_has_paid_and_the_funds_cash(sample_year: engine.InYearResult) -> None:
    pay = sample_year.payments
    assert pay is not None
    # The county's July instalment of 3,786,750 is unpaid: it is behind by that.
    assert pay.behind["partner"].tolist() == [example.COUNTY]
    assert pay.behind["behind"].tolist() == [3_786_750]
    # Opening 250,000 + paid 8,935,400 × 2 + 3,786,750 + 2,350,000 + 90,000 = 24,097,550,
    # less the pooled lines' cash spent to September (26,540,000): -2,192,450.
    assert pay.balance == pytest.approx(-2_192_450)


def test_the_forecast_by_month_ends_at_the_reports(sample_year: engine.InYearResult) -> None:
    by = sample_year.by_period
    assert by["label"].tolist() == ["Apr", "May", "Jun", "Jul", "Aug", "Sep"]
    assert by["forecast"].iat[-1] == pytest.approx(53_974_697)
    assert (by["budget"] == 53_418_600).all()


# --- a small arrangement: separate terms, aligned lines, carry-forward ----------------------

A, B = "Alpha Council", "Beta ICB"
L1, L2, L3 = "Line one", "Line two", "Line three"


def small(**changes: Any) -> dict[str, Any]:
    """Two partners over 2026/27 and 2027/28. L1: A 6,000 and B 4,000 cash, B 500 staff in
    kind; L2: B 2,000; L3 is aligned: A 1,000 and B 1,000 each its own. Overspends pro rata,
    underspends per line, carried forward."""
    data: dict[str, Any] = {
        "arrangement": {
            "name": "Small pool",
            "kind": "Pooled",
            "first_year": "2026/27",
            "years": 2,
            "host": A,
            "basis": "Pro rata to contributions",
            "underspend_basis": "Pro rata per line",
            "underspend_use": "Carried forward",
        },
        "partners": [[A, "Statutory"], [B, "NHS body"]],
        "lines": [[L1], [L2], [L3, None, None, None, "Aligned"]],
        "contributions": [
            [A, L1, "2026/27", "Financial", 6_000],
            [B, L1, "2026/27", "Financial", 4_000],
            [B, L1, "2026/27", "Staff", 500],
            [B, L2, "2026/27", "Financial", 2_000],
            [A, L3, "2026/27", "Financial", 1_000],
            [B, L3, "2026/27", "Financial", 1_000],
        ],
        "in_year": {"year": "2026/27", "periods": "Monthly", "opening_balance": 100},
        "period_actuals": [
            [L1, None, "Financial", *[800] * 6, *BLANK6],
            [L2, None, "Financial", 200, 200, 200, 200, 200, 250, *BLANK6],
            [L3, A, "Financial", *[100] * 5, 150, *BLANK6],
            [L1, B, "Staff", *[50] * 6, *BLANK6],
        ],
        "forecasts": [
            [L1, None, None, None, 9_000, "Contract ends in January"],
            [L2, None, "Run rate"],
        ],
        "payments": [[A, 1, 3_000, 3_000], [A, 7, 3_000], [B, 1, 3_000, 3_000], [B, 4, 3_000]],
    }
    for key, value in changes.items():
        data[key] = value
    return data


def built(data: dict[str, Any]) -> engine.BudgetResult:
    given, _ = read_inputs(cells(data))
    return engine.build(given)


def test_an_underspend_of_the_pool_is_shared_on_the_underspend_terms() -> None:
    # L1 overridden at 9,000 (-1,000); L2 at its run rate 1,250 × 12/6 = 2,500 (+500): the
    # pool underspends by 500, so the underspend terms (per line) apply: L1's -1,000 to its
    # contributors 6:4 (A -600, B -400), L2's +500 to B alone: A -600, B +100. (On the
    # overspend terms, pro rata 6,000:6,000, each would bear -250.) L3 is aligned: A's own
    # 650 + 1,000 × 6/12 = 1,150 (+150) is A's; B entered no actuals there (forecast at
    # budget). A: -600 + 150 = -450.
    r = built(small()).in_year
    assert r is not None
    s = r.settlement
    assert s["settlement"].to_dict() == {A: -450.0, B: 100.0}
    assert s["own_part"].to_dict() == {A: 150.0, B: 0.0}
    lines = r.lines.set_index("line")
    assert lines.loc[L1, "how"] == "Override from P6: Contract ends in January"
    assert lines.loc[L3, "kind"] == "Aligned"
    units = r.units.set_index(["line", "partner", "cash_unit"])
    assert units.loc[(L3, B, True), "how"] == "No actuals entered: forecast at budget"


def test_an_overspend_of_the_pool_is_shared_on_the_overspend_terms() -> None:
    # The same with L1 overridden at 11,000 (+1,000): the pool overspends by 1,500, shared
    # pro rata to cash on the shared lines (6,000 each): +750 each; A's +150 on L3 its own.
    data = small(
        forecasts=[[L1, None, None, None, 11_000, "A late invoice"], [L2, None, "Run rate"]]
    )
    r = built(data).in_year
    assert r is not None
    assert r.settlement["settlement"].to_dict() == {A: 900.0, B: 750.0}
    assert r.carried_forward.empty  # nothing underspent to carry


def test_the_movement_of_each_share_since_last_period() -> None:
    # At August (5 closed) the override (from September) did not stand: L1 was 4,000 +
    # 10,000 × 7/12 = 9,833.33 (-166.67), L2 1,000 × 12/5 = 2,400 (+400): the pool
    # overspent by 233.33, pro rata 50/50: 23,333p = 11,667p (A, listed first) + 11,666p.
    # A's L3: 500 + 1,000 × 7/12 = 1,083.33 (+83.33). So A 200.00, B 116.66 last period;
    # now -450 and +100.
    r = built(small()).in_year
    assert r is not None
    p = r.partners.set_index("partner")
    assert p["previous_share"].to_dict() == {A: 200.0, B: 116.66}
    assert p["share_movement"].round(2).to_dict() == {A: -650.0, B: -16.66}


def test_in_kind_stays_out_of_the_cash_shares() -> None:
    # B's staff on L1: 50 × 6 = 300, + 500 × 6/12 = 550: +50 in kind, in no cash figure.
    r = built(small()).in_year
    assert r is not None
    b = r.partners.set_index("partner").loc[B]
    assert (b["in_kind_budget"], b["in_kind_forecast"], b["in_kind_variance"]) == (500, 550, 50)
    assert b["budget"] == 7_000  # cash only: 4,000 + 2,000 + 1,000


def test_a_partners_underspend_is_carried_forward_on_the_lines_that_underspent() -> None:
    # A's pooled part is -600 (L1's underspend): carried into 2027/28 on L1, where A puts
    # cash; B's part is +100, nothing to carry. A's 2027/28 cash as planned: 6,000 (L1,
    # projected flat) + 1,000 (L3) = 7,000, with the carry-forward 7,600.
    r = built(small()).in_year
    assert r is not None
    assert r.carried_forward.to_dict("records") == [
        {"partner": A, "line": L1, "year": 2027, "amount": 600.0}
    ]
    assert r.next_year[["partner", "planned", "total"]].to_dict("records") == [
        {"partner": A, "planned": 7_000.0, "total": 7_600.0}
    ]


def test_a_carried_forward_contribution_is_a_one_off_and_shown_as_carried_forward() -> None:
    # Entered next year, Carried forward = Yes: A's L1 in 2027/28 is its 6,000 (projected
    # flat, 10% uplift from 2027/28: 6,600) plus the 600 carried, which is never uplifted.
    data = small(conditions=[[A, "Uplift", 0.1, "2027/28", None, "Inflation"]])
    data["contributions"].append(
        [A, L1, "2027/28", "Financial", 600, "No", "Underspend of 2026/27", None, "Yes"]
    )
    result = built(data)
    detail = result.budget.detail.set_index(["line", "year", "partner"])
    assert detail.loc[(L1, 2027, A), "cash"] == pytest.approx(6_600 + 600)
    assert detail.loc[(L1, 2027, A), "carried_forward"] == 600
    by_kind = result.projected[
        (result.projected["partner"] == A) & (result.projected["line"] == L1)
    ]
    assert by_kind.loc[by_kind["carried_forward"], "amount"].tolist() == [600]


def test_payments_behind_and_the_funds_cash() -> None:
    # As at September: A paid its April 3,000 (October's not yet due); B paid April's but
    # not July's 3,000. Cash: 100 + 6,000 paid - (4,800 + 1,250) spent on the pooled lines
    # (L3 is aligned: spent from A's and B's own budgets) = 50.
    r = built(small()).in_year
    assert r is not None and r.payments is not None
    assert r.payments.partners.set_index("partner")["behind"].to_dict() == {A: 0.0, B: 3_000.0}
    assert r.payments.balance == pytest.approx(50)
    assert r.payments.notes == []  # each schedule adds up to its cash into the pool (6,000)


def test_an_earlier_period_can_be_reported_as_it_stood() -> None:
    # --period 3: L1 flat 2,400 + 10,000 × 9/12 = 9,900 (its override stands from P6 only),
    # and the later actuals are left out, with a note saying so.
    given, _ = read_inputs(cells(small()))
    r = engine.build(given, period=3).in_year
    assert r is not None
    assert r.lines.set_index("line").loc[L1, "forecast"] == pytest.approx(9_900)
    assert any("after period 3 are left out" in n for n in r.notes)


def test_a_quarterly_year() -> None:
    # Quarterly: L1's two quarters 2,400 + 2,400 (flat) + 10,000 × 2/4 = 9,800.
    data = small(
        in_year={"year": "2026/27", "periods": "Quarterly"},
        period_actuals=[[L1, None, "Financial", 2_400, 2_400]],
        forecasts=[],
        payments=[],
    )
    r = built(data).in_year
    assert r is not None
    assert (r.period, r.periods.size) == (2, 4)
    assert r.lines.set_index("line").loc[L1, "forecast"] == 9_800
    assert r.by_period["label"].tolist() == ["Q1", "Q2"]


def frame(result: engine.BudgetResult) -> pd.DataFrame:
    assert result.in_year is not None
    return result.in_year.line_partner


def test_a_pooled_lines_figures_are_attributed_by_each_partners_cash() -> None:
    # L1's budget 10,000 (A 60%, B 40%) and forecast 9,000: A 6,000 and 5,400, B 4,000 and
    # 3,600.
    lp = frame(built(small())).set_index(["line", "partner"])
    assert lp.loc[(L1, A), ["budget", "forecast"]].tolist() == [6_000, 5_400]
    assert lp.loc[(L1, B), ["budget", "forecast"]].tolist() == [4_000, 3_600]
