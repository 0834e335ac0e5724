"""The summary and portfolio sheets as data (SheetOutput), before any renderer draws them."""

from __future__ import annotations

import datetime as dt

from cpcxl.common import formats
from cpcxl.monitoring import engine
from cpcxl.monitoring.outputs import DEFAULT_SETTINGS, domain_block, summary_outputs
from cpcxl.monitoring.sample import example_return
from cpcxl.monitoring.schemes import CQC

AS_AT = dt.date(2026, 6, 20)


def test_the_summary_sheets_place_the_overall_rating_and_the_domains() -> None:
    result = engine.evaluate(example_return(), CQC, as_at=AS_AT)
    summary, evidence, plan, compliance = summary_outputs(result, DEFAULT_SETTINGS)
    # issue 16 added the Compliance action sheet (no history: no Progress sheet)
    assert [s.name for s in (summary, evidence, plan, compliance)] == [
        "Summary",
        "Evidence",
        "Action plan",
        "Compliance action",
    ]
    overall = summary.blocks[1]
    # 13 detail rows from row 2, a gap, the title on row 16: the overall rating's header on
    # row 17 and its value on row 18 (Summary!A18), Requires improvement after the breach cap
    assert (overall.row, overall.values[1][0]) == (17, "Requires improvement")
    assert overall.fills == {(1, 0): formats.AMBER}
    domains = domain_block([summary, evidence, plan])
    # Safe 3,2,2,2 = 9/16 = 56.25%; Effective 3,3,3 = 9/12 = 75%
    assert domains.values[1][:3] == ["Safe", 56.25, "Requires improvement"]
    assert domains.values[2][:3] == ["Effective", 75.0, "Good"]
    # who took part sits under the 34 statements, beside the Evidence column (D)
    who = evidence.blocks[1]
    assert (who.column, who.row, who.values[1][0]) == (4, 39, "Contracts and Quality Officer")
    assert not any(b.title == "Notes on reading the return" for b in summary.blocks)


def test_notes_on_how_the_return_was_read_end_the_summary() -> None:
    ret = example_return()
    ret.notes = ["KPIs: read the header 'Tolerance (%)' as 'Tolerance'"]
    summary = summary_outputs(engine.evaluate(ret, CQC, as_at=AS_AT))[0]
    last = summary.blocks[-1]
    assert last.title == "Notes on reading the return"
    assert last.values == [["KPIs: read the header 'Tolerance (%)' as 'Tolerance'"]]
    assert summary.blocks[-2].title == "The provider's right to challenge this outcome"


# --- issue 16: strengths, reasons for what was not scored, KPI baselines ------------------------


def _block(output, title: str):
    (found,) = [b for b in output.blocks if b.title and b.title.startswith(title)]
    return found


def test_issue16_strengths_come_from_statements_scored_4_and_the_strengths_table() -> None:
    from cpcxl.monitoring.models import Strength

    ret = example_return()  # Well-led's second statement is scored 4
    ret.strengths = [
        Strength(strength="Families praise the night staff", domain="Caring", evidence="Survey")
    ]
    summary = summary_outputs(engine.evaluate(ret, CQC, as_at=AS_AT))[0]
    strengths = _block(summary, "Strengths and good practice (CPC 305 C1)")
    assert strengths.values == [
        ["Strength or good practice", "Domain", "From", "Evidence"],
        [
            "Capable, compassionate and inclusive leaders",
            "Well-led",
            "Scored 4 (exceptional)",
            "Seen at the visit",
        ],
        ["Families praise the night staff", "Caring", "Strengths table", "Survey"],
    ]


def test_issue16_every_statement_not_scored_is_listed_with_its_reason() -> None:
    ret = example_return()
    # Caring: its 2 scored statements of 5 leave 3 N/A; give one a reason
    caring = [s for s in ret.scores if s.domain == "Caring" and s.score is None]
    caring[0].reason = "Not applicable: no one receives end of life care"
    summary = summary_outputs(engine.evaluate(ret, CQC, as_at=AS_AT))[0]
    block = _block(summary, "Statements not scored this round, and why (CPC 305 B6)")
    rows = {(r[0], r[1]): r[2] for r in block.values[1:]}
    assert (
        rows[("Caring", caring[0].statement)] == "Not applicable: no one receives end of life care"
    )
    assert rows[("Caring", caring[1].statement)] == "No reason recorded (CPC 305 B6 asks for one)"
    # one row per statement not scored: 34 statements, 15 scored (4 + 3 + 2 + 3 + 3)
    assert len(block.values) - 1 == 34 - 15
    # a missing reason is shown amber
    index = [r[1] for r in block.values].index(caring[1].statement)
    assert block.fills[(index, 2)] == formats.AMBER


def test_a_domain_with_nothing_scored_and_one_reason_is_one_row() -> None:
    ret = example_return()
    for s in ret.scores:
        if s.domain == "Responsive":
            s.score, s.reason = None, "Not reassessed: a focused visit"
    result = engine.evaluate(ret, CQC, as_at=AS_AT)
    (row,) = [n for n in result.not_scored if n.domain == "Responsive"]
    assert (row.statements, row.count, row.reason) == (
        "All 7 statements",
        7,
        "Not reassessed: a focused visit",
    )


def test_issue16_a_kpi_baseline_in_the_return_shows_progress_without_a_history() -> None:
    ret = example_return()
    ret.kpis[0].baseline = 85  # visits within 30 minutes: 91% now
    summary = summary_outputs(engine.evaluate(ret, CQC, as_at=AS_AT))[0]
    progress = _block(summary, "Progress against the baseline (CPC 424 C1)")
    assert progress.values[0] == [
        "Measure",
        "Baseline",
        "This round",
        "Change since baseline",
        "Since the previous round",
    ]
    # a baseline of 85% and 91% now: 6 points up
    assert progress.values[1][:4] == [
        "Visits delivered within 30 minutes of the planned time (%)",
        85,
        91,
        6,
    ]
    # without a baseline anywhere, no progress table
    plain = summary_outputs(engine.evaluate(example_return(), CQC, as_at=AS_AT))[0]
    assert not [b for b in plain.blocks if b.title and b.title.startswith("Progress against")]


def test_the_update_says_what_was_monitored_for_people_kept_informed() -> None:
    from cpcxl.monitoring.models import Involvement, Stakeholder
    from cpcxl.monitoring.outputs import update_outputs

    ret = example_return()
    ret.stakeholders = [
        Stakeholder(who="Family carers", involvement=Involvement.INFORMATION_ONLY),
        Stakeholder(who="Registered Manager", involvement=Involvement.TOTAL),
    ]
    (update,) = update_outputs(
        engine.evaluate(ret, CQC, as_at=AS_AT), DEFAULT_SETTINGS, next_visit=dt.date(2026, 11, 10)
    )
    facts = {r[0]: r[1] for b in update.blocks if not b.header for r in b.values if len(r) > 1}
    assert facts["Outcome"] == "Requires improvement, lower than last time (cqc framework)"
    assert facts["Next monitoring visit due"] == dt.date(2026, 11, 10)
    sent = _block(update, "Who receives this update (CPC 305 B8)")
    # only those receiving information only
    assert sent.values[1:] == [["Family carers", ""]]
