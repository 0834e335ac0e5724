"""The monitoring engine against hand calculations and CQC's published rules."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from cpcxl.common.errors import InputError
from cpcxl.monitoring import engine
from cpcxl.monitoring.models import LimitingRule, MonitoringFramework, OverallRules, PreviousScore
from cpcxl.monitoring.sample import example_return
from cpcxl.monitoring.schemes import COUNCIL, CQC

from .cases import only_scored


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([3, 3, 2, 4], 75.0),  # 12 / 16
        ([1, 1, 1], 25.0),  # the floor: 3 / 12
        ([4, 4], 100.0),
        ([3, 2, 2, 2], 56.25),  # 9 / 16
        ([3, 4, 3], 100 * 10 / 12),
    ],
)
def test_domain_score_is_sum_over_four_times_statements(scores, expected) -> None:
    assert engine.score_percentage(scores) == pytest.approx(expected)


def test_no_scored_statement_gives_no_score_and_a_bad_score_is_refused() -> None:
    assert engine.score_percentage([]) is None
    with pytest.raises(InputError, match="5 is not a statement score"):
        engine.score_percentage([3, 5])


# Both sides of every CQC boundary, whole and with the halves rule (38.5 -> 39).
BOUNDARIES = [
    (25, "Inadequate"),
    (38, "Inadequate"),
    (38.49, "Inadequate"),
    (38.5, "Requires improvement"),
    (39, "Requires improvement"),
    (62, "Requires improvement"),
    (62.49, "Requires improvement"),
    (62.5, "Good"),
    (63, "Good"),
    (87, "Good"),
    (87.49, "Good"),
    (87.5, "Outstanding"),
    (88, "Outstanding"),
    (100, "Outstanding"),
]


@pytest.mark.parametrize(("percentage", "expected"), BOUNDARIES)
def test_cqc_bands_on_both_sides_of_each_boundary(percentage, expected) -> None:
    assert engine.rating(percentage, CQC) == expected


def test_council_bands_use_its_own_labels() -> None:
    assert [engine.rating(p, COUNCIL) for p in (38, 39, 63, 88)] == [
        "Poor",
        "Requires improvement",
        "Good",
        "Excellent",
    ]


def test_scores_that_land_on_a_half_round_up() -> None:
    # 10/16 = 62.5% exactly -> 63 -> Good; 20 points over 13 statements = 38.46% -> Inadequate
    assert engine.rating(engine.score_percentage([3, 3, 2, 2]), CQC) == "Good"
    assert engine.rating(engine.score_percentage([2] * 7 + [1] * 6), CQC) == "Inadequate"


def test_vectorised_levels_agree_with_decimal_half_up_rounding() -> None:
    # A second method: Decimal's ROUND_HALF_UP on every hundredth from 25% to 100%.
    values = np.round(np.arange(2500, 10001) / 100, 2)
    levels = engine.rating_levels(values, CQC)
    mins = [0, 39, 63, 88]
    for value, level in zip(values, levels, strict=True):
        whole = int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        assert level == max(i for i, m in enumerate(mins) if whole >= m), value
        assert engine.rating_level(float(value), CQC) == level


@pytest.mark.parametrize("bad", [-1, 100.5, 0.75])
def test_a_percentage_outside_0_to_100_or_a_fraction_is_refused(bad) -> None:
    with pytest.raises(InputError, match="percentage from 0 to 100"):
        engine.rating(bad, CQC)


INAD, R, G, OUT = 0, 1, 2, 3


@pytest.mark.parametrize(
    ("levels", "breach", "expected"),
    [
        ([G, G, G, G, G], False, "Good"),
        ([R, G, G, G, G], False, "Good"),  # Good allows one Requires improvement
        ([R, R, G, G, G], False, "Requires improvement"),  # two or more RI
        ([INAD, G, G, G, G], False, "Requires improvement"),  # one Inadequate: not Good
        ([INAD, OUT, OUT, OUT, OUT], False, "Requires improvement"),
        ([INAD, INAD, G, G, G], False, "Inadequate"),  # two or more Inadequate
        ([INAD, INAD, INAD, R, R], False, "Inadequate"),
        ([OUT, OUT, G, G, G], False, "Outstanding"),  # two Outstanding, the rest Good
        ([OUT, G, G, G, G], False, "Good"),  # only one Outstanding
        ([OUT, OUT, R, G, G], False, "Good"),  # Outstanding needs the rest Good
        ([OUT, OUT, OUT, OUT, OUT], True, "Requires improvement"),  # a breach caps
        ([INAD, INAD, G, G, G], True, "Inadequate"),  # a cap never raises a rating
    ],
)
def test_overall_rating_follows_cqc_aggregation(levels, breach, expected) -> None:
    assert engine.overall_rating(levels, CQC, breach=breach).label == expected


def test_a_safeguarding_statement_scored_1_caps_the_overall_rating() -> None:
    ret = example_return()
    assert engine.limiting_rules_hit(ret.scores, CQC) == []
    scores = [s.model_copy(update={"score": 1}) if s.safeguarding else s for s in ret.scores]
    hit = engine.limiting_rules_hit(scores, CQC)
    assert hit == [CQC.overall.limiting_rules[0].name]
    result = engine.overall_rating([OUT, OUT, G, G, G], CQC, limits_hit=hit)
    assert result.label == "Requires improvement"
    assert "capped at Requires improvement" in result.reasons[-1]


def test_the_rule_set_is_configurable() -> None:
    strict = MonitoringFramework(
        name="strict",
        domains=CQC.domains,
        bands=CQC.bands,
        overall=OverallRules(
            good_allows_second=0,
            breach_caps_at="Inadequate",
            limiting_rules=(
                LimitingRule(name="any statement scored 1", flag="any", caps_at="Inadequate"),
            ),
        ),
    )
    assert engine.overall_rating([R, G, G, G, G], strict).label == "Requires improvement"
    assert engine.overall_rating([G] * 5, strict, breach=True).label == "Inadequate"
    with pytest.raises(ValueError, match="cap 'Terrible' is not one of the bands"):
        MonitoringFramework(
            name="x",
            domains=CQC.domains,
            bands=CQC.bands,
            overall=OverallRules(breach_caps_at="Terrible"),
        )


@pytest.mark.parametrize(
    ("actual", "target", "higher", "tolerance", "expected"),
    [
        (90, 90, True, 0.05, "Green"),
        (85.5, 90, True, 0.05, "Amber"),  # 4.5 short = 5% of 90
        (85.49, 90, True, 0.05, "Red"),
        (5, 5, False, 0.05, "Green"),
        (5.25, 5, False, 0.05, "Amber"),  # 0.25 over = 5% of 5
        (5.26, 5, False, 0.05, "Red"),
        (99, 100, True, 0, "Red"),  # no tolerance: short is Red
        (0, 0, False, 0.1, "Green"),
    ],
)
def test_kpi_rag_on_both_sides_of_the_tolerance(
    actual, target, higher, tolerance, expected
) -> None:
    assert str(engine.kpi_rag(actual, target, higher, tolerance)) == expected


def test_kpi_rag_refuses_a_tolerance_of_100_percent_or_more() -> None:
    with pytest.raises(InputError, match="tolerance"):
        engine.kpi_rag(1, 1, True, 1.5)


def test_trend_compares_whole_percentages() -> None:
    assert engine.trend(70.4, 70) == engine.UNCHANGED
    assert engine.trend(70.5, 70) == engine.UP
    assert engine.trend(60, 70) == engine.DOWN
    assert engine.trend(60, None) == engine.NO_PREVIOUS


def test_evaluate_the_worked_example() -> None:
    result = engine.evaluate(example_return(), CQC, as_at=dt.date(2026, 6, 20))
    by_name = {d.domain: d for d in result.domains}
    # Safe 3,2,2,2 = 9/16; Well-led 3,4,3 = 10/12; previous round 70% everywhere.
    assert by_name["Safe"].percentage == pytest.approx(56.25)
    assert by_name["Safe"].rating == "Requires improvement"
    assert by_name["Safe"].trend == engine.DOWN
    assert by_name["Well-led"].percentage == pytest.approx(83.333333)
    assert by_name["Well-led"].trend == engine.UP
    assert result.overall.label == "Requires improvement"  # Good, capped by the breach
    assert result.overall_trend == engine.DOWN  # previous round Good
    # 9+9+6+9+10 = 43 points over 15 statements: 43/60
    assert result.overall_percentage == pytest.approx(100 * 43 / 60)
    # 91 on a target of 95 is 4 short, within 5% of 95 (4.75); 4 missed visits beat 5
    assert [k.rag for k in result.kpis] == ["Amber", "Green"]
    assert len(result.safeguarding) == 1 and len(result.escalations) == 1
    assert [a.action[:5] for a in result.requirements] == ["Audit"]
    assert [a.action[:5] for a in result.overdue] == ["Audit"]  # due 09/06/2026, open


def test_portfolio_puts_the_most_concerning_first() -> None:
    def row(pid, level, sg=0, esc=0, reds=0, overdue=0, low=70.0):
        return {
            "Provider ID": pid, "_level": level, "Overall rating": CQC.labels[level],
            "Safeguarding concerns": sg, "Escalations": esc, "KPI reds": reds,
            "Overdue actions": overdue, "Lowest score (%)": low, "Trend": "Up",
            "Provider name": pid, "Contract value (£)": 100_000.0,
        }  # fmt: skip

    rows = [
        row("A", 2),
        row("B", 1, reds=2),
        row("C", 0),
        row("D", 1, sg=1),
        row("E", 1, reds=2, low=40.0),
        row("F", 2, overdue=1),
    ]
    frame = engine.portfolio_frame(rows)
    assert frame["Provider ID"].tolist() == ["C", "D", "E", "B", "F", "A"]
    distribution = engine.rating_distribution(frame)
    assert distribution.values.tolist() == [
        ["Inadequate", 1],
        ["Requires improvement", 3],
        ["Good", 2],
    ]


def test_monitoring_plan_hours_against_capacity() -> None:
    frame = engine.portfolio_frame(
        [
            {"Provider ID": "X", "Provider name": "X", "_level": 0, "Overall rating": "Inadequate",
             "Trend": engine.DOWN, "Contract value (£)": 2_000_000.0, "Lowest score (%)": 30.0,
             "Monitoring date": dt.date(2026, 4, 1),
             "Safeguarding concerns": 0, "Escalations": 0, "KPI reds": 0, "Overdue actions": 0},
            {"Provider ID": "Y", "Provider name": "Y", "_level": 2, "Overall rating": "Good",
             "Trend": engine.UP, "Contract value (£)": 100_000.0, "Lowest score (%)": 70.0,
             "Monitoring date": dt.date(2026, 4, 10),
             "Safeguarding concerns": 0, "Escalations": 0, "KPI reds": 0, "Overdue actions": 0},
        ]
    )  # fmt: skip
    plan, capacity = engine.monitoring_plan(
        frame, engine.PlanSettings(officers=0.1, hours_per_officer=1000)
    )
    # X: 6 (Inadequate) + 1 (declining) + 1 (large) = 8 visits x 14 h = 112; Y: 2 x 6 h = 12
    assert plan["Proactive visits a year"].tolist() == [8, 2]
    assert plan["Hours a year"].tolist() == [112, 12]
    # every 365 // 8 = 45 days after 01/04/2026; every 182 days after 10/04/2026
    assert plan["Next visit due"].tolist() == [dt.date(2026, 5, 16), dt.date(2026, 10, 9)]
    assert capacity.hours_needed == 124
    assert capacity.contingency_hours == pytest.approx(18.6)  # 15%
    assert capacity.hours_with_contingency == pytest.approx(142.6)
    assert capacity.hours_available == pytest.approx(100)
    assert not capacity.realistic and capacity.spare == pytest.approx(-42.6)


# --- issue 13: ratings an auditor would reject -------------------------------------------

NAMES = CQC.domain_names()  # Safe, Effective, Caring, Responsive, Well-led
PREVIOUS = (
    PreviousScore(domain="Caring", rating="Good"),
    PreviousScore(domain="Responsive", rating="Requires improvement"),
    PreviousScore(domain="Well-led", percentage=70),  # no rating kept: 70% is Good
)


def test_issue13_case13_an_overall_rating_needs_all_five_key_questions() -> None:
    # CQC rating principle 2: "the five key questions are all equally important"; an overall
    # rating aggregates all five. Two Outstanding and nothing else is not Outstanding.
    result = engine.overall_rating([OUT, OUT, None, None, None], CQC)
    assert (result.label, result.level) == ("Not rated", engine.NOT_RATED_LEVEL)
    assert result.missing == ("Caring", "Responsive", "Well-led")
    assert result.text == "Not rated: no rating for Caring, Responsive, Well-led"
    # the return of the issue: only Safe and Effective scored (all 4s: 100%, Outstanding)
    ret = only_scored({"Safe": [4, 4, 4, 4], "Effective": [4, 4, 4]})
    evaluated = engine.evaluate(ret, CQC, as_at=dt.date(2026, 6, 20))
    assert [d.rating for d in evaluated.domains] == ["Outstanding"] * 2 + ["Not rated"] * 3
    assert evaluated.overall.label == "Not rated"  # was Outstanding
    assert "no rating for Caring, Responsive, Well-led" in evaluated.overall.reasons[0]


def test_issue13_case13_a_key_question_not_reassessed_carries_its_previous_rating() -> None:
    # CQC: "for focused inspections, the new ratings for the key questions inspected will be
    # aggregated with the existing ratings for the key questions not inspected".
    ret = only_scored({"Safe": [4, 4, 4, 4], "Effective": [4, 4, 4]}, previous=PREVIOUS)
    result = engine.evaluate(ret, CQC, as_at=dt.date(2026, 6, 20))
    by_name = {d.domain: d for d in result.domains}
    assert [by_name[n].rating for n in NAMES] == [
        "Outstanding", "Outstanding", "Good", "Requires improvement", "Good"
    ]  # fmt: skip
    # issue 16: a rating carried forward is marked with the round it came from (here the
    # return's Previous round sheet, dated by its Previous round date, 14/05/2025)
    assert by_name["Caring"].note == f"{engine.CARRIED_FORWARD} from the previous round, 14/05/2025"
    assert (by_name["Caring"].carried_from, by_name["Caring"].carried_date) == (
        "the previous round",
        dt.date(2025, 5, 14),
    )
    assert by_name["Caring"].trend == engine.NOT_REASSESSED
    assert by_name["Caring"].percentage is None  # no score this round
    # 2 Outstanding, 1 Requires improvement, 2 Good: not Outstanding (that needs the rest
    # Good), but Good (no Inadequate, at most one Requires improvement)
    assert result.overall.label == "Good"
    assert result.overall.reasons[-1] == "carried forward: Caring, Responsive, Well-led"


def test_issue13_case14_a_breach_caps_the_key_question_it_sits_in() -> None:
    # Every domain scores 3s (75%, Good); the breach sits in Safe. Safe is capped at
    # Requires improvement, and the overall at Requires improvement (CQC principle 1).
    ret = only_scored({n: [3, 3] for n in NAMES}, breach=True, breach_domain="Safe")
    result = engine.evaluate(ret, CQC, as_at=dt.date(2026, 6, 20))
    by_name = {d.domain: d for d in result.domains}
    assert (by_name["Safe"].percentage, by_name["Safe"].rating) == (75.0, "Requires improvement")
    assert by_name["Safe"].note == engine.CAPPED_BY_BREACH
    assert [by_name[n].rating for n in NAMES[1:]] == ["Good"] * 4
    assert result.overall.label == "Requires improvement"
    assert "Safe capped at Requires improvement: the breach sits in it" in (result.overall.reasons)
    # a breach whose key question is not named caps only the overall rating, as before
    ret.details.breach_domain = ""
    result = engine.evaluate(ret, CQC, as_at=dt.date(2026, 6, 20))
    assert [d.rating for d in result.domains] == ["Good"] * 5
    assert result.overall.label == "Requires improvement"


def test_issue13_case15_a_return_with_every_statement_na_is_not_rated() -> None:
    ret = only_scored({})
    result = engine.evaluate(ret, CQC, as_at=dt.date(2026, 6, 20))
    assert result.overall.label == "Not rated" and not result.overall.rated  # not an error
    assert [d.rating for d in result.domains] == ["Not rated"] * 5
    assert result.overall_percentage is None
    assert result.overall.reasons[0] == "no statement scored this round (all N/A)"
    row = engine.portfolio_row(result)
    assert (row["Overall rating"], row["_level"]) == ("Not rated", engine.NOT_RATED_LEVEL)


def test_issue13_case15_not_rated_providers_in_the_overview_and_the_plan() -> None:
    def row(pid: str, level: int, label: str) -> dict:
        return {
            "Provider ID": pid, "_level": level, "Overall rating": label,
            "Safeguarding concerns": 0, "Escalations": 0, "KPI reds": 0,
            "Overdue actions": 0, "Lowest score (%)": None, "Trend": engine.NOT_RATED,
            "Provider name": pid, "Contract value (£)": 100_000.0,
        }  # fmt: skip

    frame = engine.portfolio_frame(
        [row("G", 2, "Good"), row("N", -1, "Not rated"), row("R", 1, "Requires improvement"),
         row("I", 0, "Inadequate")]
    )  # fmt: skip
    # after Inadequate, before Requires improvement (NOT_RATED_RANK, a local choice)
    assert frame["Provider ID"].tolist() == ["I", "N", "R", "G"]
    distribution = engine.rating_distribution(
        frame, [(i, b.label) for i, b in enumerate(CQC.bands)]
    )
    assert distribution.values.tolist()[-1] == ["Not rated", 1]  # listed after the bands
    plan, _ = engine.monitoring_plan(frame)
    # visits_by_level (6, 4, 2, 1) and visits_if_not_rated 4: I 6, N 4, R 4, G 2
    assert plan["Proactive visits a year"].tolist() == [6, 4, 4, 2]
    assert plan["Why"].tolist()[1] == "not rated"


def test_issue13_case16_the_safeguarding_rule_is_presented_as_cpcxls_own() -> None:
    rule = CQC.overall.limiting_rules[0]
    assert rule.source == "cpcxl's local rule, on by default; not CQC's"
    result = engine.overall_rating([OUT, OUT, G, G, G], CQC, limits_hit=[rule.name])
    assert result.reasons[-1] == (
        "capped at Requires improvement: a safeguarding statement scored 1 (significant "
        "shortfalls) (cpcxl's local rule, on by default; not CQC's)"
    )
    # the council framework names where its domains and ratings come from
    assert "PAMMS" in COUNCIL.source and "ADASS" in COUNCIL.source
    assert "thresholds and aggregation are CQC's" in COUNCIL.source
