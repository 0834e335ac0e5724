"""The batch: bad returns reported with their location, inputs untouched, outputs atomic."""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.files import sha256
from cpcxl.monitoring.workbook import BatchOptions, batch, run_batch, write_samples

from .cases import ISSUE_CASES, edited_return

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
    assert len(again.kept) == 4 and again.ok  # three summaries and the portfolio
    replaced = run_batch(returns, out, BatchOptions(as_at=AS_AT, overwrite=True))
    assert len(replaced.written) == 4


def test_two_jobs_give_the_same_portfolio_as_one(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    write_samples(returns, 12, seed=9)
    one = run_batch(returns, tmp_path / "one", BatchOptions(as_at=AS_AT, jobs=1))
    two = run_batch(returns, tmp_path / "two", BatchOptions(as_at=AS_AT, jobs=2))
    assert one.summarised == two.summarised == 12

    def cells(path: Path) -> list[list[object]]:
        return [list(r) for r in load_workbook(path)["Overview"].iter_rows(values_only=True)]

    assert cells(one.portfolio) == cells(two.portfolio)


_process_return = batch.process_return


def _dies_on_poison(source: str) -> batch.Outcome:
    """process_return, except that a worker given a 'poison' return dies outright, as one
    killed for running out of memory would."""
    if "poison" in Path(source).name:
        os._exit(137)
    return _process_return(source)


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
