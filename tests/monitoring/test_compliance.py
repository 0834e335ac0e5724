"""The compliance workflow of issue 16 (CPC 306 C): the stages as a scheme, every change
checked against it, the stage checked against this round, and the trail never rewritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.monitoring import engine
from cpcxl.monitoring.cli import monitoring
from cpcxl.monitoring.excel import build_summary
from cpcxl.monitoring.inputs import read_compliance_settings
from cpcxl.monitoring.models import (
    Action,
    ActionKind,
    ActionStatus,
    ComplianceEntry,
    Responsible,
)
from cpcxl.monitoring.schemes import CPC306, CQC, framework_resolver
from cpcxl.monitoring.workbook import read_return_file, write_return
from cpcxl.xl.remote import run_script_on_file

from .cases import REQUIREMENT, with_compliance

RESOLVE = framework_resolver({})
AS_AT = dt.date(2026, 6, 20)


def entry(stage: str, entered: dt.date, deadline: dt.date | None = None) -> ComplianceEntry:
    return ComplianceEntry(
        stage=stage, entered=entered, deadline=deadline, issue="x", decided_by="Head", row=4
    )


def test_the_default_stages_are_the_issues_and_an_organisation_can_name_its_own() -> None:
    assert CPC306.names == [
        "None",
        "Informal concern",
        "Improvement notice",
        "Default notice",
        "Suspension of new placements",
        "Termination notice",
    ]
    own = read_compliance_settings(
        {"name": "northshire", "stages": ["None", "Letter", {"name": "Notice", "after": "Letter"}]}
    )
    assert own.names == ["None", "Letter", "Notice"]
    with pytest.raises(
        InputError, match="Notice comes after 'Warning', which is not an earlier stage"
    ):
        read_compliance_settings({"stages": ["None", {"name": "Notice", "after": "Warning"}]})


def test_issue16_bad_input_a_stage_that_skips_a_step_its_scheme_requires() -> None:
    day = dt.date(2026, 3, 1)
    # no action to a default notice: the scheme needs an improvement notice first
    (problem,) = engine.check_trail([entry("Default notice", day)], CPC306, file="r.xlsx")
    assert problem.message == (
        "Default notice on 01/03/2026 skips Improvement notice, which the cpc306 scheme requires "
        "first (stages so far in this episode: none yet)"
    )
    assert problem.valid is not None and "Improvement notice entered first" in problem.valid
    assert (problem.location.sheet, problem.location.row) == ("Compliance", 4)
    # improvement notice, default notice, termination: each after the one it needs
    steps = [
        entry("Improvement notice", day),
        entry("Default notice", day + dt.timedelta(days=30)),
        entry("Termination notice", day + dt.timedelta(days=60)),
    ]
    assert engine.check_trail(steps, CPC306) == []
    # a suspension of new placements may be the first step (people at risk)
    assert engine.check_trail([entry("Suspension of new placements", day)], CPC306) == []
    # an improvement notice then termination skips the default notice
    (skip,) = engine.check_trail(
        [entry("Improvement notice", day), entry("Termination notice", day)], CPC306
    )
    assert "Termination notice on 01/03/2026 skips Default notice" in skip.message
    # back to no action starts a new episode: a default notice needs a new improvement notice
    episode = [entry("Improvement notice", day), entry("None", day), entry("Default notice", day)]
    assert len(engine.check_trail(episode, CPC306)) == 1


def _requirement(status: ActionStatus = ActionStatus.OPEN) -> Action:
    return Action(
        action=REQUIREMENT,
        kind=ActionKind.REQUIREMENT,
        responsible=Responsible.PROVIDER,
        due=dt.date(2026, 6, 9),
        status=status,
    )


def test_issue16_a_deadline_passed_with_the_requirement_open_is_flagged_to_escalate() -> None:
    notice = entry("Improvement notice", dt.date(2026, 3, 1), dt.date(2026, 6, 1))
    notice.requirement = REQUIREMENT
    found = engine.compliance_now(
        [],
        [notice],
        CPC306,
        requirements=[_requirement()],
        monitoring_date=dt.date(2026, 5, 12),
        as_at=AS_AT,
    )
    # the deadline 01/06/2026 is before the as-at date 20/06/2026, the requirement is open
    assert (found.stage, found.check, found.next_stage) == (
        "Improvement notice",
        engine.ESCALATE,
        "Default notice",
    )
    assert found.message == (
        "Escalate: the deadline 01/06/2026 has passed with 1 requirement open; the next stage is "
        "Default notice"
    )
    # before the deadline it is on track
    early = engine.compliance_now(
        [],
        [notice],
        CPC306,
        requirements=[_requirement()],
        monitoring_date=None,
        as_at=dt.date(2026, 5, 1),
    )
    assert (early.check, early.message) == (
        engine.ON_TRACK,
        "Improvement notice since 01/03/2026 until 01/06/2026: 1 requirement open",
    )


def test_issue16_requirements_met_close_the_stage_with_the_date() -> None:
    notice = entry("Improvement notice", dt.date(2026, 3, 1), dt.date(2026, 6, 1))
    found = engine.compliance_now(
        [],
        [notice],
        CPC306,
        requirements=[_requirement(ActionStatus.COMPLETE)],
        monitoring_date=dt.date(2026, 5, 12),
        as_at=AS_AT,
        round_label="2026-05",
    )
    assert (found.stage, found.check) == ("None", engine.CLOSED)
    assert found.message == "Improvement notice closed on 12/05/2026: 1 requirement met"
    closure = found.new[-1]
    assert (closure.stage, closure.entered, closure.decided_by, closure.source) == (
        "None",
        dt.date(2026, 5, 12),
        engine.BATCH,
        "batch",
    )
    assert closure.why == "1 requirement complete at the round of 12/05/2026 (2026-05)"


def _at_the_round(
    given: list[ComplianceEntry], status: ActionStatus = ActionStatus.OPEN, **more: Any
) -> engine.ComplianceResult:
    """This round's stage from the return's ``given`` changes alone (no history): its
    requirement ``status``, the visit on 12/05/2026, as at 20/06/2026."""
    return engine.compliance_now(
        [],
        given,
        CPC306,
        requirements=[_requirement(status)],
        monitoring_date=dt.date(2026, 5, 12),
        as_at=AS_AT,
        **more,
    )


@pytest.mark.parametrize(
    ("stage", "after_it"),
    [
        # the stage that needs this one first, where there is one; else the next in order
        ("Informal concern", "Improvement notice"),
        ("Improvement notice", "Default notice"),
        ("Default notice", "Termination notice"),  # not the suspension, which may come any time
        ("Suspension of new placements", "Termination notice"),
    ],
)
def test_an_escalation_names_the_stage_the_scheme_leads_to(stage: str, after_it: str) -> None:
    steps = {
        "Default notice": ["Improvement notice"],
        "Termination notice": ["Improvement notice", "Default notice"],
    }
    day = dt.date(2026, 3, 1)
    given = [entry(s, day, dt.date(2026, 4, 1)) for s in steps.get(stage, [])]
    given.append(entry(stage, day, dt.date(2026, 6, 1)))
    found = _at_the_round(given)
    assert (found.stage, found.check, found.next_stage) == (stage, engine.ESCALATE, after_it)


def test_a_stage_entered_after_the_visit_with_its_requirements_met_closes_the_day_entered() -> None:
    # the notice was entered on 20/05, after the visit of 12/05: closed on 20/05, not before it
    notice = entry("Improvement notice", dt.date(2026, 5, 20), dt.date(2026, 6, 30))
    found = _at_the_round([notice], ActionStatus.COMPLETE, round_label="2026-05")
    closure = found.new[-1]
    assert (closure.stage, closure.entered) == ("None", dt.date(2026, 5, 20))
    assert found.message == "Improvement notice closed on 20/05/2026: 1 requirement met"


def test_two_rows_for_one_change_use_the_first_and_say_so() -> None:
    first = entry("Improvement notice", dt.date(2026, 3, 1), dt.date(2026, 9, 1))
    second = entry("Improvement notice", dt.date(2026, 3, 1), dt.date(2026, 10, 1))
    first.row, second.row = 4, 5
    first.source = second.source = "return"  # as the return's reader gives them
    found = _at_the_round([first, second])
    assert [e.deadline for e in found.trail] == [dt.date(2026, 9, 1)]
    assert found.notes == (
        "Compliance row 5: the improvement notice of 01/03/2026 is on row 4 already, and its "
        "deadline differs; the first row is used (one row for each change)",
    )


def test_a_stage_dated_after_the_as_at_date_is_noted() -> None:
    notice = entry("Improvement notice", dt.date(2027, 3, 1), dt.date(2027, 9, 1))  # 2026?
    notice.row = 4
    found = _at_the_round([notice])
    assert found.notes == (
        "Compliance row 4: the improvement notice is dated 01/03/2027, after the as-at date "
        "(20/06/2026); it is taken as entered then (check the year)",
    )


def test_a_stage_with_no_requirement_to_check_waits_for_an_officer() -> None:
    found = engine.compliance_now(
        [],
        [entry("Informal concern", dt.date(2026, 3, 1))],
        CPC306,
        requirements=[],
        monitoring_date=None,
        as_at=AS_AT,
    )
    assert found.check == engine.NO_REQUIREMENT


def test_issue16_the_audit_trail_keeps_an_entry_as_first_recorded() -> None:
    first = entry("Improvement notice", dt.date(2026, 3, 1), dt.date(2026, 6, 1))
    recorded = first.model_copy(update={"source": "history", "round": "2026-03"})
    again = first.model_copy(update={"deadline": dt.date(2026, 9, 1), "row": 5})
    trail, new, notes = engine.merge_trail([recorded], [again])
    assert trail == [recorded] and new == []
    assert notes == [
        "Compliance row 5: the improvement notice of 01/03/2026 is in the audit trail already; "
        "its deadline differs from this return, and the trail keeps what was first recorded (add "
        "a new row for a new decision)"
    ]


# --- the return's Compliance sheet, through the button and the command -----------------------


def _edited(path: Path, cells: dict[str, object]) -> Path:
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb["Compliance"][ref] = value
    wb.save(path)
    return path


def _bad_return(
    tmp_path: Path, name: str, rows: tuple[tuple[str, dt.date, dt.date | None], ...]
) -> Path:
    return write_return(tmp_path / name, with_compliance(*rows))


def test_issue16_bad_input_a_deadline_before_the_stage_was_entered(tmp_path: Path) -> None:
    path = _bad_return(
        tmp_path, "r.xlsx", (("Improvement notice", dt.date(2026, 3, 1), dt.date(2026, 2, 1)),)
    )
    message = "the deadline (01/02/2026) is before the date the stage was entered (01/03/2026)"
    # the file as the batch reads it, and the open workbook through Build summary
    with pytest.raises(InputErrors) as caught:
        read_return_file(path, RESOLVE)
    (error,) = caught.value.errors
    assert (error.location.sheet, error.location.cell, error.message) == (
        "Compliance",
        "E4",
        message,
    )
    assert error.valid == "a date on or after 01/03/2026"
    with pytest.raises(InputErrors) as pressed:
        run_script_on_file(build_summary, path)
    assert [(e.location.sheet, e.location.cell, e.message) for e in pressed.value] == [
        ("Compliance", "E4", message)
    ]


def test_issue16_bad_input_a_skipped_step_through_the_button_and_the_command(
    tmp_path: Path,
) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    path = _bad_return(
        returns, "r.xlsx", (("Default notice", dt.date(2026, 3, 1), dt.date(2026, 6, 1)),)
    )
    with pytest.raises(InputErrors) as pressed:
        run_script_on_file(build_summary, path)
    (error,) = pressed.value.errors
    assert (error.location.sheet, error.location.cell) == ("Compliance", "A4")
    assert error.message.startswith("Default notice on 01/03/2026 skips Improvement notice")
    result = CliRunner().invoke(
        monitoring, ["batch", str(returns), "--out", str(tmp_path / "out"), "--as-at", "20/06/2026"]
    )
    assert result.exit_code == 1, result.output
    assert (
        "r.xlsx Compliance!A4: Default notice on 01/03/2026 skips Improvement notice"
        in result.output
    )


def test_a_stage_of_no_scheme_a_missing_deadline_and_an_unknown_requirement_are_located(
    tmp_path: Path,
) -> None:
    path = _bad_return(
        tmp_path, "r.xlsx", (("Improvement notice", dt.date(2026, 3, 1), dt.date(2026, 6, 1)),)
    )
    _edited(path, {"A4": "improvment notice", "E4": None, "D4": "Paint the lounge"})
    with pytest.raises(InputErrors) as caught:
        read_return_file(path, RESOLVE)
    found = {(e.location.cell, e.message) for e in caught.value}
    assert (
        "A4",
        "'improvment notice' is not a stage of the cpc306 scheme; did you mean "
        "'Improvement notice'?",
    ) in found
    _edited(path, {"A4": "Improvement notice"})
    with pytest.raises(InputErrors) as again:
        read_return_file(path, RESOLVE)
    messages = {(e.location.cell, e.message) for e in again.value}
    assert (
        "E4",
        "the stage Improvement notice needs a deadline: the date by which it must be put right",
    ) in messages
    assert ("D4", "'Paint the lounge' is not a requirement on the Actions sheet") in messages


def test_the_button_writes_the_compliance_action_sheet(tmp_path: Path) -> None:
    # an improvement notice with its deadline passed and the requirement open, on the return
    # dated 12/05/2026 (the button's as-at date is the date of monitoring)
    ret = with_compliance(("Improvement notice", dt.date(2026, 3, 1), dt.date(2026, 5, 1)))
    path = write_return(tmp_path / "r.xlsx", ret)
    cells = run_script_on_file(build_summary, path)
    sheet = cells["Compliance action"]
    assert sheet["A1"] == "Compliance action (CPC 306 C): Riverside Home Care Ltd"
    assert (sheet["A2"], sheet["B2"]) == ("Stage now", "Improvement notice")
    assert sheet["B9"] == (
        "Escalate: the deadline 01/05/2026 has passed with 1 requirement open; the next stage is "
        "Default notice"
    )
    # the return's own Compliance sheet (the input) is untouched
    assert cells["Compliance"]["A4"] == "Improvement notice"
    evaluated = engine.evaluate(ret, CQC, as_at=dt.date(2026, 5, 12))
    assert engine.portfolio_row(evaluated)["Top concern"] == (
        "Escalate improvement notice (deadline 01/05/2026 passed)"
    )


def test_an_organisations_stages_registered_by_a_plugin_are_used_by_name() -> None:
    from cpcxl import hookimpl
    from cpcxl.monitoring.models import ComplianceScheme, ComplianceStage
    from cpcxl.plugins import plugin_manager, refresh

    northshire = ComplianceScheme(
        name="northshire",
        stages=(
            ComplianceStage(name="None", deadline=False),
            ComplianceStage(name="Concern letter"),
            ComplianceStage(name="Default notice", after="Concern letter"),
        ),
    )

    class Plugin:
        @hookimpl
        def register_schemes(self) -> list[ComplianceScheme]:
            return [northshire]

    manager = plugin_manager()
    manager.register(Plugin(), name="northshire-stages")
    try:
        refresh()
        assert read_compliance_settings({"scheme": "Northshire"}) is northshire
        (skip,) = engine.check_trail([entry("Default notice", dt.date(2026, 3, 1))], northshire)
        assert "skips Concern letter, which the northshire scheme requires first" in skip.message
    finally:
        manager.unregister(name="northshire-stages")
        refresh()
    with pytest.raises(InputError, match="'northshire' is not a known compliance-stages scheme"):
        read_compliance_settings({"scheme": "northshire"})
