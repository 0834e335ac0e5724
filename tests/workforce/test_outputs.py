"""The output sheets as plain data: what each says, before any renderer draws it."""

from __future__ import annotations

import dataclasses

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
    assert block.values[0] == ["Assumption", "Value used", "Where the default comes from"]
    rows = {row[0]: row[1:] for row in block.values[1:]}
    assert list(rows) == [s.label for s in ASSUMPTIONS.settings]
    headroom = rows["Headroom for leave, sickness and training"]
    assert headroom[0] == 0.22 and headroom[1].startswith("22%:")
    assert rows["Headroom method (uplift or divide)"][0] == "uplift"  # the text, not the enum


def test_notes_on_reading_are_shown_only_when_there_are_some(example: engine.Plan) -> None:
    assert "How the input tables were read" not in titles(outputs.plan_sheet(example))
    note = "Staff: read the header 'Hourly pay (£)' as 'Hourly pay'"
    sheet = outputs.plan_sheet(example, [note])
    last = sheet.blocks[-1]
    assert (last.title, last.values) == ("How the input tables were read", [["Note"], [note]])


def test_every_output_sheet_in_order(example: engine.Plan) -> None:
    names = [s.name for s in outputs.plan_outputs(example)]
    assert names == ["Plan", "Gap", "Projection", "Optimised mix", "Risks"]
    assert tuple(names) == outputs.OUTPUT_SHEETS


def test_the_projection_names_each_roles_rates_and_the_nhs_cap() -> None:
    # Issue 13, cases 10 and 17: each role's turnover and cover rate is shown with what its pay
    # comes from; a premium above the NHS agency price cap (Agenda for Change + 55%) is named
    # where the plan has NHS roles.
    staff = staff_frame([["Nurse", "RN", "Full-time", "NHS", 37.5, 20, None, None, 2]])
    demand = demand_frame([["S", "Nurse", "RN", 75, 0]])

    def rates_title(premium: float) -> str:
        plan = engine.plan(staff, demand, targets_frame([]), Assumptions(agency_premium=premium))
        return titles(outputs.projection_sheet(plan))[1]

    assert rates_title(0.3) == (
        "Each role's rates: turnover 23.1% for social care, 10.1% for the NHS share (of its "
        "substantive FTE); agency cover = the role's own pay × (1 + 30% premium), for the "
        "weeks to recruit"
    )
    assert rates_title(0.6).endswith(
        "; the premium is above the NHS agency price cap (Agenda for Change pay + 55%)"
    )
    plan = engine.plan(staff, demand, targets_frame([]), Assumptions())
    block = outputs.projection_sheet(plan).blocks[1]
    assert block.values[0] == [
        "Role",
        "NHS share",
        "Turnover rate used",
        "Pay £ an hour",
        "Cover £ an hour",
        "Pay taken from",
    ]
    # £20 × 1.3 = £26 an hour; the NHS nurses leave at NHS England's 10.1%.
    assert block.values[1] == ["Nurse", 1.0, 0.101, 20.0, 26.0, "the role's permanent pay"]
