"""The output sheets as plain data: what each says, before any renderer draws it."""

from __future__ import annotations

import dataclasses

import pytest

from cpcxl.common.report import SheetOutput
from cpcxl.workforce import engine, outputs
from cpcxl.workforce.inputs import ASSUMPTIONS
from cpcxl.workforce.models import Assumptions, HeadroomMethod

from .helpers import demand_frame, staff_frame, targets_frame


def titles(sheet: SheetOutput) -> list[str]:
    return [b.title for b in sheet.blocks if b.title]


def test_the_gap_sheet_states_the_rule_it_used(example: engine.Plan) -> None:
    # 22% by uplift on a 37.5-hour week, as the example's assumptions say.
    assert titles(outputs.gap_sheet(example))[0] == (
        "Gap by role: required FTE = worked × (1 + 22%) (uplift), worked = hours ÷ 37.5; "
        "vacancy = required − substantive (permanent and fixed-term); cover (bank, agency, "
        "contractors, volunteers) does not fill a post"
    )
    divided = dataclasses.replace(
        example,
        assumptions=example.assumptions.model_copy(
            update={"headroom_method": HeadroomMethod.DIVIDE}
        ),
    )
    assert "worked ÷ (1 − 22%) (divide)" in titles(outputs.gap_sheet(divided))[0]
    # The by-role table starts on the row the chart points at: header row 2, roles below.
    by_role = outputs.gap_sheet(example).blocks[0]
    assert by_role.row == outputs.GAP_FIRST_ROW
    assert by_role.values[1][:2] == ["Care worker", 18.056]  # 555 h ÷ 37.5 × 1.22


def test_the_plan_sheet_lists_each_assumption_with_its_source(example: engine.Plan) -> None:
    block = next(b for b in outputs.plan_sheet(example).blocks if b.title == "Assumptions used")
    assert block.values[0] == [
        "Assumption",
        "Value used",
        "Where the default comes from",
        "Allowed",
    ]
    rows = {row[0]: row[1:] for row in block.values[1:]}
    assert list(rows) == [s.label for s in ASSUMPTIONS.settings]
    headroom = rows["Headroom for leave, sickness and training"]
    assert headroom[0] == 0.22 and headroom[1].startswith("22%:")
    assert headroom[2] == "a percentage from 0% to 60%"
    assert rows["Headroom method (uplift or divide)"][0] == "uplift"  # the text, not the enum


def test_notes_on_reading_are_shown_only_when_there_are_some(example: engine.Plan) -> None:
    assert "How the input tables were read" not in titles(outputs.plan_sheet(example))
    note = "Staff: read the header 'Hourly pay (£)' as 'Hourly pay'"
    sheet = outputs.plan_sheet(example, [note])
    last = sheet.blocks[-1]
    assert (last.title, last.values) == ("How the input tables were read", [["Note"], [note]])


def test_every_output_sheet_in_order(example: engine.Plan) -> None:
    names = [s.name for s in outputs.plan_outputs(example)]
    assert names == [
        "Plan",
        "Gap",
        "Projection",
        "Optimised mix",
        "Risks",
        "Costs",
        "Wage floor",
        "Development",
        "Review",
    ]
    assert tuple(names) == outputs.OUTPUT_SHEETS


def test_the_projection_names_each_roles_rates_and_the_nhs_cap() -> None:
    # Issue 13, cases 10 and 17, and issue 18: each role's turnover and cover rate is shown
    # with where it comes from; agency cover is the role's own cost with on-costs plus the
    # premium, and for NHS roles no more than the NHS agency price cap (Agenda for Change
    # pay + 55%), which the rules name where it limits a role.
    staff = staff_frame([["Nurse", "RN", "Full-time", "NHS", 37.5, 20, None, None, 2]])
    demand = demand_frame([["S", "Nurse", "RN", 75, 0]])

    def rules(premium: float) -> list[str]:
        plan = engine.plan(staff, demand, targets_frame([]), Assumptions(agency_premium=premium))
        sheet = outputs.projection_sheet(plan)
        assert sheet.blocks[1].title == "Each role's rates"
        return [row[0] for row in sheet.blocks[2].values]

    turnover = (
        "Turnover: the role's own benchmark, else Skills for Care's 23.1% for social care and "
        "NHS England's 10.1% for the NHS share of its substantive FTE."
    )
    cover = (
        "Agency cover: the role's own cost with on-costs × (1 + {premium} premium), for the "
        "weeks to recruit; for the NHS share, no more than the NHS agency price cap (Agenda "
        "for Change pay + 55%)."
    )
    # A nurse on £20 in the NHS Pension Scheme (23.78%) costs 20 × 1.3878 − 750 ÷ 1,955.36
    # = £27.37 an hour; with no premium that is under the cap of 20 × 1.55 = £31 ...
    assert rules(0.0) == [turnover, cover.format(premium="0%")]
    # ... but 30% more is £35.58, over it: the cap of £31 is used and named.
    assert rules(0.3) == [turnover, cover.format(premium="30%"), "The cap limits Nurse."]
    plan = engine.plan(staff, demand, targets_frame([]), Assumptions())
    block = outputs.projection_sheet(plan).blocks[1]
    assert block.values[0] == [
        "Role",
        "NHS share",
        "Turnover rate used",
        "Headroom",
        "Pay £ an hour",
        "Cost £ an hour with on-costs",
        "Agency cover £ an hour",
        "Bank cover £ an hour",
        "NHS agency cap £ an hour",
        "Turnover from",
        "Pay taken from",
    ]
    cost = 20 * 1.3878 - 750 / (37.5 * 365 / 7)
    numbers, texts = block.values[1][1:9], block.values[1][9:]
    assert block.values[1][0] == "Nurse"
    assert numbers == pytest.approx([1.0, 0.101, 0.22, 20.0, cost, 31.0, cost, 31.0])
    assert texts == ["NHS England, to September 2024", "the role's permanent pay"]
