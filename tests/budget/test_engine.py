"""The budget engine against hand calculations written out beside each test."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpcxl.budget import engine
from cpcxl.budget.engine import RiskTerms, allocate_pence, share_risk
from cpcxl.budget.inputs import example, read_inputs
from cpcxl.budget.models import (
    Arrangement,
    Change,
    Condition,
    Line,
    Outcome,
    Partner,
    PartnerType,
    RiskBasis,
)
from cpcxl.common.errors import InputError

from .tables import cells, sample_data


def contributions(rows: list[tuple]) -> pd.DataFrame:
    """(partner, line, year, kind, amount[, reduction]) rows as the engine's long table."""
    frame = pd.DataFrame(
        [(*r, False) if len(r) == 5 else r for r in rows], columns=engine.CONTRIBUTION_COLUMNS
    )
    frame["_row"] = range(5, 5 + len(frame))
    return frame


# --- rounding to the penny -----------------------------------------------------------------


def test_one_hundred_pounds_three_ways_gives_the_spare_penny_to_the_first() -> None:
    # 10,000p / 3 = 3,333.33p each; 3 × 3,333 = 9,999 leaves 1p; equal fractions: first wins.
    assert allocate_pence(np.array([10_000]), np.array([[1, 1, 1]])).tolist() == [
        [3334, 3333, 3333]
    ]


def test_an_underspend_is_split_the_same_way_with_the_sign_kept() -> None:
    assert allocate_pence(np.array([-10_000]), np.array([[1, 1, 1]])).tolist() == [
        [-3334, -3333, -3333]
    ]


def test_the_spare_penny_goes_to_the_largest_fraction_not_the_first() -> None:
    # 100p in 1:2 = 33.33p and 66.67p: floors 33 + 66 = 99; the .67 is larger, so 33 and 67.
    assert allocate_pence(np.array([100]), np.array([[1, 2]])).tolist() == [[33, 67]]


def test_two_pence_over_three_partners() -> None:
    # 0.67p each: floors all 0, two pence left go to the first two equal fractions.
    assert allocate_pence(np.array([2]), np.array([[5, 5, 5]])).tolist() == [[1, 1, 0]]


def test_rows_are_allocated_independently() -> None:
    result = allocate_pence(np.array([100, 7]), np.array([[1.0, 1.0], [0.0, 3.0]]))
    assert result.tolist() == [[50, 50], [0, 7]]


@given(
    total=st.integers(min_value=-(10**11), max_value=10**11),
    weights=st.lists(st.floats(min_value=0, max_value=1e9), min_size=1, max_size=12).filter(
        lambda w: sum(w) > 1e-6
    ),
)
def test_parts_always_add_up_to_the_total_and_are_within_a_penny(
    total: int, weights: list[float]
) -> None:
    parts = allocate_pence(np.array([total]), np.array([weights]))[0]
    assert parts.sum() == total
    exact = total * np.array(weights) / sum(weights)
    assert np.all(np.abs(parts - exact) < 1 + 1e-6)


# --- risk share on every basis -------------------------------------------------------------
#
# Partners A, B, C; lines L1, L2 and L3, L3 a capital line kept out of the risk share.
# Cash:      L1    L2    L3
#   A       600   200     0
#   B       300     0   100
#   C       100   200     0
# Variances: L1 +£1,000.00, L2 +£100.00, L3 -£50.00 (an underspend, B's alone).
# Shared lines L1 + L2 = £1,100.00; contributions to them A 800, B 300, C 300 (1,400).

WEIGHTS = pd.DataFrame(
    [[600, 200, 0], [300, 0, 100], [100, 200, 0]],
    index=["A", "B", "C"],
    columns=["L1", "L2", "L3"],
    dtype=float,
)
VARIANCE = pd.Series({"L1": 1000.0, "L2": 100.0, "L3": -50.0})
EXCLUDED = frozenset({"L3"})


def settle(**terms: object) -> dict[str, float]:
    result = share_risk(WEIGHTS, VARIANCE, RiskTerms(excluded=EXCLUDED, **terms))
    assert result["pence"].sum() == 105_000  # 1,000 + 100 - 50, exactly
    return result["settlement"].to_dict()


def test_pro_rata_overall() -> None:
    # 110,000p × 800/1,400 = 62,857.14p; × 300/1,400 = 23,571.43p for B and for C.
    # Floors 62,857 + 23,571 + 23,571 = 109,999: the spare penny goes to B (listed before C).
    # B also keeps its L3 underspend: 235.72 - 50.00 = 185.72.
    assert settle(basis=RiskBasis.PRO_RATA) == {"A": 628.57, "B": 185.72, "C": 235.71}


def test_pro_rata_per_line() -> None:
    # L1 £1,000 in 600:300:100 = 600/300/100; L2 £100 in 200:0:200 = 50/0/50; B -50 on L3.
    assert settle(basis=RiskBasis.PRO_RATA_PER_LINE) == {"A": 650.0, "B": 250.0, "C": 150.0}


def test_fixed_percentages() -> None:
    # £1,100 at 50/30/20 = 550/330/220; B -50 on L3.
    shares = {"A": 0.5, "B": 0.3, "C": 0.2}
    assert settle(basis=RiskBasis.FIXED, fixed_shares=shares) == {
        "A": 550.0,
        "B": 280.0,
        "C": 220.0,
    }


def test_fixed_percentages_must_add_up_to_100() -> None:
    with pytest.raises(InputError, match=r"add up to 90\.00%, not 100%"):
        settle(basis=RiskBasis.FIXED, fixed_shares={"A": 0.5, "B": 0.3, "C": 0.1})


def test_the_host_bears_it() -> None:
    assert settle(basis=RiskBasis.HOST, host="B") == {"A": 0.0, "B": 1050.0, "C": 0.0}


def test_each_lines_commissioning_partner_bears_it() -> None:
    # L1 led by A takes £1,000; L2 led by C takes £100; L3 stays with B.
    assert settle(basis=RiskBasis.LEAD, leads={"L1": "A", "L2": "C"}) == {
        "A": 1000.0,
        "B": -50.0,
        "C": 100.0,
    }


def test_capped_with_the_remainder_pro_rata() -> None:
    # Pro rata A would bear 628.57 > its £500 cap: A = 500; the other £600 goes 300:300.
    assert settle(basis=RiskBasis.CAPPED, caps={"A": 500}) == {"A": 500.0, "B": 250.0, "C": 300.0}


def test_capped_when_every_cap_is_reached_the_host_bears_the_rest() -> None:
    # A 500; then B and C would each take 300 > 100: both 100; £400 is left for host C.
    caps = {"A": 500, "B": 100, "C": 100}
    assert settle(basis=RiskBasis.CAPPED, caps=caps, host="C") == {
        "A": 500.0,
        "B": 50.0,
        "C": 500.0,
    }


def test_capped_with_no_host_to_bear_the_rest_says_so() -> None:
    with pytest.raises(InputError, match="no host is named to bear the rest"):
        settle(basis=RiskBasis.CAPPED, caps={"A": 1, "B": 1, "C": 1})


def test_lead_basis_needs_a_lead_for_every_shared_line() -> None:
    with pytest.raises(InputError, match="line 'L2' has no commissioning partner"):
        settle(basis=RiskBasis.LEAD, leads={"L1": "A"})


def test_an_awkward_total_is_split_exactly_across_lines_and_partners() -> None:
    # £100.00 over three equal partners on one line: 33.34 + 33.33 + 33.33.
    weights = pd.DataFrame([[1.0], [1.0], [1.0]], index=["A", "B", "C"], columns=["L"])
    result = share_risk(weights, pd.Series({"L": 100.0}), RiskTerms())
    assert result["settlement"].tolist() == [33.34, 33.33, 33.33]


@given(
    cash=st.lists(
        st.lists(st.integers(min_value=0, max_value=10**7), min_size=3, max_size=3),
        min_size=3,
        max_size=3,
    ).filter(lambda m: all(sum(col) > 0 for col in zip(*m, strict=True))),
    variance=st.lists(st.integers(min_value=-(10**9), max_value=10**9), min_size=3, max_size=3),
    basis=st.sampled_from(list(RiskBasis)),
)
def test_every_basis_settles_exactly_to_the_penny(
    cash: list[list[int]], variance: list[int], basis: RiskBasis
) -> None:
    weights = pd.DataFrame(cash, index=["A", "B", "C"], columns=["L1", "L2", "L3"], dtype=float)
    line_variance = pd.Series(np.array(variance) / 100, index=["L1", "L2", "L3"])
    terms = RiskTerms(
        basis=basis,
        host="C",
        fixed_shares={"A": 1 / 3, "B": 1 / 3, "C": 1 / 3},
        caps={"A": 1000.0},
        leads={"L1": "A", "L2": "B", "L3": "C"},
        excluded=frozenset({"L3"}),
    )
    result = share_risk(weights, line_variance, terms)
    assert result["pence"].sum() == sum(variance)
    if basis is RiskBasis.CAPPED:
        assert abs(result.loc["A", "shared_pence"]) <= 100_000


# --- projection ----------------------------------------------------------------------------


def test_projection_applies_uplift_then_reduction_and_keeps_forecasts() -> None:
    # P: uplift 10% from 2026; a one-off 50% reduction in 2027.
    # Line X: 1,000 in 2025 -> 2026: 1,100 -> 2027: 1,100 × 1.1 × 0.5 = 605.
    # Line Y: 1,000 in 2025 and a forecast of 2,000 for 2026 (kept) -> 2027: 2,000 × 0.55.
    conditions = [
        Condition(partner="P", change=Change.UPLIFT, value=0.10, from_year=2026),
        Condition(partner="P", change=Change.REDUCTION, value=0.5, from_year=2027, to_year=2027),
    ]
    frame = contributions(
        [
            ("P", "X", 2025, "Financial", 1000.0),
            ("P", "Y", 2025, "Financial", 1000.0),
            ("P", "Y", 2026, "Financial", 2000.0),
        ]
    )
    out = engine.project(frame, conditions, ["P"], [2025, 2026, 2027])
    amounts = out.set_index(["line", "year"])["amount"]
    assert amounts[("X", 2026)] == pytest.approx(1100)
    assert amounts[("X", 2027)] == pytest.approx(605)
    assert amounts[("Y", 2026)] == pytest.approx(2000)
    assert amounts[("Y", 2027)] == pytest.approx(1100)
    projected = out.set_index(["line", "year"])["projected"]
    assert not projected[("Y", 2026)] and projected[("Y", 2027)]


def test_a_cap_scales_a_partners_cash_lines_down_and_leaves_in_kind_alone() -> None:
    # Q: 600 + 400 cash and 100 staff in 2025, no uplift; cash capped at 800 from 2026:
    # 1,000 > 800 so each cash line × 0.8 = 480 and 320; staff stays 100.
    conditions = [Condition(partner="Q", change=Change.CAP, value=800, from_year=2026)]
    frame = contributions(
        [
            ("Q", "X", 2025, "Financial", 600.0),
            ("Q", "Y", 2025, "Financial", 400.0),
            ("Q", "X", 2025, "Staff", 100.0),
        ]
    )
    out = engine.project(frame, conditions, ["Q"], [2025, 2026])
    amounts = out.set_index(["line", "kind", "year"])["amount"]
    assert amounts[("X", "Financial", 2025)] == 600
    assert amounts[("X", "Financial", 2026)] == pytest.approx(480)
    assert amounts[("Y", "Financial", 2026)] == pytest.approx(320)
    assert amounts[("X", "Staff", 2026)] == pytest.approx(100)


def test_a_reduction_is_a_one_off_adjustment_to_its_own_year() -> None:
    # 1,000 a year with a 10% uplift: 2026 would be 1,100; a reduction of -300 in 2026 makes
    # it 800; 2027 is projected from the un-reduced 1,100: 1,210.
    conditions = [Condition(partner="P", change=Change.UPLIFT, value=0.10, from_year=2026)]
    frame = contributions(
        [
            ("P", "X", 2025, "Financial", 1000.0, False),
            ("P", "X", 2026, "Financial", -300.0, True),
        ]
    )
    out = engine.project(frame, conditions, ["P"], [2025, 2026, 2027])
    assert out["amount"].round(6).tolist() == [1000.0, 800.0, 1210.0]


def test_a_contribution_that_starts_later_is_not_projected_backwards() -> None:
    frame = contributions([("P", "X", 2026, "Financial", 500.0)])
    out = engine.project(frame, [], ["P"], [2025, 2026, 2027])
    assert out["year"].tolist() == [2026, 2027]
    assert out["amount"].tolist() == [500.0, 500.0]


# --- the joint budget -----------------------------------------------------------------------


def small_inputs(**changes: object) -> engine.BudgetInputs:
    """NHS and Council over 2025-2026 on two lines; the Charity adds volunteer time."""
    values: dict[str, object] = {
        "arrangement": Arrangement(
            first_year=2025, years=2, host="Council", test_variance=1000.0, test_year=2025
        ),
        "partners": [
            Partner(name="NHS", type=PartnerType.NHS_BODY, row=5),
            Partner(name="Council", type=PartnerType.STATUTORY, row=6),
            Partner(name="Charity", type=PartnerType.VOLUNTARY, row=7),
        ],
        "lines": [
            Line(name="Reablement", lead="NHS", row=5),
            Line(name="Adaptations", lead="Council", excluded=True, row=6),
        ],
        "contributions": contributions(
            [
                ("NHS", "Reablement", 2025, "Financial", 600.0),
                ("Council", "Reablement", 2025, "Financial", 200.0),
                ("Council", "Adaptations", 2025, "Financial", 200.0),
                ("Charity", "Reablement", 2025, "Time", 100.0),
            ]
        ),
        "conditions": [Condition(partner="NHS", change=Change.UPLIFT, value=0.5, from_year=2026)],
        "outcomes": [
            Outcome(partner="Charity", outcome="Fewer admissions", lines=("Reablement",)),
        ],
    }
    values.update(changes)
    return engine.BudgetInputs(**values)  # type: ignore[arg-type]


def test_each_partners_share_at_every_level() -> None:
    # 2025: NHS 600, Council 400 cash, Charity 100 in kind. 2026: NHS 600 × 1.5 = 900 (others
    # flat). Totals: NHS 1,500, Council 800 cash = 2,300; with the 200 in kind, 2,500.
    result = engine.build(small_inputs())
    b = result.budget
    by_partner = b.by("partner")
    assert by_partner.loc["NHS", "cash"] == pytest.approx(1500)
    assert by_partner.loc["NHS", "cash_share"] == pytest.approx(1500 / 2300)
    assert by_partner.loc["Charity", "in_kind"] == pytest.approx(200)
    assert by_partner.loc["Charity", "share"] == pytest.approx(200 / 2500)
    by_year = b.by("year", "partner")
    assert by_year.loc[(2026, "NHS"), "cash_share"] == pytest.approx(900 / 1300)
    by_line_year = b.by("line", "year", "partner")
    # Reablement 2025: NHS 600 of 800 cash = 75%.
    assert by_line_year.loc[("Reablement", 2025, "NHS"), "cash_share"] == pytest.approx(0.75)
    assert b.total_cash == pytest.approx(2300)
    assert b.total_in_kind == pytest.approx(200)


def test_exposure_excludes_the_capital_line_and_shares_by_the_test_year() -> None:
    # The £1,000 test overspend is spread only over Reablement; 2025 cash there: NHS 600,
    # Council 200 -> 750.00 and 250.00; the Charity has no cash so bears nothing.
    result = engine.build(small_inputs())
    assert result.exposure["settlement"].to_dict() == {
        "NHS": 750.0,
        "Council": 250.0,
        "Charity": 0.0,
    }


def test_outcomes_served_show_the_partners_leverage() -> None:
    # Reablement, both years: NHS 600 + 900, Council 200 + 200, Charity time 100 + 100 = 2,100;
    # the Charity's own 200 of it.
    row = engine.build(small_inputs()).outcomes.iloc[0]
    assert row["joint_budget"] == pytest.approx(2100)
    assert row["own_contribution"] == pytest.approx(200)
    assert row["others_contribution"] == pytest.approx(1900)


def test_pooling_benefit_against_stand_alone_costs() -> None:
    # NHS alone on Reablement: 700 a year (Year blank) -> 1,400 over two years against its
    # 600 + 900 = 1,500 jointly: a saving of -100. Council alone on Adaptations in 2025 only:
    # 260 against 200: a saving of 60 (23.08%).
    standalone = pd.DataFrame(
        {
            "partner": ["NHS", "Council"],
            "line": ["Reablement", "Adaptations"],
            "year": pd.array([None, 2025], dtype="Int64"),
            "cost": [700.0, 260.0],
        }
    )
    pooling = engine.build(small_inputs(standalone=standalone)).pooling.set_index("partner")
    assert pooling.loc["NHS", "standalone_cost"] == pytest.approx(1400)
    assert pooling.loc["NHS", "saving"] == pytest.approx(-100)
    assert pooling.loc["Council", "saving"] == pytest.approx(60)
    assert pooling.loc["Council", "saving_share"] == pytest.approx(60 / 260)


def test_monitoring_and_the_settlement_of_the_actual_variance() -> None:
    # 2025 actuals: Reablement 900 against 800 (+100); Adaptations 150 against 200 (-50).
    # Reablement's +100 is shared 600:200 = 75/25; Adaptations' -50 stays with the Council.
    actuals = pd.DataFrame(
        {
            "line": ["Reablement", "Adaptations"],
            "year": [2025, 2025],
            "partner": [None, None],
            "actual": [900.0, 150.0],
        }
    )
    result = engine.build(small_inputs(actuals=actuals))
    m = result.monitoring.set_index("line")
    assert m.loc["Reablement", "variance"] == pytest.approx(100)
    assert m.loc["Adaptations", "variance_share"] == pytest.approx(-0.25)
    # By partner: Reablement's 900 attributed 600:200 = 675 and 225 against 600 and 200.
    mp = result.monitoring_by_partner.set_index(["line", "partner"])
    assert mp.loc[("Reablement", "NHS"), "actual"] == pytest.approx(675)
    assert mp.loc[("Reablement", "Council"), "variance"] == pytest.approx(25)
    assert mp.loc[("Adaptations", "Council"), "variance"] == pytest.approx(-50)
    assert result.actual_settlement is not None
    assert result.actual_settlement["settlement"].to_dict() == {
        "NHS": 75.0,
        "Council": -25.0,
        "Charity": 0.0,
    }


def test_scenarios_side_by_side() -> None:
    # "Council +50%": Council 400 -> 600 a year. 2025 Reablement cash: NHS 600, Council 300:
    # the £1,000 test overspend is 666.67 / 333.33.
    changes = [engine.ScenarioChange("Council +50%", "Council", contribution_change=0.5)]
    table = engine.compare_scenarios(small_inputs(), changes).set_index(["scenario", "partner"])
    assert table.loc[("Base", "Council"), "cash"] == pytest.approx(800)
    assert table.loc[("Council +50%", "Council"), "cash"] == pytest.approx(1200)
    assert table.loc[("Council +50%", "NHS"), "exposure"] == 666.67
    assert table.loc[("Council +50%", "Council"), "exposure"] == 333.33


def test_a_scenario_cap_replaces_the_partners_caps() -> None:
    # Council capped at £300 a year: 2025 cash 200 + 200 = 400 -> × 0.75 = 150 + 150;
    # the same in 2026: 600 in all (against 800 in Base).
    changes = [engine.ScenarioChange("Council capped", "Council", cap=300)]
    table = engine.compare_scenarios(small_inputs(), changes).set_index(["scenario", "partner"])
    assert table.loc[("Council capped", "Council"), "cash"] == pytest.approx(600)
    assert table.loc[("Base", "Council"), "cash"] == pytest.approx(800)


def test_a_scenario_with_unworkable_terms_shows_why_and_leaves_the_others() -> None:
    # Fixed percentages with none entered add up to 0%: that scenario's exposure says why.
    changes = [engine.ScenarioChange("Fixed", basis=RiskBasis.FIXED)]
    table = engine.compare_scenarios(small_inputs(), changes).set_index(["scenario", "partner"])
    assert table.loc[("Base", "NHS"), "exposure"] == 750.0
    assert str(table.loc[("Fixed", "NHS"), "exposure"]).startswith(
        "n/a: the fixed risk-share percentages add up to 0.00%"
    )


def test_uplift_compounds() -> None:
    # 1,000 × 1.05³ = 1,157.625
    assert engine.uplift(1000, 0.05, 3) == pytest.approx(1157.625)


# --- the worksheet functions' arithmetic ---------------------------------------------------


def test_pool_summary_keeps_cash_and_in_kind_apart() -> None:
    # NHS 900 cash; Charity 100 cash and 250 of time: cash 1,000 (90/10), all 1,250 (72/28).
    table = pd.DataFrame(
        {
            "partner": ["NHS", "Charity", "Charity"],
            "kind": ["Financial", "Financial", "Time"],
            "amount": [900.0, 100.0, 250.0],
        }
    )
    summary = engine.pool_summary(table).set_index("partner")
    assert summary.loc["Charity", ["cash", "in_kind", "total"]].tolist() == [100, 250, 350]
    assert summary.loc["NHS", "cash_share"] == pytest.approx(0.9)
    assert summary.loc["Charity", "share"] == pytest.approx(0.28)
    assert summary.loc["Total", ["cash", "in_kind", "total"]].tolist() == [1000, 250, 1250]
    assert list(summary.index) == ["NHS", "Charity", "Total"]  # in the order given


def test_pool_shares_of_amounts_with_a_blank() -> None:
    shares = engine.pool_shares(np.array([[300.0], [np.nan], [100.0]]))
    assert shares[0, 0] == 0.75 and np.isnan(shares[1, 0]) and shares[2, 0] == 0.25


def test_share_grid_per_line_needs_one_variance_per_line() -> None:
    with pytest.raises(InputError, match=r"there are 2 lines \(columns\) but 3 variances"):
        engine.share_grid(np.ones((2, 2)), np.array([1.0, 2.0, 3.0]), RiskBasis.PRO_RATA_PER_LINE)


def test_share_grid_host_needs_a_position_in_the_list() -> None:
    with pytest.raises(InputError, match="the host's position 4 is not in the list; valid: 1 to 3"):
        engine.share_grid(np.ones((3, 1)), np.array([10.0]), RiskBasis.HOST, np.array([[4.0]]))


# --- issue 13, case 1: an aligned budget shares nothing (CPC 509) ----------------------------
#
# CPC 509: in an aligned budget each partner keeps control of, and bears the variance on, its
# own budget; only a pooled budget shares. Each partner's variance is its own actuals against
# its own contributions; the risk-share terms apply only to pooled lines. The sample's 2025/26
# cash on Reablement: ICB £18,500,000, County £4,800,000; on Community and voluntary support:
# ICB £950,000, County £400,000, Community Action £180,000.


def sample_built(kind: str, actuals: list[list[object]], **arrangement: object) -> Any:
    data = sample_data(in_year=False)
    data["arrangement"].update(kind=kind, **arrangement)
    data["actuals"] = actuals
    given, _ = read_inputs(cells(data))
    return engine.build(given)


ICB_OVER = [[example.REABLEMENT, "2025/26", example.ICB, 18_600_000]]


def test_issue_13_case_1_an_aligned_partners_overspend_is_its_own() -> None:
    # The issue's example: the ICB spent £18,600,000 of its own £18,500,000 on Reablement:
    # +£100,000, all the ICB's. Main shared it pro rata to the pool's cash (34.4m, 14.85m and
    # 0.18m of 49.43m): ICB £69,593.37, Council £30,042.48, Community Action £364.15.
    result = sample_built("Aligned", ICB_OVER)
    settlement = result.actual_settlement
    assert settlement["settlement"].to_dict() == {
        example.ICB: 100_000.0,
        example.COUNTY: 0.0,
        example.DISTRICT: 0.0,
        example.VCS: 0.0,
    }
    assert settlement["own_part"].sum() == 100_000.0
    assert settlement["shared_part"].sum() == 0.0
    assert settlement.attrs == {"aligned": True, "year": 2025}


def test_issue_13_case_1_the_pooled_budget_still_shares_the_same_overspend() -> None:
    # Pooled, the same +£100,000 is the pool's, shared pro rata to cash on shared lines:
    # 10,000,000p × 34.4/49.43 = 6,959,336.44p, × 14.85/49.43 = 3,004,248.43p,
    # × 0.18/49.43 = 36,415.13p; floors add to 9,999,999p, the spare penny to the .44:
    # £69,593.37, £30,042.48, £364.15 (the figures the issue saw, right for a pooled budget).
    result = sample_built("Pooled", ICB_OVER)
    assert result.actual_settlement["settlement"].to_dict() == {
        example.ICB: 69_593.37,
        example.COUNTY: 30_042.48,
        example.DISTRICT: 0.0,
        example.VCS: 364.15,
    }


def test_issue_13_case_1_each_aligned_partner_bears_its_own_even_on_one_line() -> None:
    # Reablement: ICB 18.6m against 18.5m (+100,000), County 4.6m against 4.8m (-200,000);
    # Community and voluntary support: Community Action 200,000 against 180,000 (+20,000).
    # Aligned: nothing nets off between partners: +100,000, -200,000 and +20,000, and the
    # agreed terms (here the host bears it) do not apply.
    actuals = [
        [example.REABLEMENT, "2025/26", example.ICB, 18_600_000],
        [example.REABLEMENT, "2025/26", example.COUNTY, 4_600_000],
        [example.COMMUNITY, "2025/26", example.VCS, 200_000],
    ]
    result = sample_built("Aligned", actuals, basis="Host bears it")
    assert result.actual_settlement["settlement"].to_dict() == {
        example.ICB: 100_000.0,
        example.COUNTY: -200_000.0,
        example.DISTRICT: 0.0,
        example.VCS: 20_000.0,
    }


def test_issue_13_case_1_an_aligned_tested_overspend_falls_on_each_own_budget() -> None:
    # £1,200,000 spread over every partner's own 2025/26 cash (nothing is kept out of a risk
    # share there is not): 34.4m, 14.85m, 2.35m (the DFG) and 0.18m of 51.78m.
    # 120,000,000p × 34.4/51.78 = 79,721,899.96p; × 14.85/51.78 = 34,414,831.98p;
    # × 2.35/51.78 = 5,446,118.19p; × 0.18/51.78 = 417,149.48p. Floors add to 119,999,997p;
    # the three pence go to .98 (County), .96 (ICB), .48 (Community Action).
    result = sample_built("Aligned", ICB_OVER)
    assert result.exposure["settlement"].to_dict() == {
        example.ICB: 797_219.00,
        example.COUNTY: 344_148.32,
        example.DISTRICT: 54_461.18,
        example.VCS: 4_171.50,
    }
    # The bases side by side are what pooling would give: pro rata on shared lines, as
    # pooled (1,200,000 × 14.85/49.43 = 360,509.81 for the County).
    assert result.exposure_by_basis.loc[example.COUNTY, "Pro rata to contributions"] == 360_509.81


def test_issue_13_case_1_an_aligned_actual_with_no_partner_is_a_located_error() -> None:
    # An aligned line's actuals must say whose budget they are. The sample's actuals name no
    # partner; the first is on sheet row 2 (the header on row 1), Partner in column C.
    data = sample_data(in_year=False)
    data["arrangement"]["kind"] = "Aligned"
    given, _ = read_inputs(cells(data))
    problems = [str(e) for e in engine.check(given)]
    assert len(problems) == 6  # one per actual
    assert problems[0] == (
        "Actuals!C2, field 'Partner': the arrangement is aligned, so this actual for "
        f"{example.REABLEMENT!r} must say whose budget it is (each partner bears its own "
        f"variance, CPC 509); valid: {example.ICB}, {example.COUNTY}, {example.DISTRICT}, "
        f"{example.VCS}"
    )
    # Pooled, a blank partner is the whole line's spend: no problem.
    data["arrangement"]["kind"] = "Pooled"
    assert not engine.check(read_inputs(cells(data))[0])


# --- issue 13, case 2: a per-line variance nobody contributes to is never lost --------------


def test_issue_13_case_2_a_line_with_no_contributions_and_no_bearer_is_unsettled() -> None:
    # Line 1's £1,000 is 80:20 = £800 and £200; line 2's £300 has no contributions and no
    # host or lead in terms: it is not split (main gave 1p each, losing £299.98).
    shared = engine.share_grid(
        np.array([[80.0, 0.0], [20.0, 0.0]]),
        np.array([1000.0, 300.0]),
        RiskBasis.PRO_RATA_PER_LINE,
    )
    assert shared.parts[:, 0].tolist() == [800.0, 200.0]
    assert np.isnan(shared.parts[:, 1]).all()
    (why,) = shared.unsettled.values()
    assert list(shared.unsettled) == [1]
    assert str(why) == (
        "line 2 has a variance of £300.00 but no contributions, and terms name no host or lead "
        "to bear it; valid: in terms, the host's row (1 to 2) or a row of each line's lead"
    )


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        # The host (row 2) bears any line nobody contributes to: line 2's £300.
        (np.array([[2.0]]), [[800.0, 0.0], [200.0, 300.0]]),
        # Each line's lead: line 1's is not needed (it has contributors), line 2's is row 1.
        (np.array([[np.nan, 1.0]]), [[800.0, 300.0], [200.0, 0.0]]),
    ],
)
def test_issue_13_case_2_a_line_with_no_contributions_goes_to_the_named_bearer(
    terms: np.ndarray, expected: list[list[float]]
) -> None:
    # The parts always add up to the variance given: 800 + 200 = 1,000 and 300.
    shared = engine.share_grid(
        np.array([[80.0, 0.0], [20.0, 0.0]]),
        np.array([1000.0, 300.0]),
        RiskBasis.PRO_RATA_PER_LINE,
        terms,
    )
    assert shared.parts.tolist() == expected
    assert not shared.unsettled


def test_issue_13_case_2_allocating_a_total_with_no_weights_is_refused() -> None:
    # Hamilton's method cannot split 300p over weights 0 and 0; main gave 1p each.
    with pytest.raises(ValueError, match="a total to share has no weights"):
        allocate_pence(np.array([30_000]), np.array([[0.0, 0.0]]))
    # A zero total over zero weights is nothing to share: zeros.
    assert allocate_pence(np.array([0]), np.array([[0.0, 0.0]])).tolist() == [[0, 0]]


def test_issue_12_case_14_a_variance_beyond_a_trillion_pounds_is_refused() -> None:
    # 100,000 variances of £1tn each add up to £10^17, 10^19 pence: past a 64-bit integer's
    # 9.2 × 10^18, so main's pence wrapped round to a nonsense figure. No variance beyond
    # ±£1tn is plausible (Money's range): refused with the range, not settled.
    with pytest.raises(InputError, match=r"1e\+17 is outside -£1,000,000,000,000 to £1,000,0"):
        engine.share_grid(np.ones((2, 1)), np.full(100_000, 1e12))


def test_issue_13_case_1_an_aligned_budgets_scenarios_share_nothing_either() -> None:
    # The sample's "Host bears overspends" scenario changes a risk-share term, which an
    # aligned budget does not have: its exposure is the Base's, each partner's own part of the
    # £1,200,000 (ICB 797,219.00, as worked above), and its basis says so.
    data = sample_data(in_year=False)
    data["arrangement"]["kind"] = "Aligned"
    data["actuals"] = ICB_OVER
    given, scenarios = read_inputs(cells(data))
    table = engine.compare_scenarios(given, scenarios).set_index(["scenario", "partner"])
    for name in ("Base", "Host bears overspends"):
        assert table.loc[(name, example.ICB), "exposure"] == 797_219.00
        assert table.loc[(name, example.COUNTY), "exposure"] == 344_148.32
        assert table.loc[(name, example.ICB), "basis"] == "Aligned: each partner its own"
