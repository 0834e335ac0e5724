"""Monitoring over time (issue 16): earlier rounds from the history, ratings carried forward
with the round they came from, trajectories against a baseline, KPI baselines and trends,
actions carried over with their age, and the history read back as written."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from defusedxml import ElementTree

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.inputs import Cells
from cpcxl.common.workbook import read_sheets
from cpcxl.monitoring import engine
from cpcxl.monitoring.excel import cpc_overall_rating
from cpcxl.monitoring.inputs import history_of, read_history
from cpcxl.monitoring.models import (
    ActionKind,
    ActionRound,
    ActionStatus,
    Baseline,
    DomainRound,
    Kpi,
    KpiRound,
    ProviderHistory,
    Responsible,
)
from cpcxl.monitoring.sample import example_return
from cpcxl.monitoring.schemes import COUNCIL, CPC306, CQC, framework_resolver
from cpcxl.monitoring.workbook.history import (
    _as_written,
    _record,
    read_history_file,
    write_history,
)
from cpcxl.monitoring.workbook.stream import StreamBook

from .cases import GOOD, a_round, caring_carried, only_scored, two_rounds

AS_AT = dt.date(2026, 6, 20)
NAMES = CQC.domain_names()
RESOLVE = framework_resolver({})


# --- the history before this round ------------------------------------------------------------


def test_months_between_counts_whole_months() -> None:
    assert engine.months_between(dt.date(2024, 3, 12), dt.date(2026, 3, 12)) == 24
    assert engine.months_between(dt.date(2024, 3, 12), dt.date(2026, 3, 11)) == 23
    assert engine.months_between(dt.date(2024, 3, 12), dt.date(2026, 4, 12)) == 25


def test_prior_rounds_are_those_before_this_round_and_a_rerun_replaces_the_latest() -> None:
    history = two_rounds()
    prior = engine.prior_rounds(
        history, "2026-05", framework="cqc", monitoring_date=dt.date(2026, 5, 12)
    )
    assert [r.round for r in prior.rounds] == ["2025-05", "2025-11"]
    # running the latest round again: it is left out, to be replaced
    again = engine.prior_rounds(
        history, "2025-11", framework="cqc", monitoring_date=dt.date(2025, 11, 12)
    )
    assert [r.round for r in again.rounds] == ["2025-05"]


def test_the_latest_round_run_again_with_a_return_of_another_visit_is_refused() -> None:
    # 2025-11 is dated 12/11/2025 in the history: a return of 12/05/2026 under that label is a
    # new visit, and running the round again would replace the round of November
    with pytest.raises(InputError) as caught:
        engine.prior_rounds(
            two_rounds(),
            "2025-11",
            framework="cqc",
            monitoring_date=dt.date(2026, 5, 12),
            file="r.xlsx",
        )
    error = caught.value
    assert error.message == (
        "round 2025-11 is in the history for P-0042, dated 12/11/2025 (Rounds cqc row 5), and "
        "this return is dated 12/05/2026; running a round again replaces it, so its return "
        "must be of the same visit"
    )
    assert (error.location.file, error.location.sheet, error.location.field) == (
        "r.xlsx",
        "Return",
        "Date of monitoring",
    )
    assert error.valid is not None and "--round, after 2025-11" in error.valid


def test_issue16_bad_input_a_history_of_another_framework_is_refused_where_it_is() -> None:
    history = two_rounds()
    with pytest.raises(InputError) as caught:
        engine.prior_rounds(
            history, "2026-05", framework="council", monitoring_date=dt.date(2026, 5, 12)
        )
    error = caught.value
    assert "P-0042's round 2025-05 in the history is of the cqc framework" in error.message
    assert "this return is of the council framework" in error.message
    assert (error.location.file, error.location.sheet, error.location.row) == (
        "history.xlsx",
        "Rounds cqc",
        4,
    )


def test_issue16_bad_input_a_return_dated_before_the_latest_round_is_refused() -> None:
    with pytest.raises(
        InputError, match=r"the return is dated 01/11/2025, not after P-0042's latest round"
    ):
        engine.prior_rounds(
            two_rounds(), "2026-05", framework="cqc", monitoring_date=dt.date(2025, 11, 1)
        )


def test_only_the_latest_round_may_be_run_again() -> None:
    with pytest.raises(
        InputError, match=r"round 2025-05 is already in the history for P-0042 \(round 1 of 2\)"
    ):
        engine.prior_rounds(
            two_rounds(), "2025-05", framework="cqc", monitoring_date=dt.date(2026, 5, 12)
        )


# --- ratings carried forward --------------------------------------------------------------------


def test_issue16_a_carried_rating_names_its_round_and_rates_as_cpc_overall_rating() -> None:
    # Safe and Effective scored 4s this round (Outstanding); Caring, Responsive and Well-led
    # not assessed: carried from the history's latest round (2025-11): Caring Requires
    # improvement, the others Good.
    ret = only_scored({"Safe": [4, 4, 4, 4], "Effective": [4, 4, 4]})
    prior = engine.prior_rounds(
        two_rounds(), "2026-05", framework="cqc", monitoring_date=ret.details.monitoring_date
    )
    result = engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2026-05")
    caring = {d.domain: d for d in result.domains}["Caring"]
    assert (caring.rating, caring.carried_from, caring.carried_date) == (
        "Requires improvement",
        "2025-11",
        dt.date(2025, 11, 12),
    )
    assert caring.note == "carried forward from 2025-11, 12/11/2025"
    # 2 Outstanding, 1 Requires improvement, 2 Good: Good (the same rule as the worksheet
    # function, given this round's ratings with blanks and the previous round's)
    assert result.overall.label == "Good"
    expected = cpc_overall_rating(
        ["Outstanding", "Outstanding", None, None, None],
        False,
        "cqc",
        ["Good", "Good", "Requires improvement", "Good", "Good"],
    )
    assert result.overall.label == expected
    assert result.overall.reasons[-1] == (
        "carried forward: Caring (2025-11), Responsive (2025-11), Well-led (2025-11)"
    )


def test_a_rating_carried_twice_keeps_the_round_it_was_given_in() -> None:
    history = caring_carried()
    ret = only_scored({"Safe": [3, 3], "Effective": [3, 3], "Responsive": [3], "Well-led": [3]})
    prior = engine.prior_rounds(
        history, "2026-05", framework="cqc", monitoring_date=ret.details.monitoring_date
    )
    result = engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2026-05")
    caring = {d.domain: d for d in result.domains}["Caring"]
    assert (caring.carried_from, caring.carried_date) == ("2025-05", dt.date(2025, 5, 14))


def test_issue16_bad_input_a_carried_rating_older_than_the_framework_allows_is_refused() -> None:
    # Caring's rating was given on 14/05/2025 and carried on; this round is on 15/06/2027:
    # 25 whole months later (14/05/2027 is 24 months; a month and a day more), over 24
    history = caring_carried()
    ret = only_scored({"Safe": [3, 3], "Effective": [3, 3], "Responsive": [3], "Well-led": [3]})
    for row, score in enumerate(ret.scores, start=4):  # as read from the Scores sheet
        score.row = row
    ret.details.monitoring_date = dt.date(2027, 6, 12)
    prior = engine.prior_rounds(
        history, "2027-06", framework="cqc", monitoring_date=ret.details.monitoring_date
    )
    # on 12/06/2027 it is 24 whole months (not yet 14/06/2027): still allowed
    allowed = engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2027-06")
    assert {d.domain: d.rating for d in allowed.domains}["Caring"] == "Good"
    ret.details.monitoring_date = dt.date(2027, 6, 15)
    with pytest.raises(InputErrors) as caught:
        engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2027-06")
    (error,) = caught.value.errors
    assert error.message == (
        "Caring was not assessed this round, and its last rating (Good, 2025-05, 14/05/2025) is "
        "25 months old, older than the 24 months the cqc framework allows a rating to be "
        "carried forward"
    )
    # located at the first of the Caring statements on the Scores sheet: 8 Safe and 6
    # Effective statements from row 4 put it on row 18
    assert (error.location.sheet, error.location.cell) == ("Scores", "A18")
    # a longer limit (the settings' [history] carry_forward_months) allows it
    result = engine.evaluate(
        ret, CQC, as_at=AS_AT, history=prior, round_label="2027-06", carry_forward_months=30
    )
    assert {d.domain: d.rating for d in result.domains}["Caring"] == "Good"


def test_issue16_the_previous_round_sheet_carries_no_rating_older_than_24_months() -> None:
    # without a history: the return's Previous round date is the age (12/05/2026 less 30
    # months is 12/11/2023)
    ret = only_scored(
        {"Safe": [3, 3], "Effective": [3, 3], "Responsive": [3], "Well-led": [3]},
        previous=(engine_previous("Caring", "Good"),),
    )
    ret.details.previous_date = dt.date(2023, 11, 12)
    with pytest.raises(InputErrors, match="is 30 months old, older than the 24 months"):
        engine.evaluate(ret, CQC, as_at=AS_AT)


def engine_previous(domain: str, rating: str):  # a PreviousScore, as the return's sheet has it
    from cpcxl.monitoring.models import PreviousScore

    return PreviousScore(domain=domain, rating=rating)


# --- trajectories, baselines and KPIs ----------------------------------------------------------


def _with_kpis(history: ProviderHistory) -> ProviderHistory:
    for r, actual in zip(history.rounds, (80.0, 88.0), strict=True):
        history.kpis.append(
            KpiRound(
                provider_id="P-0042",
                round=r.round,
                name="Visits delivered within 30 minutes of the planned time",
                unit="%",
                target=95,
                actual=actual,
                rag="Red",
            )
        )
    return history


def test_issue16_a_trajectory_from_the_first_round_and_kpi_baselines_and_trends() -> None:
    ret = example_return()  # visits 91% against 95%, scored on 12/05/2026
    prior = engine.prior_rounds(
        _with_kpis(two_rounds()),
        "2026-05",
        framework="cqc",
        monitoring_date=ret.details.monitoring_date,
    )
    result = engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2026-05")
    path = result.trajectory
    assert path is not None
    assert [p.round for p in path.points] == ["2025-05", "2025-11", "2026-05"]
    assert (path.baseline.round, path.set_by) == ("2025-05", engine.FIRST_ROUND)
    # Safe this round 9/16 = 56.25%, at the baseline 75%
    assert path.points[-1].domains["Safe"] == 56.25 and path.baseline.domains["Safe"] == 75.0
    visits = result.kpis[0].history
    assert visits is not None
    # baseline: the first round's 80; previous 88; now 91: higher is better, so Better;
    # 11 points above the baseline
    assert (visits.baseline, visits.baseline_from, visits.previous, visits.trend) == (
        80.0,
        "2025-05",
        88.0,
        engine.BETTER,
    )
    assert visits.change == pytest.approx(11.0)
    assert visits.values == (80.0, 88.0, 91.0)
    # the second KPI (missed visits) was never measured before: new this round
    assert result.kpis[1].history is not None and result.kpis[1].history.trend == engine.NEW


def test_an_officer_sets_the_baseline_round() -> None:
    history = _with_kpis(two_rounds())
    history.baseline = Baseline(
        provider_id="P-0042", round="2025-11", set_by="Contracts Manager", why="new manager", row=4
    )
    ret = example_return()
    prior = engine.prior_rounds(
        history, "2026-05", framework="cqc", monitoring_date=ret.details.monitoring_date
    )
    result = engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2026-05")
    assert result.trajectory is not None
    assert result.trajectory.baseline.round == "2025-11"
    assert result.trajectory.set_by == "set by Contracts Manager: new manager"
    visits = result.kpis[0].history
    assert visits is not None and (visits.baseline, visits.baseline_from) == (88.0, "2025-11")
    # a lower-is-better KPI: missed visits 4 against a return baseline of 6 is 2 fewer
    ret.kpis[1].baseline = 6
    result = engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2026-05")
    missed = result.kpis[1].history
    assert missed is not None and (missed.baseline, missed.baseline_from, missed.change) == (
        6,
        "this return",
        -2,
    )


def test_a_baseline_round_the_history_does_not_have_is_refused_where_it_is() -> None:
    history = two_rounds()
    history.baseline = Baseline(provider_id="P-0042", round="2019-01", row=7)
    ret = example_return()
    prior = engine.prior_rounds(
        history, "2026-05", framework="cqc", monitoring_date=ret.details.monitoring_date
    )
    with pytest.raises(InputError) as caught:
        engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2026-05")
    assert caught.value.message == "'2019-01' is not a round of P-0042 in the history"
    assert (caught.value.location.sheet, caught.value.location.row) == ("Baselines", 7)


def test_kpi_direction_for_lower_is_better() -> None:
    kpi = Kpi(name="Missed visits", target=5, actual=4, higher_is_better=False)
    prior = ProviderHistory(
        provider_id="P-1",
        rounds=[a_round(1, "r1", dt.date(2025, 1, 1), GOOD)],
        kpis=[
            KpiRound(
                provider_id="P-1",
                round="r1",
                name="missed visits",
                target=5,
                actual=3,
                higher_is_better=False,
            )
        ],
    )
    found = engine.history.kpi_history(kpi, "Green", prior, ["r1", "r2"], "r1")
    # 3 before, 4 now, where lower is better: worse (the name matched ignoring case)
    assert (found.previous, found.trend, found.values) == (3, engine.WORSE, (3, 4))


# --- requirements and recommendations carried over --------------------------------------------


def test_issue16_open_actions_carry_over_aged_and_overdue_two_rounds_is_escalated() -> None:
    history = two_rounds()
    history.actions = [
        ActionRound(
            provider_id="P-0042",
            round="2025-11",
            action="Audit every medicines record and retrain staff",
            kind=ActionKind.REQUIREMENT,
            responsible=Responsible.PROVIDER,
            due=dt.date(2025, 10, 1),
            status=ActionStatus.IN_PROGRESS,
            first_round="2025-05",
            first_date=dt.date(2025, 5, 14),
            rounds_overdue=1,
        ),
        ActionRound(
            provider_id="P-0042",
            round="2025-11",
            action="Update the fire risk assessment",
            kind=ActionKind.REQUIREMENT,
            responsible=Responsible.PROVIDER,
            due=dt.date(2026, 1, 31),
            first_round="2025-11",
            first_date=dt.date(2025, 11, 12),
        ),
    ]
    ret = example_return()
    # the return lists the medicines audit again, still open and (as at 20/06/2026) past its
    # due date of 01/10/2025: overdue at the last round and at this one, two rounds running
    ret.actions[0].due = dt.date(2025, 10, 1)
    prior = engine.prior_rounds(
        history, "2026-05", framework="cqc", monitoring_date=ret.details.monitoring_date
    )
    result = engine.evaluate(ret, CQC, as_at=AS_AT, history=prior, round_label="2026-05")
    audit = result.requirements[0]
    age = result.age_of(audit)
    assert age is not None
    # first raised in round 1 (of the two in the history): open for three rounds, 363 days
    # from 14/05/2025 to 12/05/2026
    assert (age.first_round, age.rounds_open, age.rounds_overdue, age.escalated) == (
        "2025-05",
        3,
        2,
        True,
    )
    assert age.days_open(ret.details.monitoring_date) == 363
    # the fire risk assessment is not in this return: still open, carried over
    fire = [a for a in result.requirements if a.action == "Update the fire risk assessment"]
    assert len(fire) == 1
    carried = result.age_of(fire[0])
    assert carried is not None and carried.carried and carried.first_round == "2025-11"
    assert result.escalated_actions == [audit]
    row = engine.portfolio_row(result)
    assert row["Overdue two rounds"] == 1
    # the compliance stage comes first in the top concern; with none, this escalation does
    assert (
        row["Top concern"] == "Overdue two rounds: Audit every medicines record and retrain staff"
    )


# --- the history read back as written ------------------------------------------------------------


def test_the_history_reads_back_the_same_from_its_cells_and_from_cpcxls_record(
    tmp_path: Path,
) -> None:
    history = _with_kpis(two_rounds())
    history.baseline = Baseline(provider_id="P-0042", round="2025-05", set_by="Manager")
    source = history_of([history], {"cqc": CQC}, CPC306)
    path = write_history(
        tmp_path / "h.xlsx", source, {}, {"cqc": CQC}, round_label="2025-11", as_at=AS_AT
    )
    fast = read_history_file(path, RESOLVE, CPC306)

    sheets = read_sheets(path)
    slow = read_history({n: Cells(v) for n, v in sheets.items()}, RESOLVE, CPC306, file=path.name)
    assert fast.rows == slow.rows == source.rows
    built = fast.of("p-0042")  # found ignoring case
    assert [r.round for r in built.rounds] == ["2025-05", "2025-11"]
    assert built.rounds[1].domains[2] == DomainRound(
        domain="Caring", percentage=50.0, rating="Requires improvement"
    )
    assert built.baseline is not None and built.baseline.set_by == "Manager"
    # a file someone saved since is read cell by cell, every cell checked
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Rounds cqc"]["B4"] = "Riverside Home Care Limited"
    wb.save(path)
    edited = read_history_file(path, RESOLVE, CPC306)
    assert edited.of("P-0042").rounds[0].provider_name == "Riverside Home Care Limited"


def _changed(path: Path, change: Callable[[bytes], bytes]) -> Path:
    """A copy of the history at ``path`` with each part's bytes as ``change`` makes them."""
    target = path.with_name("changed.xlsx")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, change(old.read(info)))
    return target


def _a_history(tmp_path: Path) -> Path:
    source = history_of([_with_kpis(two_rounds())], {"cqc": CQC}, CPC306)
    return write_history(
        tmp_path / "h.xlsx", source, {}, {"cqc": CQC}, round_label="2025-11", as_at=AS_AT
    )


def test_a_sheet_changed_inside_the_file_is_read_from_its_cells(tmp_path: Path) -> None:
    """The record is used only while each sheet's part has the CRC-32 and size it was written
    with: a part changed in place (the record left as it was) sends the reader to the cells,
    and so does a record of an earlier cpcxl (each sheet's SHA-256, under another key)."""
    path = _a_history(tmp_path)
    name, other = b"Riverside Home Care Ltd", b"Riverside Home Care Lte"

    def read_after(change: Callable[[bytes], bytes]) -> list[str]:
        history = read_history_file(_changed(path, change), RESOLVE, CPC306)
        return [r.provider_name for r in history.of("P-0042").rounds]

    def in_the_sheet(data: bytes) -> bytes:  # the first round's name, on Rounds cqc
        if b"<sheetData>" in data and b"Monitoring rounds" in data:
            return data.replace(b">" + name + b"<", b">" + other + b"<", 1)
        return data

    def in_the_record(data: bytes) -> bytes:  # the rows recorded, the sheets as written
        return data.replace(name, other) if b">sheet crc32 size<" in data else data

    def in_an_earlier_record(data: bytes) -> bytes:
        return in_the_record(data).replace(b">sheet crc32 size<", b">sheet sha256<")

    assert read_after(lambda data: data) == [name.decode()] * 2
    assert read_after(in_the_sheet) == [other.decode(), name.decode()]
    # the record is trusted only while the sheets are as written beside it ...
    assert read_after(in_the_record) == [other.decode()] * 2
    # ... and a record of another kind not at all: the cells are read
    assert read_after(in_an_earlier_record) == [name.decode()] * 2


def _record_part(items: list[tuple[str, str]]) -> bytes:
    """A record sheet's part as cpcxl's writer makes one, holding ``items``."""
    with tempfile.TemporaryDirectory() as folder:
        book = StreamBook(Path(folder) / "r.zip")
        book.record("cpcxl", items)
        book.archive.close()
        with zipfile.ZipFile(Path(folder) / "r.zip") as archive:
            return archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(
    "hostile",
    [
        "the sheets' record nested past Python's limit",
        "a row cut short, the sheets as written",
        "a sheet's rows as text, the sheets as written",
    ],
)
def test_a_record_cpcxl_would_not_have_written_sends_the_reader_to_the_cells(
    tmp_path: Path, hostile: str
) -> None:
    path = _a_history(tmp_path)
    cells = read_history(
        {n: Cells(v) for n, v in read_sheets(path).items()}, RESOLVE, CPC306, file=path.name
    )
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(i) for i in archive.infolist()]
    recorded = next(part for part in parts if b">sheet crc32 size<" in part)
    items = _record(recorded, ElementTree)
    sheets, rows = items["sheet crc32 size"], json.loads(items["rows"])
    if hostile.startswith("the sheets'"):
        sheets = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError
    elif hostile.startswith("a row cut short"):
        rows["Rounds cqc"][0] = rows["Rounds cqc"][0][:-1]
    else:
        rows["KPIs"] = "not rows"
    forged = _record_part([("sheet crc32 size", sheets), ("rows", json.dumps(rows))])
    history = read_history_file(
        _changed(path, lambda data: forged if data == recorded else data), RESOLVE, CPC306
    )
    assert history.rows == cells.rows
    assert [r.round for r in history.of("P-0042").rounds] == ["2025-05", "2025-11"]


def test_a_bad_cell_in_a_round_is_the_one_problem_not_its_kpis_too(tmp_path: Path) -> None:
    source = history_of([_with_kpis(two_rounds())], {"cqc": CQC}, CPC306)
    path = write_history(
        tmp_path / "h.xlsx", source, {}, {"cqc": CQC}, round_label="2025-11", as_at=AS_AT
    )
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Rounds cqc"]
    column = [c.value for c in ws[3]].index("Overall score (%)") + 1
    ws.cell(5, column).value = "seventy"  # round 2025-11's overall score
    wb.save(path)
    (problem,) = read_history_file(path, RESOLVE, CPC306).problems_of("P-0042")
    # the cell, and not also "this KPI row belongs to no round" for that round's KPI row
    assert (problem.location.sheet, problem.location.row) == ("Rounds cqc", 5)
    assert "'seventy' is not a domain score" in problem.message


@pytest.mark.parametrize(
    "name",
    [
        "Riverside _x0041_ Care",  # reads as Excel's escape for "A" unless escaped itself
        "Riverside _x005F_x0041_ Care",
        "Riverside\x07Care & <Co>",  # a control character (written _x0007_) and XML's own
        "Riverside\r\nCare",  # a line break pasted in Excel (written _x000D_, then a line feed)
        "Gofal Tŷ Coch – £ café 😀",  # the record's JSON holds it as UTF-8, not \u escapes
    ],
)
def test_text_like_excels_escapes_reads_back_from_the_record_as_written(
    tmp_path: Path, name: str
) -> None:
    history = two_rounds()
    history.rounds = [r.model_copy(update={"provider_name": name}) for r in history.rounds]
    source = history_of([history], {"cqc": CQC}, CPC306)
    path = write_history(
        tmp_path / "h.xlsx", source, {}, {"cqc": CQC}, round_label="2025-11", as_at=AS_AT
    )
    assert _as_written(path) is not None  # read from cpcxl's record
    fast = read_history_file(path, RESOLVE, CPC306)

    sheets = read_sheets(path)  # the cells, read by calamine, which decodes Excel's escapes
    slow = read_history({n: Cells(v) for n, v in sheets.items()}, RESOLVE, CPC306, file=path.name)
    assert [r.provider_name for r in fast.of("P-0042").rounds] == [name, name]
    assert fast.rows == slow.rows == source.rows
    # written again from what was read, and read again: the same (it never grows run by run)
    again = write_history(
        tmp_path / "h2.xlsx", fast, {}, {"cqc": CQC}, round_label="2025-11", as_at=AS_AT
    )
    assert read_history_file(again, RESOLVE, CPC306).rows == source.rows


def test_issue16_bad_input_a_providers_rounds_out_of_order_are_kept_against_it(
    tmp_path: Path,
) -> None:
    history = two_rounds()
    history.rounds[1] = history.rounds[1].model_copy(
        update={"monitoring_date": dt.date(2025, 1, 2)}
    )
    other = two_rounds().model_copy(update={"provider_id": "P-0043"})
    other.rounds = [r.model_copy(update={"provider_id": "P-0043"}) for r in other.rounds]
    source = history_of([history, other], {"cqc": CQC}, CPC306)
    path = write_history(
        tmp_path / "h.xlsx", source, {}, {"cqc": CQC}, round_label="x", as_at=AS_AT
    )

    sheets = read_sheets(path)
    read = read_history({n: Cells(v) for n, v in sheets.items()}, RESOLVE, CPC306, file="h.xlsx")
    (problem,) = read.problems_of("P-0042")
    assert problem.message == (
        "P-0042's rounds are out of order: round 2 (2025-11) is dated 02/01/2025, not after "
        "round 1 (2025-05, 14/05/2025, row 4)"
    )
    # the second of P-0042's rows on the Rounds sheet (P-0042 sorts first), its date column
    assert (problem.location.sheet, problem.location.row, problem.location.field) == (
        "Rounds cqc",
        5,
        "Monitoring date",
    )
    assert read.problems_of("P-0043") == []
    with pytest.raises(InputErrors):
        read.of("P-0042")


def test_a_providers_slice_of_the_history_builds_what_the_whole_history_builds(
    tmp_path: Path,
) -> None:
    """A batch hands each worker its provider's slice, pickled, not the whole history: the
    slice must build the same models, with the same sheet rows for messages, and carry the
    provider's problems (the out-of-order case above) with it."""
    import pickle

    good = _with_kpis(two_rounds())
    good.baseline = Baseline(provider_id="P-0042", round="2025-05", set_by="Manager")
    bad = two_rounds().model_copy(update={"provider_id": "P-0041"})
    bad.rounds = [r.model_copy(update={"provider_id": "P-0041"}) for r in bad.rounds]
    bad.rounds[1] = bad.rounds[1].model_copy(update={"monitoring_date": dt.date(2025, 1, 2)})
    source = history_of([good, bad], {"cqc": CQC}, CPC306)
    path = write_history(
        tmp_path / "h.xlsx", source, {}, {"cqc": CQC}, round_label="x", as_at=AS_AT
    )
    whole = read_history_file(path, RESOLVE, CPC306)
    part = pickle.loads(pickle.dumps(whole.slice("p-0042"))).history(RESOLVE, CPC306)
    assert part.of("P-0042", recent=4) == whole.of("P-0042", recent=4)
    # P-0041 sorts first: P-0042's rounds are rows 6 and 7 of its Rounds sheet, as in the file
    assert [r.row for r in part.of("P-0042").rounds] == [6, 7]
    assert [k.row for k in part.of("P-0042").kpis] == [k.row for k in whole.of("P-0042").kpis]
    wrong = whole.slice("P-0041").history(RESOLVE, CPC306)
    assert wrong.problems_of("P-0041") == whole.problems_of("P-0041") != []
    with pytest.raises(InputErrors):
        wrong.of("P-0041")
    # a provider new to the history gets an empty slice, and an empty history
    new = whole.slice("P-0099").history(RESOLVE, CPC306)
    assert new.of("P-0099").rounds == [] and new.rows == {}


def _history_cells(rows: dict[str, list[list[object]]]) -> dict[str, Cells]:
    return {name: Cells(values) for name, values in rows.items()}


def test_a_workbook_that_is_no_history_or_has_a_sheet_cpcxl_would_lose_is_refused() -> None:
    with pytest.raises(
        InputErrors, match="this is not a monitoring history: it has no Rounds sheet"
    ):
        read_history(_history_cells({"Sheet1": [["x"]]}), RESOLVE, CPC306, file="h.xlsx")
    with pytest.raises(
        InputErrors, match="the history has a sheet 'My notes' that cpcxl does not keep"
    ):
        read_history(
            _history_cells({"Rounds cqc": [["Provider ID"]], "My notes": [["x"]]}),
            RESOLVE,
            CPC306,
            file="h.xlsx",
        )
    with pytest.raises(InputErrors, match="the history has rounds of the framework 'northshire'"):
        read_history(
            _history_cells({"Rounds northshire": [["Provider ID"]]}), RESOLVE, CPC306, file="h.xlsx"
        )


def test_a_council_history_has_its_own_rounds_sheet(tmp_path: Path) -> None:
    council = ProviderHistory(
        provider_id="P-0100",
        rounds=[
            a_round(
                1,
                "2025-05",
                dt.date(2025, 5, 14),
                {d: (90.0, "Excellent") for d in COUNCIL.domain_names()},
                overall="Excellent",
                framework="council",
            )
        ],
    )
    source = history_of([council, two_rounds()], {"cqc": CQC, "council": COUNCIL}, CPC306)
    path = write_history(
        tmp_path / "h.xlsx",
        source,
        {},
        {"cqc": CQC, "council": COUNCIL},
        round_label="x",
        as_at=AS_AT,
    )
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == [
        "About",
        "Rounds council",
        "Rounds cqc",
        "KPIs",
        "Actions",
        "Compliance log",
        "Baselines",
        "cpcxl",
    ]
    assert wb["cpcxl"].sheet_state == "hidden"
    header = [c.value for c in wb["Rounds council"][3]]
    assert header[8:12] == [
        "Involvement and information (%)",
        "Involvement and information rating",
        "Involvement and information carried from",
        "Personalised care and support (%)",
    ]
    assert (
        wb["Rounds cqc"].page_setup.paperSize == "9" or wb["Rounds cqc"].page_setup.paperSize == 9
    )
