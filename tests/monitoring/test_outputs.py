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
