"""The batch: bad returns reported with their location, inputs untouched, outputs atomic."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import os
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cpcxl.common.files import sha256
from cpcxl.monitoring.cli import monitoring
from cpcxl.monitoring.models import PreviousScore
from cpcxl.monitoring.outputs import NO_RETURN, RETURN_CHANGED, UP_TO_DATE
from cpcxl.monitoring.sample import write_samples
from cpcxl.monitoring.workbook import BatchOptions, batch, run_batch, write_return

from .cases import ISSUE_CASES, edited_return, only_scored

CORPUS = Path(__file__).resolve().parents[1] / "data" / "monitoring"
AS_AT = dt.date(2026, 11, 1)
# Over the zip bomb (331 kB), under the oversized return (462 kB): a configurable limit.
LIMIT = 400_000

# file -> (sheet, cell, words in the message) for the first error each bad return gives
EXPECTED = {
    "bad_choices.xlsx": ("Return", "B6", "'Charity' is not a provider type"),
    "bad_previous_rating.xlsx": ("Return", "B18", "'Brilliant' is not a rating of the cqc"),
    "damaged_zip.xlsx": ("", "", "damaged"),
    "duplicate_a.xlsx": ("Return", "", "also has a return in duplicate_b.xlsx"),
    "duplicate_b.xlsx": ("Return", "", "also has a return in duplicate_a.xlsx"),
    "empty.xlsx": ("", "", "the file is empty"),
    "excel_errors.xlsx": ("Return", "B5", "the cell holds the error #N/A"),
    "formula_provider_id.xlsx": ("Return", "B4", "'=P-0012' cannot name a summary file"),
    "impossible_dates.xlsx": ("Actions", "E4", "'2026-13-01' is not a real date"),
    "kpi_text.xlsx": ("KPIs", "B4", "'high' is not a number"),
    "missing_provider_id.xlsx": ("Return", "B4", "the setting 'Provider ID' is missing"),
    "missing_sheets.xlsx": ("", "", "sheets Scores, KPIs missing"),
    "negative_contract_value.xlsx": ("Return", "B9", "-5000 is outside £0 to £1,000,000,000,000"),
    "not_a_workbook.xlsx": ("", "", "not an Excel workbook"),
    "other_template.xlsx": ("", "", "this is not a monitoring return"),
    "oversized.xlsx": ("", "", "over the"),
    "password_protected.xlsx": ("", "", "password-protected"),
    "period_reversed.xlsx": ("Return", "B12", "the period ends (01/01/2026) before it starts"),
    "renamed_headers.xlsx": (
        "Scores",
        "",
        "the Scores table has no 'Domain', 'Score (1-4 or N/A)' columns",
    ),
    "requirement_without_due.xlsx": ("Actions", "D4", "this is blank; valid: Provider"),
    "scores_out_of_range.xlsx": ("Scores", "D4", "5 is not a score"),
    "text_in_scores.xlsx": ("Scores", "D4", "'three' is not a score"),
    "unknown_domain.xlsx": ("Scores", "A5", "'Safety' is not a domain of the cqc framework"),
    "unknown_framework.xlsx": ("Return", "B10", "'iso9001' is not a known monitoring framework"),
    "xml_bomb.xlsx": ("", "", "could not be read"),
    "zip_bomb.xlsx": ("", "", "unpacks to 300.1 MB, over the 200 MB limit"),
}
GOOD = {"good_1.xlsx": "P-0001", "good_2.xlsx": "P-0002", "formula_text.xlsx": "P-0011"}


def read_errors(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


def test_the_corpus_has_every_kind_of_bad_return() -> None:
    files = {p.name for p in CORPUS.glob("*.xlsx")}
    assert set(EXPECTED) | set(GOOD) == files
    assert len(EXPECTED) >= 20


def test_each_bad_return_is_reported_where_it_is_and_the_rest_are_summarised(
    tmp_path: Path,
) -> None:
    before = hashes(CORPUS)
    out = tmp_path / "out"
    report = run_batch(CORPUS, out, BatchOptions(as_at=AS_AT, max_bytes=LIMIT))
    assert hashes(CORPUS) == before  # inputs are only read
    errors = read_errors(out / "errors.csv")
    assert list(errors[0]) == ["file", "sheet", "cell", "message"]
    first = {}
    for e in errors:
        first.setdefault(e["file"], e)
    assert set(first) == set(EXPECTED)
    for name, (sheet, cell, words) in EXPECTED.items():
        got = first[name]
        assert (got["sheet"], got["cell"]) == (sheet, cell), (name, got)
        assert words in got["message"], (name, got["message"])
    assert sorted(report.failed_files) == sorted(EXPECTED)
    assert {p.name for p in out.iterdir()} == {
        *(f"{pid}.xlsx" for pid in GOOD.values()),
        "portfolio.xlsx",
        "errors.csv",
    }
    # Text that starts with "=" in every text field stays text in the summary.
    summary = load_workbook(out / "P-0011.xlsx")
    cells = [c for ws in summary.worksheets for row in ws.iter_rows() for c in row]
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert len(formula_like) >= 8
    assert all(c.data_type == "s" for c in formula_like)
    portfolio = load_workbook(out / "portfolio.xlsx")["Overview"]
    assert "could not be read: 26" in portfolio["A3"].value


def test_existing_outputs_are_kept_unless_overwrite(tmp_path: Path) -> None:
    returns, out = tmp_path / "returns", tmp_path / "out"
    write_samples(returns, 3, seed=5)
    run_batch(returns, out, BatchOptions(as_at=AS_AT))
    first = hashes(out)
    time.sleep(0.01)
    again = run_batch(returns, out, BatchOptions(as_at=AS_AT))
    assert hashes(out) == first
    # Issue 12 case 11: nothing changed, so the three summaries are up to date (their
    # returns' fingerprints match) and the portfolio already says exactly this: nothing is
    # rewritten and nothing is "kept" against the officer's wishes, so the run exits 0.
    # (Before, all four were counted as kept, and the overview could silently go stale.)
    assert len(again.up_to_date) == 3 and again.kept == [] and again.exit_code == 0
    replaced = run_batch(returns, out, BatchOptions(as_at=AS_AT, overwrite=True))
    assert len(replaced.written) == 4


def test_two_jobs_give_the_same_portfolio_as_one(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 12, seed=9)
    one = run_batch(returns, tmp_path / "one", BatchOptions(as_at=AS_AT, jobs=1))
    two = run_batch(returns, tmp_path / "two", BatchOptions(as_at=AS_AT, jobs=2))
    assert one.summarised == two.summarised == 12

    def cells(path: Path) -> list[list[object]]:
        book = load_workbook(path)
        return [
            list(r)
            for name in ("Overview", "Full overview")
            for r in book[name].iter_rows(values_only=True)
        ]

    assert cells(one.portfolio) == cells(two.portfolio)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_copy_of_a_return_the_first_pass_missed_never_replaces_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The first pass looks for duplicate returns by the provider ID where the Return sheet's
    table usually has it. A copy whose ID it misses is found when the copy is read in full:
    it is handed back before anything is written and reported as a duplicate, even with
    --overwrite (which would otherwise let it replace the first copy's summary)."""
    from cpcxl.monitoring.sample import sample_return
    from cpcxl.monitoring.workbook.summaries import read_summary_record

    returns = tmp_path / "returns"
    write_samples(returns, 3, seed=7)
    copy = sample_return(1, 7)  # P-0002's, scored otherwise
    copy.scores[0].score = 1 if copy.scores[0].score != 1 else 2
    write_return(returns / "zz_copy.xlsx", copy)
    read = batch.read_provider_id

    def first_pass(path: str, **kwargs: object) -> str:
        return "" if Path(path).name == "zz_copy.xlsx" else read(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "read_provider_id", first_pass)  # workers fork after this
    options = BatchOptions(as_at=AS_AT, jobs=jobs, overwrite=True)
    report = run_batch(returns, tmp_path / "out", options)
    assert report.failed_files == ["zz_copy.xlsx"] and report.summarised == 3
    [row] = read_errors(report.errors_csv)
    assert "this provider also has a return in return_P-0002.xlsx" in row["message"]
    record = read_summary_record(tmp_path / "out" / "P-0002.xlsx")
    assert record is not None and record.return_sha256 == sha256(returns / "return_P-0002.xlsx")


_process_return = batch.process_return


def _dies_on_poison(source: str, history: object = None, **kwargs: object) -> batch.Outcome:
    """process_return, except that a worker given a 'poison' return dies outright, as one
    killed for running out of memory would."""
    if "poison" in Path(source).name:
        os._exit(137)
    return _process_return(source, history, **kwargs)  # type: ignore[arg-type]


def test_a_worker_that_dies_loses_only_its_own_return(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    returns = tmp_path / "returns"
    victim = write_samples(returns, 12, seed=9)[4]
    lost = victim.stem.removeprefix("return_")  # the provider whose summary is lost
    victim.rename(returns / "poison.xlsx")
    # Workers are forked, so they run the patched function the pool is handed.
    monkeypatch.setattr(batch, "process_return", _dies_on_poison)
    report = run_batch(returns, tmp_path / "out", BatchOptions(as_at=AS_AT, jobs=2))
    assert report.returns == 12 and report.summarised == 11
    assert report.failed_files == ["poison.xlsx"]
    [row] = read_errors(report.errors_csv)
    assert row["file"] == "poison.xlsx"
    assert "stopped unexpectedly" in row["message"]
    summaries = sorted(p.name for p in (tmp_path / "out").glob("P-*.xlsx"))
    assert len(summaries) == 11 and f"{lost}.xlsx" not in summaries


def _batch_process(returns: Path, out: Path, *extra: str) -> subprocess.Popen:
    code = "from cpcxl.cli import main; main()"
    args = [
        sys.executable,
        "-c",
        code,
        "monitoring",
        "batch",
        str(returns),
        "--out",
        str(out),
        *extra,
    ]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _finished_outputs_are_whole(out: Path) -> None:
    for p in out.glob("*.xlsx"):
        if not p.name.startswith("."):
            with zipfile.ZipFile(p) as z:
                assert z.testzip() is None, p
            load_workbook(p)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_batch_leaves_no_partial_file_and_a_rerun_completes(tmp_path: Path, how) -> None:
    returns, out = tmp_path / "returns", tmp_path / "out"
    write_samples(returns, 40, seed=4)
    process = _batch_process(returns, out, "--as-at", "01/11/2026")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("P-*.xlsx"))) < 3:
        time.sleep(0.02)
    os.kill(process.pid, how)
    process.wait(30)
    done = list(out.glob("P-*.xlsx"))
    assert 3 <= len(done) < 40, "the batch should have been stopped part way"
    assert not (out / "portfolio.xlsx").exists()
    _finished_outputs_are_whole(out)
    leftovers = [p for p in out.iterdir() if p.name.startswith(".")]
    if how == signal.SIGTERM:
        assert leftovers == []  # a clean stop removes its temp files
    rerun = _batch_process(returns, out, "--as-at", "01/11/2026")
    assert rerun.wait(120) == 0
    assert len(list(out.glob("P-*.xlsx"))) == 40
    assert (out / "portfolio.xlsx").exists()
    assert [p for p in out.iterdir() if p.name.startswith(".")] == []
    _finished_outputs_are_whole(out)


@pytest.mark.soffice
def test_pdf_summaries_through_libreoffice(tmp_path: Path, soffice: str) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 1, seed=2)
    report = run_batch(returns, tmp_path / "out", BatchOptions(as_at=AS_AT, pdf=True))
    pdf = tmp_path / "out" / "P-0001.pdf"
    assert report.ok and pdf in report.written
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_issue_cases_are_listed_in_errors_csv_and_the_other_returns_carry_on(
    tmp_path: Path,
) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    edited_return(returns / "good.xlsx", {})
    names = {}
    for i, (edits, sheet, cell, message) in enumerate(ISSUE_CASES.values()):
        name = f"case_{i}.xlsx"
        # each its own provider, so none is refused as a second return for one provider
        edited_return(returns / name, {**edits, "Return": {"B4": f"P-90{i}"}})
        names[name] = (sheet, cell, message)
    report = run_batch(returns, tmp_path / "out", BatchOptions(as_at=AS_AT))
    assert report.summarised == 1 and sorted(report.failed_files) == sorted(names)
    errors = read_errors(report.errors_csv)
    for name, (sheet, cell, message) in names.items():
        rows = [(e["sheet"], e["cell"], e["message"]) for e in errors if e["file"] == name]
        assert any((s, c) == (sheet, cell) and m.startswith(message) for s, c, m in rows), rows
    assert all(len(e["message"]) < 400 for e in errors)  # the long score is not echoed
    assert (tmp_path / "out" / "P-0042.xlsx").exists()  # the good return's summary


# --- issue 13: rating cases in the summary files and the overview ------------------------


def _overview(path: Path) -> dict[str, dict[str, object]]:
    """{provider ID: {column: value}} from the portfolio's Full overview (header on row 5;
    issue 16 moved the full table there, and the Overview is the page that prints)."""
    ws = load_workbook(path)["Full overview"]
    header = [c.value for c in ws[5]]
    return {
        str(row[0]): dict(zip(header, row, strict=True))
        for row in ws.iter_rows(min_row=6, values_only=True)
        if row[0] is not None
    }


def test_issue13_cases_13_and_15_in_the_summaries_and_the_overview(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    two = {"Safe": [4, 4], "Effective": [4, 4]}
    cases = {
        # only two key questions scored, nothing to carry forward: Not rated (was Outstanding)
        "P-1301": only_scored(two),
        # the same, with the three others' previous ratings carried forward: Outstanding
        "P-1302": only_scored(
            two,
            previous=tuple(
                PreviousScore(domain=d, rating="Good") for d in ("Caring", "Responsive", "Well-led")
            ),
        ),
        # every statement N/A: Not rated, and no error (was "no domain has a rating")
        "P-1501": only_scored({}),
    }
    for pid, ret in cases.items():
        ret.details.provider_id = pid
        write_return(returns / f"{pid}.xlsx", ret)
    report = run_batch(returns, tmp_path / "out", BatchOptions(as_at=AS_AT))
    assert report.ok and report.summarised == 3, report.errors
    rows = _overview(report.portfolio)
    assert {pid: r["Overall rating"] for pid, r in rows.items()} == {
        "P-1301": "Not rated",
        "P-1302": "Outstanding",
        "P-1501": "Not rated",
    }
    assert str(rows["P-1301"]["Why"]).startswith("no rating for Caring, Responsive, Well-led")
    assert str(rows["P-1501"]["Why"]).startswith("no statement scored this round")
    summary = load_workbook(tmp_path / "out" / "P-1501.xlsx")["Summary"]
    assert summary["A18"].value == "Not rated"


# --- issue 12 case 11: a rerun never leaves a stale overview ----------------------------


def _change_a_score(path: Path) -> None:
    wb = load_workbook(path)
    ws = wb["Scores"]
    ws["D4"] = 1 if ws["D4"].value != 1 else 2
    wb.save(path)


def test_issue12_case11_the_overview_describes_exactly_the_summaries_in_the_folder(
    tmp_path: Path,
) -> None:
    returns, out = tmp_path / "returns", tmp_path / "out"
    write_samples(returns, 2, seed=5)
    first = run_batch(returns, out, BatchOptions(as_at=AS_AT))
    assert first.exit_code == 0 and sorted(_overview(first.portfolio)) == ["P-0001", "P-0002"]
    old_row = _overview(first.portfolio)["P-0001"]
    kept_summary = sha256(out / "P-0001.xlsx")
    # change one return and add a new one, then rerun without --overwrite
    _change_a_score(returns / "return_P-0001.xlsx")
    write_samples(returns, 3, seed=5, first=2)
    again = run_batch(returns, out, BatchOptions(as_at=AS_AT))
    assert sha256(out / "P-0001.xlsx") == kept_summary  # kept: never replaced unasked
    assert again.stale == [(out / "P-0001.xlsx", RETURN_CHANGED)]
    assert again.exit_code == 3  # non-zero until it is rebuilt (was 0)
    rows = _overview(out / "portfolio.xlsx")
    assert sorted(rows) == ["P-0001", "P-0002", "P-0003"]  # the new provider is in it
    # the overview describes the summary in the folder (the old one), and says it is stale
    assert rows["P-0001"]["Summary status"] == RETURN_CHANGED
    assert rows["P-0001"]["Overall score (%)"] == old_row["Overall score (%)"]
    assert rows["P-0002"]["Summary status"] == rows["P-0003"]["Summary status"] == UP_TO_DATE
    ws = load_workbook(out / "portfolio.xlsx")["Overview"]
    assert "Summaries out of date: 1 (see Summary status)." in ws["A3"].value
    # the command says so and exits 3 (KEPT_EXIT) too
    result = CliRunner().invoke(
        monitoring, ["batch", str(returns), "--out", str(out), "--as-at", "01/11/2026"]
    )
    assert result.exit_code == 3, result.output
    assert "1 summaries are out of date" in result.output
    assert f"{out / 'P-0001.xlsx'}: {RETURN_CHANGED}" in result.output
    # rebuilt with --overwrite: everything up to date, exit 0
    rebuilt = run_batch(returns, out, BatchOptions(as_at=AS_AT, overwrite=True))
    assert rebuilt.exit_code == 0 and rebuilt.stale == []
    assert {r["Summary status"] for r in _overview(out / "portfolio.xlsx").values()} == {UP_TO_DATE}
    # a return taken away leaves its summary in the folder: listed, and out of date
    (returns / "return_P-0002.xlsx").unlink()
    gone = run_batch(returns, out, BatchOptions(as_at=AS_AT))
    assert gone.stale == [(out / "P-0002.xlsx", NO_RETURN)] and gone.exit_code == 3
    assert _overview(out / "portfolio.xlsx")["P-0002"]["Summary status"] == NO_RETURN


def test_issue12_case11_a_portfolio_a_person_changed_is_kept_unless_overwrite(
    tmp_path: Path,
) -> None:
    returns, out = tmp_path / "returns", tmp_path / "out"
    write_samples(returns, 2, seed=5)
    run_batch(returns, out, BatchOptions(as_at=AS_AT))
    wb = load_workbook(out / "portfolio.xlsx")
    wb["Overview"]["A1"] = "Notes for the contracts meeting"  # an officer's own note
    wb.save(out / "portfolio.xlsx")
    edited = sha256(out / "portfolio.xlsx")
    write_samples(returns, 3, seed=5, first=2)  # a new provider: the overview would change
    again = run_batch(returns, out, BatchOptions(as_at=AS_AT))
    assert sha256(out / "portfolio.xlsx") == edited  # the officer's note is not lost
    assert again.portfolio_kept and out / "portfolio.xlsx" in again.kept
    assert again.exit_code == 3
    replaced = run_batch(returns, out, BatchOptions(as_at=AS_AT, overwrite=True))
    assert replaced.exit_code == 0 and sorted(_overview(replaced.portfolio)) == [
        "P-0001", "P-0002", "P-0003"
    ]  # fmt: skip


def test_issue12_case11_opening_and_saving_the_portfolio_is_not_a_change(tmp_path: Path) -> None:
    returns, out = tmp_path / "returns", tmp_path / "out"
    write_samples(returns, 3, seed=5)
    run_batch(returns, out, BatchOptions(as_at=AS_AT))
    wb = load_workbook(out / "portfolio.xlsx")  # saved again with nothing changed
    wb.save(out / "portfolio.xlsx")
    (returns / "return_P-0003.xlsx").unlink()
    again = run_batch(returns, out, BatchOptions(as_at=AS_AT))
    assert not again.portfolio_kept and out / "portfolio.xlsx" in again.written


# --- issue 12 case 10: the one overwrite rule --------------------------------------------


def test_issue12_case10_a_summary_that_is_an_input_is_never_written(tmp_path: Path) -> None:
    returns, out = tmp_path / "returns", tmp_path / "out"
    [source] = write_samples(returns, 1, seed=5)
    out.mkdir()
    (out / "P-0001.xlsx").symlink_to(source)  # the summary's name links to the return
    before = sha256(source)
    report = run_batch(returns, out, BatchOptions(as_at=AS_AT, overwrite=True))
    assert sha256(source) == before and (out / "P-0001.xlsx").is_symlink()
    [row] = read_errors(report.errors_csv)
    assert row["file"] == "return_P-0001.xlsx"
    assert "cpcxl never writes over its input" in row["message"]
    assert report.exit_code == 1


# --- issue 12 case 14: smaller input holes ----------------------------------------------


def test_issue12_case14_dangling_links_and_link_loops_are_reported(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 1, seed=5)
    (returns / "moved.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (returns / "loop_a.xlsx").symlink_to(returns / "loop_b.xlsx")
    (returns / "loop_b.xlsx").symlink_to(returns / "loop_a.xlsx")
    report = run_batch(returns, tmp_path / "out", BatchOptions(as_at=AS_AT))
    rows = {r["file"]: r["message"] for r in read_errors(report.errors_csv)}
    assert rows["moved.xlsx"].startswith("a link to a file that does not exist")
    assert rows["loop_a.xlsx"].startswith("a link that leads round in a loop")
    assert rows["loop_b.xlsx"].startswith("a link that leads round in a loop")
    assert report.returns == 4 and report.summarised == 1 and report.exit_code == 1


def test_issue12_case14_merged_scores_stray_rows_and_huge_money_are_located(
    tmp_path: Path,
) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    merged = edited_return(returns / "merged.xlsx", {"Return": {"B4": "P-1401"}})
    wb = load_workbook(merged)
    wb["Scores"].merge_cells("D4:D7")  # four scores under one merged cell
    wb.save(merged)
    stray = edited_return(returns / "stray.xlsx", {"Return": {"B4": "P-1402"}})
    wb = load_workbook(stray)
    for r in range(100_000):  # typed below the Scores table, outside it
        wb["Scores"].cell(38 + r, 1, "Safe")
    wb.save(stray)
    edited_return(returns / "money.xlsx", {"Return": {"B4": "P-1403", "B9": 1e308}})
    report = run_batch(returns, tmp_path / "out", BatchOptions(as_at=AS_AT))
    assert report.summarised == 0 and report.exit_code == 1
    found = {
        (e["file"], e["sheet"], e["cell"]): e["message"] for e in read_errors(report.errors_csv)
    }
    assert found[("merged.xlsx", "Scores", "D4")].startswith(
        "the cells D4:D7 are merged, so only the first of them can be read"
    )
    assert found[("stray.xlsx", "Scores", "")].startswith(
        "row 38: 100,000 rows from row 38 to row 100,037 hold values below the Scores table"
    )
    # Money's plausible range (£0 to £1 trillion), never a 309-digit figure in a summary
    assert found[("money.xlsx", "Return", "B9")].startswith(
        "1e+308 is outside £0 to £1,000,000,000,000"
    )


# --- issue 12 case 12: workers stop when their batch is killed ----------------------------


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    """True while ``pid`` is alive (a zombie waiting to be reaped has stopped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_issue12_case12_workers_stop_soon_after_their_batch_is_killed(tmp_path: Path) -> None:
    returns, out = tmp_path / "returns", tmp_path / "out"
    write_samples(returns, 120, seed=4, jobs=2)
    process = _batch_process(returns, out, "--as-at", "01/11/2026", "--jobs", "2")
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(list(out.glob("P-*.xlsx"))) < 4:
        workers = _children(process.pid) or workers
        time.sleep(0.02)
    workers = _children(process.pid) or workers
    assert len(workers) == 2, "the batch should have two workers"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    # Before: the workers ran on forever, writing more summaries. Now each notices its
    # parent has gone (it checks every 0.25 s) and stops within a few seconds.
    deadline = time.monotonic() + 10
    try:
        while time.monotonic() < deadline and any(_running(w) for w in workers):
            time.sleep(0.05)
        assert not any(_running(w) for w in workers), "the workers outlived their batch"
    finally:
        for worker in workers:  # never leave a stray process behind, even when failing
            if _running(worker):
                os.kill(worker, signal.SIGKILL)
    done = sorted(out.glob("P-*.xlsx"))
    time.sleep(1)
    assert sorted(out.glob("P-*.xlsx")) == done and len(done) < 120  # no more summaries
    assert not (out / "portfolio.xlsx").exists()
    _finished_outputs_are_whole(out)
    # a worker stopped this way removes the file it was writing: no temp file is left
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    rerun = _batch_process(returns, out, "--as-at", "01/11/2026", "--jobs", "2")
    assert rerun.wait(180) == 0  # the summaries already made are up to date: exit 0
    assert len(list(out.glob("P-*.xlsx"))) == 120 and (out / "portfolio.xlsx").exists()


def test_issue12_case12_a_leftover_temp_file_is_no_summary_and_a_rerun_removes_it(
    tmp_path: Path,
) -> None:
    returns, out = tmp_path / "returns", tmp_path / "out"
    write_samples(returns, 1, seed=5)
    run_batch(returns, out, BatchOptions(as_at=AS_AT))
    # what atomic writing leaves when a process is killed outright mid-write
    leftover = out / ".P-0009.k3j2h1g0.xlsx"
    leftover.write_bytes((out / "P-0001.xlsx").read_bytes())
    report = run_batch(returns, out, BatchOptions(as_at=AS_AT))
    assert not leftover.exists()
    assert sorted(_overview(out / "portfolio.xlsx")) == ["P-0001"] and report.stale == []


def _collector(_: object) -> tuple[int, int]:
    """In a worker: its garbage collector's first threshold and how many objects it froze."""
    return gc.get_threshold()[0], gc.get_freeze_count()


def test_a_worker_keeps_its_imports_out_of_the_garbage_collectors_way() -> None:
    # each summary leaves cycles for the collector, which would walk every object the
    # worker imported at each full pass (the bench measures the difference)
    before = gc.get_threshold()
    with batch._Runner(BatchOptions(jobs=2)) as runner:
        found = list(runner.map(_collector, [1, 2, 3, 4], crashed=lambda item: None))
    assert {threshold for threshold, _ in found} == {batch.WORKER_GC_THRESHOLD}
    assert all(frozen > 1_000 for _, frozen in found)  # the modules a worker imported
    # only the workers: the process that runs the batch (Excel's server, say) keeps its own
    assert gc.get_threshold() == before


def _retyped_id(path: Path, provider_id: str) -> None:
    """The return at ``path`` with its Provider ID (Return!B4) typed as ``provider_id``."""
    wb = load_workbook(path)
    wb["Return"]["B4"] = provider_id
    wb.save(path)


def test_a_return_whose_provider_id_is_the_overviews_name_never_takes_its_place(
    tmp_path: Path,
) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 2, seed=7)
    path = returns / sorted(p.name for p in returns.glob("*.xlsx"))[0]
    _retyped_id(path, "Portfolio")
    out = tmp_path / "out"
    for overwrite in (False, True):  # a first run, then one that may replace what it wrote
        report = run_batch(returns, out, BatchOptions(as_at=AS_AT, overwrite=overwrite))
        (error,) = report.errors
        assert error[:3] == (path.name, "Return", "B4")
        assert "'Portfolio' cannot name a summary file: the batch's overview is" in error[3]
        assert sorted(_overview(out / "portfolio.xlsx")) == ["P-0002"]
        assert not report.portfolio_kept


@pytest.mark.parametrize(
    "ids",
    [
        ("PORTFOLIO", "Portfolio"),  # the overview's name
        ("CON", "con"),  # a name Windows keeps for a device
        ("P 1", "P 1"),  # a space
    ],
)
def test_two_returns_with_an_id_no_summary_may_have_each_have_that_problem_not_a_duplicate(
    tmp_path: Path, ids: tuple[str, str]
) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 3, seed=7)
    names = sorted(p.name for p in returns.glob("*.xlsx"))
    for name, provider_id in zip(names, ids, strict=False):
        _retyped_id(returns / name, provider_id)
    report = run_batch(returns, tmp_path / "out", BatchOptions(as_at=AS_AT))
    # each is refused at its own cell for the name, neither said to be the other's copy
    assert [e[:3] for e in report.errors] == [
        (names[0], "Return", "B4"),
        (names[1], "Return", "B4"),
    ]
    assert all("cannot name a summary file" in e[3] for e in report.errors)
    assert not any("also has a return" in e[3] for e in report.errors)
    assert sorted(_overview(tmp_path / "out" / "portfolio.xlsx")) == ["P-0003"]


def test_a_provider_whose_id_changes_case_keeps_its_one_summary_and_update(
    tmp_path: Path,
) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 2, seed=7)
    out = tmp_path / "out"
    assert run_batch(returns, out, BatchOptions(as_at=AS_AT, updates=True)).ok
    # the next run's return spells P-0001 as p-0001: the same provider (as the duplicates
    # check and the history fold case), so the same files, as Windows and macOS would have it
    path = returns / sorted(p.name for p in returns.glob("*.xlsx"))[0]
    _retyped_id(path, "p-0001")
    report = run_batch(returns, out, BatchOptions(as_at=AS_AT, updates=True, overwrite=True))
    assert report.exit_code == 0 and report.stale == []
    assert sorted(p.name for p in out.glob("*.xlsx")) == [
        "P-0001.xlsx",
        "P-0002.xlsx",
        "portfolio.xlsx",
    ]
    assert sorted(p.name for p in (out / "updates").glob("*.xlsx")) == [
        "P-0001.xlsx",
        "P-0002.xlsx",
    ]
    assert sorted(_overview(out / "portfolio.xlsx")) == ["P-0002", "p-0001"]  # as the return says


def test_a_return_dated_after_the_as_at_date_is_noted(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 3, seed=7)
    dates = {p.name: load_workbook(p)["Return"]["B13"].value for p in returns.glob("*.xlsx")}
    assert all(isinstance(d, dt.datetime) for d in dates.values())  # B13: Date of monitoring
    as_at = sorted(dates.values())[1].date()  # one return after it, two on or before
    report = run_batch(returns, tmp_path / "out", BatchOptions(as_at=as_at))
    noted = [(f, n) for f, n in report.notes if "as-at date" in n]
    (after,) = [name for name, d in dates.items() if d.date() > as_at]
    assert noted == [
        (
            after,
            f"Return: the date of monitoring, {dates[after]:%d/%m/%Y}, is after the batch's "
            f"as-at date ({as_at:%d/%m/%Y}), which decides the actions overdue: run with "
            "--as-of the date the round is run, or correct the date",
        )
    ]
    assert report.summarised == 3  # a note, not a refusal


def test_a_summary_named_exactly_by_its_id_is_its_own_beside_one_in_another_case(
    tmp_path: Path,
) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 1, seed=7)
    out = tmp_path / "out"
    assert run_batch(returns, out, BatchOptions(as_at=AS_AT)).ok
    # a copy in another case (from an earlier run, or a person's): P-0001's return is still
    # P-0001.xlsx's, which is up to date; the copy is one no return accounts for
    (out / "p-0001.xlsx").write_bytes((out / "P-0001.xlsx").read_bytes())
    report = run_batch(returns, out, BatchOptions(as_at=AS_AT))
    assert [p.name for p in report.up_to_date] == ["P-0001.xlsx"]
    assert [(p.name, why) for p, why in report.stale] == [
        ("p-0001.xlsx", "Out of date: no return read for it in this run")
    ]


_TWICE = """
import os, signal, sys, time
from cpcxl.monitoring.workbook import batch
signal.signal(signal.SIGTERM, batch._stop_cleanly)
try:
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
except SystemExit:
    # removing temp files, when the pool ends this worker again
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.3)  # a second SystemExit would be raised here
    print("cleaned up", flush=True)
    time.sleep(30)  # a clean-up that hangs
"""


def test_a_second_stop_lets_the_first_clean_up_and_ends_the_process_within_the_grace() -> None:
    # The pool ends every worker it has left once one has ended (terminate_broken), so a
    # worker removing its temp file after a SIGTERM can be sent another.
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _TWICE], capture_output=True, text=True, timeout=25
    )
    took = time.monotonic() - started
    assert done.stdout == "cleaned up\n", done.stderr
    assert done.returncode == 128 + signal.SIGTERM
    # the grace (2 s) after the second stop, not the 30 s clean-up; the start-up is slack
    assert batch.STOP_GRACE_SECONDS <= took < batch.STOP_GRACE_SECONDS + 10


def _squared(n: int) -> int:
    return n * n


def test_a_pool_that_breaks_between_reading_results_and_handing_out_work_loses_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A worker can die after the runner has read the last results and before it hands the
    # pool more work: the pool then refuses the work (BrokenProcessPool from submit), which
    # stopped the batch about once in twenty runs of the dying-worker test above. The
    # refused work must be tried again like the work the pool had in hand.
    with batch._Runner(BatchOptions(jobs=2)) as runner:
        assert runner.pool is not None
        first = runner.pool
        submit, calls = first.submit, []

        def breaks_on_the_third(*args: Any, **kwargs: Any) -> Any:
            calls.append(args)
            if len(calls) == 3:
                raise BrokenProcessPool("A child process terminated abruptly")
            return submit(*args, **kwargs)

        monkeypatch.setattr(first, "submit", breaks_on_the_third)
        got = list(runner.map(_squared, list(range(40)), crashed=lambda n: None, window=4))
        assert runner.pool is not first  # the refused work was tried again in a new pool
    # every item exactly once, none lost and none reported crashed: n squared, by hand
    assert sorted(got) == [n * n for n in range(40)]


def _sleeps_in_a_task(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    # in short sleeps: a signal that reaches the worker's other thread is run by this one at
    # its next wake, within a tenth of a second
    for _ in range(200):
        time.sleep(0.1)


def test_a_worker_told_to_stop_in_the_middle_of_a_task_stops(tmp_path: Path) -> None:
    # The pool ends its workers with SIGTERM when one dies; a worker busy with a task then
    # must end, not take the stop for the task's error and wait for the next (the pool would
    # wait for it for ever)
    pid_file = tmp_path / "pid"
    with batch._Runner(BatchOptions(jobs=2)) as runner:
        assert runner.pool is not None
        runner.pool.submit(batch._each, _sleeps_in_a_task, [str(pid_file)])
        for _ in range(100):  # bounded: at most 10 s for the task to start
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.1)
        busy = int(pid_file.read_text())
        os.kill(busy, signal.SIGTERM)
        (process,) = [p for p in runner.pool._processes.values() if p.pid == busy]
        # The task would take 20 s; the stop, a tenth of one. The pool's own thread reaps
        # the worker as it ends (once one worker has ended it ends the rest), and until it
        # has recorded the exit code the worker's Process answers "alive": wait for the code.
        deadline = time.monotonic() + 15
        while process.exitcode is None and time.monotonic() < deadline:
            process.join(timeout=0.1)
        assert process.exitcode == 128 + signal.SIGTERM
