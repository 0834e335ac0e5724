"""The batch with a history (issue 16): rounds added and never lost, the history written
atomically and never half-written, bad histories located, updates for people kept informed,
and the overview that prints."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cpcxl.common.errors import InputErrors
from cpcxl.common.files import sha256
from cpcxl.monitoring.cli import monitoring
from cpcxl.monitoring.inputs import history_of
from cpcxl.monitoring.models import ActionStatus, DomainRound, ProviderHistory, RoundRecord
from cpcxl.monitoring.sample import example_return, sample_return
from cpcxl.monitoring.schemes import COUNCIL, CPC306, CQC, framework_resolver
from cpcxl.monitoring.workbook import BatchOptions, HistoryNotWritten, run_batch, write_return
from cpcxl.monitoring.workbook import stream as stream_module
from cpcxl.monitoring.workbook.history import read_history_file, write_history

from .cases import REQUIREMENT, with_compliance

RESOLVE = framework_resolver({})
ROUND_1 = dt.date(2026, 10, 1)
ROUND_2 = dt.date(2027, 4, 1)


def returns_for(
    folder: Path, count: int, *, months: int = 0, unscored: dict[int, str] | None = None
) -> Path:
    """Sample returns 0 .. count - 1 (seed 7), their dates moved on ``months`` months; in
    ``unscored`` {index: domain}, that domain left unassessed (every statement N/A)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        ret = sample_return(index, 7)
        d = ret.details
        shift = dt.timedelta(days=round(30.44 * months))
        for name in ("monitoring_date", "period_start", "period_end"):
            setattr(d, name, getattr(d, name) + shift)
        d.previous_date, d.previous_overall, ret.previous = None, "", []
        for a in ret.actions:
            if a.due:
                a.due += shift
        for s in ret.scores:
            if unscored and unscored.get(index) == s.domain:
                s.score, s.reason = None, "Not reassessed: a focused visit"
        write_return(folder / f"return_{d.provider_id}.xlsx", ret)
    return folder


def options(history: Path, label: str, as_at: dt.date, **more: object) -> BatchOptions:
    return BatchOptions(as_at=as_at, history=history, round_label=label, **more)  # type: ignore[arg-type]


def _line_chart_series(path: Path) -> list[dict[str, Any]]:
    """Each series of the summary's line chart: its categories' and values' ranges and the
    categories' cached labels, read from the chart's XML."""
    from xml.etree import ElementTree

    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        trees = [ElementTree.fromstring(archive.read(n)) for n in charts]
    (line,) = [t for t in trees if t.find(f".//{c}lineChart") is not None]
    return [
        {
            "cat": ser.find(f"{c}cat//{c}f").text,  # type: ignore[union-attr]
            "val": ser.find(f"{c}val//{c}f").text,  # type: ignore[union-attr]
            "categories": [v.text for v in ser.iterfind(f"{c}cat//{c}pt/{c}v")],
        }
        for ser in line.iter(f"{c}ser")
    ]


def test_issue16_each_round_is_added_to_the_history_and_none_is_ever_lost(tmp_path: Path) -> None:
    history = tmp_path / "history.xlsx"
    first = run_batch(
        returns_for(tmp_path / "r1", 3), tmp_path / "o1", options(history, "2026-10", ROUND_1)
    )
    assert first.ok and first.history_written and history.exists()
    assert read_history_file(history, RESOLVE, CPC306).of("P-0001").rounds[0].round == "2026-10"
    # six months on; P-0002 (index 1) not reassessed in Effective
    second = run_batch(
        returns_for(tmp_path / "r2", 3, months=6, unscored={1: "Effective"}),
        tmp_path / "o2",
        options(history, "2027-04", ROUND_2),
    )
    assert second.ok, second.errors
    after = read_history_file(history, RESOLVE, CPC306)
    for pid in ("P-0001", "P-0002", "P-0003"):
        assert [r.round for r in after.of(pid).rounds] == ["2026-10", "2027-04"]
        assert [r.number for r in after.of(pid).rounds] == [1, 2]
    # round 1's rows are as the first run wrote them
    before = history_of_round(tmp_path, "2026-10")
    assert [r for r in after.rows["Rounds cqc"] if r[2] == "2026-10"] == before
    # Effective carried forward, marked with the round (and date) it was given in
    effective = {d.domain: d for d in after.of("P-0002").rounds[1].domains}["Effective"]
    first_day = after.of("P-0002").rounds[0].monitoring_date
    assert (effective.rating != "", effective.from_round, effective.from_date) == (
        True,
        "2026-10",
        first_day,
    )
    summary = load_workbook(tmp_path / "o2" / "P-0002.xlsx")
    # the progress table, left to right from the baseline (the first round) to now: the
    # baseline, the two rounds, the change since the baseline and its direction
    sheet = summary["Summary"]
    (title,) = [c for c in sheet["A"] if str(c.value).startswith("Progress against the baseline")]
    header = [c.value for c in sheet[title.row + 1]][:6]
    assert header[:2] == ["Measure", "Baseline: 2026-10"]
    assert str(header[2]).startswith("2026-10") and str(header[3]).startswith("2027-04")
    assert header[4:6] == ["Change since baseline", "Since the previous round"]
    # the overall score: at the baseline, at each round, and the change (now - baseline)
    overall = [c.value for c in sheet[title.row + 2]][:5]
    assert overall[0] == "Overall score (%)" and overall[1] == overall[2]
    assert overall[4] == pytest.approx(overall[3] - overall[1])
    assert len(sheet._charts) == 2  # the domain scores, and the scores over the rounds
    # the line chart draws the overall and the five domain rows from the baseline column
    # (B) to this round's (D), the baseline its first point
    lines = _line_chart_series(tmp_path / "o2" / "P-0002.xlsx")
    header_row, first = title.row + 1, title.row + 2
    assert [s["cat"] for s in lines] == [f"Summary!$B${header_row}:$D${header_row}"] * 6
    assert [s["val"] for s in lines] == [f"Summary!$B${first + i}:$D${first + i}" for i in range(6)]
    assert lines[0]["categories"][0] == "Baseline: 2026-10"
    notes = [c.value for c in summary["Summary"]["G"] if isinstance(c.value, str)]
    assert f"carried forward from 2026-10, {first_day:%d/%m/%Y}" in notes
    # run again: the same round is replaced, not added; the summaries are up to date
    saved = after.rows
    again = run_batch(tmp_path / "r2", tmp_path / "o2", options(history, "2027-04", ROUND_2))
    assert again.ok and again.exit_code == 0 and len(again.up_to_date) == 3
    assert read_history_file(history, RESOLVE, CPC306).rows == saved


def history_of_round(tmp_path: Path, label: str) -> list[list[object]]:
    """The Rounds cqc rows of a round, as the first run wrote them (from its own copy)."""
    run_batch(tmp_path / "r1", tmp_path / "again", options(tmp_path / "first.xlsx", label, ROUND_1))
    rows = read_history_file(tmp_path / "first.xlsx", RESOLVE, CPC306).rows["Rounds cqc"]
    return [r for r in rows if r[2] == label]


def test_without_a_history_the_batch_writes_none_and_summaries_have_no_progress(
    tmp_path: Path,
) -> None:
    report = run_batch(returns_for(tmp_path / "r", 2), tmp_path / "o", BatchOptions(as_at=ROUND_1))
    assert report.ok and report.history is None
    assert {p.name for p in (tmp_path / "o").iterdir()} == {
        "P-0001.xlsx",
        "P-0002.xlsx",
        "portfolio.xlsx",
        "errors.csv",
    }
    summary = load_workbook(tmp_path / "o" / "P-0001.xlsx")["Summary"]
    assert not [c for c in summary["A"] if str(c.value).startswith("Progress against")]
    assert len(summary._charts) == 1


def _errors(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _history_with(tmp_path: Path, *providers: ProviderHistory) -> Path:
    frameworks = {"cqc": CQC, "council": COUNCIL}
    source = history_of(list(providers), frameworks, CPC306)
    return write_history(
        tmp_path / "history.xlsx", source, {}, frameworks, round_label="x", as_at=ROUND_1
    )


def _round(
    pid: str, framework: str, number: int, day: dt.date, rating: str = "Good"
) -> RoundRecord:
    names = (CQC if framework == "cqc" else COUNCIL).domain_names()
    return RoundRecord(
        provider_id=pid,
        framework=framework,
        round=f"r{number}",
        number=number,
        monitoring_date=day,
        overall=rating,
        domains=[DomainRound(domain=n, percentage=75.0, rating=rating) for n in names],
    )


def test_issue16_bad_input_a_provider_with_rounds_of_another_framework(tmp_path: Path) -> None:
    returns = returns_for(tmp_path / "r", 3)
    framework_2 = sample_return(1, 7).details.framework  # P-0002's framework this round
    other = "council" if framework_2 == "cqc" else "cqc"
    history = _history_with(
        tmp_path,
        ProviderHistory(
            provider_id="P-0002", rounds=[_round("P-0002", other, 1, dt.date(2025, 10, 1))]
        ),
    )
    report = run_batch(returns, tmp_path / "o", options(history, "2026-10", ROUND_1))
    assert report.failed_files == ["return_P-0002.xlsx"]
    rows = _errors(tmp_path / "o" / "errors.csv")
    located = [r for r in rows if r["file"] == "history.xlsx"]
    assert len(located) == 1 and located[0]["sheet"] == f"Rounds {other}"
    assert (
        f"is of the {other} framework, and this return is of the {framework_2} framework"
        in located[0]["message"]
    )
    assert {
        "file": "return_P-0002.xlsx",
        "sheet": "",
        "cell": "",
        "message": "not summarised: see the problems listed for history.xlsx",
    } in rows
    # the history is written for the two others; P-0002's earlier round is kept as it was
    after = read_history_file(history, RESOLVE, CPC306)
    assert [r.round for r in after.of("P-0002").rounds] == ["r1"]
    assert [r.round for r in after.of("P-0001").rounds] == ["2026-10"]


def test_a_workbook_that_is_no_history_stops_the_batch_before_it_writes_anything(
    tmp_path: Path,
) -> None:
    """The history is read while the workers make their first pass over the returns; a
    history that stops the batch must still stop it before anything is written, the output
    folder included, and leave the workbook as it was."""
    from openpyxl import Workbook

    returns = returns_for(tmp_path / "r", 3)
    history = tmp_path / "history.xlsx"
    book = Workbook()
    book.active.title = "Rounds"  # no framework named: not a Rounds sheet cpcxl writes
    book.save(history)
    before = sha256(history)
    for jobs in (1, 2):
        with pytest.raises(InputErrors, match="this is not a monitoring history"):
            run_batch(returns, tmp_path / "o", options(history, "2026-10", ROUND_1, jobs=jobs))
        assert not (tmp_path / "o").exists()
        assert sha256(history) == before


@pytest.mark.parametrize("jobs", ["1", "2"])  # with 2, the problems go to a worker in a slice
def test_issue16_bad_input_rounds_out_of_order_leave_the_history_untouched(
    tmp_path: Path, jobs: str
) -> None:
    returns = returns_for(tmp_path / "r", 2)
    framework_1 = sample_return(0, 7).details.framework
    history = _history_with(
        tmp_path,
        ProviderHistory(
            provider_id="P-0001",
            rounds=[
                _round("P-0001", framework_1, 1, dt.date(2025, 10, 1)),
                _round("P-0001", framework_1, 2, dt.date(2025, 4, 1)),
            ],
        ),
    )
    before = sha256(history)
    result = CliRunner().invoke(
        monitoring,
        [
            "batch",
            str(returns),
            "--out",
            str(tmp_path / "o"),
            "--as-at",
            "01/10/2026",
            "--history",
            str(history),
            "--round",
            "2026-10",
            "--jobs",
            jobs,
        ],
    )
    assert result.exit_code == 1, result.output
    assert sha256(history) == before  # the history is never half-written: not written at all
    assert "was not updated" in result.output
    rows = _errors(tmp_path / "o" / "errors.csv")
    (located,) = [r for r in rows if r["file"] == "history.xlsx"]
    sheet = f"Rounds {framework_1}"
    assert (located["sheet"], located["cell"]) == (sheet, "")
    assert located["message"].startswith(
        "row 5: Monitoring date: P-0001's rounds are out of order: round 2 (r2) is dated "
        "01/04/2025, not after round 1 (r1, 01/10/2025, row 4)"
    )
    # P-0002 is summarised all the same; P-0001 is not
    assert (tmp_path / "o" / "P-0002.xlsx").exists() and not (
        tmp_path / "o" / "P-0001.xlsx"
    ).exists()


def test_issue16_bad_input_a_carried_rating_too_old_through_the_command(tmp_path: Path) -> None:
    ret = example_return()  # dated 12/05/2026, cqc
    for s in ret.scores:
        if s.domain == "Caring":
            s.score, s.reason = None, "Not reassessed"
    ret.previous, ret.details.previous_overall, ret.details.previous_date = [], "", None
    returns = tmp_path / "r"
    returns.mkdir()
    write_return(returns / "r.xlsx", ret)
    # the history's only round is 30 months before it (12/11/2023)
    history = _history_with(
        tmp_path,
        ProviderHistory(
            provider_id="P-0042", rounds=[_round("P-0042", "cqc", 1, dt.date(2023, 11, 12))]
        ),
    )
    result = CliRunner().invoke(
        monitoring,
        [
            "batch",
            str(returns),
            "--out",
            str(tmp_path / "o"),
            "--as-at",
            "20/06/2026",
            "--history",
            str(history),
            "--round",
            "2026-05",
        ],
    )
    assert result.exit_code == 1, result.output
    caring = min(i for i, s in enumerate(ret.scores) if s.domain == "Caring") + 4
    assert (
        f"r.xlsx Scores!A{caring}: Caring was not assessed this round, and its last rating "
        "(Good, r1, 12/11/2023) is 30 months old, older than the 24 months the cqc framework "
        "allows"
    ) in result.output


class _Stop(RuntimeError):
    pass


def test_issue16_the_history_is_never_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = tmp_path / "history.xlsx"
    run_batch(
        returns_for(tmp_path / "r1", 2), tmp_path / "o1", options(history, "2026-10", ROUND_1)
    )
    before = sha256(history)

    def fail(self: object, *args: object, **kwargs: object) -> None:
        raise _Stop("the disk is full")

    # writing stops part way through (after the Rounds sheets, before the record)
    monkeypatch.setattr(stream_module.StreamBook, "record", fail)
    with pytest.raises(HistoryNotWritten, match="the disk is full") as caught:
        run_batch(
            returns_for(tmp_path / "r2", 2, months=6),
            tmp_path / "o2",
            options(history, "2027-04", ROUND_2),
        )
    assert "history.xlsx is as it was before this run: run the same command again" in str(
        caught.value
    )
    assert sha256(history) == before
    # no temp file is left beside it
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["history.xlsx"]
    # the round's summaries and overview were written
    assert (tmp_path / "o2" / "portfolio.xlsx").exists()


def test_issue16_the_audit_trail_is_never_rewritten_by_a_rerun(tmp_path: Path) -> None:
    returns = tmp_path / "r"
    returns.mkdir()
    notice = ("Improvement notice", dt.date(2026, 4, 1), dt.date(2026, 9, 1))
    write_return(returns / "r.xlsx", with_compliance(notice))
    history = tmp_path / "history.xlsx"
    first = run_batch(returns, tmp_path / "o", options(history, "2026-05", dt.date(2026, 6, 20)))
    assert first.ok, first.errors
    log = load_workbook(history)["Compliance log"]
    recorded = [c.value for c in log[4]]
    assert recorded[:3] == ["P-0042", "Improvement notice", dt.datetime(2026, 4, 1)]
    assert recorded[-3:] == ["2026-05", dt.datetime(2026, 6, 20), "r.xlsx"]
    # the return is changed (a new deadline for the same notice) and the round run again
    write_return(returns / "r.xlsx", with_compliance((notice[0], notice[1], dt.date(2026, 12, 1))))
    again = run_batch(
        returns, tmp_path / "o", options(history, "2026-05", dt.date(2026, 6, 20), overwrite=True)
    )
    assert again.ok
    assert [c.value for c in load_workbook(history)["Compliance log"][4]] == recorded
    assert any("keeps what was first recorded" in note for _, note in again.notes)


def _log_stages(history: Path) -> list[tuple[str, dt.date]]:
    rows = load_workbook(history)["Compliance log"].iter_rows(min_row=4, values_only=True)
    return [(r[1], r[2].date()) for r in rows]  # type: ignore[union-attr]


def _run_one(tmp_path: Path, ret: Any, label: str, as_at: dt.date) -> Any:
    """The batch over this one return (tmp_path/r), into tmp_path/o, with tmp_path's
    history.xlsx; what it wrote before is rewritten."""
    returns = tmp_path / "r"
    returns.mkdir(exist_ok=True)
    write_return(returns / "r.xlsx", ret)
    history = tmp_path / "history.xlsx"
    return run_batch(returns, tmp_path / "o", options(history, label, as_at, overwrite=True))


def test_a_rerun_of_the_round_leaves_the_log_the_summary_and_the_next_round_agreeing(
    tmp_path: Path,
) -> None:
    history = tmp_path / "history.xlsx"
    notice = ("Improvement notice", dt.date(2026, 4, 1), dt.date(2026, 9, 1))
    # run 1: the requirement marked Complete by mistake, so the batch closes the notice
    wrong = with_compliance(notice)
    wrong.actions[0].status = ActionStatus.COMPLETE
    assert _run_one(tmp_path, wrong, "2026-05", dt.date(2026, 6, 20)).ok
    assert _log_stages(history) == [
        ("Improvement notice", dt.date(2026, 4, 1)),
        ("None", dt.date(2026, 5, 12)),
    ]
    # run 2 of the same round, the requirement open again: the batch's own closure went with
    # run 1 (it is the batch's, not a person's decision), so the log says what the summary says
    assert _run_one(tmp_path, with_compliance(notice), "2026-05", dt.date(2026, 6, 20)).ok
    assert _log_stages(history) == [("Improvement notice", dt.date(2026, 4, 1))]
    assert read_history_file(history, RESOLVE, CPC306).of("P-0042").rounds[0].stage == notice[0]
    # the next round starts from the notice, open past its deadline: escalate
    later = with_compliance(notice)
    later.details.monitoring_date = dt.date(2026, 11, 10)
    assert _run_one(tmp_path, later, "2026-11", dt.date(2026, 11, 20)).ok
    from cpcxl.monitoring.workbook.summaries import read_summary_record

    summary = read_summary_record(tmp_path / "o" / "P-0042.xlsx")
    assert summary is not None
    row = summary.row  # the summary's own row of the overview
    assert row["Compliance stage"] == "Improvement notice"
    assert str(row["Top concern"]).startswith("Escalate improvement notice")


def test_a_change_a_rerun_no_longer_lists_stays_in_the_trail_and_decides_the_stage(
    tmp_path: Path,
) -> None:
    history = tmp_path / "history.xlsx"
    notice = ("Improvement notice", dt.date(2026, 4, 1), dt.date(2026, 12, 1))
    default = ("Default notice", dt.date(2026, 5, 1), dt.date(2026, 12, 1))
    assert _run_one(tmp_path, with_compliance(notice, default), "2026-05", dt.date(2026, 6, 20)).ok
    # the round run again without the default notice's row: a person's decision, recorded,
    # is never removed; the summary and the round say the stage the trail says, and why
    again = _run_one(tmp_path, with_compliance(notice), "2026-05", dt.date(2026, 6, 20))
    assert again.ok
    assert _log_stages(history) == [(notice[0], notice[1]), (default[0], default[1])]
    assert read_history_file(history, RESOLVE, CPC306).of("P-0042").rounds[0].stage == default[0]
    assert [n for _, n in again.notes if "recorded when this round was run before" in n] == [
        "Compliance: the default notice of 01/05/2026, recorded when this round was run before, "
        "is not on this return; the trail keeps it (add a new row for a new decision)"
    ]


def test_an_earlier_rounds_compliance_row_may_stay_after_its_requirement_leaves_the_actions(
    tmp_path: Path,
) -> None:
    notice = ("Improvement notice", dt.date(2026, 4, 1), dt.date(2026, 12, 1))
    assert _run_one(tmp_path, with_compliance(notice), "2026-05", dt.date(2026, 6, 20)).ok
    # the next round's return: its own period, the notice's row left on the Compliance sheet,
    # the requirement not listed again on the Actions sheet (it is carried over, still open)
    later = with_compliance(notice)
    d = later.details
    d.period_start, d.period_end = dt.date(2026, 5, 1), dt.date(2026, 10, 31)
    d.monitoring_date = dt.date(2026, 11, 10)
    later.actions = [a for a in later.actions if a.action != REQUIREMENT]
    report = _run_one(tmp_path, later, "2026-11", dt.date(2026, 11, 20))
    assert report.ok, report.errors
    assert [n for _, n in report.notes if "earlier round's" in n] == [
        f"Compliance!D4: {REQUIREMENT!r} is not on the Actions sheet; the change was entered "
        "before this return's period, so it is kept as an earlier round's"
    ]
    rounds = read_history_file(tmp_path / "history.xlsx", RESOLVE, CPC306).of("P-0042").rounds
    assert [(r.round, r.stage) for r in rounds] == [
        ("2026-05", "Improvement notice"),
        ("2026-11", "Improvement notice"),
    ]


def test_issue16_a_stage_closed_by_the_batch_is_in_the_trail_with_its_date(tmp_path: Path) -> None:
    returns = tmp_path / "r"
    returns.mkdir()
    ret = with_compliance(("Improvement notice", dt.date(2026, 4, 1), dt.date(2026, 9, 1)))
    ret.actions[0].status = ActionStatus.COMPLETE
    write_return(returns / "r.xlsx", ret)
    history = tmp_path / "history.xlsx"
    report = run_batch(returns, tmp_path / "o", options(history, "2026-05", dt.date(2026, 6, 20)))
    assert report.ok
    log = [
        [c.value for c in row]
        for row in load_workbook(history)["Compliance log"].iter_rows(min_row=4)
    ]
    assert [r[1] for r in log] == ["Improvement notice", "None"]
    assert log[1][2] == dt.datetime(2026, 5, 12)  # closed on the round's date of monitoring
    assert log[1][7] == "cpcxl batch (requirements met)" and log[1][-1] == "cpcxl batch"
    stage = read_history_file(history, RESOLVE, CPC306).of("P-0042").rounds[0].stage
    assert stage == "None"
    assert REQUIREMENT in log[1][4]


def test_issue16_updates_for_people_kept_informed(tmp_path: Path) -> None:
    returns = returns_for(tmp_path / "r", 2)
    result = CliRunner().invoke(
        monitoring,
        ["batch", str(returns), "--out", str(tmp_path / "o"), "--as-at", "01/10/2026", "--updates"],
    )
    assert result.exit_code == 0, result.output
    update = load_workbook(tmp_path / "o" / "updates" / "P-0001.xlsx")
    ws = update["Update"]
    assert ws["A1"].value == f"Monitoring update: {sample_return(0, 7).details.provider_name}"
    # one page: fitted 1 wide and 1 tall (1 is the file's default, so it reads as None)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight or 1) == (1, 1)
    assert ws.page_setup.orientation == "portrait"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    informed = [
        s
        for s in sample_return(0, 7).stakeholders
        if str(s.involvement) == "Receiving information only"
    ]
    assert informed and all(any(t.startswith(s.who) for t in texts) for s in informed)
    assert "Who receives this update (CPC 305 B8)" in texts
    # nothing of the evidence or the safeguarding detail
    assert not any("Safeguarding concern" in t for t in texts)
    # run again: the updates are kept as they are (their summaries are up to date)
    again = CliRunner().invoke(
        monitoring,
        ["batch", str(returns), "--out", str(tmp_path / "o"), "--as-at", "01/10/2026", "--updates"],
    )
    assert again.exit_code == 0, again.output


def test_issue16_two_jobs_write_the_same_history_as_one(tmp_path: Path) -> None:
    returns = returns_for(tmp_path / "r", 8)
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    run_batch(returns, tmp_path / "o1", options(one, "2026-10", ROUND_1, jobs=1))
    run_batch(returns, tmp_path / "o2", options(two, "2026-10", ROUND_1, jobs=2))
    assert (
        read_history_file(one, RESOLVE, CPC306).rows == read_history_file(two, RESOLVE, CPC306).rows
    )
    # The second round: with 2 jobs each worker is handed its provider's slice of the
    # history, not the whole of it; every round follows on (numbered 2) as with 1 job.
    later = returns_for(tmp_path / "r2", 8, months=6)
    run_batch(later, tmp_path / "p1", options(one, "2027-04", ROUND_2, jobs=1))
    report = run_batch(later, tmp_path / "p2", options(two, "2027-04", ROUND_2, jobs=2))
    assert report.ok and report.history_written, report.errors
    by_one, by_two = (read_history_file(p, RESOLVE, CPC306) for p in (one, two))
    assert by_one.rows == by_two.rows
    assert all([r.number for r in by_two.of(f"P-{i:04d}").rounds] == [1, 2] for i in range(1, 9))
    for name in ("P-0001.xlsx", "P-0008.xlsx"):
        cells = [
            [c for c in row if c is not None]
            for row in load_workbook(tmp_path / "p2" / name)["Summary"].iter_rows(values_only=True)
        ]
        assert cells == [
            [c for c in row if c is not None]
            for row in load_workbook(tmp_path / "p1" / name)["Summary"].iter_rows(values_only=True)
        ]


def test_spawned_workers_are_handed_their_slices_as_forked_ones_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where there is no fork (Windows, and macOS by default) workers are spawned: they
    import cpcxl afresh and get everything they need in their tasks, the history's slices
    included. The second round is the same as with forked workers."""
    import multiprocessing

    from cpcxl.monitoring.workbook import batch

    returns = returns_for(tmp_path / "r", 3)
    forked, spawned = tmp_path / "forked.xlsx", tmp_path / "spawned.xlsx"
    run_batch(returns, tmp_path / "o1", options(forked, "2026-10", ROUND_1))
    shutil.copyfile(forked, spawned)
    later = returns_for(tmp_path / "r2", 3, months=6)
    run_batch(later, tmp_path / "f2", options(forked, "2027-04", ROUND_2, jobs=2))
    pools: list[str] = []

    def spawn() -> multiprocessing.context.BaseContext:
        pools.append("spawn")
        return multiprocessing.get_context("spawn")

    monkeypatch.setattr(batch, "_context", spawn)
    report = run_batch(later, tmp_path / "s2", options(spawned, "2027-04", ROUND_2, jobs=2))
    assert pools == ["spawn"] and report.ok and report.summarised == 3, report.errors
    by_fork, by_spawn = (read_history_file(p, RESOLVE, CPC306) for p in (forked, spawned))
    assert by_spawn.rows == by_fork.rows
    assert [r.number for r in by_spawn.of("P-0003").rounds] == [1, 2]


def test_no_thread_of_the_batch_runs_when_it_forks(tmp_path: Path) -> None:
    """The history is read while the workers make their first pass, but in the main thread
    and after they have started: a thread running at a fork can leave a lock held for ever
    in the child (a module being imported, say), and the worker would hang on it."""
    import os
    import threading

    returns = returns_for(tmp_path / "r", 3)
    history = tmp_path / "history.xlsx"
    run_batch(returns, tmp_path / "o1", options(history, "2026-10", ROUND_1))
    before = set(threading.enumerate())  # the test session's own, if any
    extra: list[set[threading.Thread]] = []
    watching = True

    def at_fork() -> None:
        if watching:
            extra.append(set(threading.enumerate()) - before)

    os.register_at_fork(before=at_fork)  # it cannot be removed: ``watching`` ends it
    try:
        later = returns_for(tmp_path / "r2", 3, months=6)
        report = run_batch(later, tmp_path / "o2", options(history, "2027-04", ROUND_2, jobs=2))
    finally:
        watching = False
    assert report.ok and report.history_written
    # two workers and the history's writer were forked, each with no thread of the batch's
    assert len(extra) >= 3 and all(not threads for threads in extra), extra


def test_a_worker_handed_another_providers_slice_hands_the_return_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch cuts each provider's slice by the ID its first pass read; a return whose ID
    reads otherwise in full is handed back untouched (nothing written), never summarised
    against another provider's history."""
    from cpcxl.monitoring.workbook import batch

    returns = returns_for(tmp_path / "r", 2)
    history = tmp_path / "history.xlsx"
    run_batch(returns, tmp_path / "o", options(history, "2026-10", ROUND_1))
    whole = read_history_file(history, RESOLVE, CPC306)
    worker = options(history, "2027-04", ROUND_2, overwrite=True)
    monkeypatch.setattr(batch, "_options", dataclasses.replace(worker, out_dir=tmp_path / "o2"))
    outcome = batch.process_return(
        str(returns / "return_P-0001.xlsx"), whole.slice("P-0002"), provider_id="P-0002"
    )
    assert (outcome.retry, outcome.row, outcome.errors, outcome.written) == ("P-0001", None, [], [])
    assert not (tmp_path / "o2").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_return_whose_id_the_first_pass_missed_gets_its_own_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The first pass reads only the provider ID, where the Return sheet's table usually
    has it; if it finds none (or another) the return is run again with the slice of the
    provider it holds, so its round follows on from its earlier ones (numbered 2, not a
    second round 1). A copy of another provider's return found that way is reported as one,
    and only the other is summarised."""
    from cpcxl.monitoring.workbook import batch

    history = tmp_path / "history.xlsx"
    first = returns_for(tmp_path / "r1", 3)
    run_batch(first, tmp_path / "o1", options(history, "2026-10", ROUND_1))
    later = returns_for(tmp_path / "r2", 3, months=6)
    shutil.copyfile(later / "return_P-0003.xlsx", later / "zz_copy.xlsx")
    shutil.copyfile(later / "return_P-0002.xlsx", later / "zz_copy_2.xlsx")
    # P-0002's return and its copy both missed: one is summarised, the other is the copy
    missed = {"return_P-0002.xlsx", "zz_copy.xlsx", "zz_copy_2.xlsx"}
    read = batch.read_provider_id

    def first_pass(path: str, **kwargs: object) -> str:
        return "" if Path(path).name in missed else read(path, **kwargs)  # type: ignore[arg-type]

    # workers are forked after this, so they read IDs as it says
    monkeypatch.setattr(batch, "read_provider_id", first_pass)
    report = run_batch(later, tmp_path / "o2", options(history, "2027-04", ROUND_2, jobs=jobs))
    assert report.summarised == 3 and len(report.failed_files) == 2
    assert "zz_copy.xlsx" in report.failed_files
    [copy] = [e for e in report.errors if e[0] == "zz_copy.xlsx"]
    assert "this provider also has a return in return_P-0003.xlsx" in copy[3]
    # which of P-0002's two is summarised depends on which a worker finished first
    [second] = [f for f in report.failed_files if f != "zz_copy.xlsx"]
    summarised = ({"return_P-0002.xlsx", "zz_copy_2.xlsx"} - {second}).pop()
    [duplicate] = [e for e in report.errors if e[0] == second]
    assert f"this provider also has a return in {summarised}" in duplicate[3]
    after = read_history_file(history, RESOLVE, CPC306)
    assert all(
        [r.number for r in after.of(p).rounds] == [1, 2] for p in ("P-0001", "P-0002", "P-0003")
    )
    assert after.problems == {}


def test_the_round_label_is_checked(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        monitoring, ["batch", str(tmp_path), "--out", str(tmp_path / "o"), "--round", " "]
    )
    assert result.exit_code == 2 and "a round label of 1 to 40 characters" in result.output


def test_issue16_the_overview_prints_on_landscape_a4_and_the_full_table_has_its_own_sheet(
    tmp_path: Path,
) -> None:
    report = run_batch(returns_for(tmp_path / "r", 4), tmp_path / "o", BatchOptions(as_at=ROUND_1))
    wb = load_workbook(report.portfolio)  # type: ignore[arg-type]
    overview = wb["Overview"]
    assert [c.value for c in overview[5]] == [
        "Provider",
        "Service",
        "Rating",
        "Trend",
        "Stage",
        "Top concern",
        "Next visit",
    ]
    setup = overview.page_setup
    # A4 (paper 9), landscape, one page wide (1, the default, reads as None), as tall as it takes
    assert (str(setup.paperSize), setup.orientation, setup.fitToWidth or 1, setup.fitToHeight) == (
        "9",
        "landscape",
        1,
        0,
    )
    assert overview.print_title_rows == "$5:$5"  # the header on every page
    assert wb["Full overview"].max_column > 30


def test_issue16_pdf_writes_the_portfolio_pdf_of_the_sheets_that_print(
    tmp_path: Path, soffice: str
) -> None:
    import subprocess

    returns = returns_for(tmp_path / "r", 2)
    report = run_batch(returns, tmp_path / "o", BatchOptions(as_at=ROUND_1, pdf=True))
    pdf = tmp_path / "o" / "portfolio.pdf"
    assert report.ok and pdf.exists() and pdf in report.written
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Top concern" in text and "Monitoring plan for the next year" in text
    assert "Summary status" not in text  # the Full overview is for the screen


def test_a_history_saved_by_a_spreadsheet_unchanged_leaves_its_summaries_up_to_date(
    tmp_path: Path,
) -> None:
    history = tmp_path / "history.xlsx"
    run_batch(
        returns_for(tmp_path / "r1", 6), tmp_path / "o1", options(history, "2026-10", ROUND_1)
    )
    second = returns_for(tmp_path / "r2", 6, months=6)
    assert run_batch(second, tmp_path / "o2", options(history, "2027-04", ROUND_2)).ok
    # LibreOffice saves a number to 15 significant digits (58.333333333333336 becomes
    # 58.3333333333333), Excel to 17: the history's scores as LibreOffice would save them
    wb = load_workbook(history)
    shortened = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, float) and float(f"{cell.value:.15g}") != cell.value:
                    cell.value = float(f"{cell.value:.15g}")
                    shortened += 1
    assert shortened > 10  # the sample's scores include thirds, sevenths ...
    wb.save(history)
    again = run_batch(second, tmp_path / "o2", options(history, "2027-04", ROUND_2))
    assert (again.exit_code, again.stale, len(again.up_to_date)) == (0, [], 6)
    # a score changed in earlier than its 12th significant digit is a change
    wb = load_workbook(history)
    ws = wb["Rounds cqc"]
    column = [c.value for c in ws[3]].index("Overall score (%)") + 1
    ws.cell(4, column).value += 1e-9 * ws.cell(4, column).value
    wb.save(history)
    changed = run_batch(second, tmp_path / "o2", options(history, "2027-04", ROUND_2))
    assert [why for _, why in changed.stale] == [
        "Out of date: its history has changed (--overwrite rebuilds it)"
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_held_off_while_the_history_is_read_and_then_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    import gc

    from cpcxl.monitoring.workbook import batch

    history = tmp_path / "history.xlsx"
    first = returns_for(tmp_path / "r1", 2)
    run_batch(first, tmp_path / "o1", options(history, "2026-10", ROUND_1))
    during: list[bool] = []
    real = batch.read_history_file

    def spy(*args: Any, **kwargs: Any) -> Any:
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "read_history_file", spy)
    # the process that runs the batch (Excel's server, say) may have its own setting
    (gc.enable if enabled else gc.disable)()
    try:
        second = returns_for(tmp_path / "r2", 2, months=6)
        report = run_batch(second, tmp_path / "o2", options(history, "2027-04", ROUND_2))
        after = gc.isenabled()
    finally:
        gc.enable()
    assert report.ok and report.history_written
    assert during == [False]
    assert after is enabled


def test_a_history_fingerprint_counts_numbers_to_12_digits_and_keeps_the_earlier_one() -> None:
    from cpcxl.monitoring import engine
    from cpcxl.monitoring.workbook import batch

    from .cases import a_round, two_rounds

    def with_caring(score: float) -> ProviderHistory:
        history = two_rounds()
        history.rounds[1] = a_round(
            2, "2025-11", dt.date(2025, 11, 12), {d: (75.0, "Good") for d in CQC.domain_names()}
        )
        history.rounds[1].domains[2].percentage = score
        return history

    third = with_caring(58.333333333333336)  # 7 of 12: Excel keeps 17 digits
    now = engine.history_fingerprint(third)
    # as LibreOffice saves it, 15 digits: the same history
    assert engine.history_fingerprint(with_caring(58.3333333333333)) == now
    # a change in the 11th digit is a change
    assert engine.history_fingerprint(with_caring(58.333333334)) != now
    # a summary an earlier cpcxl wrote recorded every number exactly: still the same history
    earlier = engine.history_fingerprint(third, exact=True)
    assert earlier != now
    assert batch._same_history(earlier, now, third) and batch._same_history(now, now, third)
    assert not batch._same_history(engine.history_fingerprint(two_rounds()), now, third)


def test_a_history_fingerprint_is_the_one_summaries_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fingerprint makes each number steady where it is put in. Summaries in the field
    recorded the digest of the same parts made steady by a walk over the whole (every float,
    however deep, as steady_number gives it; one not finite as its repr): the second method
    here, with steady_number's rule written out (15 digits, then 12). The two must agree, or
    every summary is reported out of date after an upgrade."""
    import hashlib
    import math

    from cpcxl.common import values
    from cpcxl.monitoring import engine
    from cpcxl.monitoring.models import ActionKind, ActionRound, Baseline, KpiRound

    from .cases import two_rounds

    def walked(value: Any) -> Any:
        if isinstance(value, float):
            return f"{float(f'{value:.15g}'):.12g}" if math.isfinite(value) else repr(value)
        if isinstance(value, tuple | list):
            return type(value)(walked(v) for v in value)
        return value

    def parts(h: ProviderHistory) -> Any:
        return (
            [
                (
                    r.round,
                    r.number,
                    r.monitoring_date,
                    r.overall,
                    r.overall_percentage,
                    r.stage,
                    tuple(
                        (d.domain, d.percentage, d.rating, d.from_round, d.from_date)
                        for d in r.domains
                    ),
                    (
                        r.kpi_red,
                        r.kpi_amber,
                        r.kpi_green,
                        r.open_requirements,
                        r.open_recommendations,
                    ),
                )
                for r in h.rounds
            ],
            [
                (k.round, k.name, k.unit, k.higher_is_better, k.target, k.actual, k.rag, k.baseline)
                for k in h.kpis
            ],
            [
                (
                    a.round,
                    a.action,
                    str(a.kind),
                    str(a.responsible),
                    a.due,
                    str(a.status),
                    a.first_round,
                    a.first_date,
                    a.rounds_overdue,
                )
                for a in h.actions
            ],
            [
                (
                    c.stage,
                    c.entered,
                    c.issue,
                    c.requirement,
                    c.deadline,
                    c.evidence,
                    c.decided_by,
                    c.why,
                    c.round,
                )
                for c in h.compliance
            ],
            (h.baseline.round, h.baseline.set_by, h.baseline.why) if h.baseline else None,
        )

    history = two_rounds()
    history.rounds[0].overall_percentage = 58.333333333333336
    history.rounds[1].overall_percentage = math.nan
    history.rounds[1].domains[0].percentage = -0.0
    history.rounds[1].domains[1].percentage = math.inf
    history.rounds[1].domains[2].percentage = 92.65850945494995  # a half at the 12th digit
    history.kpis = [
        KpiRound(
            provider_id="P-0042",
            round="2025-05",
            name="Staff turnover",
            unit="% a year",
            higher_is_better=False,
            target=25.0,
            actual=1 / 3,
            baseline=None,
        ),
        KpiRound(
            provider_id="P-0042",
            round="2025-11",
            name="Staff turnover",
            target=1e16,
            actual=5e-324,
            baseline=0.1 + 0.2,
        ),
    ]
    history.actions = [
        ActionRound(
            provider_id="P-0042",
            round="2025-11",
            action="Update care plans",
            kind=ActionKind.REQUIREMENT,
            due=dt.date(2025, 12, 1),
            first_round="2025-05",
            first_date=dt.date(2025, 5, 14),
            rounds_overdue=1,
        )
    ]
    history.baseline = Baseline(provider_id="P-0042", round="2025-05", set_by="the officer")
    # the same with +0.0 where -0.0 was: equal as numbers, written "0" and "-0" (steady_number
    # remembers each number's steady form from one call to the next; these must not share one)
    positive = history.model_copy(deep=True)
    positive.rounds[1].domains[0].percentage = 0.0
    cases = (history, positive, two_rounds(), ProviderHistory(provider_id="P-0042"))
    # with none remembered; all remembered; and forgotten every three numbers
    for kept, fresh in ((100_000, True), (100_000, False), (3, True)):
        monkeypatch.setattr(values, "_STEADY_KEPT", kept)
        if fresh:
            monkeypatch.setattr(values, "_STEADY", {})
        for h in cases:
            steady = hashlib.sha256(repr(walked(parts(h))).encode()).hexdigest()
            exact = hashlib.sha256(repr(parts(h)).encode()).hexdigest()
            assert engine.history_fingerprint(h) == steady
            assert engine.history_fingerprint(h, exact=True) == exact
    assert engine.history_fingerprint(history) != engine.history_fingerprint(two_rounds())
    assert engine.history_fingerprint(history) != engine.history_fingerprint(positive)


def test_a_new_visit_under_the_last_rounds_label_leaves_that_round_in_the_history(
    tmp_path: Path,
) -> None:
    history = tmp_path / "history.xlsx"
    run_batch(
        returns_for(tmp_path / "r1", 2), tmp_path / "o1", options(history, "2026-10", ROUND_1)
    )
    before = read_history_file(history, RESOLVE, CPC306).rows
    # six months on, the command line of the last run used again: the same round label
    report = run_batch(
        returns_for(tmp_path / "r2", 2, months=6),
        tmp_path / "o2",
        options(history, "2026-10", ROUND_2),
    )
    assert sorted(e[0] for e in report.errors) == ["return_P-0001.xlsx", "return_P-0002.xlsx"]
    assert all("running a round again replaces it" in e[3] for e in report.errors)
    assert read_history_file(history, RESOLVE, CPC306).rows == before  # round 1 as it was
    rounds = read_history_file(history, RESOLVE, CPC306).of("P-0001").rounds
    assert [(r.round, r.number) for r in rounds] == [("2026-10", 1)]


def test_a_summary_whose_history_changed_is_out_of_date(tmp_path: Path) -> None:
    history = tmp_path / "history.xlsx"
    returns = returns_for(tmp_path / "r1", 1)
    run_batch(returns, tmp_path / "o", options(history, "2026-10", ROUND_1))
    # an officer sets a baseline (the history is changed), and the round is run again
    wb = load_workbook(history)
    wb["Baselines"].append(["P-0001", "2026-10", "Contracts Manager", "the first full round"])
    wb.save(history)
    again = run_batch(returns, tmp_path / "o", options(history, "2026-10", ROUND_1))
    assert again.exit_code == 3
    assert [why for _, why in again.stale] == [
        "Out of date: its history has changed (--overwrite rebuilds it)"
    ]
    shutil.rmtree(tmp_path / "o")


@pytest.mark.parametrize("jobs", [1, 2])
def test_where_there_is_no_fork_the_history_is_written_in_the_batchs_own_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Windows and macOS (spawn): the history is written here, and says what a forked
    writer writes. The second method: the same two rounds' returns run where fork is used."""
    import multiprocessing
    import os

    from cpcxl.monitoring.workbook import batch

    rounds = [
        (label, as_at, returns_for(tmp_path / f"r-{label}", 3, months=months))
        for label, as_at, months in (("2026-10", ROUND_1, 0), ("2027-04", ROUND_2, 6))
    ]

    def both_rounds(folder: Path) -> Path:
        history = folder / "history.xlsx"
        for label, as_at, returns in rounds:
            run = options(history, label, as_at, jobs=jobs)
            report = run_batch(returns, folder / f"o-{label}", run)
            assert report.ok and report.history_written
        return history

    forked = read_history_file(both_rounds(tmp_path / "fork"), RESOLVE, CPC306)
    writers: list[int] = []
    real = batch._update_history

    def here(*args: Any) -> None:
        writers.append(os.getpid())  # seen only if it ran in this process
        real(*args)

    monkeypatch.setattr(batch, "_update_history", here)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    spawned = read_history_file(both_rounds(tmp_path / "spawn"), RESOLVE, CPC306)
    assert writers == [os.getpid()] * 2
    # three providers, two rounds each, the same rows either way
    assert len(spawned.provider_keys()) == 3
    assert sum(len(r) for s, r in spawned.rows.items() if s.startswith("Rounds ")) == 6
    assert spawned.rows == forked.rows
